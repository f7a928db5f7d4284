import fc from 'fast-check';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { snappyCompressSmall, snappyDecompressJs } from '../../src/codec/snappy-js.js';
import { CorruptFileError, HadoopIOError, LimitExceededError } from '../../src/io/errors.js';

const native = createRequire(import.meta.url)('snappy') as { compressSync(b: Uint8Array): Buffer; uncompressSync(b: Uint8Array): Buffer };

const inputs = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.array(fc.constantFrom('alpha ', 'bravo ', 'charlie ', 'x', 'yy', '\u00e9'), { maxLength: 800 }).map((a) => new TextEncoder().encode(a.join(''))),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 65535 })).map(([b, n]) => new Uint8Array(n).fill(b)),
);

describe('snappy in TypeScript', () => {
  it('what we compress, native snappy decodes; what native compresses, we decode', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const ours = snappyCompressSmall(input);
        expect(Buffer.from(native.uncompressSync(ours)).equals(input)).toBe(true);
        expect(Buffer.from(snappyDecompressJs(ours, 1 << 20)).equals(input)).toBe(true);
        expect(Buffer.from(snappyDecompressJs(native.compressSync(input), 1 << 20)).equals(input)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('compresses repetitive text', () => {
    const text = new TextEncoder().encode('alpha bravo charlie delta '.repeat(40));
    expect(snappyCompressSmall(text).length).toBeLessThan(text.length / 10);
  });

  it('refuses forged lengths and bad copies with typed errors', () => {
    expect(() => snappyDecompressJs(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]), 1 << 20)).toThrow(LimitExceededError);
    expect(() => snappyDecompressJs(Uint8Array.from([5, 0x01 | (0 << 2), 9]), 100)).toThrow(CorruptFileError); // copy before any output
    expect(() => snappyDecompressJs(Uint8Array.from([5, 4 << 2, 1, 2]), 100)).toThrow(CorruptFileError); // literal past the input
    const good = snappyCompressSmall(new TextEncoder().encode('hello hello hello hello'));
    for (let cut = 0; cut < good.length; cut++) expect(() => snappyDecompressJs(good.subarray(0, cut), 100)).toThrow(HadoopIOError);
  });
});
