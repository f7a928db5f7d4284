/**
 * A writer never reports success for data that did not reach its sink: sink
 * failures (ENOSPC, EPIPE, EIO from write, fsync or close; a plain Error from
 * a custom sink, rejected or thrown) surface as typed HadoopIOErrors from
 * append, flush and close, and keep surfacing; misuse is a UsageError;
 * abort() leaves no temporary files.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAll } from '../fixtures-helpers/read-all.js';
import {
  HadoopIOError,
  IOFailureError,
  MemorySink,
  SequenceFileWriter,
  UsageError,
  type ByteSink,
  type CompressionType,
} from '../../src/index.js';
import { DeferredSink, FailingSink } from '../fixtures-helpers/sinks.js';

const TEXT = 'org.apache.hadoop.io.Text';
const LONG = 'org.apache.hadoop.io.LongWritable';
const MODES: CompressionType[] = ['NONE', 'RECORD', 'BLOCK'];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hadoop-io-durability-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Run `fn` and turn a synchronous throw into a rejection, so either way of failing can be awaited. */
function attempt(fn: () => unknown): Promise<unknown> {
  return (async () => fn())();
}

/** The error `p` rejects with; fails the test if it resolves. */
async function rejection(p: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  expect.fail(`${what} resolved, but the sink had failed`);
}

function expectSinkFailure(e: unknown, code: string): void {
  expect(e).toBeInstanceOf(IOFailureError);
  const err = e as IOFailureError;
  expect(err.message).toContain(code);
  expect(err.file).toBeDefined();
  expect((err.cause as NodeJS.ErrnoException | undefined)?.code ?? err.message).toContain(code);
}


describe('sink failures surface as typed errors', () => {
  for (const compression of MODES) {
    for (const failMode of ['reject', 'throw'] as const) {
      it(`${compression}: a ${failMode === 'reject' ? 'rejected' : 'thrown'} write fails append, flush and close, and keeps failing`, async () => {
        const sink = new FailingSink({ failWriteAt: 1, failMode, code: 'EPIPE' });
        const w = await SequenceFileWriter.create<string, bigint>(sink, { keyClass: TEXT, valueClass: LONG, compression, bufferSize: 64, blockSize: 64 });
        // the header goes out in write 0; some later write fails; appends must start failing
        let failure: unknown = null;
        for (let i = 0; i < 200 && failure === null; i++) {
          try {
            await w.append(`key-${i}`, BigInt(i));
          } catch (e) {
            failure = e;
          }
        }
        expect(failure, 'an append reported the failed write').not.toBeNull();
        expectSinkFailure(failure, 'EPIPE');
        // every later call reports it too: nothing resolves as if the data were written
        expectSinkFailure(await rejection(attempt(() => w.append('late', 1n)), 'append'), 'EPIPE');
        expectSinkFailure(await rejection(attempt(() => w.sync()), 'sync'), 'EPIPE');
        expectSinkFailure(await rejection(w.flush(), 'flush'), 'EPIPE');
        expectSinkFailure(await rejection(w.close(), 'close'), 'EPIPE');
        expectSinkFailure(await rejection(w.close(), 'a second close'), 'EPIPE');
        expect(sink.aborted, 'close after a failure aborts the sink').toBe(true);
        expect(sink.writeCalls).toBe(2);
      });
    }

    it(`${compression}: a write failing at close (everything still buffered) rejects close`, async () => {
      const sink = new FailingSink({ failWriteAt: 0, code: 'ENOSPC' });
      const w = await SequenceFileWriter.create<string, bigint>(sink, { keyClass: TEXT, valueClass: LONG, compression });
      for (let i = 0; i < 10; i++) await w.append(`k${i}`, BigInt(i));
      expectSinkFailure(await rejection(w.close(), 'close'), 'ENOSPC');
      expect(sink.aborted).toBe(true);
      expect(sink.closed, 'a sink whose data did not get written is not closed as if complete').toBe(false);
    });

    it(`${compression}: a write failing at flush rejects flush, then close`, async () => {
      const sink = new FailingSink({ failWriteAt: 0, code: 'ENOSPC' });
      const w = await SequenceFileWriter.create<string, bigint>(sink, { keyClass: TEXT, valueClass: LONG, compression });
      await w.append('a', 1n);
      await w.sync();
      expectSinkFailure(await rejection(w.flush(), 'flush'), 'ENOSPC');
      expectSinkFailure(await rejection(w.flush(), 'a second flush'), 'ENOSPC');
      expectSinkFailure(await rejection(w.close(), 'close'), 'ENOSPC');
    });
  }

  for (const failMode of ['reject', 'throw'] as const) {
    it(`a single ${failMode === 'reject' ? 'rejected' : 'thrown'} write among good ones still fails the file (no silently missing chunk)`, async () => {
      const sink = new FailingSink({ failWriteAt: 2, once: true, failMode, code: 'EPIPE' });
      const w = await SequenceFileWriter.create<string, bigint>(sink, { keyClass: TEXT, valueClass: LONG, compression: 'NONE', bufferSize: 32 });
      const errors: unknown[] = [];
      for (let i = 0; i < 20; i++) {
        try {
          await w.append(`key-${i}`, BigInt(i));
        } catch (e) {
          errors.push(e);
        }
      }
      expect(errors.length, 'appends after the failure are refused').toBeGreaterThan(0);
      for (const e of errors) expectSinkFailure(e, 'EPIPE');
      expectSinkFailure(await rejection(w.close(), 'close'), 'EPIPE');
      expect(sink.writeCalls, 'nothing is written after the failed chunk').toBe(3);
    });
  }

  it('a failed fsync rejects flush, and the writer stays failed', async () => {
    const sink = new FailingSink({ failSync: true, code: 'EIO' });
    const w = await SequenceFileWriter.create<string, bigint>(sink, { keyClass: TEXT, valueClass: LONG, compression: 'NONE' });
    await w.append('a', 1n);
    expectSinkFailure(await rejection(w.flush(), 'flush'), 'EIO');
    expectSinkFailure(await rejection(attempt(() => w.append('b', 2n)), 'append after a failed fsync'), 'EIO');
    expectSinkFailure(await rejection(w.close(), 'close'), 'EIO');
  });

  it('a failed sink close rejects close, and again on a second close', async () => {
    const sink = new FailingSink({ failClose: true, code: 'EIO' });
    const w = await SequenceFileWriter.create<string, bigint>(sink, { keyClass: TEXT, valueClass: LONG, compression: 'BLOCK' });
    await w.append('a', 1n);
    const first = await rejection(w.close(), 'close');
    expectSinkFailure(first, 'EIO');
    expect(await rejection(w.close(), 'a second close')).toBe(first);
    expect(sink.aborted).toBe(true);
  });

  it('typed errors from a sink keep their type', async () => {
    const sink: ByteSink = {
      name: 'typed-sink',
      write: () => Promise.reject(new IOFailureError('quota exceeded', { file: 'bucket/key' })),
      close: async () => {},
    };
    const w = await SequenceFileWriter.create(sink, { keyClass: TEXT, valueClass: TEXT, compression: 'NONE' });
    const e = await rejection(w.close(), 'close');
    expect(e).toBeInstanceOf(IOFailureError);
    expect((e as HadoopIOError).reason).toBe('quota exceeded');
    expect((e as HadoopIOError).file).toBe('bucket/key');
  });

  it('a file in a directory that does not exist: create rejects with IOFailureError naming the path', async () => {
    const path = join(dir, 'missing', 'sub', 'out.seq');
    for (const atomic of [false, true]) {
      const e = await rejection(SequenceFileWriter.create(path, { keyClass: TEXT, valueClass: TEXT, atomic }), 'create');
      expect(e).toBeInstanceOf(IOFailureError);
      expect((e as IOFailureError).file).toBe(path);
      expect((e as IOFailureError).reason).toMatch(/no such file or directory/);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a path that is a directory: create rejects with IOFailureError', async () => {
    const e = await rejection(SequenceFileWriter.create(dir, { keyClass: TEXT, valueClass: TEXT }), 'create');
    expect(e).toBeInstanceOf(IOFailureError);
    expect((e as IOFailureError).file).toBe(dir);
  });

  it.skipIf(!existsSync('/dev/full'))('a full disk (/dev/full): ENOSPC from flush and close as IOFailureError', async () => {
    const w = await SequenceFileWriter.create<string, string>('/dev/full', { keyClass: TEXT, valueClass: TEXT, compression: 'RECORD' });
    await w.append('a', 'b');
    const e = await rejection(w.flush(), 'flush');
    expect(e).toBeInstanceOf(IOFailureError);
    expect(((e as IOFailureError).cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect((await rejection(w.close(), 'close')) as IOFailureError).toBeInstanceOf(IOFailureError);
  });

  it.skipIf(!hasMkfifo())('a pipe whose reader went away: EPIPE as IOFailureError, never a silent success', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    // a reader that takes 100 bytes and leaves
    const reader: ChildProcess = spawn('head', ['-c', '100', fifo], { stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = new Promise((resolve) => reader.on('exit', resolve));
    const w = await SequenceFileWriter.create<string, string>(fifo, { keyClass: TEXT, valueClass: TEXT, compression: 'NONE', bufferSize: 256 });
    // flush() while `head` is still reading must succeed: it once fsynced the FIFO, got EINVAL and
    // kept reporting that instead of the EPIPE, whenever a flush came before `head` left
    let failure: unknown = null;
    for (let i = 0; i < 100_000 && failure === null; i++) {
      try {
        await w.append(`key-${i}`, 'v'.repeat(100));
        if (i % 100 === 99) await w.flush();
      } catch (e) {
        failure = e;
      }
    }
    await exited;
    expect(failure).toBeInstanceOf(IOFailureError);
    expect(((failure as IOFailureError).cause as NodeJS.ErrnoException).code).toBe('EPIPE');
    expect(await rejection(w.close(), 'close')).toBeInstanceOf(IOFailureError);
  });
});

function hasMkfifo(): boolean {
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return process.platform !== 'win32';
  } catch {
    return false;
  }
}

describe('misuse is a UsageError', () => {
  it('writing, syncing or flushing after close', async () => {
    const w = await SequenceFileWriter.create<string, string>(new MemorySink(), { keyClass: TEXT, valueClass: TEXT, compression: 'BLOCK' });
    await w.append('a', 'b');
    await w.close();
    await w.close(); // idempotent after a successful close
    for (const [what, call] of [
      ['append', () => w.append('c', 'd')],
      ['appendRaw', () => w.appendRaw(new Uint8Array([0]), new Uint8Array([0]))],
      ['sync', () => w.sync()],
      ['flush', () => w.flush()],
    ] as const) {
      const e = await rejection(attempt(call), what);
      expect(e, what).toBeInstanceOf(UsageError);
      expect((e as UsageError).reason).toMatch(/closed/);
    }
  });

  it('writing after abort', async () => {
    const w = await SequenceFileWriter.create<string, string>(join(dir, 'x.seq'), { keyClass: TEXT, valueClass: TEXT, atomic: true });
    await w.append('a', 'b');
    await w.abort();
    expect(await rejection(attempt(() => w.append('c', 'd')), 'append after abort')).toBeInstanceOf(UsageError);
  });
});

describe('close is one operation', () => {
  it('appends made after close() is called are refused, not dropped', async () => {
    const sink = new DeferredSink();
    const w = await SequenceFileWriter.create<string, string>(sink, { keyClass: TEXT, valueClass: TEXT, compression: 'NONE', bufferSize: 1 });
    await w.append('a', '1');
    const closing = w.close();
    expect(await rejection(attempt(() => w.append('b', '2')), 'append during close')).toBeInstanceOf(UsageError);
    await closing;
    expect((await readAll(sink.bytes())).map((kv) => kv.key)).toEqual(['a']);
  });

  it('every close() call gets the outcome of the one close', async () => {
    const sink = new FailingSink({ failWriteAt: 0, code: 'ENOSPC' });
    const w = await SequenceFileWriter.create<string, string>(sink, { keyClass: TEXT, valueClass: TEXT });
    await w.append('a', '1');
    const [a, b] = await Promise.allSettled([w.close(), w.close()]);
    expect(a.status).toBe('rejected');
    expect(b.status, 'a second close() during the first does not resolve early').toBe('rejected');
    expect((b as PromiseRejectedResult).reason).toBe((a as PromiseRejectedResult).reason);
  });

  it('close() after abort() does nothing', async () => {
    const sink = new FailingSink();
    const w = await SequenceFileWriter.create<string, string>(sink, { keyClass: TEXT, valueClass: TEXT, compression: 'BLOCK' });
    await w.append('a', '1');
    await w.abort();
    await w.close();
    expect(sink.aborted).toBe(true);
    expect(sink.closed).toBe(false);
    expect(sink.writeCalls).toBe(0);
  });
});

describe('bad options are refused before the output is touched', () => {
  for (const [what, bad] of [
    ['blockSize 0', { blockSize: 0 }],
    ['negative syncInterval', { syncInterval: -1 }],
    ['NaN syncInterval', { syncInterval: Number.NaN }],
    ['NaN bufferSize', { bufferSize: Number.NaN }],
    ['negative bufferSize', { bufferSize: -5 }],
  ] as const) {
    for (const atomic of [false, true]) {
      it(`${what}${atomic ? ' (atomic)' : ''}: UsageError, the existing file intact, nothing left behind`, async () => {
        const path = join(dir, 'keep.seq');
        writeFileSync(path, 'precious');
        const e = await rejection(SequenceFileWriter.create(path, { keyClass: TEXT, valueClass: TEXT, atomic, ...bad }), 'create');
        expect(e).toBeInstanceOf(UsageError);
        expect(readFileSync(path, 'utf8')).toBe('precious');
        expect(readdirSync(dir)).toEqual(['keep.seq']);
      });
    }
  }
});

describe('abort and atomic output', () => {
  for (const compression of MODES) {
    it(`${compression}: abort() removes the temporary file and leaves no target`, async () => {
      const path = join(dir, 'out.seq');
      const w = await SequenceFileWriter.create<string, bigint>(path, { keyClass: TEXT, valueClass: LONG, compression, atomic: true, bufferSize: 128 });
      for (let i = 0; i < 500; i++) await w.append(`k${i}`, BigInt(i));
      await w.sync();
      await w.flush();
      const temps = readdirSync(dir);
      expect(temps).toHaveLength(1);
      expect(temps[0]).toMatch(/^out\.seq\..*\.tmp$/);
      expect(existsSync(path)).toBe(false);
      await w.abort();
      expect(readdirSync(dir)).toEqual([]);
    });
  }

  it('abort() keeps an existing target as it was', async () => {
    const path = join(dir, 'out.seq');
    writeFileSync(path, 'old contents');
    const w = await SequenceFileWriter.create<string, string>(path, { keyClass: TEXT, valueClass: TEXT, atomic: true, bufferSize: 16 });
    for (let i = 0; i < 100; i++) await w.append(`k${i}`, 'v');
    await w.flush();
    await w.abort();
    expect(readFileSync(path, 'utf8')).toBe('old contents');
    expect(readdirSync(dir)).toEqual(['out.seq']);
  });

  it('a rename that fails at close rejects close and removes the temporary file', async () => {
    const path = join(dir, 'out.seq');
    const w = await SequenceFileWriter.create<string, string>(path, { keyClass: TEXT, valueClass: TEXT, atomic: true });
    await w.append('a', 'b');
    // something else puts a non-empty directory where the file should go
    mkdirSync(path);
    writeFileSync(join(path, 'occupied'), '');
    const e = await rejection(w.close(), 'close');
    expect(e).toBeInstanceOf(IOFailureError);
    expect((e as IOFailureError).file).toBe(path);
    expect(readdirSync(dir)).toEqual(['out.seq']);
  });

  it('a completed atomic write replaces the old file in one step', async () => {
    const path = join(dir, 'out.seq');
    writeFileSync(path, 'old contents');
    const w = await SequenceFileWriter.create<string, string>(path, { keyClass: TEXT, valueClass: TEXT, atomic: true, compression: 'BLOCK' });
    for (let i = 0; i < 50; i++) await w.append(`k${i}`, `v${i}`);
    expect(readFileSync(path, 'utf8')).toBe('old contents');
    await w.close();
    expect(readdirSync(dir)).toEqual(['out.seq']);
    expect(await readAll(path)).toHaveLength(50);
  });
});

describe('buffers handed to the sink stay untouched until the write completes', () => {
  it('appends that are not awaited, with the event loop turning in between, keep every record once and in order', async () => {
    // regression: two drains waiting on the same write both went on, the second swapping in the
    // buffer still being written (records duplicated or lost, two writes in flight)
    for (const sink of [new MemorySink(), new DeferredSink()]) {
      const w = await SequenceFileWriter.create<string, string>(sink, { keyClass: TEXT, valueClass: TEXT, compression: 'NONE', bufferSize: 1 });
      const pending: Promise<void>[] = [];
      for (let i = 0; i < 50; i++) {
        pending.push(w.append(`k${i}`, `v${i}`));
        if (i % 3 === 2) await Promise.resolve();
        if (i % 7 === 6) await new Promise((r) => setImmediate(r));
      }
      await Promise.all(pending);
      await w.close();
      if (sink instanceof DeferredSink) expect(sink.maxInFlight).toBe(1);
      const got = await readAll(sink.bytes());
      expect(got.map((kv) => kv.key)).toEqual(Array.from({ length: 50 }, (_, i) => `k${i}`));
    }
  });
});
