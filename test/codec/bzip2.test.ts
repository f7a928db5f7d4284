import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { bzip2Codec } from '../../src/codec/bzip2-codec.js';
import { bzip2Decompress } from '../../src/codec/bzip2-decoder.js';
import { CorruptFileError, HadoopIOError, LimitExceededError, TruncatedFileError } from '../../src/io/errors.js';

const nativeBzip2 = createRequire(import.meta.url)('node-bzip2') as { compress(b: Uint8Array, o?: object): Buffer };

function sample(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    // Runs, repeats and noise, so RLE1, RUNA/RUNB and many symbols all occur.
    out[i] = i % 1000 < 300 ? 97 : i % 7 === 0 ? (x >>> 24) & 0xff : 97 + ((x >>> 16) % 20);
  }
  return out;
}

/** Byte equality without vitest's slow element-wise diff on large arrays. */
function expectBytes(actual: Uint8Array, expected: Uint8Array, label?: string): void {
  expect(Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected), label).toBe(true);
}

describe('bzip2 decoder', () => {
  const codec = bzip2Codec();

  it('round-trips through native libbz2 for empty, tiny, multi-block and run-heavy inputs', () => {
    for (const input of [new Uint8Array(0), new Uint8Array([7]), sample(1000), sample(2_000_000), new Uint8Array(300_000).fill(0x41)]) {
      const packed = codec.compress(input);
      expect(Array.from(packed.subarray(0, 4))).toEqual([0x42, 0x5a, 0x68, 0x39]);
      expectBytes(bzip2Decompress(packed, 1 << 30), input);
    }
  });

  it('decodes every block size 1..9 and runs of every length', () => {
    const runs: number[] = [];
    for (let len = 1; len < 600; len++) for (let k = 0; k < len; k++) runs.push(len & 0xff);
    const input = Uint8Array.from(runs);
    for (let level = 1; level <= 9; level++) {
      const packed = nativeBzip2.compress(input, { level });
      expect(packed[3]).toBe(0x30 + level);
      expectBytes(bzip2Decompress(packed, 1 << 30), input);
    }
  });

  it('reads concatenated streams as one', () => {
    const a = sample(5000, 3);
    const b = sample(7000, 4);
    const pa = codec.compress(a);
    const pb = codec.compress(b);
    const both = new Uint8Array(pa.length + pb.length);
    both.set(pa);
    both.set(pb, pa.length);
    const expected = new Uint8Array(a.length + b.length);
    expected.set(a);
    expected.set(b, a.length);
    expectBytes(bzip2Decompress(both, 1 << 30), expected);
  });

  it('stops at the output limit', () => {
    const bomb = codec.compress(new Uint8Array(5_000_000));
    expect(bomb.length).toBeLessThan(100);
    expect(() => bzip2Decompress(bomb, 1_000_000)).toThrow(LimitExceededError);
  });

  it('fails with a typed error on every truncation and on flipped bits, never hangs', () => {
    const input = sample(6_000, 9);
    const packed = codec.compress(input);
    for (let cut = 1; cut < packed.length; cut++) {
      expect(() => bzip2Decompress(packed.subarray(0, cut), 1 << 24), `cut at ${cut}`).toThrow(TruncatedFileError);
    }
    let caught = 0;
    for (let i = 0; i < packed.length; i += 3) {
      const bad = packed.slice();
      bad[i]! ^= 1 << (i % 8);
      try {
        // A flip that gets past both CRCs must not change the data.
        expectBytes(bzip2Decompress(bad, 1 << 24), input);
      } catch (e) {
        expect(e).toBeInstanceOf(HadoopIOError);
        caught++;
      }
    }
    expect(caught).toBeGreaterThan(packed.length / 4);
  });

  it('rejects data that is not bzip2', () => {
    expect(() => bzip2Decompress(new Uint8Array([0x1f, 0x8b, 8, 0]), 100)).toThrow(CorruptFileError);
    expect(() => bzip2Decompress(Uint8Array.from([0x42, 0x5a, 0x68, 0x30]), 100)).toThrow(/block size/);
  });
});
