import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptFileError, TruncatedFileError } from '../../src/io/errors.js';
import { murmurHash } from '../../src/map/bloom/murmur-hash.js';
import { jenkinsHash } from '../../src/map/bloom/jenkins-hash.js';
import {
  BloomFilter,
  HASH_TYPE_JENKINS,
  HASH_TYPE_MURMUR,
  HadoopHashFunction,
  parseHashType,
} from '../../src/map/bloom/bloom-filter.js';
import {
  DEFAULT_BLOOM_ERROR_RATE,
  DEFAULT_BLOOM_SIZE,
  DynamicBloomFilter,
  computeVectorSize,
} from '../../src/map/bloom/dynamic-bloom-filter.js';
import { HADOOP_DIR, manifest } from '../../interop/fixtures.js';

const MAP_DIR = join(HADOOP_DIR, 'map');

type Line = Record<string, unknown>;

interface BloomFixture {
  name: string;
  bloom: Uint8Array;
  header: Line;
  probes: Line[];
  recordKeys: string[];
  options: string;
}

const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

function loadFixtures(): BloomFixture[] {
  const out: BloomFixture[] = [];
  for (const name of readdirSync(MAP_DIR).sort()) {
    const bloomPath = join(MAP_DIR, name, 'bloom');
    if (!existsSync(bloomPath)) continue;
    const lines: Line[] = readFileSync(join(MAP_DIR, `${name}.expected.jsonl`), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Line);
    const header = lines.find((l) => l.type === 'bloom');
    if (header === undefined) throw new Error(`${name}: no bloom line`);
    const probes = lines.filter((l) => l.type === 'probablyHasKey' || l.type === 'probablyHasKeyProbe');
    const recordKeys = lines
      .filter((l) => l.type === 'record' && l.part === 'data')
      .map((l) => {
        if (typeof l.keyHex !== 'string') throw new Error(`${name}: record without keyHex`);
        return l.keyHex;
      });
    const entry = manifest.find((e) => e.path === `map/${name}`) as unknown as { options?: string } | undefined;
    out.push({ name, bloom: new Uint8Array(readFileSync(bloomPath)), header, probes, recordKeys, options: entry?.options ?? '' });
  }
  return out;
}

const fixtures = loadFixtures();

describe('bloom fixtures', () => {
  it('finds the BloomMapFile fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(4);
    expect(fixtures.some((f) => f.header.hashType === HASH_TYPE_JENKINS)).toBe(true);
    expect(fixtures.some((f) => f.header.hashType === HASH_TYPE_MURMUR)).toBe(true);
  });

  for (const fx of fixtures) {
    describe(fx.name, () => {
      const dbf = DynamicBloomFilter.fromBytes(fx.bloom, `${fx.name}/bloom`);

      it('parses the header', () => {
        expect(fx.bloom.length).toBe(fx.header.length);
        expect({
          version: dbf.version,
          nbHash: dbf.nbHash,
          hashType: dbf.hashType,
          vectorSize: dbf.vectorSize,
          nr: dbf.nr,
          currentNbRecord: dbf.currentNbRecord,
          rows: dbf.rows,
          rowBytes: dbf.rowBytes,
        }).toEqual({
          version: fx.header.version,
          nbHash: fx.header.nbHash,
          hashType: fx.header.hashType,
          vectorSize: fx.header.vectorSize,
          nr: fx.header.nr,
          currentNbRecord: fx.header.currentNbRecord,
          rows: fx.header.rows,
          rowBytes: fx.header.rowBytes,
        });
        expect(dbf.byteLength).toBe(fx.bloom.length);
      });

      it('computes the same hashes and membership as Hadoop', () => {
        expect(fx.probes.length).toBeGreaterThan(0);
        for (const p of fx.probes) {
          const key = hex(p.keyHex as string);
          expect(dbf.hashes(key), `${p.type} ${p.keyHex}`).toEqual(p.hashes);
          expect(dbf.membershipTest(key), `${p.type} ${p.keyHex}`).toBe(p.result);
        }
      });

      it('rebuilds the bloom file byte for byte', () => {
        const built = new DynamicBloomFilter({
          vectorSize: fx.header.vectorSize as number,
          nbHash: fx.header.nbHash as number,
          hashType: fx.header.hashType as number,
          nr: fx.header.nr as number,
        });
        for (const k of fx.recordKeys) built.add(hex(k));
        expect(built.rows).toBe(fx.header.rows);
        expect(built.currentNbRecord).toBe(fx.header.currentNbRecord);
        const bytes = built.toBytes();
        expect(bytes.length).toBe(fx.bloom.length);
        expect(Buffer.from(bytes).equals(Buffer.from(fx.bloom))).toBe(true);
        // and the parsed filter serializes back unchanged
        expect(Buffer.from(dbf.toBytes()).equals(Buffer.from(fx.bloom))).toBe(true);
      });

      it('vectorSize follows from io.mapfile.bloom.size and error rate', () => {
        const size = /io\.mapfile\.bloom\.size=(\d+)/.exec(fx.options);
        expect(fx.header.nr).toBe(size ? Number(size[1]) : DEFAULT_BLOOM_SIZE);
        // error rate: given in the manifest options, otherwise Hadoop's default
        const rate = /io\.mapfile\.bloom\.error\.rate=([0-9.eE+-]+)/.exec(fx.options);
        const errorRate = rate ? Number(rate[1]) : DEFAULT_BLOOM_ERROR_RATE;
        expect(computeVectorSize(fx.header.nr as number, errorRate)).toBe(fx.header.vectorSize);
      });
    });
  }
});

describe('computeVectorSize', () => {
  it('matches BloomMapFile defaults', () => {
    expect(computeVectorSize(1048576, 0.005)).toBe(12321010);
    expect(computeVectorSize()).toBe(12321010);
    expect(computeVectorSize(100, 0.01)).toBe(985);
  });
  it('uses Java int/float semantics at the edges', () => {
    const ln = Math.log(1 - Math.pow(Math.fround(0.005), 1 / 5));
    expect(computeVectorSize(0, 0.005)).toBe(0); // ceil(-0.0) -> (int) 0
    expect(computeVectorSize(10, 0)).toBe(-0x80000000); // -50 / log(1) = -Infinity, (int) saturates
    // -5 * 1e9 wraps as a Java int to -705032704
    expect(computeVectorSize(1_000_000_000, 0.005)).toBe(Math.ceil(-705032704 / ln));
    // the error rate is a Java float: 0.1f != 0.1
    const lnF = Math.log(1 - Math.pow(Math.fround(0.1), 1 / 5));
    expect(computeVectorSize(1000, 0.1)).toBe(Math.ceil(-5000 / lnF));
  });
});

// Straightforward ports of the Java code (long arithmetic via BigInt), as an
// independent check of the optimized implementations for all tail lengths.
function refJenkins(key: Uint8Array, initval: number): number {
  const M = 0xffffffffn;
  const rot = (v: bigint, k: number): bigint => ((v << BigInt(k)) | (v >> BigInt(32 - k))) & M;
  let length = key.length;
  let a = (0xdeadbeefn + BigInt(length) + BigInt(initval)) & M;
  let b = a;
  let c = a;
  let o = 0;
  const by = (i: number): bigint => BigInt(key[o + i]!);
  for (; length > 12; o += 12, length -= 12) {
    a = (a + by(0) + (by(1) << 8n) + (by(2) << 16n) + (by(3) << 24n)) & M;
    b = (b + by(4) + (by(5) << 8n) + (by(6) << 16n) + (by(7) << 24n)) & M;
    c = (c + by(8) + (by(9) << 8n) + (by(10) << 16n) + (by(11) << 24n)) & M;
    a = (a - c) & M; a ^= rot(c, 4); c = (c + b) & M;
    b = (b - a) & M; b ^= rot(a, 6); a = (a + c) & M;
    c = (c - b) & M; c ^= rot(b, 8); b = (b + a) & M;
    a = (a - c) & M; a ^= rot(c, 16); c = (c + b) & M;
    b = (b - a) & M; b ^= rot(a, 19); a = (a + c) & M;
    c = (c - b) & M; c ^= rot(b, 4); b = (b + a) & M;
  }
  if (length === 0) return Number(BigInt.asIntN(32, c));
  for (let i = length - 1; i >= 0; i--) {
    const v = by(i) << BigInt((i & 3) * 8);
    if (i >= 8) c = (c + v) & M;
    else if (i >= 4) b = (b + v) & M;
    else a = (a + v) & M;
  }
  c ^= b; c = (c - rot(b, 14)) & M;
  a ^= c; a = (a - rot(c, 11)) & M;
  b ^= a; b = (b - rot(a, 25)) & M;
  c ^= b; c = (c - rot(b, 16)) & M;
  a ^= c; a = (a - rot(c, 4)) & M;
  b ^= a; b = (b - rot(a, 14)) & M;
  c ^= b; c = (c - rot(b, 24)) & M;
  return Number(BigInt.asIntN(32, c));
}

function refMurmur(data: Uint8Array, seed: number): number {
  const i32 = (v: bigint): bigint => BigInt.asIntN(32, v);
  const shr = (v: bigint, n: bigint): bigint => BigInt.asUintN(32, v) >> n;
  const jb = (i: number): bigint => BigInt((data[i]! << 24) >> 24); // Java byte
  const m = 0x5bd1e995n;
  let h = i32(BigInt(seed) ^ BigInt(data.length));
  const len4 = data.length >> 2;
  for (let i = 0; i < len4; i++) {
    const o = i * 4;
    let k = jb(o + 3);
    k = i32((k << 8n) | (jb(o + 2) & 0xffn));
    k = i32((k << 8n) | (jb(o + 1) & 0xffn));
    k = i32((k << 8n) | (jb(o) & 0xffn));
    k = i32(k * m);
    k = i32(k ^ shr(k, 24n));
    k = i32(k * m);
    h = i32(h * m);
    h = i32(h ^ k);
  }
  const left = data.length - len4 * 4;
  if (left !== 0) {
    const L = data.length;
    if (left >= 3) h = i32(h ^ (jb(L - 3) << 16n));
    if (left >= 2) h = i32(h ^ (jb(L - 2) << 8n));
    h = i32(h ^ jb(L - 1));
    h = i32(h * m);
  }
  h = i32(h ^ shr(h, 13n));
  h = i32(h * m);
  h = i32(h ^ shr(h, 15n));
  return Number(h);
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  };
}

describe('hash functions', () => {
  it('jenkinsHash matches lookup3 hashlittle reference vectors', () => {
    const four = new TextEncoder().encode('Four score and seven years ago');
    expect(jenkinsHash(four, 0) >>> 0).toBe(0x17770551);
    expect(jenkinsHash(four, 1) >>> 0).toBe(0xcd628161);
    expect(jenkinsHash(new Uint8Array(0), 0) >>> 0).toBe(0xdeadbeef);
  });

  it('jenkinsHash and murmurHash agree with plain Java-semantics ports for all lengths', () => {
    const r = rng(42);
    for (let len = 0; len <= 40; len++) {
      for (let t = 0; t < 4; t++) {
        const b = new Uint8Array(len);
        for (let i = 0; i < len; i++) b[i] = t === 3 ? 0xff : r();
        for (const seed of [0, 1, -1, 0x7fffffff, -0x80000000, (r() << 24) | (r() << 8) | r()]) {
          expect(jenkinsHash(b, seed), `jenkins len ${len} seed ${seed}`).toBe(refJenkins(b, seed));
          expect(murmurHash(b, seed), `murmur len ${len} seed ${seed}`).toBe(refMurmur(b, seed));
        }
      }
    }
  });

  it('HadoopHashFunction chains seeds and reduces with |h % size|', () => {
    const key = new Uint8Array([7, 0x80, 0xff, 1, 2]);
    const f = new HadoopHashFunction(1000, 5, HASH_TYPE_MURMUR);
    const out = new Int32Array(5);
    const got = f.positions(key, out);
    expect(got).toBe(out);
    let h = 0;
    for (let i = 0; i < 5; i++) {
      h = murmurHash(key, h);
      expect(got[i]).toBe(Math.abs(h % 1000));
    }
    expect(() => f.positions(new Uint8Array(0))).toThrow();
    expect(() => new HadoopHashFunction(0, 5, 1)).toThrow();
    expect(() => new HadoopHashFunction(10, 5, 2)).toThrow();
    expect(parseHashType('Jenkins')).toBe(HASH_TYPE_JENKINS);
    expect(parseHashType('MURMUR')).toBe(HASH_TYPE_MURMUR);
    expect(parseHashType('xx')).toBe(-1);
  });
});

describe('BloomFilter', () => {
  it('round-trips and drops bits past vectorSize on read', () => {
    const bf = new BloomFilter(13, 3, HASH_TYPE_JENKINS);
    bf.add(new Uint8Array([1, 2, 3]));
    expect(bf.test(new Uint8Array([1, 2, 3]))).toBe(true);
    const bytes = bf.toBytes();
    expect(bytes.length).toBe(13 + 2);
    const back = BloomFilter.read(bytes).filter;
    expect(Buffer.from(back.toBytes()).equals(Buffer.from(bytes))).toBe(true);
    const forged = bytes.slice();
    forged[14] = forged[14]! | 0xe0; // bits 13..15 do not exist
    const read = BloomFilter.read(forged);
    expect(read.end).toBe(15);
    expect(Buffer.from(read.filter.toBytes()).equals(Buffer.from(bytes))).toBe(true);
    expect(() => BloomFilter.read(bytes.subarray(0, 14))).toThrow(TruncatedFileError);
  });
});

describe('DynamicBloomFilter', () => {
  it('starts a new row every nr keys', () => {
    const d = new DynamicBloomFilter({ vectorSize: 64, nbHash: 5, hashType: HASH_TYPE_MURMUR, nr: 2 });
    expect(d.rows).toBe(1);
    for (let i = 0; i < 5; i++) d.add(new Uint8Array([i + 1]));
    expect(d.rows).toBe(3);
    expect(d.currentNbRecord).toBe(1);
    for (let i = 0; i < 5; i++) expect(d.membershipTest(new Uint8Array([i + 1]))).toBe(true);
    const again = DynamicBloomFilter.fromBytes(d.toBytes());
    expect(Buffer.from(again.toBytes()).equals(Buffer.from(d.toBytes()))).toBe(true);
  });
});

describe('DynamicBloomFilter.fromBytes on hostile input', () => {
  const small = fixtures.find((f) => f.name === 'bloommap-text-small') ?? fixtures[0]!;
  const good = small.bloom;

  const forge = (edit: (v: DataView) => void, base: Uint8Array = good): Uint8Array => {
    const b = base.slice();
    edit(new DataView(b.buffer, b.byteOffset, b.byteLength));
    return b;
  };
  const corrupt = (b: Uint8Array): void => {
    expect(() => DynamicBloomFilter.fromBytes(b, 'bloom')).toThrow(CorruptFileError);
  };

  it('rejects every truncation and trailing garbage', () => {
    for (let n = 0; n < good.length; n++) corrupt(good.subarray(0, n));
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    corrupt(longer);
  });

  it('rejects forged header fields', () => {
    for (const v of [0, 1, 5, -2, 0x7fffffff]) corrupt(forge((d) => d.setInt32(0, v)));
    for (const v of [0, -1, 65, 0x7fffffff]) corrupt(forge((d) => d.setInt32(4, v)));
    for (const v of [2, -1, 127]) corrupt(forge((d) => d.setInt8(8, v)));
    for (const v of [0, -1, -0x80000000, 0x7fffffff, 754, 760]) corrupt(forge((d) => d.setInt32(9, v)));
    for (const v of [-1, -0x80000000, 0x7fffffff, 6, 4]) corrupt(forge((d) => d.setInt32(21, v)));
  });

  it('rejects a huge row count / vector size without allocating', () => {
    const header = forge((d) => {
      d.setInt32(9, 0x7fffffff);
      d.setInt32(21, 0x7fffffff);
    }).subarray(0, 25);
    const t0 = Date.now();
    corrupt(header);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('accepts zero rows without allocating a row', () => {
    const header = forge((d) => {
      d.setInt32(9, 0x7fffffff);
      d.setInt32(21, 0);
    }).subarray(0, 25);
    const before = process.memoryUsage().arrayBuffers;
    const d = DynamicBloomFilter.fromBytes(header);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    expect(d.rows).toBe(0);
    expect(d.vectorSize).toBe(0x7fffffff);
    expect(d.membershipTest(new Uint8Array([1]))).toBe(false);
    expect(Buffer.from(d.toBytes()).equals(Buffer.from(header))).toBe(true);
  });

  it('rejects rows whose header differs from the filter header', () => {
    const rowStart = 25 + 2 * (13 + Math.ceil((small.header.vectorSize as number) / 8));
    corrupt(forge((d) => d.setInt32(rowStart, 5)));
    corrupt(forge((d) => d.setInt32(rowStart + 4, 4)));
    corrupt(forge((d) => d.setInt8(rowStart + 8, 1 - (small.header.hashType as number))));
    corrupt(forge((d) => d.setInt32(rowStart + 9, (small.header.vectorSize as number) - 1)));
  });

  it('never throws anything but CorruptFileError for header byte mutations', () => {
    const r = rng(7);
    for (let pos = 0; pos < 25 + 13; pos++) {
      for (let t = 0; t < 8; t++) {
        const b = good.slice();
        b[pos] = t === 0 ? 0 : t === 1 ? 0xff : r();
        try {
          const d = DynamicBloomFilter.fromBytes(b);
          expect(d.toBytes().length).toBe(b.length);
        } catch (e) {
          expect(e).toBeInstanceOf(CorruptFileError);
        }
      }
    }
  });

  it('reports file and offset', () => {
    try {
      DynamicBloomFilter.fromBytes(forge((d) => d.setInt32(4, 0)), 'dir/bloom');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CorruptFileError);
      const err = e as CorruptFileError;
      expect(err.file).toBe('dir/bloom');
      expect(err.offset).toBe(4);
    }
  });
});
