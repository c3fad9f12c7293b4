import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import {
  ContentDecodingError,
  DecompressionBombError,
  ResponseTooLargeError,
  UnsupportedEncodingError,
} from './fetch-errors';
import { DEFAULT_BOMB_GUARD, parseContentEncoding, readBody } from './decompress';

const url = 'https://agency.example.gov/feed.xml';
const limits = { maxBytes: 20 * 1024 * 1024, ...DEFAULT_BOMB_GUARD };

/** A body delivered in network-sized chunks. */
function wire(data: Buffer, chunk = 16 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
    })(),
  );
}

describe('parseContentEncoding', () => {
  it('reads the codings in the order applied', () => {
    expect(parseContentEncoding(url, undefined)).toEqual([]);
    expect(parseContentEncoding(url, 'identity')).toEqual([]);
    expect(parseContentEncoding(url, 'GZIP')).toEqual(['gzip']);
    expect(parseContentEncoding(url, 'x-gzip')).toEqual(['gzip']);
    expect(parseContentEncoding(url, 'deflate, br')).toEqual(['deflate', 'br']);
  });

  it('refuses an unknown coding by name', () => {
    expect(() => parseContentEncoding(url, 'zstd')).toThrow(UnsupportedEncodingError);
    expect(() => parseContentEncoding(url, 'zstd')).toThrow(/unsupported Content-Encoding "zstd"/);
  });
});

describe('readBody', () => {
  const text = Buffer.from('<rss><channel><title>Fixture</title></channel></rss>\n'.repeat(2000));

  it.each([
    ['gzip', gzipSync(text)],
    ['deflate (zlib-wrapped)', deflateSync(text)],
    ['deflate (raw, as some servers send it)', deflateRawSync(text)],
    ['br', brotliCompressSync(text)],
  ])('decodes %s', async (name, compressed) => {
    const coding = name.split(' ')[0] as 'gzip' | 'deflate' | 'br';
    const { body, wireBytes } = await readBody(url, wire(compressed), [coding], limits);
    expect(body.equals(text)).toBe(true);
    expect(wireBytes).toBe(compressed.length);
  });

  it('decodes stacked codings in reverse order', async () => {
    const compressed = brotliCompressSync(gzipSync(text));
    const { body } = await readBody(url, wire(compressed), ['gzip', 'br'], limits);
    expect(body.equals(text)).toBe(true);
  });

  it('passes an identity body through and caps it', async () => {
    expect((await readBody(url, wire(text), [], limits)).body.equals(text)).toBe(true);
    await expect(readBody(url, wire(text), [], { ...limits, maxBytes: 50000 })).rejects.toThrow(ResponseTooLargeError);
  });

  it('caps the decoded size even when the ratio is modest', async () => {
    const noisy = Buffer.from(randomBytes(150 * 1024).toString('base64')); // ~1.3:1 compressible
    const attempt = readBody(url, wire(gzipSync(noisy)), ['gzip'], { ...limits, maxBytes: 100 * 1024 });
    await expect(attempt).rejects.toThrow(ResponseTooLargeError);
    await expect(attempt).rejects.not.toThrow(DecompressionBombError);
  });

  it.each([
    ['gzip', gzipSync(Buffer.alloc(50 * 1024 * 1024))],
    ['deflate', deflateSync(Buffer.alloc(50 * 1024 * 1024))],
    ['br', brotliCompressSync(Buffer.alloc(50 * 1024 * 1024))],
  ])('refuses a %s bomb after about a megabyte, not after 50', async (coding, bomb) => {
    const error = await readBody(url, wire(bomb), [coding as 'gzip'], limits).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecompressionBombError);
    expect(error).toBeInstanceOf(ResponseTooLargeError); // callers treating "too large" as permanent keep working
    const bombError = error as DecompressionBombError;
    expect(bombError.decompressedBytes).toBeLessThan(4 * 1024 * 1024);
    expect(bombError.message).toContain(url);
    expect(bombError.message).toMatch(/decompression bomb/);
  });

  it('says which coding was corrupt', async () => {
    await expect(readBody(url, wire(Buffer.from('not gzip at all')), ['gzip'], limits)).rejects.toThrow(
      ContentDecodingError,
    );
    await expect(readBody(url, wire(Buffer.from('not brotli at all')), ['br'], limits)).rejects.toThrow(
      /could not decode the br body/,
    );
  });
});
