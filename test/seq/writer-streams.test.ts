/**
 * Writing into streams: SequenceFileWriter.create(writable) for Node
 * Writables and Web WritableStreams (chunks copied, backpressure respected,
 * stream failures typed), and record-level streams for pipeline().
 */
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGunzip, createGzip, gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAll } from '../fixtures-helpers/read-all.js';
import { IOFailureError, MemorySink, SequenceFileReader, SequenceFileWriter, UsageError, streamSink, type CompressionType } from '../../src/index.js';

const TEXT = 'org.apache.hadoop.io.Text';
const LONG = 'org.apache.hadoop.io.LongWritable';
const MODES: CompressionType[] = ['NONE', 'RECORD', 'BLOCK'];
const SYNC = new Uint8Array(16).fill(7);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hadoop-io-streams-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function records(n: number): { key: string; value: bigint }[] {
  return Array.from({ length: n }, (_, i) => ({ key: `key-${i}-${'x'.repeat(i % 17)}`, value: BigInt(i) }));
}

/** The same records written to a MemorySink with the same marker: what every stream must receive. */
async function reference(compression: CompressionType, n: number): Promise<Uint8Array> {
  const sink = new MemorySink();
  const w = await SequenceFileWriter.create<string, bigint>(sink, { keyClass: TEXT, valueClass: LONG, compression, syncMarker: SYNC, bufferSize: 256, blockSize: 512 });
  for (const r of records(n)) await w.append(r.key, r.value);
  await w.close();
  return sink.bytes();
}

async function writeTo(output: Parameters<typeof SequenceFileWriter.create>[0], compression: CompressionType, n: number): Promise<void> {
  const w = await SequenceFileWriter.create<string, bigint>(output, { keyClass: TEXT, valueClass: LONG, compression, syncMarker: SYNC, bufferSize: 256, blockSize: 512 });
  for (const r of records(n)) await w.append(r.key, r.value);
  await w.close();
}

describe('SequenceFileWriter.create(Node Writable)', () => {
  for (const compression of MODES) {
    it(`${compression}: into fs.createWriteStream, byte-identical to a MemorySink`, async () => {
      const path = join(dir, 'out.seq');
      const ws = createWriteStream(path);
      await writeTo(ws, compression, 2000);
      expect(ws.writableFinished).toBe(true);
      await finished(ws);
      expect(new Uint8Array(readFileSync(path))).toEqual(await reference(compression, 2000));
    });
  }

  it('a stream that keeps the chunks it is given (no copy of its own) still gets the right bytes', async () => {
    // a writer reusing its buffer after write() returned corrupts a stream that holds on to chunks
    const kept: Uint8Array[] = [];
    const holder = new Writable({
      highWaterMark: 1 << 30,
      write(chunk: Uint8Array, _enc, cb) {
        kept.push(chunk);
        setImmediate(cb);
      },
    });
    await writeTo(holder, 'NONE', 3000);
    expect(new Uint8Array(Buffer.concat(kept))).toEqual(await reference('NONE', 3000));
  });

  it('into zlib.createGzip() piped to a file: gunzip gives the SequenceFile back', async () => {
    const path = join(dir, 'out.seq.gz');
    const gz = createGzip();
    const file = createWriteStream(path);
    const piped = pipeline(gz, file);
    await writeTo(gz, 'RECORD', 1500);
    await piped;
    const bytes = new Uint8Array(gunzipSync(readFileSync(path)));
    expect(bytes).toEqual(await reference('RECORD', 1500));
    const back: Buffer[] = [];
    await pipeline(createReadStream(path), createGunzip(), new Writable({ write: (c: Buffer, _e, cb) => (back.push(c), cb()) }));
    expect(await readAll(new Uint8Array(Buffer.concat(back)))).toEqual(records(1500));
  });

  it('into an HTTP response on 127.0.0.1: the client parses the body', async () => {
    const server: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/octet-stream');
      writeTo(res, 'BLOCK', 2500).catch((e) => res.destroy(e as Error));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const body = await new Promise<Buffer>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
          res.on('error', reject);
        }).on('error', reject);
      });
      const r = await SequenceFileReader.open(new Uint8Array(body));
      const got = [];
      for await (const kv of r) got.push(kv);
      await r.close();
      expect(got).toEqual(records(2500));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a slow Writable with highWaterMark 1: writes wait for drain, at most one chunk is buffered, output identical', async () => {
    const got: Buffer[] = [];
    let buffered = 0;
    let maxBuffered = 0;
    let writesWhileFull = 0;
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _enc, cb) {
        got.push(chunk);
        setTimeout(cb, 1);
      },
    });
    const origWrite = slow.write.bind(slow);
    slow.write = ((chunk: Buffer, cb?: (e?: Error | null) => void) => {
      if (slow.writableNeedDrain) writesWhileFull++;
      const ok = origWrite(chunk, cb);
      buffered = slow.writableLength;
      maxBuffered = Math.max(maxBuffered, buffered);
      return ok;
    }) as typeof slow.write;
    await writeTo(slow, 'NONE', 1500);
    expect(writesWhileFull, 'no write while the stream asked to wait').toBe(0);
    expect(maxBuffered).toBeLessThanOrEqual(256 + 1024);
    expect(new Uint8Array(Buffer.concat(got))).toEqual(await reference('NONE', 1500));
  });

  it('a destroyed stream: append/close reject with IOFailureError naming the stream', async () => {
    const pt = new PassThrough();
    pt.resume();
    const w = await SequenceFileWriter.create<string, bigint>(streamSink(pt, { name: 'upload' }), { keyClass: TEXT, valueClass: LONG, compression: 'NONE', bufferSize: 64 });
    await w.append('a', 1n);
    pt.destroy();
    let failure: unknown = null;
    for (let i = 0; i < 100 && failure === null; i++) await w.append(`k${i}`, BigInt(i)).catch((e: unknown) => (failure = e));
    expect(failure).toBeInstanceOf(IOFailureError);
    expect((failure as IOFailureError).file).toBe('upload');
    await expect(w.close()).rejects.toBeInstanceOf(IOFailureError);
  });

  it('a stream failing with an error: the error is the cause of a typed failure, never a hang', async () => {
    const failing = new Writable({
      write(_c, _e, cb) {
        cb(Object.assign(new Error('connection reset'), { code: 'ECONNRESET' }));
      },
    });
    const w = await SequenceFileWriter.create<string, bigint>(failing, { keyClass: TEXT, valueClass: LONG, compression: 'NONE', bufferSize: 64 });
    const errors: unknown[] = [];
    for (let i = 0; i < 50; i++) await w.append(`k${i}`, BigInt(i)).catch((e: unknown) => errors.push(e));
    const e = await w.close().then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(IOFailureError);
    expect((e as IOFailureError).message).toContain('ECONNRESET');
    expect(errors.length).toBeGreaterThan(0);
  });

  it('an already ended stream is refused at the first write', async () => {
    const pt = new PassThrough();
    pt.end();
    const w = await SequenceFileWriter.create<string, bigint>(pt, { keyClass: TEXT, valueClass: LONG });
    await w.append('a', 1n);
    const e = await w.close().then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(IOFailureError);
    expect((e as IOFailureError).reason).toMatch(/closed or destroyed before the end/);
  });

  it('streamSink(stream, { end: false }) leaves the stream open after close', async () => {
    const pt = new PassThrough();
    const chunks: Buffer[] = [];
    pt.on('data', (c: Buffer) => chunks.push(c));
    await writeTo(streamSink(pt, { end: false }), 'RECORD', 100);
    expect(pt.writableEnded).toBe(false);
    pt.end('TRAILER');
    await finished(pt);
    const all = Buffer.concat(chunks);
    expect(all.subarray(all.length - 7).toString()).toBe('TRAILER');
    expect(new Uint8Array(all.subarray(0, all.length - 7))).toEqual(await reference('RECORD', 100));
  });

  it('flush on a stream waits until the stream has taken every chunk', async () => {
    const got: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _enc, cb) {
        setTimeout(() => {
          got.push(chunk);
          cb();
        }, 1);
      },
    });
    const w = await SequenceFileWriter.create<string, bigint>(slow, { keyClass: TEXT, valueClass: LONG, compression: 'NONE', syncMarker: SYNC });
    await w.append('a', 1n);
    await w.flush();
    expect(Buffer.concat(got).length).toBe(w.position);
    await w.close();
  });

  it('something that is not an output is a UsageError', async () => {
    await expect(SequenceFileWriter.create({ write: 1 } as never, { keyClass: TEXT, valueClass: LONG })).rejects.toBeInstanceOf(UsageError);
    await expect(SequenceFileWriter.create(new URL('http://example.com/x.seq'), { keyClass: TEXT, valueClass: LONG })).rejects.toBeInstanceOf(UsageError);
  });

  it('a file: URL is a path', async () => {
    const path = join(dir, 'u.seq');
    await writeTo(new URL(`file://${path}`), 'BLOCK', 10);
    expect(await readAll(path)).toEqual(records(10));
  });
});

describe('SequenceFileWriter.create(Web WritableStream)', () => {
  for (const compression of MODES) {
    it(`${compression}: byte-identical with chunks copied, one write at a time under a highWaterMark of 1`, async () => {
      const kept: Uint8Array[] = [];
      let inFlight = 0;
      let maxInFlight = 0;
      const ws = new WritableStream<Uint8Array>(
        {
          async write(chunk) {
            kept.push(chunk); // kept without copying
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            await new Promise((r) => setTimeout(r, 1));
            inFlight--;
          },
        },
        new ByteLengthQueuingStrategy({ highWaterMark: 1 }),
      );
      await writeTo(ws, compression, 800);
      expect(maxInFlight).toBe(1);
      expect(new Uint8Array(Buffer.concat(kept))).toEqual(await reference(compression, 800));
    });
  }

  it('an erroring WritableStream: typed failure', async () => {
    const ws = new WritableStream<Uint8Array>({
      write() {
        throw new Error('bucket full');
      },
    });
    const w = await SequenceFileWriter.create<string, bigint>(ws, { keyClass: TEXT, valueClass: LONG, compression: 'NONE', bufferSize: 32 });
    for (let i = 0; i < 20; i++) await w.append(`k${i}`, BigInt(i)).catch(() => {});
    const e = await w.close().then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(IOFailureError);
    expect((e as IOFailureError).message).toContain('bucket full');
  });
});

describe('record streams for pipeline()', () => {
  for (const compression of MODES) {
    it(`${compression}: pipeline(Readable.from(records), SequenceFileWriter.createWriteStream(path))`, async () => {
      const path = join(dir, 'out.seq');
      await pipeline(
        Readable.from(records(3000)),
        SequenceFileWriter.createWriteStream<string, bigint>(path, { keyClass: TEXT, valueClass: LONG, compression, syncMarker: SYNC, bufferSize: 256, blockSize: 512 }),
      );
      expect(new Uint8Array(readFileSync(path))).toEqual(await reference(compression, 3000));
    });
  }

  it('[key, value] pairs through writer.toWritable(), into a gzip stream', async () => {
    const path = join(dir, 'out.seq.gz');
    const gz = createGzip();
    const done = pipeline(gz, createWriteStream(path));
    const w = await SequenceFileWriter.create<string, bigint>(gz, { keyClass: TEXT, valueClass: LONG, compression: 'BLOCK', syncMarker: SYNC, bufferSize: 256, blockSize: 512 });
    await pipeline(
      Readable.from(records(500).map((r) => [r.key, r.value] as const)),
      w.toWritable(),
    );
    await done;
    expect(new Uint8Array(gunzipSync(readFileSync(path)))).toEqual(await reference('BLOCK', 500));
  });

  it('a failure upstream aborts the writer: no file is committed, the old one stays', async () => {
    const path = join(dir, 'out.seq');
    const { writeFileSync, readdirSync } = await import('node:fs');
    writeFileSync(path, 'precious');
    async function* failing() {
      yield { key: 'a', value: 1n };
      yield { key: 'b', value: 2n };
      throw new Error('source broke');
    }
    await expect(
      pipeline(Readable.from(failing()), SequenceFileWriter.createWriteStream<string, bigint>(path, { keyClass: TEXT, valueClass: LONG, atomic: true })),
    ).rejects.toThrow('source broke');
    expect(readFileSync(path, 'utf8')).toBe('precious');
    expect(readdirSync(dir)).toEqual(['out.seq']);
  });

  it('a bad record fails the pipeline with a UsageError', async () => {
    const sink = new MemorySink();
    const w = await SequenceFileWriter.create<string, bigint>(sink, { keyClass: TEXT, valueClass: LONG });
    await expect(pipeline(Readable.from([{ key: 'a', value: 1n }, 42]), w.toWritable())).rejects.toBeInstanceOf(UsageError);
  });

  it('a create failure is the stream error', async () => {
    await expect(
      pipeline(Readable.from([{ key: 'a', value: 1n }]), SequenceFileWriter.createWriteStream(join(dir, 'no', 'such', 'dir.seq'), { keyClass: TEXT, valueClass: LONG })),
    ).rejects.toBeInstanceOf(IOFailureError);
  });

  it('Web: ReadableStream.pipeTo(writer.toWritableStream())', async () => {
    const sink = new MemorySink();
    const w = await SequenceFileWriter.create<string, bigint>(sink, { keyClass: TEXT, valueClass: LONG, compression: 'RECORD', syncMarker: SYNC, bufferSize: 256 });
    await ReadableStream.from(records(700)).pipeTo(w.toWritableStream());
    expect(sink.bytes()).toEqual(await reference('RECORD', 700));
  });
});
