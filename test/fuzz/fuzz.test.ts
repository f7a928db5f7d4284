// A short run of the fuzzer (bench/fuzz-core.ts; `npm run fuzz` runs the long one) and targeted
// hostile inputs: each must end in a typed error, quickly, without allocating what it claims.
import { once } from 'node:events';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CorruptFileError,
  HadoopIOError,
  LimitExceededError,
  MAX_NESTING_DEPTH,
  ByteReader,
  SequenceFileReader,
  TruncatedFileError,
  arrayWritableType,
  createRegistry,
  defaultRegistry,
  mapWritableType,
  snappyCodec,
  type ReadLimits,
} from '../../src/index.js';
import { Tally, checkMutant, loadCorpus, makeMutant, replaceRegion, scanSeq, type CorpusFile } from '../../bench/fuzz-core.js';

const MiB = 1024 * 1024;
const SEED = 20240611;
const INPUTS = 3000;

// the three files over 200 KB cost as much as the rest together: the long run covers them
const corpus = loadCorpus({ maxFileBytes: 200 * 1024 });
const file = (name: string): CorpusFile => {
  const f = corpus.find((c) => c.name === name);
  if (!f) throw new Error(`no corpus file ${name}`);
  return f;
};

describe('fuzz', () => {
  it(`${INPUTS} mutants of the Hadoop corpus end in records or a HadoopIOError`, async () => {
    const tally = new Tally();
    for (let i = 0; i < INPUTS; i++) tally.add(await checkMutant(makeMutant(corpus, SEED, i), { seed: SEED }));
    const report = tally.uniqueFindings().map(({ finding: f, count }) => `[${f.kind}] x${count} ${f.mode}: ${f.message} (${f.file}, input ${f.index}: ${f.mutation})`);
    expect(report).toEqual([]);
    expect(tally.inputs).toBe(INPUTS);
    // the mutants reach every outcome, not only the header check
    expect(tally.clean).toBeGreaterThan(INPUTS / 10);
    for (const cls of ['CorruptFileError', 'TruncatedFileError', 'LimitExceededError']) expect(tally.errors.get(cls) ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it('reports what it should: an untyped error, and an engine error hidden in a typed one', async () => {
    // two deliberately broken classes, known to this test file's registry only
    defaultRegistry.registerClass({ className: 'fuzz.BrokenRead', read: () => (null as unknown as { x: number }).x, write: () => {} });
    defaultRegistry.registerClass({ className: 'fuzz.BrokenToString', read: (r) => r.readBytes(r.remaining), write: () => {}, toString: () => 'x'.repeat(-1) });
    const base = file('seq/edge/single-none-none.seq');
    const kinds: string[] = [];
    for (const cls of ['fuzz.BrokenRead', 'fuzz.BrokenToString']) {
      const f = scanSeq(base.name, retypeValue(base, cls));
      const r = await checkMutant({ index: 0, file: f, bytes: f.bytes, mutation: `retype ${cls}` }, { seed: 0 });
      kinds.push(...r.findings.map((x) => `${x.kind} ${x.mode}`));
    }
    // recovery skips a record that does not decode, so the hidden TypeError shows in the decode
    // and split reads; split reads do not print, so the toString RangeError shows in the other two
    expect(kinds).toEqual(['wrapped-internal-error decode', 'wrapped-internal-error split', 'untyped-error decode', 'untyped-error recover']);
  });

  it('is deterministic: an input is a function of the seed and its index', () => {
    const a = makeMutant(corpus, 5, 77);
    const b = makeMutant(corpus, 5, 77);
    expect(b.mutation).toBe(a.mutation);
    expect(b.bytes).toEqual(a.bytes);
    expect(makeMutant(corpus, 6, 77).mutation).not.toBe(a.mutation);
  });
});

/** Read every way the fuzzer does; returns the errors (one per way), their times and the ArrayBuffer growth. */
async function readAllWays(bytes: Uint8Array, limits?: Partial<ReadLimits>): Promise<{ errors: unknown[]; ms: number; grown: number }> {
  const errors: unknown[] = [];
  const before = process.memoryUsage().arrayBuffers;
  let grown = 0;
  const t0 = performance.now();
  for (const mode of ['decode', 'raw'] as const) {
    try {
      const r = await SequenceFileReader.open(bytes, { name: 'hostile', ...(limits ? { limits } : {}) });
      if (mode === 'raw') for await (const raw of r.raw()) void raw.value;
      else for await (const kv of r) void kv;
      errors.push(null);
    } catch (e) {
      errors.push(e);
    }
    grown = Math.max(grown, process.memoryUsage().arrayBuffers - before);
  }
  return { errors, ms: performance.now() - t0, grown };
}

/** A zlib stream of `n` zero bytes, built without holding them (a 1 MiB chunk written n/1MiB times). */
async function zlibBomb(n: number): Promise<Uint8Array> {
  const d = zlib.createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  d.on('data', (c: Buffer) => parts.push(c));
  const end = once(d, 'end');
  const chunk = Buffer.alloc(MiB);
  for (let i = 0; i < n / MiB; i++) if (!d.write(chunk)) await once(d, 'drain');
  d.end();
  await end;
  return Buffer.concat(parts);
}

function int32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v);
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let p = 0;
  for (const x of parts) {
    out.set(x, p);
    p += x.length;
  }
  return out;
}

/** The file with its value class name replaced. */
function retypeValue(f: CorpusFile, cls: string): Uint8Array {
  const field = f.fields.find((x) => x.what === 'value class-name length')!;
  const name = new TextEncoder().encode(cls);
  return concat(f.bytes.subarray(0, field.off), Uint8Array.of(name.length), name, f.bytes.subarray(field.off + field.size + field.value));
}

/** A NONE file whose only record has this value (the key of the file's first record). */
function withValue(f: CorpusFile, value: Uint8Array): Uint8Array {
  const rec = f.fields.find((x) => x.what === 'record length')!;
  const keyLen = f.fields.find((x) => x.what === 'key length')!.value;
  const key = f.bytes.subarray(rec.off + 8, rec.off + 8 + keyLen);
  return concat(f.bytes.subarray(0, f.headerLength), int32(keyLen + value.length), int32(keyLen), key, value);
}

function withInt32(f: CorpusFile, what: string, v: number): Uint8Array {
  const field = f.fields.find((x) => x.what === what);
  if (!field) throw new Error(`${f.name} has no ${what}`);
  const b = f.bytes.slice();
  new DataView(b.buffer).setInt32(field.off, v);
  return b;
}

describe('hostile inputs', () => {
  it('a zlib bomb in a RECORD DefaultCodec value stops at the limit with LimitExceededError', async () => {
    const f = file('seq/edge/single-record-default.seq');
    const bomb = await zlibBomb(64 * MiB);
    expect(bomb.length).toBeLessThan(MiB);
    const bytes = replaceRegion(f.bytes, f.regions[0]!, bomb);
    const { errors, ms, grown } = await readAllWays(bytes, { maxDecompressedBytes: 4 * MiB });
    for (const e of errors) expect(e).toBeInstanceOf(LimitExceededError);
    expect(ms).toBeLessThan(2000);
    expect(grown).toBeLessThan(32 * MiB);
    // recovery skips the record and says why
    const r = await SequenceFileReader.open(bytes, { recover: true, limits: { maxDecompressedBytes: 4 * MiB } });
    for await (const kv of r) void kv;
    expect(r.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/exceeds the limit/)]);
  });

  it('a snappy block header claiming a huge uncompressed length gives a typed error at once', async () => {
    const f = file('seq/edge/single-record-snappy.seq');
    const chunk = snappyCodec().compress(new TextEncoder().encode('hello'));
    // Hadoop's framing: int32 uncompressed length, then (int32 length, raw snappy) chunks
    const raw = chunk.subarray(8); // one block header + one chunk header precede the raw snappy bytes
    for (const [claimed, want] of [
      [0x7fffffff, LimitExceededError],
      [200 * MiB, CorruptFileError], // within the 256 MiB limit, but the chunk makes 5 bytes and the data ends
    ] as const) {
      const value = concat(int32(claimed), int32(raw.length), raw);
      const { errors, ms, grown } = await readAllWays(replaceRegion(f.bytes, f.regions[0]!, value));
      for (const e of errors) expect(e).toBeInstanceOf(want);
      expect(ms).toBeLessThan(1000);
      expect(grown).toBeLessThan(16 * MiB);
    }
    // a raw snappy chunk whose own length header claims 200 MiB, with 3 bytes of data
    const lying = Uint8Array.of(0x80, 0x80, 0x80, 0x64, 0x00, 0x61, 0x62);
    const { errors, ms, grown } = await readAllWays(replaceRegion(f.bytes, f.regions[0]!, concat(int32(200 * MiB), int32(lying.length), lying)));
    for (const e of errors) expect(e).toBeInstanceOf(CorruptFileError);
    expect(ms).toBeLessThan(1000);
    expect(grown).toBeLessThan(16 * MiB);
  });

  it('an lz4 block header claiming a huge length gives a typed error at once', async () => {
    const f = file('seq/codec/record-lz4.seq');
    const raw = Uint8Array.of(0x50, 0x68, 0x65, 0x6c, 0x6c, 0x6f); // one LZ4 sequence: 5 literals "hello"
    for (const [claimed, want] of [
      [0x7fffffff, LimitExceededError],
      [200 * MiB, CorruptFileError],
    ] as const) {
      const { errors, ms, grown } = await readAllWays(replaceRegion(f.bytes, f.regions[0]!, concat(int32(claimed), int32(raw.length), raw)));
      for (const e of errors) expect(e).toBeInstanceOf(want);
      expect(ms).toBeLessThan(1000);
      expect(grown).toBeLessThan(16 * MiB);
    }
  });

  it('a snappy BLOCK buffer claiming a huge length gives a typed error at once', async () => {
    const f = file('seq/codec/block-snappy.seq');
    const keys = f.regions.find((r) => r.kind === 'block-buffer' && r.which === 1)!;
    const value = concat(int32(0x7fffffff), int32(4), Uint8Array.of(2, 4, 0x61, 0x62));
    const { errors, ms, grown } = await readAllWays(replaceRegion(f.bytes, keys, value));
    for (const e of errors) expect(e).toBeInstanceOf(LimitExceededError);
    expect(ms).toBeLessThan(1000);
    expect(grown).toBeLessThan(16 * MiB);
  });

  it('a forged record length of 2^31-1 is a limit error; one within the limit but past the end is a truncation', async () => {
    const f = file('seq/codec/none.seq');
    for (const [len, want] of [
      [0x7fffffff, LimitExceededError],
      [60 * MiB, TruncatedFileError], // under the 64 MiB limit: must not allocate 60 MiB for a 21 KB file
    ] as const) {
      const { errors, ms, grown } = await readAllWays(withInt32(f, 'record length', len));
      for (const e of errors) expect(e).toBeInstanceOf(want);
      expect((errors[0] as HadoopIOError).offset).toBe(f.headerLength);
      expect(ms).toBeLessThan(1000);
      expect(grown).toBeLessThan(16 * MiB);
    }
  });

  it('a metadata count of 2^31-1 (or of the element limit) gives a typed error at once', async () => {
    const f = file('seq/meta/many-pairs.seq');
    const at = f.fields.find((x) => x.what === 'metadata count')!.off;
    // 16 Mi pairs are allowed: parsing runs into the records and fails on a length there
    for (const count of [0x7fffffff, 16 * MiB]) {
      const { errors, ms, grown } = await readAllWays(withInt32(f, 'metadata count', count));
      for (const e of errors) expect(e).toBeInstanceOf(CorruptFileError);
      if (count === 0x7fffffff) expect((errors[0] as HadoopIOError).offset).toBe(at);
      expect(ms).toBeLessThan(1000);
      expect(grown).toBeLessThan(16 * MiB);
    }
  });

  it('values nested thousands deep stop at the nesting limit instead of overflowing the stack', async () => {
    const utf = (s: string): number[] => [0, s.length, ...new TextEncoder().encode(s)];
    for (const depth of [MAX_NESTING_DEPTH, MAX_NESTING_DEPTH + 1, 2000, 100_000]) {
      // MapWritable: no extra classes, one entry NullWritable (-119) -> MapWritable (-121), innermost empty
      const map = new Uint8Array((depth - 1) * 7 + 5);
      for (let i = 0; i < depth - 1; i++) map.set([0, 0, 0, 0, 1, 0x89, 0x87], i * 7);
      // ObjectWritable: an array of one array of ... of one int
      const level = [...utf('[Ljava.lang.Object;'), 0, 0, 0, 1];
      const obj = new Uint8Array(depth * level.length + 9);
      for (let i = 0; i < depth; i++) obj.set(level, i * level.length);
      obj.set([...utf('int'), 0, 0, 0, 7], depth * level.length);
      for (const [name, value] of [['seq/types/MapWritable-none.seq', map], ['seq/types/ObjectWritable-none.seq', obj]] as const) {
        const bytes = withValue(file(name), value);
        let error: unknown = null;
        try {
          const r = await SequenceFileReader.open(bytes);
          for await (const kv of r) r.valueType.toString(kv.value); // printing recurses too
        } catch (e) {
          error = e;
        }
        if (depth <= MAX_NESTING_DEPTH) expect(error, `${name} at depth ${depth}`).toBeNull();
        else {
          expect(error, `${name} at depth ${depth}`).toBeInstanceOf(LimitExceededError);
          expect((error as Error).message).toMatch(/nested more than 100 levels/);
        }
      }
    }
  });

  it('collections share one element budget per value: 43 bytes cannot make 2 Mi elements', () => {
    // a user's ArrayWritable of NullWritable: 4 bytes make a 512 Ki-element array (under the 1 Mi limit); a MapWritable of 4 of them
    const registry = createRegistry().register(arrayWritableType('x.NullArray', 'org.apache.hadoop.io.NullWritable'));
    const name = new TextEncoder().encode('x.NullArray');
    const entry = [0x89, 1, ...int32(MiB / 2)]; // NullWritable key, x.NullArray value
    const bytes = Uint8Array.from([1, 1, 0, name.length, ...name, ...int32(4), ...entry, ...entry, ...entry, ...entry]);
    const read = (): unknown => mapWritableType.read(new ByteReader(bytes), { registry });
    expect(read).toThrow(LimitExceededError);
    expect(read).toThrow(/over the limit of 1048576/);
  });

  it('a large Text of malformed UTF-8 decodes in linear time', async () => {
    const f = file('seq/edge/text-invalid-utf8-none.seq'); // Text keys and values
    const n = 8 * MiB;
    const text = new Uint8Array(n).map((_, i) => (i % 3 === 0 ? 0xff : 0x41));
    const vint = Uint8Array.of(0x8c, n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255); // a 4-byte VInt length
    const t0 = performance.now();
    const r = await SequenceFileReader.open(withValue(f, concat(vint, text)));
    const kv = await r.next();
    expect(performance.now() - t0).toBeLessThan(2000);
    expect((kv!.value as string).length).toBe(n);
    expect((kv!.value as string).slice(0, 4)).toBe('\ufffdAA\ufffd');
  });

  it('decompressing snappy chunks does not pile up native memory', () => {
    // the binding's default output (an external buffer) is not given back to the OS on glibc:
    // 2000 chunks of 200 KB used to leave RSS ~500 MB higher
    const codec = snappyCodec();
    const plain = new Uint8Array(200_000).map((_, i) => ((i * 31) % 251) + (i % 7 === 0 ? i & 3 : 0));
    const z = codec.compress(plain);
    expect(Buffer.from(codec.decompress(z, MiB)).equals(plain)).toBe(true);
    const before = process.memoryUsage.rss();
    for (let i = 0; i < 2000; i++) codec.decompress(z, MiB);
    expect(process.memoryUsage.rss() - before).toBeLessThan(200 * MiB);
  });

  it('forged counts and lengths deeper in the file give typed errors', async () => {
    const cases: [string, string, number][] = [
      ['seq/codec/none.seq', 'key length', 0x7fffffff],
      ['seq/codec/none.seq', 'key length', -1],
      ['seq/types/MapWritable-none.seq', 'value MapWritable size', 0x7fffffff],
      ['seq/types/BytesWritable-none.seq', 'value BytesWritable length', 0x7fffffff],
      ['seq/types/TextArrayWritable-none.seq', 'value ArrayWritable count', 0x7fffffff],
    ];
    for (const [name, what, v] of cases) {
      const { errors, ms } = await readAllWays(withInt32(file(name), what, v));
      for (const e of errors.slice(0, what.startsWith('value') ? 1 : 2)) expect(e, `${name} ${what}`).toBeInstanceOf(CorruptFileError);
      expect(ms).toBeLessThan(1000);
    }
  });
});
