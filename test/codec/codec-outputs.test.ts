import fc from 'fast-check';
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { inflate as pakoInflate, ungzip as pakoUngzip } from 'pako';
import { describe, expect, it } from 'vitest';
import { defaultCodecs } from '../../src/codec/index.js';
import { lz4CompressInto, lz4DecompressJs, lz4MaxCompressedLength } from '../../src/codec/lz4-js.js';
import { copyOfRange, smallBytes } from '../../src/codec/small-bytes.js';
import { CorruptFileError, HadoopIOError } from '../../src/io/errors.js';

const require = createRequire(import.meta.url);
const snappy = require('snappy') as { compressSync(b: Uint8Array): Buffer; uncompressSync(b: Uint8Array): Buffer };
const lz4 = require('lz4-napi') as { compressSync(b: Buffer): Buffer; uncompressSync(b: Uint8Array): Buffer };

const words = fc.array(fc.constantFrom('alpha ', 'bravo ', 'charlie ', 'x', 'yy', '\u00e9', '0123456789'), { maxLength: 600 }).map((a) => new TextEncoder().encode(a.join('')));
/** Mostly small inputs (one RECORD value), some past the small-input paths. */
const input = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 4, arbitrary: words },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 2000, maxLength: 9000 }) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 70000 })).map(([b, n]) => new Uint8Array(n).fill(b)) },
);
const inputs = fc.array(input, { minLength: 1, maxLength: 12 });

const eq = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
const int32 = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getInt32(at);

/** The raw chunk of a Hadoop block-framed stream of one block of one chunk (any input this small). */
function chunks(framed: Uint8Array): Uint8Array[] {
  const n = int32(framed, 4);
  expect(8 + n).toBe(framed.length);
  return [framed.subarray(8)];
}

function frame(raw: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(8 + raw.length);
  const v = new DataView(out.buffer);
  v.setInt32(0, n);
  v.setInt32(4, raw.length);
  out.set(raw, 8);
  return out;
}

describe('codec outputs', () => {
  it('every codec: outputs are independent copies that decode to their inputs after later calls', () => {
    for (const name of ['default', 'deflate', 'gzip', 'snappy', 'lz4', 'zstd']) {
      const c = defaultCodecs.require(name);
      fc.assert(
        fc.property(inputs, (list) => {
          // all compressed first, then all decompressed, then all checked: an output aliasing a
          // codec's scratch buffer would be overwritten by the calls after it
          const zs = list.map((x) => c.compress(x));
          const zcopies = zs.map((z) => z.slice());
          const outs = zs.map((z) => c.decompress(z, 1 << 24));
          list.forEach((x, i) => {
            expect(eq(zs[i]!, zcopies[i]!)).toBe(true);
            expect(eq(outs[i]!, x)).toBe(true);
          });
        }),
        { numRuns: 60 },
      );
    }
  });

  it('DefaultCodec/DeflateCodec streams inflate with node:zlib and with pako; GzipCodec gunzips with both', () => {
    fc.assert(
      fc.property(input, (x) => {
        for (const name of ['default', 'deflate']) {
          const z = defaultCodecs.require(name).compress(x);
          expect(z[0]! & 0x0f).toBe(8); // a zlib header: deflate, as Hadoop's DefaultCodec writes
          expect(eq(zlib.inflateSync(z), x)).toBe(true);
          expect(eq(pakoInflate(z), x)).toBe(true);
        }
        const g = defaultCodecs.require('gzip').compress(x);
        expect([g[0], g[1], g[2]]).toEqual([0x1f, 0x8b, 8]);
        expect(eq(zlib.gunzipSync(g), x)).toBe(true);
        expect(eq(pakoUngzip(g), x)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('SnappyCodec and Lz4Codec chunks are what the native libraries decode, and we decode theirs', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 3000 }), words.filter((w) => w.length > 0)), (x) => {
        const s = chunks(defaultCodecs.require('snappy').compress(x));
        expect(eq(Buffer.concat(s.map((c) => snappy.uncompressSync(c))), x)).toBe(true);
        const l = chunks(defaultCodecs.require('lz4').compress(x));
        const viaNative = l.map((c) => {
          const prefixed = Buffer.alloc(c.length + 4);
          prefixed.writeUInt32LE(x.length, 0);
          prefixed.set(c, 4);
          return lz4.uncompressSync(prefixed);
        });
        expect(eq(Buffer.concat(viaNative), x)).toBe(true);
        expect(eq(defaultCodecs.require('snappy').decompress(frame(snappy.compressSync(x), x.length), 1 << 20), x)).toBe(true);
        expect(eq(defaultCodecs.require('lz4').decompress(frame(lz4.compressSync(Buffer.from(x)).subarray(4), x.length), 1 << 20), x)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('lz4 in TypeScript', () => {
  const compress = (x: Uint8Array): Uint8Array => {
    const out = new Uint8Array(lz4MaxCompressedLength(x.length));
    return out.subarray(0, lz4CompressInto(x, out, 0));
  };

  it('keeps the block format end rules: the last sequence is 5+ literals, matches start 12+ bytes before the end', () => {
    const x = new TextEncoder().encode('abcdabcdabcdabcdabcdabcdabcdabcdabcd');
    const z = compress(x);
    expect(z.length).toBeLessThan(x.length);
    // walk the sequences
    let p = 0;
    let o = 0;
    for (;;) {
      const token = z[p++]!;
      let lit = token >> 4;
      if (lit === 15) for (let b = 255; b === 255; lit += b) b = z[p++]!;
      p += lit;
      o += lit;
      if (p === z.length) {
        expect(lit).toBeGreaterThanOrEqual(5);
        break;
      }
      expect(o).toBeLessThanOrEqual(x.length - 12);
      p += 2;
      let len = token & 15;
      if (len === 15) for (let b = 255; b === 255; len += b) b = z[p++]!;
      o += len + 4;
    }
    expect(o).toBe(x.length);
  });

  it('corrupt or truncated blocks fail with CorruptFileError, never more than the capacity', () => {
    const x = new TextEncoder().encode('hello hello hello hello hello hello hello');
    const z = compress(x);
    expect(eq(lz4DecompressJs(z, x.length), x)).toBe(true);
    expect(() => lz4DecompressJs(z, x.length - 1)).toThrow(CorruptFileError);
    // a raw block has no length of its own: a cut after a sequence's literals is a shorter block,
    // which the framing (the block's declared length) catches
    const codec = defaultCodecs.require('lz4');
    const framed = codec.compress(x);
    for (let cut = 0; cut < z.length; cut++) {
      try {
        const got = lz4DecompressJs(z.subarray(0, cut), 1000);
        expect(got.length).toBeLessThan(x.length);
        expect(eq(got, x.subarray(0, got.length))).toBe(true);
      } catch (e) {
        expect(e).toBeInstanceOf(HadoopIOError);
      }
      expect(() => codec.decompress(framed.subarray(0, 8 + cut), 1000)).toThrow(HadoopIOError);
    }
    expect(() => lz4DecompressJs(Uint8Array.from([0x0f, 0x00, 0x00]), 1000)).toThrow(CorruptFileError); // offset 0
    expect(() => lz4DecompressJs(Uint8Array.from([0x1f, 0x61, 0x05, 0x00, 0xff]), 1000)).toThrow(CorruptFileError); // offset past the output
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (junk) => {
        try {
          expect(lz4DecompressJs(junk, 4096).length).toBeLessThanOrEqual(4096);
        } catch (e) {
          expect(e).toBeInstanceOf(CorruptFileError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('small outputs', () => {
  it('smallBytes hands out zero-filled arrays that share no bytes, across slab boundaries', () => {
    const arrays = Array.from({ length: 2000 }, (_, i) => smallBytes(1 + ((i * 37) % 300)));
    expect(arrays.every((a) => a.every((b) => b === 0))).toBe(true);
    arrays.forEach((a, i) => a.fill(i & 0xff));
    arrays.forEach((a, i) => expect(a.every((b) => b === (i & 0xff))).toBe(true));
    expect(smallBytes(100_000).length).toBe(100_000);
  });

  it('copyOfRange copies, also from a Buffer (whose slice is a view)', () => {
    for (const n of [0, 5, 127, 128, 4096, 4097, 70000]) {
      const src = Buffer.alloc(n + 10, 7);
      const c = copyOfRange(src, 5, 5 + n);
      src.fill(1);
      expect(c.length).toBe(n);
      expect(c.every((b) => b === 7)).toBe(true);
    }
  });
});
