import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Logger, OnModuleDestroy } from '@nestjs/common';
import { ClassifiableContent, ClassifyResult, classifySafely } from './document-classification';

export interface ClassifyRequest {
  id: number;
  contents: ClassifiableContent[];
}

export interface ClassifyResponse {
  id: number;
  results: ClassifyResult[];
}

export interface ClassifierPoolOptions {
  /** Worker threads (0: classify on the calling thread). */
  threads: number;
  /** The worker script (default: the compiled `classify.worker.js` beside this file). */
  workerFile?: string;
  /** Worker code to evaluate instead of a script file (tests). */
  workerCode?: string;
  workerData?: unknown;
}

/** The compiled worker script; absent when running from TypeScript sources (then classification stays inline). */
export const CLASSIFY_WORKER_FILE = join(__dirname, 'classify.worker.js');

/** Old-generation heap of one worker, in MB: classification keeps little alive between requests. */
const WORKER_HEAP_MB = 64;

interface PooledWorker {
  worker: Worker;
  pending: Map<number, { resolve: (results: ClassifyResult[]) => void; reject: (error: Error) => void }>;
}

/**
 * Classification off the event loop: the ingest role hands each batch's contents to one of a few
 * worker threads (round robin), so the second core classifies while the event loop crawls,
 * parses, writes the index and moves jobs. Results come back in order, with per-item errors.
 * A worker that dies fails the requests it held (their jobs retry) and is replaced on the next
 * request. With `threads: 0`, or without a compiled worker script (tests from sources), it
 * classifies on the calling thread with the same results.
 */
export class ClassifierPool implements OnModuleDestroy {
  private readonly logger = new Logger(ClassifierPool.name);
  private readonly workers: (PooledWorker | undefined)[];
  private readonly source: { file: string } | { code: string } | undefined;
  private nextId = 1;
  private turn = 0;

  constructor(private readonly options: ClassifierPoolOptions) {
    const file = options.workerFile ?? CLASSIFY_WORKER_FILE;
    if (options.threads > 0) {
      if (options.workerCode !== undefined) this.source = { code: options.workerCode };
      else if (existsSync(file)) this.source = { file };
    }
    this.workers = new Array<PooledWorker | undefined>(this.source ? options.threads : 0);
  }

  /** Worker threads in use (0: inline). */
  get threads(): number {
    return this.workers.length;
  }

  async classifyMany(contents: readonly ClassifiableContent[]): Promise<ClassifyResult[]> {
    if (contents.length === 0) return [];
    if (this.workers.length === 0) return contents.map(classifySafely);
    const slot = this.turn++ % this.workers.length;
    const pooled = (this.workers[slot] ??= this.spawn(slot));
    const id = this.nextId++;
    return new Promise<ClassifyResult[]>((resolve, reject) => {
      pooled.pending.set(id, { resolve, reject });
      const request: ClassifyRequest = { id, contents: [...contents] };
      pooled.worker.postMessage(request);
    });
  }

  private spawn(slot: number): PooledWorker {
    const source = this.source!;
    const worker = new Worker('code' in source ? source.code : source.file, {
      eval: 'code' in source,
      workerData: this.options.workerData,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 8 },
    });
    const pooled: PooledWorker = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (response: ClassifyResponse) => {
      const waiter = pooled.pending.get(response.id);
      pooled.pending.delete(response.id);
      waiter?.resolve(response.results);
    });
    const fail = (error: Error): void => {
      if (this.workers[slot] === pooled) this.workers[slot] = undefined;
      for (const waiter of pooled.pending.values()) waiter.reject(error);
      pooled.pending.clear();
    };
    worker.on('error', (error) => {
      this.logger.error(`classification worker ${slot} failed: ${error.message}`);
      fail(error);
    });
    worker.on('exit', (code) => fail(new Error(`classification worker ${slot} exited with code ${code}`)));
    return pooled;
  }

  async onModuleDestroy(): Promise<void> {
    const running = this.workers.filter((w): w is PooledWorker => w !== undefined);
    this.workers.fill(undefined);
    await Promise.all(running.map((w) => w.worker.terminate()));
  }
}
