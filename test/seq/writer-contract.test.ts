/**
 * The promise contract of writers: append, appendRaw, appendRawCompressed,
 * sync and flush never throw synchronously (bad values, use after close,
 * sticky failures all reject), and `await using` closes writers (aborting
 * quietly one that already failed).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAll } from '../fixtures-helpers/read-all.js';
import { FailingSink } from '../fixtures-helpers/sinks.js';
import {
  ArrayFileReader,
  ArrayFileWriter,
  HadoopIOError,
  IOFailureError,
  MapFileReader,
  MapFileWriter,
  MemorySink,
  SequenceFileWriter,
  SetFileReader,
  SetFileWriter,
  UsageError,
  type CompressionType,
} from '../../src/index.js';

const TEXT = 'org.apache.hadoop.io.Text';
const INT = 'org.apache.hadoop.io.IntWritable';
const MODES: CompressionType[] = ['NONE', 'RECORD', 'BLOCK'];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hadoop-io-contract-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Call `fn` (which must not throw) and resolve with what its promise rejected with; fails if it resolved. */
function rejectionOf(fn: () => Promise<unknown>): Promise<unknown> {
  let p: Promise<unknown> | undefined;
  expect(() => {
    p = fn();
  }, 'no synchronous throw').not.toThrow();
  expect(p).toBeInstanceOf(Promise);
  return p!.then(
    () => expect.fail('resolved, expected a rejection'),
    (e: unknown) => e,
  );
}

describe('writer calls reject, never throw', () => {
  for (const compression of MODES) {
    it(`${compression}: a value the type cannot serialize rejects with a UsageError, and the writer goes on`, async () => {
      const sink = new MemorySink();
      const w = await SequenceFileWriter.create<string, number>(sink, { keyClass: TEXT, valueClass: INT, compression });
      await w.append('a', 1);
      const e = await rejectionOf(() => w.append('b', 'not a number' as unknown as number));
      expect(e).toBeInstanceOf(UsageError);
      await w.append('c', 3);
      await w.close();
      expect(await readAll(sink.bytes())).toEqual([
        { key: 'a', value: 1 },
        { key: 'c', value: 3 },
      ]);
    });

    it(`${compression}: every call after close rejects with a UsageError`, async () => {
      const w = await SequenceFileWriter.create<string, number>(new MemorySink(), { keyClass: TEXT, valueClass: INT, compression });
      await w.close();
      const calls: [string, () => Promise<unknown>][] = [
        ['append', () => w.append('a', 1)],
        ['appendRaw', () => w.appendRaw(new Uint8Array(1), new Uint8Array(4))],
        ['appendRawCompressed', () => w.appendRawCompressed(new Uint8Array(1), new Uint8Array(4))],
        ['sync', () => w.sync()],
        ['flush', () => w.flush()],
      ];
      for (const [what, call] of calls) {
        const e = await rejectionOf(call);
        expect(e, what).toBeInstanceOf(UsageError);
        expect((e as UsageError).reason, what).toMatch(/closed/);
      }
    });

    it(`${compression}: a sticky sink failure rejects every later call`, async () => {
      const sink = new FailingSink({ failWriteAt: 0, code: 'EIO' });
      const w = await SequenceFileWriter.create<string, number>(sink, { keyClass: TEXT, valueClass: INT, compression, bufferSize: 16, blockSize: 16 });
      let first: unknown = null;
      for (let i = 0; i < 100 && first === null; i++) {
        w.append(`k${i}`, i).catch((e: unknown) => (first ??= e));
        await new Promise((r) => setImmediate(r));
      }
      expect(first).toBeInstanceOf(IOFailureError);
      for (const call of [() => w.append('x', 1), () => w.appendRaw(new Uint8Array(1), new Uint8Array(4)), () => w.sync(), () => w.flush()]) {
        expect(await rejectionOf(call)).toBe(w.failure);
      }
      expect(w.failure).toBeInstanceOf(IOFailureError);
    });
  }

  it('appendRaw with something that is not bytes rejects with a UsageError', async () => {
    const w = await SequenceFileWriter.create(new MemorySink(), { keyClass: TEXT, valueClass: INT, compression: 'NONE' });
    expect(await rejectionOf(() => w.appendRaw('key' as never, new Uint8Array(4)))).toBeInstanceOf(UsageError);
    expect(await rejectionOf(() => w.appendRaw(new Uint8Array(1), null as never))).toBeInstanceOf(UsageError);
    await w.close();
  });

  it('appendRawCompressed on a BLOCK file rejects with a UsageError', async () => {
    const w = await SequenceFileWriter.create(new MemorySink(), { keyClass: TEXT, valueClass: INT, compression: 'BLOCK' });
    const e = await rejectionOf(() => w.appendRawCompressed(new Uint8Array(1), new Uint8Array(4)));
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).reason).toMatch(/RECORD/);
    await w.close();
  });

  it('MapFile, SetFile and ArrayFile appends reject too', async () => {
    const m = await MapFileWriter.create<string, number>(join(dir, 'm'), { keyClass: TEXT, valueClass: INT });
    await m.append('b', 1);
    expect(await rejectionOf(() => m.append('a', 2))).toBeInstanceOf(UsageError);
    expect(await rejectionOf(() => m.append('c', 'x' as never))).toBeInstanceOf(UsageError);
    await m.close();
    const s = await SetFileWriter.create<string>(join(dir, 's'), { keyClass: TEXT });
    await s.close();
    expect(await rejectionOf(() => s.append('a'))).toBeInstanceOf(UsageError);
    const a = await ArrayFileWriter.create<number>(join(dir, 'a'), { valueClass: INT });
    expect(await rejectionOf(() => a.append('x' as never))).toBeInstanceOf(UsageError);
    await a.close();
  });
});

describe('await using', () => {
  it('closes the writer at the end of the scope (an atomic file is in place)', async () => {
    const path = join(dir, 'out.seq');
    {
      await using w = await SequenceFileWriter.create<string, number>(path, { keyClass: TEXT, valueClass: INT, atomic: true });
      await w.append('a', 1);
      expect(existsSync(path)).toBe(false);
    }
    expect(await readAll(path)).toEqual([{ key: 'a', value: 1 }]);
    expect(readdirSync(dir)).toEqual(['out.seq']);
  });

  it('leaving the scope by an exception still closes it', async () => {
    const path = join(dir, 'out.seq');
    const run = async () => {
      await using w = await SequenceFileWriter.create<string, number>(path, { keyClass: TEXT, valueClass: INT, atomic: true });
      await w.append('a', 1);
      throw new Error('caller gave up');
    };
    await expect(run()).rejects.toThrow('caller gave up');
    expect(await readAll(path)).toEqual([{ key: 'a', value: 1 }]);
  });

  it('a writer that already failed is aborted quietly: the first error is the one that comes out', async () => {
    const sink = new FailingSink({ failWriteAt: 0, code: 'ENOSPC' });
    let original: unknown;
    const run = async () => {
      await using w = await SequenceFileWriter.create<string, number>(sink, { keyClass: TEXT, valueClass: INT, compression: 'NONE' });
      await w.append('a', 1);
      await w.flush().catch((e: unknown) => {
        original = e;
        throw e;
      });
    };
    const e = await run().then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(IOFailureError);
    expect(e, 'not a SuppressedError wrapping a second report').toBe(original);
    expect(sink.aborted).toBe(true);
  });

  it('a close failure at the end of the scope is thrown', async () => {
    const sink = new FailingSink({ failClose: true, code: 'EIO' });
    const run = async () => {
      await using w = await SequenceFileWriter.create<string, number>(sink, { keyClass: TEXT, valueClass: INT });
      await w.append('a', 1);
    };
    const e = await run().then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(HadoopIOError);
    expect((e as HadoopIOError).message).toContain('EIO');
  });

  it('MapFile, SetFile and ArrayFile writers close at the end of the scope', async () => {
    {
      await using m = await MapFileWriter.create<string, number>(join(dir, 'm'), { keyClass: TEXT, valueClass: INT });
      await m.append('a', 1);
      await using s = await SetFileWriter.create<string>(join(dir, 's'), { keyClass: TEXT });
      await s.append('x');
      await using a = await ArrayFileWriter.create<number>(join(dir, 'a'), { valueClass: INT });
      await a.append(7);
    }
    const m = await MapFileReader.open<string, number>(join(dir, 'm'));
    expect(await m.get('a')).toBe(1);
    await m.close();
    const s = await SetFileReader.open<string>(join(dir, 's'));
    expect(await s.has('x')).toBe(true);
    await s.close();
    const a = await ArrayFileReader.open<number>(join(dir, 'a'));
    expect(await a.get(0)).toBe(7);
    await a.close();
  });
});
