import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { classify } from '@radar/classify';
import { z } from 'zod';

const inputLine = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  title: z.string().default(''),
  text: z.string().default(''),
  summary: z.string().optional(),
  url: z.string().optional(),
  source: z.string().optional(),
  publishedAt: z.string().optional(),
});

/**
 * `radar classify [FILE]`: JSON Lines in (FILE or stdin), one JSON line out per input line. A bad
 * line yields `{"line": N, "error": "..."}` and the rest are still processed; the exit code is 1
 * when any line was bad.
 */
export async function classifyCommand(input: Readable, output: Writable): Promise<number> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let bad = 0;
  for await (const line of lines) {
    lineNo++;
    if (!line.trim()) continue;
    let result: unknown;
    try {
      const parsed = inputLine.safeParse(JSON.parse(line));
      if (!parsed.success) {
        throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; '));
      }
      const item = parsed.data;
      if (!item.title && !item.text) throw new Error('needs a title or a text');
      const c = classify({
        title: item.title,
        summary: item.summary,
        body: item.text,
        url: item.url,
        sourceId: item.source,
      });
      result = {
        id: item.id,
        subSectors: c.subSectors,
        focusAreas: c.focusAreas,
        advocacyGoals: c.advocacyGoals,
        docType: c.docType,
        policyEvents: c.policyEvents,
        policyAction: c.policyAction,
        agencies: c.agencies,
        priority: c.priority,
        priorityReason: c.priorityReason,
      };
    } catch (error) {
      bad++;
      const message = error instanceof SyntaxError ? `not valid JSON: ${error.message}` : (error as Error).message;
      result = { line: lineNo, error: message };
    }
    if (!output.write(`${JSON.stringify(result)}\n`)) await new Promise((r) => output.once('drain', r));
  }
  return bad > 0 ? 1 : 0;
}

export function openInput(file: string | undefined, stdin: Readable): Readable {
  return file && file !== '-' ? createReadStream(file) : stdin;
}
