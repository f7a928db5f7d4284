// SequenceFiles over HTTP, against a real server on 127.0.0.1 that serves corpus files with Range
// support and counts what it is asked for; variants that ignore Range, refuse, fail once, or change
// the file between requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IOFailureError, MemorySink, SequenceFileReader, SequenceFileWriter, openHttpSource, readSplit } from '../../src/index.js';
import { seqcat, SEQ } from '../cli/helpers.js';

const FILES: Record<string, Uint8Array> = {
  '/none.seq': readFileSync(join(SEQ, 'combo', 'text-int-none.seq')),
  '/block.seq': readFileSync(join(SEQ, 'codec', 'block-zstd.seq')),
  '/record.seq': readFileSync(join(SEQ, 'codec', 'record-gzip.seq')),
};

let server: Server;
let base: string;
const log: { path: string; range: string | undefined; bytes: number }[] = [];
let mode: 'normal' | 'no-range' | 'flaky' | 'changing' = 'normal';
let flakyLeft = 0;

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url!, 'http://x');
  const body = FILES[url.pathname];
  const range = req.headers.range;
  if (!body) {
    res.writeHead(404).end();
    return;
  }
  if (mode === 'flaky' && flakyLeft > 0) {
    flakyLeft--;
    res.writeHead(503).end();
    return;
  }
  const m = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
  if (mode === 'no-range' || !m) {
    log.push({ path: url.pathname, range, bytes: body.length });
    res.writeHead(200, { 'content-length': body.length }).end(body);
    return;
  }
  const from = Number(m[1]);
  const to = Math.min(Number(m[2]), body.length - 1);
  const etag = mode === 'changing' && log.length > 0 ? '"v2"' : '"v1"';
  const part = body.subarray(from, to + 1);
  log.push({ path: url.pathname, range, bytes: part.length });
  res.writeHead(206, { 'content-range': `bytes ${from}-${to}/${body.length}`, 'content-length': part.length, etag }).end(part);
}

beforeAll(async () => {
  // a 3 MB file with sync markers every 100 KB, for reads that should not fetch all of it
  const sink = new MemorySink();
  const w = await SequenceFileWriter.create(sink, { keyClass: 'Text', valueClass: 'Text', compression: 'NONE' });
  for (let i = 0; i < 30_000; i++) await w.append(`k${i}`, `value ${i} `.padEnd(90, '.'));
  await w.close();
  FILES['/big.seq'] = sink.bytes();
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  log.length = 0;
  mode = 'normal';
});

async function records(input: string | URL | Uint8Array): Promise<[unknown, unknown][]> {
  const out: [unknown, unknown][] = [];
  for await (const { key, value } of await SequenceFileReader.open(input)) out.push([key, value]);
  return out;
}

describe('HTTP sources', () => {
  for (const name of ['/none.seq', '/block.seq', '/record.seq']) {
    it(`${name} reads over HTTP as it reads from bytes, with ranged requests only`, async () => {
      expect(await records(base + name)).toEqual(await records(FILES[name]!));
      expect(await records(new URL(base + name))).toEqual(await records(FILES[name]!));
      expect(log.every((l) => l.range !== undefined)).toBe(true);
      // a file smaller than the read-ahead chunk: the size probe, then one read of the rest
      expect(log.filter((l) => l.path === name).length).toBeLessThanOrEqual(4);
    });
  }

  it('the source names the version it reads (for caches): the ETag', async () => {
    const source = await openHttpSource(base + '/none.seq');
    expect(source.identity).toBe(`http:${base}/none.seq:"v1":${FILES['/none.seq']!.length}`);
    await source.close();
  });

  it('a split reads only its part of the file and a seek only what it needs', async () => {
    const size = FILES['/none.seq']!.length;
    const all = await records(FILES['/none.seq']!);
    const got: unknown[] = [];
    for (const [start, length] of [
      [0, Math.floor(size / 2)],
      [Math.floor(size / 2), size - Math.floor(size / 2)],
    ] as const) {
      for await (const { key } of readSplit(base + '/none.seq', { start, length })) got.push(key);
    }
    expect(got).toEqual(all.map(([k]) => k));
  });

  it('a server that ignores Range is one clear error', async () => {
    mode = 'no-range';
    const e = await SequenceFileReader.open(base + '/none.seq').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(IOFailureError);
    expect((e as IOFailureError).message).toMatch(/ignores Range requests/);
  });

  it('a 404 says what it is', async () => {
    const e = await SequenceFileReader.open(base + '/missing.seq').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(IOFailureError);
    expect((e as IOFailureError).message).toMatch(/HTTP 404.*no such resource/);
  });

  it('a 503 is retried with backoff and the read goes on', async () => {
    mode = 'flaky';
    flakyLeft = 2;
    expect(await records(base + '/record.seq')).toEqual(await records(FILES['/record.seq']!));
  });

  it('a file that changes between requests is an error, never a mix of two versions', async () => {
    mode = 'changing';
    const e = await SequenceFileReader.open(base + '/block.seq', { bufferSize: 4096 })
      .then(async (r) => {
        for await (const _ of r) void _;
      })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(IOFailureError);
    expect((e as IOFailureError).message).toMatch(/changed while being read/);
  });

  it('seqcat tail on a URL fetches the end of the file, not all of it', async () => {
    const r = await seqcat(['tail', '-n', '3', base + '/big.seq']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(['k29997', 'k29998', 'k29999'].map((k) => `${k}\t${`value ${k.slice(1)} `.padEnd(90, '.')}`).join('\n') + '\n');
    const fetched = log.filter((l) => l.path === '/big.seq').reduce((n, l) => n + l.bytes, 0);
    expect(FILES['/big.seq']!.length).toBeGreaterThan(3_000_000);
    expect(fetched).toBeLessThan(400_000);
  });

  it('seqcat cat and count take an http URL', async () => {
    const local = await seqcat(['cat', join(SEQ, 'combo', 'text-int-none.seq')]);
    const remote = await seqcat(['cat', base + '/none.seq']);
    expect(remote.stderr).toBe('');
    expect(remote.stdout).toBe(local.stdout);
    const count = await seqcat(['count', base + '/block.seq']);
    expect(count.stdout.trim()).toBe('150');
    const missing = await seqcat(['cat', base + '/missing.seq']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^seqcat: http:\/\/127\.0\.0\.1:\d+\/missing\.seq: HTTP 404/);
  });
});
