import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CodecPool,
  DEFAULT_LIMITS,
  MemorySink,
  SequenceFileReader,
  SequenceFileWriter,
  defaultCodecs,
  isNeed,
  readBlockFrame,
  type BlockDecompressor,
  type BlockFrame,
  type SequenceFileReaderOptions,
} from '../../src/index.js';
import { HADOOP_DIR, seqEntries } from '../../interop/fixtures.js';

const TEXT = 'org.apache.hadoop.io.Text';

/** A decompressor that answers later (a timer), out of step with the caller, and counts what it is given. */
function delayed(): BlockDecompressor & { calls: number; valueCalls: number; inFlight: number; maxInFlight: number } {
  const d = {
    calls: 0,
    valueCalls: 0,
    inFlight: 0,
    maxInFlight: 0,
    decompress(className: string, buffers: readonly Uint8Array[], maxOutput: number): Promise<Uint8Array[]> {
      d.calls++;
      if (buffers.length === 1) d.valueCalls++;
      d.inFlight++;
      d.maxInFlight = Math.max(d.maxInFlight, d.inFlight);
      const codec = defaultCodecs.require(className);
      return new Promise<Uint8Array[]>((resolve, reject) => {
        setTimeout(() => {
          d.inFlight--;
          try {
            resolve(buffers.map((b) => codec.decompress(b, maxOutput)));
          } catch (e) {
            reject(e);
          }
        }, 1);
      });
    },
  };
  return d;
}

async function blockFile(codec: string, records = 6000, blockSize = 4096): Promise<Uint8Array> {
  const sink = new MemorySink();
  const w = await SequenceFileWriter.create<string, string>(sink, { keyClass: TEXT, valueClass: TEXT, compression: 'BLOCK', codec, blockSize });
  for (let i = 0; i < records; i++) await w.append(`key-${String(i).padStart(6, '0')}`, `value ${i} `.repeat(1 + (i % 7)));
  await w.close();
  return sink.bytes();
}

interface Trace {
  records: string[];
  positions: number[];
  error: { name: string; message: string; offset: number | undefined } | null;
}

/** Every record (key and value bytes as hex), the reader's position before each, and how it ended. */
async function trace(bytes: Uint8Array, opts: SequenceFileReaderOptions, keysOnly = false): Promise<Trace> {
  const r = await SequenceFileReader.open(bytes, opts);
  const t: Trace = { records: [], positions: [], error: null };
  try {
    for (;;) {
      t.positions.push(r.position);
      const raw = await r.nextRaw();
      if (raw === null) break;
      t.records.push(Buffer.from(raw.key).toString('hex') + (keysOnly ? '' : ':' + Buffer.from(raw.value).toString('hex')));
    }
  } catch (e) {
    const err = e as { name: string; message: string; offset: number | undefined };
    t.error = { name: err.name, message: err.message, offset: err.offset };
  }
  await r.close();
  return t;
}

function framesOf(bytes: Uint8Array, headerLength: number, sync: Uint8Array | null): BlockFrame[] {
  const out: BlockFrame[] = [];
  for (let at = headerLength; at < bytes.length; ) {
    const f = readBlockFrame(bytes, at, bytes.length, sync, DEFAULT_LIMITS);
    if (isNeed(f)) break;
    out.push(f);
    at = f.end;
  }
  return out;
}

describe('BLOCK read-ahead', () => {
  const corpus = seqEntries.filter((e) => e.compression === 'BLOCK').map((e) => e.path);

  for (const path of corpus) {
    it(`${path}: same records and positions with blocks decompressed ahead`, async () => {
      const bytes = new Uint8Array(readFileSync(join(HADOOP_DIR, path)));
      const plain = await trace(bytes, {});
      const d = delayed();
      expect(await trace(bytes, { readAhead: 3, decompressor: d })).toEqual(plain);
      expect(await trace(bytes, { threads: 1, readAhead: 2 })).toEqual(plain);
    });
  }

  for (const codec of ['default', 'snappy', 'zstd', 'lz4', 'bzip2']) {
    it(`${codec}: pipelined decode paths match, in flight stays bounded, keys-only scans leave values alone`, async () => {
      const bytes = await blockFile(codec);
      const plain = await trace(bytes, {});
      expect(plain.records.length).toBe(6000);
      const d = delayed();
      expect(await trace(bytes, { readAhead: 3, decompressor: d })).toEqual(plain);
      expect(d.calls).toBeGreaterThan(10);
      // one call for key lengths/keys/value lengths and at most one for values per block in flight
      expect(d.maxInFlight).toBeLessThanOrEqual(2 * 3);
      // and through the worker pool
      expect(await trace(bytes, { threads: 1 })).toEqual(plain);
      expect(CodecPool.shared(1).started).toBeGreaterThanOrEqual(1);

      // decoded paths: for await, batches, forEach
      const decoded = async (opts: SequenceFileReaderOptions, how: 'await' | 'batches' | 'forEach') => {
        const r = await SequenceFileReader.open<string, string>(bytes, opts);
        const out: string[] = [];
        if (how === 'await') for await (const kv of r) out.push(kv.key + '=' + kv.value);
        else if (how === 'batches') for await (const b of r.batches(100)) for (const kv of b) out.push(kv.key + '=' + kv.value);
        else await r.forEach((k, v) => void out.push(k + '=' + v));
        await r.close();
        return out;
      };
      const want = await decoded({}, 'await');
      for (const how of ['await', 'batches', 'forEach'] as const) {
        const dd = delayed();
        expect(await decoded({ readAhead: 2, decompressor: dd }, how)).toEqual(want);
        expect(dd.valueCalls).toBeGreaterThan(5); // values go with the rest when they will be wanted
      }

      // a keys-only scan never has values decompressed
      const dk = delayed();
      const keys = await trace(bytes, { readAhead: 3, decompressor: dk }, true);
      expect(keys.records).toEqual(plain.records.map((r) => r.split(':')[0]));
      expect(dk.valueCalls).toBe(0);
    });
  }

  it('seek() and sync() drop the read-ahead and read on from the new place', async () => {
    const bytes = await blockFile('default');
    const d = delayed();
    const r = await SequenceFileReader.open(bytes, { readAhead: 4, decompressor: d });
    const plain = await SequenceFileReader.open(bytes);
    const blockStarts: number[] = [];
    plain.observer = { onBlock: (b) => blockStarts.push(b.offset) };
    const all: string[] = [];
    await plain.forEachRaw((raw) => void all.push(Buffer.from(raw.key).toString()));
    await plain.close();
    // into the 6th block, with blocks ahead in flight
    let n = 0;
    await r.forEachRaw((raw) => raw.block < 5 || ++n < 3);
    expect(d.calls).toBeGreaterThan(0);
    await r.seek(blockStarts[2]!);
    expect(r.position).toBe(blockStarts[2]);
    const after: string[] = [];
    await r.forEachRaw((raw) => void after.push(Buffer.from(raw.key).toString()));
    const firstOf2 = all.length - after.length;
    expect(after).toEqual(all.slice(firstOf2));
    await r.sync(blockStarts[7]! - 3);
    expect(r.position).toBe(blockStarts[7]);
    const tail: string[] = [];
    await r.forEachRaw((raw) => void tail.push(Buffer.from(raw.key).toString()));
    expect(tail).toEqual(all.slice(all.length - tail.length));
    expect(tail.length).toBeLessThan(after.length);
    await r.close();
  });

  it('a damaged later block fails with the same error at the same offset, after the same records', async () => {
    const bytes = await blockFile('default', 6000, 2048);
    const probe = await SequenceFileReader.open(bytes);
    const { headerLength, sync } = probe.header;
    await probe.close();
    const fs = framesOf(bytes, headerLength, sync);
    expect(fs.length).toBeGreaterThan(12);
    const b = fs[8]!;
    const damages: [string, (x: Uint8Array) => Uint8Array][] = [
      ['escape', (x) => ((x[b.offset] = 0), x)],
      ['marker', (x) => ((x[b.offset + 7] ^= 0xff), x)],
      ['count', (x) => ((x[b.countAt] = 0x80), x)],
      ['keys stream', (x) => (x.fill(0x41, b.dataAt[1] + 2, b.dataAt[1] + 12), x)],
      ['key lengths stream', (x) => (x.fill(0x00, b.dataAt[0], b.dataAt[0] + b.buffers[0].length), x)],
      ['values stream', (x) => (x.fill(0x13, b.dataAt[3] + 2, b.dataAt[3] + 30), x)],
      ['buffer size', (x) => ((x[b.sizeAt[2]] = 0x8c), x)],
      ['truncated', (x) => x.slice(0, b.dataAt[2] + 3)],
      ['truncated at a block end', (x) => x.slice(0, b.end - 1)],
    ];
    for (const [what, hurt] of damages) {
      const bad = hurt(bytes.slice());
      const plain = await trace(bad, {});
      expect(plain.error, what).not.toBeNull();
      expect(await trace(bad, { readAhead: 3, decompressor: delayed() }), what).toEqual(plain);
      expect(await trace(bad, { threads: 1, readAhead: 2 }), what).toEqual(plain);
      // recovery mode reads without read-ahead: skips the same regions
      const rec = async (opts: SequenceFileReaderOptions) => {
        const r = await SequenceFileReader.open(bad, { ...opts, recover: true });
        let n = 0;
        await r.forEachRaw(() => void n++);
        await r.close();
        return [n, r.skipped];
      };
      expect(await rec({ threads: 1, readAhead: 3 }), what).toEqual(await rec({}));
    }
  });

  it('a split reader stops where it did (setEnd and position with blocks ahead)', async () => {
    const bytes = await blockFile('snappy');
    const { readSplit, splitRanges } = await import('../../src/index.js');
    for (const split of splitRanges(bytes.length, 7000)) {
      const keys = async (opts: SequenceFileReaderOptions) => {
        const out: unknown[] = [];
        for await (const kv of readSplit(bytes, { ...opts, ...split })) out.push(kv.key);
        return out;
      };
      expect(await keys({ readAhead: 3, decompressor: delayed() })).toEqual(await keys({}));
    }
  });

  it('a process that read with threads exits when done, even if its worker never got work', () => {
    // the worker is started at open and is still starting when this small read ends
    const dist = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '../../dist/src/index.js')).href;
    const file = join(HADOOP_DIR, 'seq/many/block-default-bs1024.seq');
    const script = `const { SequenceFileReader } = await import(${JSON.stringify(dist)});
      const r = await SequenceFileReader.open(${JSON.stringify(file)}, { threads: 1 });
      let n = 0;
      for await (const b of r.batches()) n += b.length;
      console.log(n);`;
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(res.error).toBeUndefined();
    expect(res.status).toBe(0);
    expect(Number(res.stdout.trim())).toBeGreaterThan(100);
  });
});
