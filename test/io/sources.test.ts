import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FileSource, SequenceFileReader, UsageError, bytesSource, toSource, type SourceInput } from '../../src/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = join(ROOT, 'interop', 'fixtures', 'hadoop', 'seq', 'codec', 'none.seq');
const BLOCK_FIXTURE = join(ROOT, 'interop', 'fixtures', 'hadoop', 'seq', 'codec', 'block-gzip.seq');
const READ_INPUT = join(ROOT, 'test', 'io', 'read-input.mjs');

/** The keys Hadoop's own reader printed for a corpus file. */
function expectedKeys(path: string): string[] {
  return readFileSync(`${path}.expected.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"type":"record"'))
    .map((l) => JSON.parse(l).key as string);
}

async function keysOf(input: SourceInput): Promise<string[]> {
  const r = await SequenceFileReader.open<string, string>(input);
  const keys: string[] = [];
  for await (const { key } of r) keys.push(key);
  return keys;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: Error) => e,
  );
}

/** Run a command; a reader that spins or waits forever is killed by the timeout and shows up as a failure. */
function run(cmd: string, args: string[], input?: Buffer): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { cwd: ROOT, timeout: 20_000, killSignal: 'SIGKILL', maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: child.exitCode, signal: (err as { signal?: string } | null)?.signal ?? null, stdout, stderr });
    });
    if (input) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

function parsed(r: { stdout: string; stderr: string; signal: string | null }): { keys?: string[]; error?: string; message?: string } {
  expect(r.signal, `the reader finished (stderr: ${r.stderr})`).toBeNull();
  return JSON.parse(r.stdout.trim());
}

const tmp = mkdtempSync(join(tmpdir(), 'hadoop-io-sources-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('SequenceFileReader.open accepts every kind of input', () => {
  const want = expectedKeys(FIXTURE);
  const bytes = new Uint8Array(readFileSync(FIXTURE));

  it('a path and a file: URL', async () => {
    expect(await keysOf(FIXTURE)).toEqual(want);
    expect(await keysOf(pathToFileURL(FIXTURE))).toEqual(want);
  });

  it('URL schemes other than file: and http(s): are a UsageError naming the scheme', async () => {
    const e = await rejection(SequenceFileReader.open(new URL('s3://bucket/x.seq')));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/scheme s3: not supported/);
    expect(await rejection(SequenceFileReader.open(new URL('ftp://example.com/x.seq')))).toBeInstanceOf(UsageError);
  });

  it('Uint8Array, Buffer, ArrayBuffer, DataView and a view into a larger buffer', async () => {
    expect(await keysOf(bytes)).toEqual(want);
    expect(await keysOf(Buffer.from(bytes))).toEqual(want);
    expect(await keysOf(bytes.slice().buffer)).toEqual(want);
    expect(await keysOf(new DataView(bytes.slice().buffer))).toEqual(want);
    const padded = new Uint8Array(bytes.length + 20);
    padded.set(bytes, 7);
    expect(await keysOf(new DataView(padded.buffer, 7, bytes.length))).toEqual(want);
  });

  it('a Web ReadableStream and an async iterable of chunks', async () => {
    const web = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 333) c.enqueue(bytes.slice(i, i + 333));
        c.close();
      },
    });
    expect(await keysOf(web)).toEqual(want);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i += 100) yield bytes.subarray(i, i + 100);
    }
    expect(await keysOf(chunks())).toEqual(want);
  });

  it('a BLOCK file through a Web stream', async () => {
    const block = new Uint8Array(readFileSync(BLOCK_FIXTURE));
    const web = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(block);
        c.close();
      },
    });
    expect(await keysOf(web)).toEqual(expectedKeys(BLOCK_FIXTURE));
  });

  it('a ByteSource that is one', async () => {
    expect(await keysOf(bytesSource(bytes, 'mem'))).toEqual(want);
    expect(await keysOf(await FileSource.open(FIXTURE))).toEqual(want);
  });

  it('fs.createReadStream, Readable.from and process.stdin (a pipe and a file) read the records', async () => {
    expect(parsed(await run(process.execPath, [READ_INPUT, 'readstream', FIXTURE])).keys).toEqual(want);
    expect(parsed(await run(process.execPath, [READ_INPUT, 'readable-from', FIXTURE])).keys).toEqual(want);
    expect(parsed(await run(process.execPath, [READ_INPUT, 'stdin'], Buffer.from(bytes))).keys).toEqual(want);
    expect(parsed(await run('bash', ['-c', `"$0" "$1" stdin < "$2"`, process.execPath, READ_INPUT, FIXTURE])).keys).toEqual(want);
  });

  it('anything else is a UsageError at open naming what was given', async () => {
    const cases: [unknown, RegExp][] = [
      [{ read() {} }, /an object with keys read: not a ByteSource \(close is not a function, seekable is not a boolean, name is not a string\)/],
      [{ name: 'x', seekable: true, size: -1, read: async () => 0, close: async () => {} }, /size is neither undefined nor a byte count/],
      [42, /cannot read from the number 42/],
      [null, /cannot read from null/],
      [undefined, /cannot read from undefined/],
      [{}, /cannot read from an empty object/],
      [new Map(), /cannot read from a Map/],
      [[bytes], /cannot read from a Array/],
    ];
    for (const [input, message] of cases) {
      const e = await rejection(SequenceFileReader.open(input as SourceInput));
      expect(e, String(input)).toBeInstanceOf(UsageError);
      expect(e.message).toMatch(message);
      expect(e.message).toMatch(/expected a path, a file: URL/);
    }
  });

  it('a stream of text chunks (an encoding set) is a UsageError, not garbage', async () => {
    async function* text(): AsyncGenerator<string> {
      yield 'SEQ';
    }
    const e = await rejection(SequenceFileReader.open(text() as unknown as AsyncIterable<Uint8Array>));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/the stream gave the string "SEQ" where bytes were expected/);
  });

  it('toSource is the one converter: a ByteSource passes through unchanged', async () => {
    const s = bytesSource(bytes);
    expect(await toSource(s)).toBe(s);
  });
});

describe('non-regular files are streamed, not read as empty', () => {
  const want = expectedKeys(FIXTURE);

  function mkfifo(name: string): Promise<string> {
    const path = join(tmp, name);
    return new Promise((resolve, reject) => execFile('mkfifo', [path], (e) => (e ? reject(e) : resolve(path))));
  }

  const feeders: ChildProcess[] = [];
  // a reader that never opens the FIFO would leave its writer blocked in open() for good
  afterEach(() => {
    for (const c of feeders.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  /** `exec cat FILE > FIFO` in a child, as a shell pipeline would feed it. */
  function feed(file: string, fifo: string): Promise<number | null> {
    const child = spawn('bash', ['-c', 'exec cat "$0" > "$1"', file, fifo], { stdio: 'ignore' });
    feeders.push(child);
    return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  it('a FIFO fed by a child process', async () => {
    const fifo = await mkfifo('data.fifo');
    const fed = feed(FIXTURE, fifo);
    expect(await keysOf(fifo)).toEqual(want);
    expect(await fed).toBe(0);
  });

  it('a FIFO opened as a source is sequential: not seekable, size unknown', async () => {
    const fifo = await mkfifo('probe.fifo');
    const fed = feed(FIXTURE, fifo);
    const src = await FileSource.openSource(fifo);
    expect(src.seekable).toBe(false);
    expect(src.size).toBeUndefined();
    const r = await SequenceFileReader.open<string, string>(src, { bufferSize: 256 });
    for (let i = 0; i < 50; i++) expect((await r.next())?.key).toBe(want[i]);
    // the window has moved on: a stream cannot go back to what it discarded
    await expect(r.seek(0)).rejects.toThrow(/cannot seek backwards in a stream/);
    await r.close();
    await fed.catch(() => {});
  });

  it('a FIFO of a BLOCK file', async () => {
    const fifo = await mkfifo('block.fifo');
    const fed = feed(BLOCK_FIXTURE, fifo);
    expect(await keysOf(fifo)).toEqual(expectedKeys(BLOCK_FIXTURE));
    expect(await fed).toBe(0);
  });

  it('FileSource.open refuses a non-regular file instead of reading it as empty', async () => {
    const e = await rejection(FileSource.open('/dev/null'));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/\/dev\/null: not a regular file/);
  });

  it('a character device streams (and /dev/null is an empty file, reported as such)', async () => {
    const e = await rejection(SequenceFileReader.open('/dev/null'));
    expect(e.message).toMatch(/file ends inside the header/);
    const src = await FileSource.openSource('/dev/zero');
    expect(src.seekable).toBe(false);
    const z = await rejection(SequenceFileReader.open(src));
    expect(z.message).toMatch(/not a SequenceFile|magic/i);
  });

  it('process substitution <(...) and /dev/stdin from a pipe', async () => {
    const sub = await run('bash', ['-c', '"$0" "$1" path <(cat "$2")', process.execPath, READ_INPUT, FIXTURE]);
    expect(parsed(sub).keys).toEqual(want);
    const devStdin = await run('bash', ['-c', 'cat "$2" | "$0" "$1" path /dev/stdin', process.execPath, READ_INPUT, FIXTURE]);
    expect(parsed(devStdin).keys).toEqual(want);
  });
});
