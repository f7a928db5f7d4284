import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ChecksumError,
  ChecksumVerifier,
  ChecksumWriter,
  checksumPathFor,
  computeChecksumFile,
  crc32,
  crc32Combine,
  crc32Fallback,
  isChecksumPath,
  parseChecksumHeader,
  verifyChecksumFile,
} from '../../src/io/checksum-file.js';
import { CorruptFileError, IOFailureError, UsageError } from '../../src/io/errors.js';
import { FileSink } from '../../src/io/sink.js';
import { FileSource, toSource } from '../../src/io/source.js';
import { SequenceFileReader } from '../../src/seq/reader.js';
import { SequenceFileWriter } from '../../src/seq/writer.js';

// --- independent reference: bitwise CRC32 and the .crc layout written out by hand

function bitCrc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function expectedCrcFile(data: Uint8Array, bpc = 512): Uint8Array {
  const out: number[] = [0x63, 0x72, 0x63, 0x00, (bpc >>> 24) & 0xff, (bpc >>> 16) & 0xff, (bpc >>> 8) & 0xff, bpc & 0xff];
  for (let i = 0; i < data.length; i += bpc) {
    const c = bitCrc32(data.subarray(i, Math.min(i + bpc, data.length)));
    out.push(c >>> 24, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff);
  }
  return new Uint8Array(out);
}

/** Deterministic pseudo-random bytes. */
function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/** Write `data` through a FileSink in uneven pieces. */
async function writeFile(path: string, data: Uint8Array, opts: Parameters<typeof FileSink.open>[1]): Promise<void> {
  const sink = await FileSink.open(path, opts);
  const sizes = [1, 7, 300, 512, 1000, 13];
  for (let at = 0, k = 0; at < data.length; k++) {
    const n = Math.min(sizes[k % sizes.length]!, data.length - at);
    await sink.write(data.slice(at, at + n));
    at += n;
  }
  await sink.close();
}

async function readAll(src: FileSource, position = 0, length = src.size - position): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  const n = await src.read(position, out, 0, length);
  return out.subarray(0, n);
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

const SIZES = [0, 1, 511, 512, 513, 5000];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hadoop-io-crc-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('CRC32 and the .crc format', () => {
  it('matches the bitwise reference (native and table fallback)', () => {
    expect(bitCrc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    for (const n of [0, 1, 3, 511, 512, 4097]) {
      const d = bytes(n, n + 3);
      expect(crc32(d)).toBe(bitCrc32(d));
      expect(crc32Fallback(d)).toBe(bitCrc32(d));
      // incremental
      const h = n >> 1;
      expect(crc32(d.subarray(h), crc32(d.subarray(0, h)))).toBe(bitCrc32(d));
      expect(crc32Fallback(d.subarray(h), crc32Fallback(d.subarray(0, h)))).toBe(bitCrc32(d));
    }
  });

  it('crc32Combine agrees with a CRC over the concatenation', () => {
    for (const [a, b] of [[0, 0], [1, 1], [5, 512], [512, 512], [100, 3], [7, 70000]] as const) {
      const A = bytes(a, a + 1);
      const B = bytes(b, b + 2);
      expect(crc32Combine(bitCrc32(A), bitCrc32(B), b), `${a}+${b}`).toBe(bitCrc32(concat(A, B)));
    }
  });

  it('known answer: .crc of "123456789" at 512 bytes per checksum', () => {
    const crc = computeChecksumFile(new TextEncoder().encode('123456789'));
    expect(Buffer.from(crc).toString('hex')).toBe('637263000000020' + '0cbf43926');
  });

  it.each(SIZES)('computeChecksumFile matches the hand-built layout for %i bytes', (n) => {
    const data = bytes(n, n);
    expect(computeChecksumFile(data)).toEqual(expectedCrcFile(data));
    expect(computeChecksumFile(data, 100)).toEqual(expectedCrcFile(data, 100));
    expect(computeChecksumFile(data).length).toBe(8 + 4 * Math.ceil(n / 512));
  });

  it('ChecksumWriter gives the same bytes whatever the write sizes', () => {
    const data = bytes(5000, 9);
    const want = expectedCrcFile(data);
    for (const step of [1, 5, 511, 512, 513, 777, 5000]) {
      const w = new ChecksumWriter();
      const parts = [w.header()];
      for (let i = 0; i < data.length; i += step) parts.push(w.update(data.subarray(i, i + step)));
      parts.push(w.finish());
      expect(concat(...parts), `step ${step}`).toEqual(want);
      expect(w.dataLength).toBe(5000);
    }
    // chunks as an iterable
    expect(computeChecksumFile([data.subarray(0, 700), data.subarray(700, 701), data.subarray(701)])).toEqual(want);
  });

  it('ChecksumWriter.resume continues from a partial last chunk', () => {
    const a = bytes(1300, 4);
    const b = bytes(900, 5);
    const full = concat(a, b);
    const tail = a.subarray(1024);
    const w = ChecksumWriter.resume(512, a.length, tail);
    expect(w.completedLength).toBe(8 + 4 * 2);
    const rest = concat(w.update(b), w.finish());
    expect(concat(expectedCrcFile(full).subarray(0, 16), rest)).toEqual(expectedCrcFile(full));
    expect(() => ChecksumWriter.resume(512, 1300, a.subarray(0, 3))).toThrow(UsageError);
  });

  it('names the side file as Hadoop does', () => {
    expect(checksumPathFor('/data/part-00000')).toBe('/data/.part-00000.crc');
    expect(checksumPathFor('rel/dir/f.seq')).toBe('rel/dir/.f.seq.crc');
    expect(checksumPathFor('f.seq')).toBe('.f.seq.crc');
    expect(() => checksumPathFor('dir/')).toThrow(UsageError);
    expect(isChecksumPath('/a/.b.crc')).toBe(true);
    expect(isChecksumPath('/a/b.crc')).toBe(false);
  });

  it('parses and rejects headers', () => {
    expect(parseChecksumHeader(expectedCrcFile(new Uint8Array(0), 4096))).toEqual({ bytesPerChecksum: 4096 });
    const bad = (b: number[]) => () => parseChecksumHeader(new Uint8Array(b), 'x/.f.crc');
    expect(bad([0x63, 0x72, 0x63, 0, 0, 0])).toThrow(CorruptFileError);
    expect(bad([0x63, 0x72, 0x63, 1, 0, 0, 2, 0])).toThrow(/bad magic/);
    expect(bad([0x63, 0x72, 0x63, 0, 0, 0, 0, 0])).toThrow(/bytesPerChecksum 0/);
    expect(bad([0x63, 0x72, 0x63, 0, 0xff, 0xff, 0xff, 0xff])).toThrow(/bytesPerChecksum -1/);
    expect(bad([0x63, 0x72, 0x63, 0, 0x7f, 0xff, 0xff, 0xff])).toThrow(/bytesPerChecksum 2147483647/);
    try {
      bad([1, 2, 3, 4, 5, 6, 7, 8])();
    } catch (e) {
      expect((e as CorruptFileError).file).toBe('x/.f.crc');
      expect((e as Error).message).toContain('x/.f.crc');
    }
  });
});

describe('ChecksumVerifier', () => {
  it('verifies whole chunks around an arbitrary range, once', async () => {
    const data = bytes(5000, 2);
    const v = new ChecksumVerifier(expectedCrcFile(data), data.length, { file: 'f' });
    const reads: Array<[number, number]> = [];
    const raw = async (pos: number, into: Uint8Array, off: number, len: number) => {
      reads.push([pos, len]);
      const n = Math.max(0, Math.min(len, data.length - pos));
      into.set(data.subarray(pos, pos + n), off);
      return n;
    };
    const out = new Uint8Array(10);
    expect(await v.read(600, out, 0, 10, raw)).toBe(10);
    expect(out).toEqual(data.subarray(600, 610));
    expect(reads).toEqual([[512, 512]]); // the surrounding chunk
    expect(v.isVerified(512, 512)).toBe(true);
    expect(v.isVerified(0, 513)).toBe(false);
    reads.length = 0;
    expect(await v.read(700, out, 0, 10, raw)).toBe(10);
    expect(reads).toEqual([[700, 10]]); // already verified: read as asked
    reads.length = 0;
    // a range starting in a verified chunk and ending in new ones: only the new end is widened
    const big = new Uint8Array(1000);
    expect(await v.read(1000, big, 0, 1000, raw)).toBe(1000);
    expect(big).toEqual(data.subarray(1000, 2000));
    expect(reads).toEqual([[1000, 1048]]);
    // reading to the end clips at the data length
    reads.length = 0;
    expect(await v.read(4990, big, 0, 1000, raw)).toBe(10);
    expect(big.subarray(0, 10)).toEqual(data.subarray(4990));
    expect(reads).toEqual([[4608, 392]]);
    expect(await v.read(5000, big, 0, 10, raw)).toBe(0);
    // everything once in order: one range left
    const all = new Uint8Array(5000);
    await v.read(0, all, 0, 5000, raw);
    expect(all).toEqual(data);
    expect(v.verifiedRangeCount).toBe(1);
    expect(v.isVerified(0, 5000)).toBe(true);
  });

  it('random reads return the data and verify exactly the chunks they touch', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 1, max: 700 }),
        fc.array(fc.tuple(fc.nat(3100), fc.nat(1200)), { maxLength: 25 }),
        async (size, bpc, reads) => {
          const data = bytes(size, size + bpc);
          const v = new ChecksumVerifier(expectedCrcFile(data, bpc), size);
          const raw = async (pos: number, into: Uint8Array, off: number, len: number) => {
            const n = Math.max(0, Math.min(len, data.length - pos));
            into.set(data.subarray(pos, pos + n), off);
            return n;
          };
          const model = new Set<number>();
          for (const [pos, len] of reads) {
            const out = new Uint8Array(len + 2).fill(0xee);
            const n = await v.read(pos, out, 1, len, raw);
            const want = data.subarray(pos, pos + len);
            expect(n).toBe(want.length);
            expect(out.subarray(1, 1 + n)).toEqual(want);
            expect(out[0]).toBe(0xee);
            if (n < len) expect(out[1 + n]).toBe(0xee);
            const end = Math.min(pos + len, size);
            if (pos < end) for (let c = Math.floor(pos / bpc); c <= Math.floor((end - 1) / bpc); c++) model.add(c);
            for (let c = 0; c * bpc < size; c++) expect(v.isVerified(c * bpc, 1), `chunk ${c}`).toBe(model.has(c));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds the bad chunk for any flipped bit, chunk size and read pattern', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4000 }),
        fc.integer({ min: 1, max: 600 }),
        fc.nat(),
        fc.nat(7),
        fc.integer({ min: 1, max: 5000 }),
        async (size, bpc, at, bit, step) => {
          const data = bytes(size, size ^ bpc);
          const crc = expectedCrcFile(data, bpc);
          const flip = at % size;
          const bad = data.slice();
          bad[flip]! ^= 1 << bit;
          const want = Math.floor(flip / bpc) * bpc;
          expect(((await caught(verifyChecksumFile(bad, crc))) as ChecksumError).offset).toBe(want);
          const v = new ChecksumVerifier(crc, size);
          const raw = async (pos: number, into: Uint8Array, off: number, len: number) => {
            const n = Math.max(0, Math.min(len, bad.length - pos));
            into.set(bad.subarray(pos, pos + n), off);
            return n;
          };
          const out = new Uint8Array(step);
          let e: unknown;
          for (let pos = 0; pos < size && !e; pos += step) e = await v.read(pos, out, 0, step, raw).then(() => undefined, (x: unknown) => x);
          expect(e).toBeInstanceOf(ChecksumError);
          expect((e as ChecksumError).offset).toBe(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports the bad chunk', async () => {
    const data = bytes(5000, 2);
    const crc = expectedCrcFile(data);
    const bad = data.slice();
    bad[1234]! ^= 0x10;
    const e = await caught(verifyChecksumFile(bad, crc, { file: 'd', checksumFile: '.d.crc' }));
    expect(e).toBeInstanceOf(ChecksumError);
    expect(e).toBeInstanceOf(CorruptFileError);
    expect((e as ChecksumError).offset).toBe(1024);
    expect((e as ChecksumError).chunk).toBe(2);
    expect((e as ChecksumError).file).toBe('d');
    expect((e as ChecksumError).checksumFile).toBe('.d.crc');
    expect((e as ChecksumError).expected).toBe(bitCrc32(data.subarray(1024, 1536)));
    expect((e as ChecksumError).actual).toBe(bitCrc32(bad.subarray(1024, 1536)));
    expect((e as Error).message).toMatch(/^d: checksum error.*\(at byte 1024\)$/);
  });

  it('rejects a .crc whose length does not fit the data', () => {
    const crc = expectedCrcFile(bytes(1000));
    expect(() => new ChecksumVerifier(crc, 1025, { checksumFile: 'c' })).toThrow(CorruptFileError);
    expect(() => new ChecksumVerifier(crc, 1024, { checksumFile: 'c' })).not.toThrow();
    expect(() => new ChecksumVerifier(crc, 1024)).not.toThrow();
    expect(() => new ChecksumVerifier(crc, 1023, { checksumFile: 'c' })).not.toThrow();
    expect(() => new ChecksumVerifier(crc, 1024 - 512, { checksumFile: 'c' })).toThrow(/checksum file is 16 bytes, expected 12/);
  });

  it('lazy mode reads CRCs on demand', async () => {
    const data = bytes(3000, 7);
    const crc = expectedCrcFile(data, 100);
    const crcReads: number[] = [];
    const readCrc = async (pos: number, into: Uint8Array, off: number, len: number) => {
      crcReads.push(pos);
      const n = Math.max(0, Math.min(len, crc.length - pos));
      into.set(crc.subarray(pos, pos + n), off);
      return n;
    };
    const v = await ChecksumVerifier.lazy(readCrc, crc.length, data.length, { file: 'f', checksumFile: 'c' });
    expect(v.bytesPerChecksum).toBe(100);
    const bad = data.slice();
    bad[2550]! ^= 1;
    const raw = async (pos: number, into: Uint8Array, off: number, len: number) => {
      const n = Math.max(0, Math.min(len, bad.length - pos));
      into.set(bad.subarray(pos, pos + n), off);
      return n;
    };
    const out = new Uint8Array(300);
    expect(await v.read(150, out, 0, 300, raw)).toBe(300);
    expect(out).toEqual(data.subarray(150, 450));
    expect(crcReads).toEqual([0, 8 + 4]); // header, then chunks 1..4
    const e = await caught(v.read(2400, out, 0, 300, raw));
    expect(e).toBeInstanceOf(ChecksumError);
    expect((e as ChecksumError).offset).toBe(2500);
    await expect(ChecksumVerifier.lazy(readCrc, crc.length + 4, data.length, { checksumFile: 'c' })).rejects.toThrow(CorruptFileError);
  });
});

describe('FileSink writeChecksum + FileSource verification', () => {
  it.each(SIZES)('round trip of %i bytes', async (n) => {
    const path = join(dir, `f${n}.bin`);
    const data = bytes(n, n + 11);
    await writeFile(path, data, { writeChecksum: true });
    expect(new Uint8Array(readFileSync(path))).toEqual(data);
    expect(new Uint8Array(readFileSync(join(dir, `.f${n}.bin.crc`)))).toEqual(expectedCrcFile(data));
    const src = await FileSource.open(path);
    try {
      expect(src.verifiesChecksum).toBe(true);
      expect(src.checksumFile).toBe(join(dir, `.f${n}.bin.crc`));
      expect(await readAll(src)).toEqual(data);
      for (const [p, l] of [[0, 1], [n - 1, 1], [n >> 1, 700], [3, n], [n, 10]] as const) {
        if (p < 0) continue;
        expect(await readAll(src, p, Math.max(0, Math.min(l, n - p)))).toEqual(data.subarray(p, p + l));
      }
    } finally {
      await src.close();
    }
  });

  it('custom bytesPerChecksum', async () => {
    const path = join(dir, 'f');
    const data = bytes(5000, 3);
    await writeFile(path, data, { writeChecksum: { bytesPerChecksum: 1000 } });
    expect(new Uint8Array(readFileSync(join(dir, '.f.crc')))).toEqual(expectedCrcFile(data, 1000));
    const src = await FileSource.open(path);
    expect(await readAll(src)).toEqual(data);
    await src.close();
    await expect(FileSink.open(path, { writeChecksum: { bytesPerChecksum: 0 } })).rejects.toThrow(UsageError);
  });

  it.each([
    [1234, 1024],
    [0, 0],
    [511, 0],
    [512, 512],
    [4999, 4608],
  ])('a flipped byte at %i gives ChecksumError at chunk offset %i', async (flip, chunkAt) => {
    const path = join(dir, 'data');
    const data = bytes(5000, 5);
    await writeFile(path, data, { writeChecksum: true });
    const bad = data.slice();
    bad[flip]! ^= 0x80;
    writeFileSync(path, bad);
    const src = await FileSource.open(path);
    try {
      // a small read anywhere in the bad chunk reads (and checks) the whole chunk
      const e = await caught(readAll(src, Math.min(chunkAt + 500, 4999), 1));
      expect(e).toBeInstanceOf(ChecksumError);
      expect((e as ChecksumError).offset).toBe(chunkAt);
      expect((e as ChecksumError).file).toBe(path);
      expect((e as ChecksumError).checksumFile).toBe(join(dir, '.data.crc'));
      // other chunks are fine
      const other = chunkAt === 0 ? 2048 : 0;
      expect(await readAll(src, other, 100)).toEqual(data.subarray(other, other + 100));
      // a whole-file read fails at the same chunk
      expect(((await caught(readAll(src))) as ChecksumError).offset).toBe(chunkAt);
    } finally {
      await src.close();
    }
    // verification off: the bytes come through
    const raw = await FileSource.open(path, { verifyChecksum: false });
    expect(raw.verifiesChecksum).toBe(false);
    expect(await readAll(raw)).toEqual(bad);
    await raw.close();
  });

  it.each([
    ['bad magic', (c: Uint8Array) => (c[0] = 0x43, c)],
    ['bytesPerChecksum 0', (c: Uint8Array) => (c.set([0, 0, 0, 0], 4), c)],
    ['negative bytesPerChecksum', (c: Uint8Array) => (c.set([0x80, 0, 0, 0], 4), c)],
    ['huge bytesPerChecksum', (c: Uint8Array) => (c.set([0x40, 0, 0, 0], 4), c)],
    ['one CRC too many', (c: Uint8Array) => concat(c, new Uint8Array(4))],
    ['one CRC missing', (c: Uint8Array) => c.subarray(0, c.length - 4)],
    ['a ragged length', (c: Uint8Array) => c.subarray(0, c.length - 1)],
    ['a truncated header', (c: Uint8Array) => c.subarray(0, 5)],
    ['empty', () => new Uint8Array(0)],
  ])('a malformed .crc (%s) is a CorruptFileError naming it', async (_what, mangle) => {
    const path = join(dir, 'data');
    const data = bytes(1500, 8);
    await writeFile(path, data, { writeChecksum: true });
    const crcPath = join(dir, '.data.crc');
    writeFileSync(crcPath, mangle(new Uint8Array(readFileSync(crcPath))));
    const e = await caught(FileSource.open(path));
    expect(e).toBeInstanceOf(CorruptFileError);
    expect(e).not.toBeInstanceOf(ChecksumError);
    expect((e as CorruptFileError).file).toBe(crcPath);
    expect((e as Error).message).toContain(crcPath);
    // opting out still reads
    const src = await FileSource.open(path, { verifyChecksum: false });
    expect(await readAll(src)).toEqual(data);
    await src.close();
  });

  it('a data file that grew or shrank since the .crc was written is an error', async () => {
    const path = join(dir, 'data');
    await writeFile(path, bytes(1500), { writeChecksum: true });
    writeFileSync(path, bytes(2100));
    await expect(FileSource.open(path)).rejects.toThrow(CorruptFileError);
    writeFileSync(path, bytes(1400)); // same chunk count: the CRCs catch it
    const src = await FileSource.open(path);
    await expect(readAll(src)).rejects.toThrow(ChecksumError);
    await src.close();
  });

  it('without a .crc: no verification by default, an error when required', async () => {
    const path = join(dir, 'plain');
    writeFileSync(path, bytes(100));
    const src = await FileSource.open(path);
    expect(src.verifiesChecksum).toBe(false);
    expect(src.checksumFile).toBeUndefined();
    expect(await readAll(src)).toEqual(bytes(100));
    await src.close();
    const e = await caught(FileSource.open(path, { verifyChecksum: true }));
    expect(e).toBeInstanceOf(IOFailureError);
    expect((e as IOFailureError).file).toBe(join(dir, '.plain.crc'));
    // toSource passes the options through
    await expect(toSource(path, { verifyChecksum: true })).rejects.toThrow(IOFailureError);
  });

  it.each([
    [0, 1],
    [1, 510],
    [511, 1],
    [511, 2],
    [512, 513],
    [513, 5000],
    [5000, 0],
    [5000, 1],
    [100, 100],
  ])('append %i + %i bytes keeps the .crc right', async (a, b) => {
    const path = join(dir, 'app');
    const A = bytes(a, 1);
    const B = bytes(b, 2);
    await writeFile(path, A, { writeChecksum: true });
    await writeFile(path, B, { append: true, writeChecksum: true });
    const all = concat(A, B);
    expect(new Uint8Array(readFileSync(path))).toEqual(all);
    expect(new Uint8Array(readFileSync(join(dir, '.app.crc')))).toEqual(expectedCrcFile(all));
    // and again, with a different piece
    const C = bytes(777, 3);
    await writeFile(path, C, { append: true, writeChecksum: true });
    expect(new Uint8Array(readFileSync(join(dir, '.app.crc')))).toEqual(expectedCrcFile(concat(all, C)));
    const src = await FileSource.open(path);
    expect(await readAll(src)).toEqual(concat(all, C));
    await src.close();
  });

  it('append keeps an existing bytesPerChecksum and rejects a different explicit one', async () => {
    const path = join(dir, 'app');
    const A = bytes(1000, 1);
    await writeFile(path, A, { writeChecksum: { bytesPerChecksum: 300 } });
    const B = bytes(650, 2);
    await writeFile(path, B, { append: true, writeChecksum: true });
    expect(new Uint8Array(readFileSync(join(dir, '.app.crc')))).toEqual(expectedCrcFile(concat(A, B), 300));
    await expect(FileSink.open(path, { append: true, writeChecksum: { bytesPerChecksum: 512 } })).rejects.toThrow(UsageError);
  });

  it('append to a file without a .crc sums the existing data', async () => {
    const path = join(dir, 'app');
    const A = bytes(1300, 1);
    writeFileSync(path, A);
    const B = bytes(100, 2);
    await writeFile(path, B, { append: true, writeChecksum: true });
    expect(new Uint8Array(readFileSync(join(dir, '.app.crc')))).toEqual(expectedCrcFile(concat(A, B)));
  });

  it('append refuses to build on a corrupt last chunk or a mis-sized .crc', async () => {
    const path = join(dir, 'app');
    const A = bytes(1300, 1);
    await writeFile(path, A, { writeChecksum: true });
    const crcBefore = readFileSync(join(dir, '.app.crc'));
    const bad = A.slice();
    bad[1200]! ^= 1;
    writeFileSync(path, bad);
    const e = await caught(FileSink.open(path, { append: true, writeChecksum: true }));
    expect(e).toBeInstanceOf(ChecksumError);
    expect((e as ChecksumError).offset).toBe(1024);
    expect(readFileSync(join(dir, '.app.crc'))).toEqual(crcBefore); // untouched
    writeFileSync(path, bytes(1600, 1));
    await expect(FileSink.open(path, { append: true, writeChecksum: true })).rejects.toThrow(CorruptFileError);
  });

  it('sync leaves a .crc that matches the data written so far', async () => {
    const path = join(dir, 's');
    const sink = await FileSink.open(path, { writeChecksum: true });
    const A = bytes(700, 1);
    await sink.write(A);
    await sink.sync();
    expect(new Uint8Array(readFileSync(join(dir, '.s.crc')))).toEqual(expectedCrcFile(A));
    const B = bytes(1_200_000, 2); // more than the CRC flush threshold's worth of chunks
    await sink.write(B);
    await sink.sync();
    expect(new Uint8Array(readFileSync(join(dir, '.s.crc')))).toEqual(expectedCrcFile(concat(A, B)));
    await sink.write(bytes(452, 3)); // ends on a chunk boundary
    await sink.close();
    const all = concat(A, B, bytes(452, 3));
    expect(all.length % 512).toBe(0);
    expect(new Uint8Array(readFileSync(join(dir, '.s.crc')))).toEqual(expectedCrcFile(all));
  });

  it('atomic mode renames the .crc too and leaves no temporary files', async () => {
    const path = join(dir, 'atomic.seq');
    const data = bytes(5000, 4);
    const sink = await FileSink.open(path, { atomic: true, writeChecksum: true });
    await sink.write(data);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(dir, '.atomic.seq.crc'))).toBe(false);
    expect(readdirSync(dir).some((f) => f.startsWith('.atomic.seq.') && f.endsWith('.tmp.crc'))).toBe(true);
    await sink.close();
    expect(readdirSync(dir).sort()).toEqual(['.atomic.seq.crc', 'atomic.seq']);
    expect(new Uint8Array(readFileSync(join(dir, '.atomic.seq.crc')))).toEqual(expectedCrcFile(data));
  });

  it('abort removes the .crc (plain and atomic)', async () => {
    const p1 = join(dir, 'a1');
    const s1 = await FileSink.open(p1, { writeChecksum: true });
    await s1.write(bytes(3000));
    await s1.abort();
    expect(existsSync(join(dir, '.a1.crc'))).toBe(false);
    const p2 = join(dir, 'a2');
    const s2 = await FileSink.open(p2, { writeChecksum: true, atomic: true });
    await s2.write(bytes(3000));
    await s2.abort();
    expect(readdirSync(dir)).toEqual(['a1']); // the plain sink leaves its partial data, as before
  });

  it('writing without writeChecksum removes a stale .crc', async () => {
    const p = join(dir, 'x');
    await writeFile(p, bytes(2000), { writeChecksum: true });
    await writeFile(p, bytes(100, 9), {});
    expect(existsSync(join(dir, '.x.crc'))).toBe(false);
    const src = await FileSource.open(p);
    expect(await readAll(src)).toEqual(bytes(100, 9));
    await src.close();
    await writeFile(p, bytes(2000), { writeChecksum: true });
    await writeFile(p, bytes(100, 9), { atomic: true });
    expect(readdirSync(dir)).toEqual(['x']);
    await writeFile(p, bytes(2000), { writeChecksum: true });
    await writeFile(p, bytes(100, 9), { append: true });
    expect(readdirSync(dir)).toEqual(['x']);
  });
});

describe('SequenceFile through checksummed sinks and sources', () => {
  it('writes with a .crc, reads verified, fails on a flipped byte', async () => {
    const path = join(dir, 'data.seq');
    const sink = await FileSink.open(path, { writeChecksum: true });
    const w = await SequenceFileWriter.create(sink, { keyClass: 'org.apache.hadoop.io.Text', valueClass: 'org.apache.hadoop.io.Text', compression: 'NONE' });
    for (let i = 0; i < 500; i++) await w.append(`key${i}`, `value ${i}`.repeat(5));
    await w.close();
    const data = new Uint8Array(readFileSync(path));
    expect(new Uint8Array(readFileSync(join(dir, '.data.seq.crc')))).toEqual(expectedCrcFile(data));

    const r = await SequenceFileReader.open(path);
    let n = 0;
    for await (const _ of r) n++;
    await r.close();
    expect(n).toBe(500);

    const bad = data.slice();
    bad[10000]! ^= 0x01;
    writeFileSync(path, bad);
    const e = await caught(
      (async () => {
        const r2 = await SequenceFileReader.open(path);
        try {
          for await (const _ of r2) {
            // read everything
          }
        } finally {
          await r2.close();
        }
      })(),
    );
    expect(e).toBeInstanceOf(ChecksumError);
    expect((e as ChecksumError).offset).toBe(9728);
  });
});
