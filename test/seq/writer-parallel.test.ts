// Compression in worker threads: same bytes as in-thread, ordered, bounded, errors typed and sticky.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CodecPool,
  CorruptFileError,
  createCodecRegistry,
  defaultThreads,
  createCodecPool,
  failedInputIndex,
  IOFailureError,
  LimitExceededError,
  MemorySink,
  SequenceFileReader,
  SequenceFileWriter,
  UsageError,
  type ByteSink,
  type CompressionCodec,
  type CompressionType,
  type SequenceFileWriterOptions,
} from '../../src/index.js';
import { DeferredSink, FailingSink } from '../fixtures-helpers/sinks.js';

const TEXT = 'org.apache.hadoop.io.Text';
const SYNC = Uint8Array.from({ length: 16 }, (_, i) => i * 11 + 3);
const CODECS = ['default', 'gzip', 'deflate', 'snappy', 'lz4', 'zstd', 'bzip2'];
const ZLIB_FAMILY = new Set(['default', 'gzip', 'deflate']);

/** Each record's key and decompressed value as hex, and the sync markers' count, from a file's bytes. */
async function storedRecords(bytes: Uint8Array): Promise<{ records: string[]; syncs: number }> {
  const file = join(tmpdir(), `hadoop-io-parallel-${process.pid}-${Math.random().toString(36).slice(2)}.seq`);
  writeFileSync(file, bytes);
  try {
    const r = await SequenceFileReader.open(file);
    const records: string[] = [];
    await r.forEachRaw((raw) => {
      records.push(Buffer.from(raw.key).toString('hex') + ':' + Buffer.from(raw.value).toString('hex'));
    });
    await r.close();
    let syncs = 0;
    for (let i = Buffer.from(bytes).indexOf(Buffer.from(SYNC)); i >= 0; i = Buffer.from(bytes).indexOf(Buffer.from(SYNC), i + 1)) syncs++;
    return { records, syncs };
  } finally {
    rmSync(file, { force: true });
  }
}

/** ~2.5 MB of records (past the bytes a writer compresses in-thread before using workers), a few large values. */
function records(n = 24000): [string, string][] {
  const out: [string, string][] = [];
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  for (let i = 0; i < n; i++) {
    let v = '';
    const len = 60 + (next() % 60);
    while (v.length < len) v += String.fromCharCode(97 + (next() % 26)) + (next() % 5 === 0 ? ' ' : '');
    if (i % 5000 === 17) v = v.repeat(250); // ~20 KB: several write calls for block-framed codecs
    if (i === 12345) v = 'x'.repeat(300_000); // more than one snappy/lz4 chunk
    out.push(['key-' + String(i).padStart(8, '0'), v]);
  }
  return out;
}
const RECORDS = records();

async function write(
  sink: ByteSink,
  compression: CompressionType,
  codec: string,
  threads: number,
  how: 'append' | 'write' | 'batch' = 'write',
  extra: Partial<SequenceFileWriterOptions> = {},
): Promise<SequenceFileWriter<string, string>> {
  if (threads > 0) await CodecPool.shared(threads).ready(); // else a loaded machine may finish before a worker is up
  const w = await SequenceFileWriter.create<string, string>(sink, {
    keyClass: TEXT,
    valueClass: TEXT,
    compression,
    codec,
    syncMarker: SYNC,
    blockSize: 200_000,
    threads,
    ...extra,
  });
  if (how === 'batch') await w.appendBatch(RECORDS);
  else if (how === 'append') for (const [k, v] of RECORDS) await w.append(k, v);
  else for (const [k, v] of RECORDS) if (!w.write(k, v)) await w.drained();
  await w.close();
  return w;
}

async function bytesOf(compression: CompressionType, codec: string, threads: number, how: 'append' | 'write' | 'batch' = 'write'): Promise<Uint8Array> {
  const sink = new MemorySink();
  await write(sink, compression, codec, threads, how);
  return sink.bytes();
}

describe('SequenceFileWriter with worker threads', () => {
  for (const compression of ['BLOCK', 'RECORD'] as const) {
    for (const codec of CODECS) {
      // Node's zlib (Chromium's) makes bytes that depend on earlier streams of a reused handle, so
      // RECORD zlib-family output is only as identical as the handle's history: check the records
      const exact = compression === 'BLOCK' || !ZLIB_FAMILY.has(codec);
      it(`${compression} ${codec}: threads 0, 1 and 2 write ${exact ? 'identical bytes' : 'the same records'}`, async () => {
        const single = await bytesOf(compression, codec, 0, 'append');
        const sink = new MemorySink();
        const w = await write(sink, compression, codec, 2);
        // workers were used (bzip2 compression stays in this thread: its binding loads in one thread only)
        expect(w.pipeline.threads).toBe(codec === 'bzip2' ? 0 : 2);
        if (codec !== 'bzip2') expect(w.pipeline.peakInFlight).toBeGreaterThan(0);
        const one = await bytesOf(compression, codec, 1, 'batch');
        if (exact) {
          expect(Buffer.from(sink.bytes()).equals(Buffer.from(single))).toBe(true);
          expect(Buffer.from(one).equals(Buffer.from(single))).toBe(true);
        } else {
          const want = await storedRecords(single);
          expect(await storedRecords(sink.bytes())).toEqual(want);
          expect(await storedRecords(one)).toEqual(want);
        }
      });
    }
  }

  it('reads back what it wrote with workers', async () => {
    const sink = new MemorySink();
    await write(sink, 'RECORD', 'snappy', 2);
    const file = `${process.env.TMPDIR ?? '/tmp'}/hadoop-io-parallel-${process.pid}.seq`;
    const { writeFileSync, rmSync } = await import('node:fs');
    writeFileSync(file, sink.bytes());
    try {
      const r = await SequenceFileReader.open<string, string>(file);
      let i = 0;
      for await (const batch of r.batches()) {
        for (const rec of batch) {
          expect([rec.key, rec.value]).toEqual(RECORDS[i]);
          i++;
        }
      }
      await r.close();
      expect(i).toBe(RECORDS.length);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('sync() frames everything in flight and places the marker as in-thread', async () => {
    const run = async (threads: number): Promise<Uint8Array> => {
      const sink = new MemorySink();
      if (threads > 0) await CodecPool.shared(threads).ready();
      const w = await SequenceFileWriter.create<string, string>(sink, { keyClass: TEXT, valueClass: TEXT, compression: 'RECORD', codec: 'default', syncMarker: SYNC, threads });
      for (const [i, [k, v]] of RECORDS.entries()) {
        if (!w.write(k, v)) await w.drained();
        if (i % 7000 === 6999) {
          await w.sync();
          expect(w.pipeline.inFlight).toBe(0);
        }
        if (i % 9000 === 0) await w.appendRawCompressed(Buffer.from('raw-' + i), w.codec!.compress(Buffer.from('stored')));
      }
      await w.close();
      if (threads > 0) expect(w.pipeline.peakInFlight).toBeGreaterThan(0);
      return sink.bytes();
    };
    expect(Buffer.from(await run(2)).equals(Buffer.from(await run(0)))).toBe(true);
  });

  it('bounds the blocks in flight under a slow sink, write() returns false, output identical', async () => {
    const single = await bytesOf('BLOCK', 'zstd', 0);
    const sink = new DeferredSink();
    await CodecPool.shared(2).ready();
    const w = await SequenceFileWriter.create<string, string>(sink, {
      keyClass: TEXT, valueClass: TEXT, compression: 'BLOCK', codec: 'zstd', syncMarker: SYNC, blockSize: 200_000, threads: 2, bufferSize: 4096,
    });
    let falses = 0;
    for (const [k, v] of RECORDS) {
      if (!w.write(k, v)) {
        falses++;
        expect(w.pipeline.inFlight).toBeLessThanOrEqual(w.pipeline.limit);
        await w.drained();
      }
    }
    await w.close();
    expect(falses).toBeGreaterThan(0);
    expect(w.pipeline.peakInFlight).toBeGreaterThan(0);
    expect(w.pipeline.peakInFlight).toBeLessThanOrEqual(w.pipeline.limit);
    expect(sink.maxInFlight).toBe(1);
    expect(Buffer.from(sink.bytes()).equals(Buffer.from(single))).toBe(true);
  });

  it('close waits for every block in flight (appends not awaited)', async () => {
    const single = await bytesOf('BLOCK', 'default', 0);
    const sink = new DeferredSink();
    await CodecPool.shared(2).ready();
    const w = await SequenceFileWriter.create<string, string>(sink, { keyClass: TEXT, valueClass: TEXT, compression: 'BLOCK', codec: 'default', syncMarker: SYNC, blockSize: 200_000, threads: 2 });
    const appends = RECORDS.map(([k, v]) => w.append(k, v));
    await w.close();
    await Promise.all(appends);
    expect(w.pipeline.inFlight).toBe(0);
    expect(sink.closed).toBe(true);
    expect(Buffer.from(sink.bytes()).equals(Buffer.from(single))).toBe(true);
  });

  it('a sink failure with blocks in flight is typed and sticky', async () => {
    const sink = new FailingSink({ failWriteAt: 1 });
    await CodecPool.shared(2).ready();
    const w = await SequenceFileWriter.create<string, string>(sink, { keyClass: TEXT, valueClass: TEXT, compression: 'BLOCK', codec: 'snappy', blockSize: 100_000, threads: 2, bufferSize: 64 * 1024 });
    let err: unknown = null;
    try {
      for (const [k, v] of RECORDS) if (!w.write(k, v)) await w.drained();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IOFailureError);
    expect((err as Error).message).toContain('ENOSPC');
    expect(() => w.write('k', 'v')).toThrow(err as Error);
    await expect(w.append('k', 'v')).rejects.toBe(err);
    await expect(w.close()).rejects.toBe(err);
    expect(sink.aborted).toBe(true);
  });

  it('a worker failure (pool closed under the writer) is typed and sticky', async () => {
    const pool = CodecPool.shared(2);
    await pool.ready();
    const w = await SequenceFileWriter.create<string, string>(new MemorySink(), { keyClass: TEXT, valueClass: TEXT, compression: 'BLOCK', codec: 'zstd', blockSize: 100_000, threads: 2 });
    for (const [k, v] of RECORDS.slice(0, 16000)) w.write(k, v);
    expect(w.pipeline.inFlight).toBeGreaterThan(0);
    await pool.close();
    const err = await w.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IOFailureError);
    expect((err as Error).message).toContain('codec pool closed');
    await expect(w.close()).rejects.toBe(err);
    expect(w.failure).toBe(err);
    // the next shared pool starts afresh
    expect(CodecPool.shared(2)).not.toBe(pool);
  });

  it('a plug-in codec from the user registry runs in this thread, and its errors reject the append', async () => {
    const base = createCodecRegistry().require('default');
    const reversing: CompressionCodec = {
      className: 'com.example.ReversingCodec',
      name: 'reversing',
      compress: (b) => base.compress(Uint8Array.from(b).reverse()),
      decompress: (b, max) => Uint8Array.from(base.decompress(b, max)).reverse(),
    };
    const codecs = createCodecRegistry().register(reversing);
    const file = `${process.env.TMPDIR ?? '/tmp'}/hadoop-io-plugin-${process.pid}.seq`;
    const { rmSync } = await import('node:fs');
    try {
      const w = await SequenceFileWriter.create<string, string>(file, { keyClass: TEXT, valueClass: TEXT, compression: 'BLOCK', codec: 'reversing', codecs, threads: 2, blockSize: 100_000 });
      expect(w.pipeline.threads).toBe(0);
      await w.appendBatch(RECORDS.slice(0, 5000));
      await w.close();
      const r = await SequenceFileReader.open<string, string>(file, { codecs });
      let n = 0;
      for await (const b of r.batches()) n += b.length;
      await r.close();
      expect(n).toBe(5000);

      const failing = createCodecRegistry().register({ ...reversing, className: 'com.example.Broken', name: 'broken', compress: () => { throw new Error('broken codec'); } });
      const w2 = await SequenceFileWriter.create<string, string>(new MemorySink(), { keyClass: TEXT, valueClass: TEXT, compression: 'RECORD', codec: 'broken', codecs: failing, threads: 2 });
      await expect(w2.append('k', 'v')).rejects.toThrow('broken codec');
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('rejects a bad threads option before opening the output', async () => {
    await expect(SequenceFileWriter.create(new MemorySink(), { keyClass: TEXT, valueClass: TEXT, threads: -1 })).rejects.toBeInstanceOf(UsageError);
    await expect(SequenceFileWriter.create(new MemorySink(), { keyClass: TEXT, valueClass: TEXT, threads: 1.5 })).rejects.toBeInstanceOf(UsageError);
  });

  it('write() throws for a record it cannot serialize and the writer carries on', async () => {
    const sink = new MemorySink();
    const w = await SequenceFileWriter.create<string, unknown>(sink, { keyClass: TEXT, valueClass: 'org.apache.hadoop.io.IntWritable', compression: 'RECORD', threads: 2 });
    expect(() => w.write('a', 'not a number')).toThrow(UsageError);
    expect(w.write('b', 2)).toBe(true);
    await w.close();
    expect(w.count).toBe(1);
  });

  it('a record stream uses write() and keeps the bytes', async () => {
    const { pipeline } = await import('node:stream/promises');
    const { Readable } = await import('node:stream');
    const single = await bytesOf('RECORD', 'zstd', 0);
    const sink = new MemorySink();
    await CodecPool.shared(2).ready();
    const w = await SequenceFileWriter.create<string, string>(sink, { keyClass: TEXT, valueClass: TEXT, compression: 'RECORD', codec: 'zstd', syncMarker: SYNC, blockSize: 200_000, threads: 2 });
    await pipeline(Readable.from(RECORDS), w.toWritable());
    expect(Buffer.from(sink.bytes()).equals(Buffer.from(single))).toBe(true);
  });
});

describe('CodecPool', () => {
  it('keeps results in order and carries typed errors with their reason across the thread boundary', async () => {
    const pool = createCodecPool({ threads: 2 });
    try {
      const codec = createCodecRegistry().require('zstd');
      const inputs = Array.from({ length: 50 }, (_, i) => new TextEncoder().encode(`input ${i} `.repeat(100 + i)));
      const expected = inputs.map((b) => codec.compress(b));
      const calls = Array.from({ length: 8 }, () => pool.compress(codec.className, inputs.map((b) => b.slice())));
      for (const got of await Promise.all(calls)) expect(got.map((b) => Buffer.from(b).toString('hex'))).toEqual(expected.map((b) => Buffer.from(b).toString('hex')));
      expect(pool.started).toBe(2);
      const back = await pool.decompress(codec.className, expected.map((b) => b.slice()), 1 << 20);
      expect(back.map((b) => Buffer.from(b).toString())).toEqual(inputs.map((b) => Buffer.from(b).toString()));

      const bad = await pool.decompress('org.apache.hadoop.io.compress.DefaultCodec', [expected[0]!.slice(), Uint8Array.of(1, 2, 3, 4, 5)], 1 << 20).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(CorruptFileError);
      expect(failedInputIndex(bad)).toBe(0);
      const zlib = createCodecRegistry().require('default');
      const over = await pool.decompress(zlib.className, [zlib.compress(new Uint8Array(100_000))], 1000).catch((e: unknown) => e);
      expect(over).toBeInstanceOf(LimitExceededError);
      let inThread: unknown = null;
      try {
        zlib.decompress(zlib.compress(new Uint8Array(100_000)), 1000);
      } catch (e) {
        inThread = e;
      }
      expect((over as LimitExceededError).reason).toBe((inThread as LimitExceededError).reason);
    } finally {
      await pool.close();
    }
  });

  it('by default the zlib codecs compress in one worker (on two cores or more) and the fast codecs in this thread', async () => {
    const worker = availableParallelism() > 1 ? 1 : 0;
    expect(defaultThreads('org.apache.hadoop.io.compress.DefaultCodec')).toBe(worker);
    expect(defaultThreads('org.apache.hadoop.io.compress.GzipCodec')).toBe(worker);
    expect(defaultThreads('org.apache.hadoop.io.compress.DeflateCodec')).toBe(worker);
    for (const c of ['SnappyCodec', 'Lz4Codec', 'ZStandardCodec', 'BZip2Codec']) expect(defaultThreads(`org.apache.hadoop.io.compress.${c}`)).toBe(0);
    const text = 'org.apache.hadoop.io.Text';
    const zlib = await SequenceFileWriter.create(new MemorySink(), { keyClass: text, valueClass: text, compression: 'BLOCK' });
    const snappy = await SequenceFileWriter.create(new MemorySink(), { keyClass: text, valueClass: text, compression: 'BLOCK', codec: 'snappy' });
    expect([zlib.pipeline.threads, snappy.pipeline.threads]).toEqual([worker, 0]);
    await zlib.close();
    await snappy.close();
  });

  it('moves only buffers its inputs cover whole: a view of part of a buffer is copied, the buffer stays usable', async () => {
    const pool = createCodecPool({ threads: 1 });
    try {
      await pool.ready();
      const zlib = createCodecRegistry().require('default');
      const z = zlib.compress(new TextEncoder().encode('x'.repeat(500)));
      const shared = new Uint8Array(z.length * 2);
      shared.set(z, 0);
      shared.set(z, z.length);
      const [one] = await pool.decompress(zlib.className, [shared.subarray(0, z.length)], 1 << 20);
      expect(Buffer.from(one!).toString()).toBe('x'.repeat(500));
      expect(shared.buffer.byteLength).toBe(z.length * 2); // not detached
      expect(Buffer.from(zlib.decompress(shared.subarray(z.length), 1 << 20)).toString()).toBe('x'.repeat(500));
      const whole = z.slice();
      await pool.decompress(zlib.className, [whole], 1 << 20);
      expect(whole.buffer.byteLength).toBe(0); // covered whole: moved, as documented
    } finally {
      await pool.close();
    }
  });

  it('an idle pool does not keep the process alive: a script that never closes it exits', () => {
    const script = `
      import { SequenceFileWriter, CodecPool } from ${JSON.stringify(new URL('../../dist/src/index.js', import.meta.url).href)};
      await CodecPool.shared(2).ready();
      const w = await SequenceFileWriter.create(${JSON.stringify(`${process.env.TMPDIR ?? '/tmp'}/hadoop-io-exit-${process.pid}.seq`)}, { keyClass: 'org.apache.hadoop.io.Text', valueClass: 'org.apache.hadoop.io.Text', compression: 'BLOCK', codec: 'zstd', blockSize: 100000, threads: 2 });
      for (let i = 0; i < 40000; i++) if (!w.write('key-' + i, 'value value value value value value value ' + i)) await w.drained();
      await w.close();
      const pool = CodecPool.shared(2);
      console.log('started', pool.started, w.pipeline.peakInFlight > 0);
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    spawnSync('rm', ['-f', `${process.env.TMPDIR ?? '/tmp'}/hadoop-io-exit-${process.pid}.seq`]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('started 2 true');
  });
});
