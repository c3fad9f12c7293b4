/**
 * Bulk writes with back-pressure: operations are cut into chunks (by count and by bytes) sent
 * one at a time (the caller's next batch waits for this one), items rejected with 429 (or a
 * whole request rejected with 429/503) are retried with exponential backoff and jitter, and
 * every other per-item failure is reported in that item's result, never thrown.
 */
import type { Client, estypes } from '@elastic/elasticsearch';

export type BulkOperation =
  | { action: 'index' | 'create'; index: string; id: string; document: object }
  | { action: 'delete'; index: string; id: string };

export type BulkItemResult =
  { ok: true; status: number; result?: string } | { ok: false; status: number; error: string; type?: string };

export interface BulkOptions {
  /** Operations per request (default 500). */
  maxOperations?: number;
  /** Approximate request body bytes (default 5 MB). */
  maxBytes?: number;
  /** Retries of 429 items / requests (default 5). */
  maxRetries?: number;
  /** First backoff in ms (default 200), doubled each retry, with jitter. */
  backoffMs?: number;
  refresh?: estypes.Refresh;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function statusOf(err: unknown): number | undefined {
  const status = (err as { meta?: { statusCode?: number } } | null)?.meta?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Splits operations into chunks of at most `maxOperations` and about `maxBytes`. */
export function chunkOperations(
  ops: readonly BulkOperation[],
  maxOperations: number,
  maxBytes: number,
): BulkOperation[][] {
  const chunks: BulkOperation[][] = [];
  let current: BulkOperation[] = [];
  let bytes = 0;
  for (const op of ops) {
    const size = 'document' in op ? Buffer.byteLength(JSON.stringify(op.document)) + 100 : 100;
    if (current.length > 0 && (current.length >= maxOperations || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(op);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function operationLines(op: BulkOperation): object[] {
  const meta = { _index: op.index, _id: op.id };
  switch (op.action) {
    case 'index':
      return [{ index: meta }, op.document];
    case 'create':
      return [{ create: meta }, op.document];
    case 'delete':
      return [{ delete: meta }];
  }
}

/** Writes every operation; results are in input order. */
export async function bulkWrite(
  client: Client,
  ops: readonly BulkOperation[],
  options: BulkOptions = {},
): Promise<BulkItemResult[]> {
  const maxOperations = options.maxOperations ?? 500;
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const maxRetries = options.maxRetries ?? 5;
  const backoffMs = options.backoffMs ?? 200;
  const sleep = options.sleep ?? defaultSleep;
  const results = new Array<BulkItemResult>(ops.length);
  const position = new Map<BulkOperation, number>(ops.map((op, i) => [op, i]));

  for (const chunk of chunkOperations(ops, maxOperations, maxBytes)) {
    let pending = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const wait = (): Promise<void> => sleep(Math.round(backoffMs * 2 ** attempt * (0.75 + Math.random() * 0.5)));
      let response: estypes.BulkResponse;
      try {
        response = await client.bulk({
          operations: pending.flatMap(operationLines),
          ...(options.refresh !== undefined ? { refresh: options.refresh } : {}),
        });
      } catch (err) {
        const status = statusOf(err);
        if ((status === 429 || status === 503) && attempt < maxRetries) {
          await wait();
          continue;
        }
        throw err;
      }
      const retry: BulkOperation[] = [];
      response.items.forEach((item, i) => {
        const op = pending[i];
        const r = item.index ?? item.create ?? item.delete ?? item.update;
        const at = position.get(op) as number;
        if (r === undefined) {
          results[at] = { ok: false, status: 0, error: 'no result for this item' };
        } else if (r.status === 429 && attempt < maxRetries) {
          retry.push(op);
        } else if (r.error) {
          results[at] = {
            ok: false,
            status: r.status,
            error: `${r.error.type}: ${r.error.reason ?? ''}`.trim(),
            type: r.error.type,
          };
        } else {
          results[at] = { ok: true, status: r.status, ...(r.result ? { result: r.result } : {}) };
        }
      });
      pending = retry;
      if (pending.length > 0) await wait();
    }
  }
  return results;
}
