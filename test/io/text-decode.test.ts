import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, sealBytes } from '../../src/io/byte-reader.js';
import { decodeJavaUtf8Slow } from '../../src/io/utf8.js';
import { defaultCodecs } from '../../src/codec/index.js';

/** Fields of any bytes: ASCII, valid UTF-8, and malformed sequences Java replaces its own way. */
const field = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'b', ' ', '~', '\u0000', '\u007f'), maxLength: 120 }).map((s) => new TextEncoder().encode(s)),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => new TextEncoder().encode(s)),
  fc.uint8Array({ maxLength: 40 }),
  fc.constantFrom(Uint8Array.from([0xed, 0xa0, 0xbd]), Uint8Array.from([0xc3]), Uint8Array.from([0xf0, 0x9f, 0x98]), Uint8Array.from([0x80])),
);

/** Concatenate fields into one buffer of at least 5000 bytes (past the size sealing applies to). */
function layout(fields: Uint8Array[]): { buf: Uint8Array; ranges: [number, number][] } {
  const pad = new Uint8Array(5000).fill(0x61);
  const all = [...fields, pad];
  const buf = new Uint8Array(all.reduce((n, f) => n + f.length, 0));
  const ranges: [number, number][] = [];
  let p = 0;
  for (const f of all) {
    buf.set(f, p);
    ranges.push([p, p + f.length]);
    p += f.length;
  }
  return { buf, ranges };
}

describe('Text decoding from sealed buffers', () => {
  it('decodes every field as Java does, sealed or not, ASCII or not', () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 30 }), (fields) => {
        const { buf, ranges } = layout(fields);
        const plain = new ByteReader(buf);
        const sealedReader = new ByteReader(new Uint8Array(0));
        const sealedBuf = sealBytes(buf.slice());
        for (const [s, e] of ranges) {
          const java = decodeJavaUtf8Slow(buf.subarray(s, e));
          expect(plain.utf8At(s, e)).toBe(java);
          sealedReader.reset(sealedBuf, s, e);
          expect(sealedReader.readUtf8(e - s)).toBe(java);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a decompressed all-ASCII block and one with a single non-ASCII byte decode alike', () => {
    const ascii = new TextEncoder().encode('key-0000000001 value alpha bravo charlie '.repeat(300));
    const mixed = ascii.slice();
    mixed[5000] = 0xe9; // latin1 é, malformed as UTF-8: Java prints U+FFFD
    for (const name of ['default', 'snappy', 'lz4', 'zstd', 'gzip']) {
      const c = defaultCodecs.require(name);
      for (const bytes of [ascii, mixed]) {
        const out = c.decompress(c.compress(bytes), 1 << 20);
        const r = new ByteReader(out);
        expect(r.utf8At(4990, 5010)).toBe(decodeJavaUtf8Slow(bytes.subarray(4990, 5010)));
        expect(r.utf8At(0, 14)).toBe('key-0000000001');
      }
    }
  });

  it('sealBytes returns its argument', () => {
    const b = new Uint8Array(10);
    expect(sealBytes(b)).toBe(b);
  });
});
