import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import {
  ContentDecodingError,
  DecompressionBombError,
  FetchError,
  ResponseTooLargeError,
  UnsupportedEncodingError,
} from './fetch-errors';

export interface BodyLimits {
  /** Cap on the bytes read from the wire and on the decoded bytes (FETCH_MAX_BYTES). */
  maxBytes: number;
  /** Largest allowed decoded/compressed ratio once `ratioGraceBytes` have been decoded. */
  maxRatio: number;
  ratioGraceBytes: number;
}

export const DEFAULT_BOMB_GUARD = { maxRatio: 100, ratioGraceBytes: 1024 * 1024 } as const;

export type Coding = 'gzip' | 'deflate' | 'br';

/** The codings of a Content-Encoding header, in the order they were applied. */
export function parseContentEncoding(url: string, header: string | undefined): Coding[] {
  if (!header) return [];
  const codings: Coding[] = [];
  for (const raw of header.split(',')) {
    const coding = raw.trim().toLowerCase();
    if (coding === '' || coding === 'identity') continue;
    if (coding === 'gzip' || coding === 'x-gzip') codings.push('gzip');
    else if (coding === 'deflate') codings.push('deflate');
    else if (coding === 'br') codings.push('br');
    else throw new UnsupportedEncodingError(url, coding);
  }
  return codings;
}

/**
 * "deflate" should be zlib-wrapped (RFC 9110) but some servers send raw deflate: look at the
 * first byte (a zlib header has compression method 8 in its low nibble) and pick the decoder.
 */
class DeflateDecoder extends Transform {
  private inner?: Transform & { bytesWritten?: number };

  /** Compressed bytes the inflater has consumed so far (like zlib streams' own bytesWritten). */
  get bytesWritten(): number {
    return this.inner?.bytesWritten ?? 0;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (!this.inner) {
      const zlibWrapped = (chunk[0]! & 0x0f) === 8 && ((chunk[0]! << 8) | (chunk[1] ?? 0)) % 31 === 0;
      this.inner = zlibWrapped ? createInflate() : createInflateRaw();
      this.inner.on('data', (out: Buffer) => {
        if (!this.push(out)) this.inner!.pause();
      });
      this.inner.on('error', (error) => this.destroy(error));
    }
    this.inner.write(chunk, () => done());
  }

  override _read(size: number): void {
    this.inner?.resume();
    super._read(size);
  }

  override _flush(done: TransformCallback): void {
    if (!this.inner) return done();
    this.inner.once('end', () => done());
    this.inner.end();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    this.inner?.destroy();
    done(error);
  }
}

type Decoder = Transform & { bytesWritten: number };

function decoder(coding: Coding): Decoder {
  switch (coding) {
    case 'gzip':
      // Accept a truncated final block the way browsers do rather than failing the whole feed.
      return createGunzip({ finishFlush: constants.Z_SYNC_FLUSH });
    case 'deflate':
      return new DeflateDecoder();
    case 'br':
      return createBrotliDecompress();
  }
}

/**
 * Reads a response body in streaming fashion, decoding Content-Encoding as it goes, and stops
 * as soon as a limit is crossed: the wire bytes and the decoded bytes are each capped by
 * `maxBytes`, and the decoded/compressed ratio by `maxRatio` once past `ratioGraceBytes`
 * (a gzip bomb is refused after about a megabyte, never inflated in full).
 */
export async function readBody(
  url: string,
  body: Readable,
  codings: Coding[],
  limits: BodyLimits,
  signal?: AbortSignal,
): Promise<{ body: Buffer; wireBytes: number }> {
  let wireBytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      wireBytes += chunk.length;
      if (wireBytes > limits.maxBytes) return done(new ResponseTooLargeError(url, limits.maxBytes));
      done(null, chunk);
    },
  });
  // Content-Encoding lists codings in the order applied; decode in reverse.
  const decoders = [...codings].reverse().map(decoder);
  const first = decoders[0];
  const chunks: Buffer[] = [];
  let size = 0;
  // The pipeline may report the teardown (an AbortError) rather than why we stopped: keep ours.
  let refusal: FetchError | undefined;
  const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > limits.maxBytes) throw (refusal = new ResponseTooLargeError(url, limits.maxBytes));
      // The ratio is measured against the compressed bytes the decoder has actually consumed, not
      // those merely received: a 50 KB bomb arriving in one read must not earn a 5 MB allowance.
      const consumed = first ? first.bytesWritten : wireBytes;
      if (first && size > limits.ratioGraceBytes && size > consumed * limits.maxRatio) {
        throw (refusal = new DecompressionBombError(url, consumed, size, limits.maxRatio));
      }
      chunks.push(chunk);
    }
  };
  try {
    // pipeline's typings do not cover a spread of stages; the runtime takes streams plus a final async function.
    const run = pipeline as unknown as (...stages: unknown[]) => Promise<void>;
    await run(body, counter, ...decoders, collect, signal ? { signal } : {});
  } catch (error) {
    if (refusal) throw refusal;
    if (error instanceof FetchError) throw error;
    // zlib and brotli errors carry a numeric errno (Z_DATA_ERROR, ERR__ERROR_FORMAT_...).
    const { errno, code } = error as NodeJS.ErrnoException;
    if (codings.length > 0 && typeof errno === 'number' && errno < 0) {
      throw new ContentDecodingError(url, codings.join(', '), `${(error as Error).message} (${code})`);
    }
    throw error;
  }
  return { body: Buffer.concat(chunks, size), wireBytes };
}
