import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CorruptFileError, SequenceFileReader, TruncatedFileError, UsageError } from '../../src/index.js';

const SEQ = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'interop', 'fixtures', 'hadoop', 'seq');
const NONE = join(SEQ, 'codec', 'none.seq');
const BLOCK = join(SEQ, 'codec', 'block-gzip.seq');

const openFds = (): number => readdirSync('/proc/self/fd').length;

function expectedKeys(path: string): string[] {
  return readFileSync(`${path}.expected.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"type":"record"'))
    .map((l) => JSON.parse(l).key as string);
}

const open = (path = NONE): Promise<SequenceFileReader<string, string>> => SequenceFileReader.open<string, string>(path);

/** Run `loop` 20 times and check no file descriptor is left open afterwards. */
async function noLeak(loop: () => Promise<unknown>): Promise<void> {
  const before = openFds();
  for (let i = 0; i < 20; i++) await loop();
  expect(openFds()).toBe(before);
}

describe('iterators close the reader however the loop stops', () => {
  it('at the end of for await', async () => {
    await noLeak(async () => {
      const keys: string[] = [];
      for await (const { key } of await open()) keys.push(key);
      expect(keys).toEqual(expectedKeys(NONE));
    });
  });

  it('after break', async () => {
    await noLeak(async () => {
      for await (const _ of await open()) break;
    });
    await noLeak(async () => {
      for await (const _ of (await open(BLOCK)).raw()) break;
    });
    await noLeak(async () => {
      for await (const _ of (await open()).batches(10)) break;
    });
  });

  it('after a throw inside the loop', async () => {
    await noLeak(async () => {
      const r = await open();
      const e = await (async () => {
        for await (const _ of r) throw new Error('boom');
      })().catch((x: Error) => x);
      expect((e as Error).message).toBe('boom');
      expect(r.isClosed).toBe(true);
    });
    await noLeak(async () => {
      await (async () => {
        for await (const _ of (await open()).raw()) throw new Error('boom');
      })().catch(() => {});
    });
  });

  it('after the reader itself fails (a corrupt file)', async () => {
    const bytes = new Uint8Array(readFileSync(NONE)).slice(0, 5000);
    const r = await SequenceFileReader.open(bytes);
    const e = await (async () => {
      for await (const _ of r);
    })().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TruncatedFileError);
    expect(r.isClosed).toBe(true);
  });

  it('on return() and throw() of the iterators, even before the first next()', async () => {
    await noLeak(async () => {
      const r = await open();
      await r[Symbol.asyncIterator]().return!();
      expect(r.isClosed).toBe(true);
    });
    await noLeak(async () => {
      const it = (await open()).raw();
      await it.next();
      await it.return!();
    });
    await noLeak(async () => {
      const it = (await open()).batches();
      await expect(it.throw!(new Error('stop'))).rejects.toThrow('stop');
    });
    await noLeak(async () => {
      const it = (await open())[Symbol.asyncIterator]();
      await it.next();
      await expect(it.throw!(new Error('stop'))).rejects.toThrow('stop');
    });
  });

  it('await using closes the reader at the end of the block', async () => {
    const before = openFds();
    let reader: SequenceFileReader<string, string>;
    {
      await using r = await open();
      reader = r;
      expect((await r.next())?.key).toBe(expectedKeys(NONE)[0]);
      expect(openFds()).toBeGreaterThan(before);
    }
    expect(openFds()).toBe(before);
    await expect(reader.next()).rejects.toThrow(UsageError);
    // an iterator is disposable too
    {
      await using it = (await open()).raw();
      await it.next();
    }
    expect(openFds()).toBe(before);
  });
});

describe('the manual API does not close', () => {
  it('next/nextRaw/forEachRaw/forEach read to the end, seek back and read again', async () => {
    const want = expectedKeys(NONE);
    const r = await open();
    const keys: string[] = [];
    await r.forEach((key) => void keys.push(key));
    expect(keys).toEqual(want);
    await r.seek(r.header.headerLength);
    expect(await r.forEachRaw(() => {})).toBe(want.length);
    await r.seek(r.header.headerLength);
    let n = 0;
    while ((await r.next()) !== null) n++;
    expect(n).toBe(want.length);
    expect(await r.nextRaw()).toBeNull();
    expect(r.isClosed).toBe(false);
    await r.close();
  });
});

describe('use after close', () => {
  it('every read method fails at once with a typed error naming the file', async () => {
    const r = await open();
    expect(await r.next()).not.toBeNull(); // the rest of the file is buffered now
    await r.close();
    const calls: [string, () => Promise<unknown>][] = [
      ['next', () => r.next()],
      ['nextRaw', () => r.nextRaw()],
      ['forEachRaw', () => r.forEachRaw(() => {})],
      ['forEach', () => r.forEach(() => {})],
      ['seek', () => r.seek(r.header.headerLength)],
      ['sync', () => r.sync(0)],
      ['iterator', () => r[Symbol.asyncIterator]().next()],
      ['raw', () => r.raw().next()],
      ['batches', () => r.batches().next()],
      ['stream', async () => r.stream()],
    ];
    for (const [name, call] of calls) {
      const e = await call().then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e, name).toBeInstanceOf(UsageError);
      expect((e as Error).message, name).toBe(`${NONE}: reader is closed`);
    }
  });

  it('close() is idempotent, also after an iterator closed the reader', async () => {
    const r = await open();
    await r.close();
    await r.close();
    const r2 = await open();
    for await (const _ of r2);
    await r2.close();
    await Promise.all([r2.close(), r2.close()]);
  });
});

describe('reader.stream()', () => {
  it('pipes the decoded records into a Writable and closes the reader', async () => {
    const before = openFds();
    for (const path of [NONE, BLOCK]) {
      const r = await open(path);
      const keys: string[] = [];
      await pipeline(
        r.stream(),
        new Writable({
          objectMode: true,
          write(rec: { key: string; value: string }, _enc, cb) {
            keys.push(rec.key);
            cb();
          },
        }),
      );
      expect(keys).toEqual(expectedKeys(path));
      expect(r.isClosed).toBe(true);
    }
    expect(openFds()).toBe(before);
  });

  it('reads ahead only as far as the consumer allows (backpressure)', async () => {
    const r = await open();
    const s = r.stream({ highWaterMark: 4 });
    let got = 0;
    let release!: () => void;
    const stuck = new Promise<void>((res) => (release = res));
    const sink = new Writable({
      objectMode: true,
      highWaterMark: 1,
      write(_rec, _enc, cb) {
        got++;
        if (got === 1) void stuck.then(() => cb());
        else cb();
      },
    });
    const done = pipeline(s, sink);
    for (let i = 0; i < 20; i++) await new Promise((res) => setImmediate(res));
    expect(got).toBe(1);
    expect(s.readableLength).toBeLessThanOrEqual(4);
    // the reader has parsed only the records the stream holds, not the whole file
    expect(r.position).toBeLessThan(statSync(NONE).size / 2);
    release();
    await done;
    expect(got).toBe(expectedKeys(NONE).length);
    expect(r.isClosed).toBe(true);
  });

  it('closes the reader when destroyed early, leaking no file descriptor', async () => {
    await noLeak(async () => {
      const r = await open();
      const s = r.stream();
      const first = await new Promise<{ key: string }>((res) => s.once('data', res));
      expect(first.key).toBe(expectedKeys(NONE)[0]);
      s.destroy();
      await new Promise((res) => s.once('close', res));
      expect(r.isClosed).toBe(true);
    });
  });

  it('destroying it while the input has stalled does not wait for data that never comes', async () => {
    const bytes = new Uint8Array(readFileSync(NONE));
    let cancelled = false;
    const stalled = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, 2000)); // the header and a few records, then nothing
      },
      cancel() {
        cancelled = true;
      },
    });
    const r = await SequenceFileReader.open<string, string>(stalled);
    const s = r.stream();
    const keys: string[] = [];
    s.on('data', (rec: { key: string }) => keys.push(rec.key));
    while (keys.length < 3) await new Promise((res) => setImmediate(res));
    s.destroy();
    await new Promise((res) => s.once('close', res));
    expect(r.isClosed).toBe(true);
    expect(cancelled).toBe(true);
    expect(keys).toEqual(expectedKeys(NONE).slice(0, keys.length));
  });

  it('fails with the typed errors of the reader', async () => {
    const bytes = new Uint8Array(readFileSync(NONE)).slice(0, 5000);
    const r = await SequenceFileReader.open(bytes, { name: 'cut.seq' });
    const e = await pipeline(
      r.stream(),
      new Writable({
        objectMode: true,
        write: (_r, _e, cb) => cb(),
      }),
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TruncatedFileError);
    expect(e).toBeInstanceOf(CorruptFileError);
    expect((e as Error).message).toMatch(/^cut\.seq: file ends inside a record/);
    expect(r.isClosed).toBe(true);
  });
});
