/**
 * A writer process killed with SIGKILL leaves a file our reader can still use:
 * everything made durable with sync() + flush() before the kill reads back,
 * and with `recover: true` so does every complete record (NONE/RECORD) or
 * complete block (BLOCK) after it, while the plain reader reads the same
 * records and then reports the torn tail as a TruncatedFileError. With
 * `atomic`, a killed writer never leaves a partial file at the target path.
 *
 * The child is a real Node process running the compiled library (built into a
 * private directory so concurrent builds of dist/ cannot interfere). It tells
 * the parent on stdout what it has synced and where each record or block
 * ends; the parent kills it only after the message it waits for, so every
 * earlier message has arrived.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SequenceFileReader, TruncatedFileError, type CompressionType, type SkippedRegion } from '../../src/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TEXT = 'org.apache.hadoop.io.Text';

/** Record i, the same in parent and child (its source is copied into the child script). */
function record(i: number): [string, string] {
  // a cheap deterministic generator: values of varying length that compress only somewhat
  let x = (i + 1) * 2654435761;
  let v = '';
  const len = 20 + (i % 37);
  for (let k = 0; k < len; k++) {
    x = (x ^ (x >>> 13)) * 1103515245 + 12345;
    x >>>= 0;
    v += String.fromCharCode(0x61 + (x % 26));
  }
  return [`key-${i}`, v];
}

let work: string;
let childScript: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'hadoop-io-kill-'));
  const build = join(work, 'build');
  mkdirSync(build);
  // compile src/ only, into our own directory; packages resolve through a node_modules link
  writeFileSync(
    join(build, 'tsconfig.json'),
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: { rootDir: ROOT, outDir: build, declaration: false, sourceMap: false, noEmitOnError: false, incremental: false },
      include: [join(ROOT, 'src')],
    }),
  );
  writeFileSync(join(build, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(ROOT, 'node_modules'), join(build, 'node_modules'), 'dir');
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(build, 'tsconfig.json')], { encoding: 'utf8' });
  // type errors elsewhere in a tree being edited do not stop the emit; a missing entry point does
  if (!existsSync(join(build, 'src/index.js'))) throw new Error(`building the library failed:\n${tsc.stdout}\n${tsc.stderr}`);
  childScript = join(build, 'kill-child.mjs');
  writeFileSync(childScript, CHILD_SOURCE.replace('RECORD_SOURCE', record.toString()));
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/**
 * The child. Config (argv[2], JSON): path, writer options, `groups` of `perGroup`
 * records each followed by sync() + flush() (reported as { synced, position }),
 * then `after`:
 * - 'tear': the next write to the file stores only the first half of its chunk, reports
 *   { torn }, and never completes (a process dying in the middle of a large write);
 * - 'idle': append more records that stay buffered, report { idle }, wait;
 * - 'run': keep appending and syncing until killed.
 * Whenever an append moves writer.position (a record, or in BLOCK a block, was
 * serialized) it reports { records, end }.
 */
const CHILD_SOURCE = `
import { FileSink, SequenceFileWriter } from './src/index.js';
const record = RECORD_SOURCE;
const cfg = JSON.parse(process.argv[2]);
const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
let armed = false;
let output = cfg.path;
if (cfg.after === 'tear') {
  const inner = await FileSink.open(cfg.path);
  output = {
    name: cfg.path,
    async write(chunk) {
      if (!armed) return inner.write(chunk);
      const half = chunk.length >> 1;
      await inner.write(chunk.subarray(0, half));
      say({ torn: half, chunk: chunk.length });
      // stay alive until the SIGKILL: a process with only a pending promise left would exit by itself
      setInterval(() => {}, 1000);
      return new Promise(() => {});
    },
    sync: () => inner.sync(),
    close: () => inner.close(),
    abort: () => inner.abort(),
  };
}
const w = await SequenceFileWriter.create(output, cfg.options);
let n = 0;
async function append() {
  const before = w.position;
  const p = w.append(...record(n));
  n++;
  if (w.position !== before) say({ records: n, end: w.position });
  await p;
}
async function group() {
  for (let k = 0; k < cfg.perGroup; k++) await append();
  await w.sync();
  await w.flush();
  say({ synced: n, position: w.position });
}
for (let g = 0; g < cfg.groups; g++) await group();
if (cfg.after === 'tear') {
  armed = true;
  for (;;) await append(); // stops for good once a write never completes
} else if (cfg.after === 'idle') {
  for (let k = 0; k < cfg.perGroup; k++) await append();
  say({ idle: true });
  setInterval(() => {}, 1000);
} else {
  for (;;) await group();
}
`;

type Message = { synced: number; position: number } | { records: number; end: number } | { torn: number; chunk: number } | { idle: true };

interface ChildConfig {
  path: string;
  options: Record<string, unknown>;
  groups: number;
  perGroup: number;
  after: 'tear' | 'idle' | 'run';
}

/** Run the child until `killWhen` says so, SIGKILL it, and return everything it said. */
async function runAndKill(cfg: ChildConfig, killWhen: (m: Message, all: Message[]) => boolean): Promise<Message[]> {
  const child = spawn(process.execPath, [childScript, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const messages: Message[] = [];
  let stderr = '';
  let buffered = '';
  let killed = false;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('close', (code, signal) => res({ code, signal })));
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const m = JSON.parse(buffered.slice(0, nl)) as Message;
      buffered = buffered.slice(nl + 1);
      messages.push(m);
      if (!killed && killWhen(m, messages)) {
        killed = true;
        child.kill('SIGKILL');
      }
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const { code, signal } = await exit;
  clearTimeout(timer);
  if (!killed) throw new Error(`child ended before the kill point (code ${code}, signal ${signal}):\n${stderr}`);
  expect(signal).toBe('SIGKILL');
  return messages;
}

const syncedOf = (ms: Message[]): { synced: number; position: number }[] => ms.filter((m): m is { synced: number; position: number } => 'synced' in m);
const endsOf = (ms: Message[]): { records: number; end: number }[] => [
  ...ms.filter((m): m is { records: number; end: number } => 'records' in m),
  ...syncedOf(ms).map((s) => ({ records: s.synced, end: s.position })),
];

interface ReadResult {
  keys: string[];
  values: string[];
  error: unknown;
  skipped: SkippedRegion[];
}

async function readFile(path: string, recover: boolean): Promise<ReadResult> {
  const r = await SequenceFileReader.open<string, string>(path, { recover });
  const keys: string[] = [];
  const values: string[] = [];
  let error: unknown = null;
  try {
    for await (const { key, value } of r) {
      keys.push(key);
      values.push(value);
    }
  } catch (e) {
    error = e;
  } finally {
    await r.close();
  }
  return { keys, values, error, skipped: r.skipped };
}

function expectRecords(got: ReadResult, count: number): void {
  expect(got.keys.length).toBe(count);
  for (let i = 0; i < count; i++) {
    const [k, v] = record(i);
    expect(got.keys[i], `key ${i}`).toBe(k);
    expect(got.values[i], `value ${i}`).toBe(v);
  }
}

let fileNo = 0;
const target = (): string => join(work, `out-${fileNo++}.seq`);

const CASES: { compression: CompressionType; codec?: string }[] = [
  { compression: 'NONE' },
  { compression: 'RECORD' },
  { compression: 'RECORD', codec: 'snappy' },
  { compression: 'BLOCK' },
  { compression: 'BLOCK', codec: 'zstd' },
];
const label = (c: { compression: CompressionType; codec?: string }): string => c.compression + (c.codec ? `/${c.codec}` : '');

function writerOptions(c: { compression: CompressionType; codec?: string }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    keyClass: TEXT,
    valueClass: TEXT,
    compression: c.compression,
    ...(c.codec ? { codec: c.codec } : {}),
    syncInterval: 700, // periodic markers between the explicit ones too
    blockSize: 1200,
    bufferSize: 4096,
    ...extra,
  };
}

describe('SIGKILL in the middle of a write', () => {
  for (const c of CASES) {
    it(`${label(c)}: a torn write after the last sync loses only the incomplete ${c.compression === 'BLOCK' ? 'block' : 'record'}`, async () => {
      const path = target();
      const groups = 4;
      const ms = await runAndKill({ path, options: writerOptions(c), groups, perGroup: 60, after: 'tear' }, (m) => 'torn' in m);
      const synced = syncedOf(ms);
      expect(synced).toHaveLength(groups);
      const last = synced.at(-1)!;
      const torn = ms.find((m): m is { torn: number; chunk: number } => 'torn' in m)!;
      const size = statSync(path).size;
      // the torn chunk started where the last flush ended
      expect(size).toBe(last.position + torn.torn);
      // what a reader can get: every record whose record (or block) ended within the file
      const complete = Math.max(...endsOf(ms).filter((e) => e.end <= size).map((e) => e.records));
      expect(complete, 'complete records after the last sync (the chunk holds several)').toBeGreaterThan(last.synced);
      const atBoundary = endsOf(ms).some((e) => e.end === size);

      const recovered = await readFile(path, true);
      expect(recovered.error).toBeNull();
      expectRecords(recovered, complete);
      if (!atBoundary) {
        expect(recovered.skipped).toHaveLength(1);
        expect(recovered.skipped[0]!.reason).toMatch(c.compression === 'BLOCK' ? /file ends inside a block/ : /file ends inside a record/);
        expect(recovered.skipped[0]!.resumeOffset).toBe(size);
      }

      const plain = await readFile(path, false);
      expectRecords(plain, complete);
      if (atBoundary) expect(plain.error).toBeNull();
      else {
        expect(plain.error).toBeInstanceOf(TruncatedFileError);
        expect((plain.error as TruncatedFileError).file).toBe(path);
      }
    });
  }

  for (const c of CASES.filter((x) => !x.codec)) {
    it(`${label(c)}: killed while records are still buffered, the file holds exactly the synced records`, async () => {
      const path = target();
      const ms = await runAndKill(
        { path, options: writerOptions(c, { bufferSize: 1 << 20 }), groups: 3, perGroup: 50, after: 'idle' },
        (m) => 'idle' in m,
      );
      const last = syncedOf(ms).at(-1)!;
      expect(last.synced).toBe(150);
      expect(statSync(path).size).toBe(last.position);
      for (const recover of [false, true]) {
        const got = await readFile(path, recover);
        expect(got.error).toBeNull();
        expect(got.skipped).toEqual([]);
        expectRecords(got, 150);
      }
    });

    it(`${label(c)}: killed while writing flat out, every synced record reads back`, async () => {
      const path = target();
      const ms = await runAndKill(
        { path, options: writerOptions(c, { bufferSize: 512 }), groups: 0, perGroup: 25, after: 'run' },
        (_m, all) => syncedOf(all).length >= 8,
      );
      const synced = syncedOf(ms);
      const lastSeen = synced.at(-1)!.synced;
      const size = statSync(path).size;
      expect(size).toBeGreaterThanOrEqual(synced.at(-1)!.position);
      const recovered = await readFile(path, true);
      expect(recovered.error).toBeNull();
      // at least everything reported synced (the child may have got further before the kill landed)
      expect(recovered.keys.length).toBeGreaterThanOrEqual(lastSeen);
      expectRecords(recovered, recovered.keys.length);
      const plain = await readFile(path, false);
      expectRecords(plain, recovered.keys.length);
      if (plain.error !== null) expect(plain.error).toBeInstanceOf(TruncatedFileError);
      // the reports that did arrive agree with what was read
      const complete = Math.max(...endsOf(ms).filter((e) => e.end <= size).map((e) => e.records));
      expect(recovered.keys.length).toBeGreaterThanOrEqual(complete);
    });
  }
});

describe('SIGKILL with atomic output', () => {
  for (const c of [{ compression: 'NONE' as const }, { compression: 'BLOCK' as const }]) {
    for (const existing of [false, true]) {
      it(`${label(c)}: ${existing ? 'the old file stays as it was' : 'no file appears at the target'}; the synced records are in the temporary file`, async () => {
        const dir = join(work, `atomic-${fileNo++}`);
        mkdirSync(dir);
        const path = join(dir, 'part-00000');
        const old = new TextEncoder().encode('the previous complete output');
        if (existing) writeFileSync(path, old);
        const ms = await runAndKill(
          { path, options: writerOptions(c, { atomic: true, bufferSize: 1 << 20 }), groups: 2, perGroup: 40, after: 'idle' },
          (m) => 'idle' in m,
        );
        expect(syncedOf(ms).at(-1)!.synced).toBe(80);
        if (existing) expect(new Uint8Array(readFileSync(path))).toEqual(old);
        else expect(existsSync(path)).toBe(false);
        // the only other thing in the directory is the writer's temporary file, never the target name
        const others = readdirSync(dir).filter((f) => f !== 'part-00000');
        expect(others).toHaveLength(1);
        expect(others[0]).toMatch(/^part-00000\..+\.tmp$/);
        const got = await readFile(join(dir, others[0]!), true);
        expect(got.error).toBeNull();
        expectRecords(got, 80);
      });
    }
  }
});
