/**
 * Outputs that are not plain files: atomic temp+rename is for regular files
 * only. A symlink keeps being a symlink (its target gets the data), a FIFO or
 * descriptor name is written through and never replaced, flush works on all
 * of them; the same for MapFile writers, fix-index and `seqcat create/convert`.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAll } from '../fixtures-helpers/read-all.js';
import { SEQ, seqcat, shell } from '../cli/helpers.js';
import { BloomMapFileReader, BloomMapFileWriter, MapFileReader, MapFileWriter, SequenceFileWriter, fixMapFileIndex, type CompressionType } from '../../src/index.js';

const TEXT = 'org.apache.hadoop.io.Text';
const LONG = 'org.apache.hadoop.io.LongWritable';
const MODES: CompressionType[] = ['NONE', 'RECORD', 'BLOCK'];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hadoop-io-outputs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const readers: ChildProcess[] = [];
afterAll(() => {
  for (const r of readers) if (r.exitCode === null) r.kill('SIGKILL');
});

/** Make a FIFO and start `cat FIFO`: resolves with everything a writer put through it. */
function fifoWithReader(path: string): Promise<Buffer> {
  execFileSync('mkfifo', [path]);
  const cat = spawn('cat', [path], { stdio: ['ignore', 'pipe', 'ignore'] });
  readers.push(cat);
  const chunks: Buffer[] = [];
  cat.stdout!.on('data', (b: Buffer) => chunks.push(b));
  return new Promise((resolve) => cat.on('close', () => resolve(Buffer.concat(chunks))));
}

/** Fail now (not by hanging on a reader that never gets a writer) if the FIFO was replaced. */
function expectStillFifo(path: string): void {
  const st = lstatSync(path);
  if (!st.isFIFO()) for (const r of readers) r.kill('SIGKILL');
  expect(st.isFIFO(), `${path} is still a FIFO`).toBe(true);
}

async function writeRecords(out: string, compression: CompressionType, n: number, extra: { atomic?: boolean; writeChecksum?: boolean } = {}): Promise<void> {
  const w = await SequenceFileWriter.create<string, bigint>(out, { keyClass: TEXT, valueClass: LONG, compression, bufferSize: 512, ...extra });
  for (let i = 0; i < n; i++) {
    await w.append(`key-${i}`, BigInt(i));
    if (i % 50 === 49) await w.flush();
  }
  await w.close();
}

function expected(n: number): { key: string; value: bigint }[] {
  return Array.from({ length: n }, (_, i) => ({ key: `key-${i}`, value: BigInt(i) }));
}

describe('atomic writes to a symlink replace its target and keep the link', () => {
  for (const compression of MODES) {
    it(`${compression}: the link stays a link, the target holds the file, nothing is left beside either`, async () => {
      const real = join(dir, 'real');
      mkdirSync(real);
      const target = join(real, 'data.seq');
      writeFileSync(target, 'old contents');
      const link = join(dir, 'out.seq');
      symlinkSync(target, link);
      await writeRecords(link, compression, 300, { atomic: true });
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link)).toBe(target);
      expect(await readAll(target)).toEqual(expected(300));
      expect(readdirSync(dir).sort()).toEqual(['out.seq', 'real']);
      expect(readdirSync(real)).toEqual(['data.seq']);
    });
  }

  it('a relative symlink and a chain of links: the last target gets the data', async () => {
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'final.seq'), '');
    symlinkSync('final.seq', join(dir, 'a', 'mid.seq'));
    symlinkSync('a/mid.seq', join(dir, 'out.seq'));
    await writeRecords(join(dir, 'out.seq'), 'RECORD', 10, { atomic: true });
    expect(lstatSync(join(dir, 'out.seq')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, 'a', 'mid.seq')).isSymbolicLink()).toBe(true);
    expect(await readAll(join(dir, 'a', 'final.seq'))).toEqual(expected(10));
  });

  it('a dangling symlink: its target is created, the link kept', async () => {
    mkdirSync(join(dir, 'real'));
    const link = join(dir, 'out.seq');
    symlinkSync(join('real', 'new.seq'), link);
    await writeRecords(link, 'BLOCK', 20, { atomic: true });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(await readAll(join(dir, 'real', 'new.seq'))).toEqual(expected(20));
    expect(await readAll(link)).toEqual(expected(20));
  });

  it('with a checksum side file: the data lands in the target and verifies through the link', async () => {
    mkdirSync(join(dir, 'real'));
    const target = join(dir, 'real', 'data.seq');
    writeFileSync(target, '');
    const link = join(dir, 'out.seq');
    symlinkSync(target, link);
    await writeRecords(link, 'NONE', 100, { atomic: true, writeChecksum: true });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(existsSync(join(dir, '.out.seq.crc')), 'the side file is beside the name given').toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.includes('.tmp.'))).toEqual([]);
    expect(await readAll(link)).toEqual(expected(100));
  });

  it('abort leaves the symlink and its target as they were', async () => {
    const target = join(dir, 'data.seq');
    writeFileSync(target, 'old contents');
    const link = join(dir, 'out.seq');
    symlinkSync(target, link);
    const w = await SequenceFileWriter.create<string, bigint>(link, { keyClass: TEXT, valueClass: LONG, atomic: true, bufferSize: 64 });
    for (let i = 0; i < 100; i++) await w.append(`k${i}`, BigInt(i));
    await w.flush();
    await w.abort();
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('old contents');
    expect(readdirSync(dir).sort()).toEqual(['data.seq', 'out.seq']);
  });
});

describe('a FIFO is written through, never replaced', () => {
  for (const compression of MODES) {
    for (const atomic of [true, false]) {
      it(`${compression}${atomic ? ' atomic' : ''}: the FIFO's reader gets the whole file, flush works on the way`, async () => {
        const fifo = join(dir, 'pipe');
        const received = fifoWithReader(fifo);
        await writeRecords(fifo, compression, 500, { atomic });
        expectStillFifo(fifo);
        expect(await readAll(new Uint8Array(await received))).toEqual(expected(500));
        expect(readdirSync(dir)).toEqual(['pipe']);
      });
    }
  }

  it('writeChecksum on a FIFO: no side file is written (or looked for)', async () => {
    const fifo = join(dir, 'pipe');
    const received = fifoWithReader(fifo);
    await writeRecords(fifo, 'RECORD', 50, { atomic: true, writeChecksum: true });
    expectStillFifo(fifo);
    expect(await readAll(new Uint8Array(await received))).toEqual(expected(50));
    expect(readdirSync(dir)).toEqual(['pipe']);
  });

  it('flush on a FIFO succeeds and does not poison later calls', async () => {
    const fifo = join(dir, 'pipe');
    const received = fifoWithReader(fifo);
    const w = await SequenceFileWriter.create<string, bigint>(fifo, { keyClass: TEXT, valueClass: LONG, compression: 'NONE' });
    await w.append('a', 1n);
    await w.flush();
    await w.flush();
    await w.append('b', 2n);
    await w.sync();
    await w.flush();
    await w.close();
    expect(w.failure).toBeNull();
    expect(await readAll(new Uint8Array(await received))).toEqual([
      { key: 'a', value: 1n },
      { key: 'b', value: 2n },
    ]);
  });

  it('flush on a character device (/dev/null) succeeds', async () => {
    const w = await SequenceFileWriter.create<string, bigint>('/dev/null', { keyClass: TEXT, valueClass: LONG, compression: 'NONE' });
    await w.append('a', 1n);
    await w.flush();
    await w.append('b', 2n);
    await w.close();
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});

describe('MapFile writers and fix-index keep links and FIFOs', () => {
  it('atomic MapFile whose data, index and bloom are symlinks: links kept, the targets hold a readable BloomMapFile', async () => {
    const store = join(dir, 'store');
    const map = join(dir, 'map');
    mkdirSync(store);
    mkdirSync(map);
    for (const f of ['data', 'index', 'bloom']) {
      writeFileSync(join(store, f), '');
      symlinkSync(join(store, f), join(map, f));
    }
    const w = await BloomMapFileWriter.create<string, bigint>(map, { keyClass: TEXT, valueClass: LONG, atomic: true, indexInterval: 4 });
    for (let i = 0; i < 100; i++) await w.append(`k${String(i).padStart(3, '0')}`, BigInt(i));
    await w.close();
    for (const f of ['data', 'index', 'bloom']) expect(lstatSync(join(map, f)).isSymbolicLink(), f).toBe(true);
    expect(readdirSync(store).sort()).toEqual(['bloom', 'data', 'index']);
    const r = await BloomMapFileReader.open<string, bigint>(map);
    expect(r.bloom).not.toBeNull();
    expect(await r.get('k042')).toBe(42n);
    await r.close();
  });

  it('fix-index on a MapFile whose index is a symlink rebuilds the target and keeps the link', async () => {
    const map = join(dir, 'map');
    const w = await MapFileWriter.create<string, bigint>(map, { keyClass: TEXT, valueClass: LONG, indexInterval: 8 });
    for (let i = 0; i < 100; i++) await w.append(`k${String(i).padStart(3, '0')}`, BigInt(i));
    await w.close();
    const elsewhere = join(dir, 'index-elsewhere');
    writeFileSync(elsewhere, 'stale');
    rmSync(join(map, 'index'));
    symlinkSync(elsewhere, join(map, 'index'));
    const res = await fixMapFileIndex(map, { force: true, indexInterval: 8 });
    expect(res.rebuilt).toBe(true);
    expect(lstatSync(join(map, 'index')).isSymbolicLink()).toBe(true);
    const r = await MapFileReader.open<string, bigint>(map);
    expect(await r.get('k077')).toBe(77n);
    await r.close();
    expect(readdirSync(map).sort()).toEqual(['data', 'index']);
  });
});

describe('seqcat create / convert to a FIFO, a symlink and the stdout device', () => {
  const tsv = Array.from({ length: 200 }, (_, i) => `key-${i}\t${i}\n`).join('');
  const tsvRecords = Array.from({ length: 200 }, (_, i) => ({ key: `key-${i}`, value: BigInt(i) }));

  it('create FIFO: the reader gets the file, the FIFO stays', async () => {
    const fifo = join(dir, 'out.fifo');
    const received = fifoWithReader(fifo);
    const r = await seqcat(['create', fifo, '--key-class', 'Text', '--value-class', 'LongWritable'], { input: tsv });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectStillFifo(fifo);
    expect(await readAll(new Uint8Array(await received))).toEqual(tsvRecords);
    expect(readdirSync(dir)).toEqual(['out.fifo']);
  });

  it('convert IN FIFO: the reader gets the converted file, the FIFO stays', async () => {
    const input = join(SEQ, 'codec', 'record-snappy.seq');
    const fifo = join(dir, 'out.fifo');
    const received = fifoWithReader(fifo);
    const r = await seqcat(['convert', '--compression', 'BLOCK', '--codec', 'gzip', input, fifo]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectStillFifo(fifo);
    const got = await readAll(new Uint8Array(await received));
    expect(got).toEqual(await readAll(input));
    expect(got.length).toBeGreaterThan(0);
  });

  it('create through a symlink: the link stays, its target holds the file', async () => {
    const target = join(dir, 'target.seq');
    writeFileSync(target, 'old');
    const link = join(dir, 'out.seq');
    symlinkSync(target, link);
    const r = await seqcat(['create', link, '--key-class', 'Text', '--value-class', 'LongWritable'], { input: tsv });
    expect(r.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(await readAll(target)).toEqual(tsvRecords);
    expect(readdirSync(dir).sort()).toEqual(['out.seq', 'target.seq']);
  });

  it('create /dev/stdout with stdout a shell pipe: the bytes come out of the pipe, /dev is untouched', async () => {
    const devBefore = readdirSync('/dev').sort();
    const stdoutLink = lstatSync('/dev/stdout');
    const input = join(dir, 'in.tsv');
    writeFileSync(input, tsv);
    const out = join(dir, 'piped.seq');
    const r = await shell(`seqcat create /dev/stdout --key-class Text --value-class LongWritable --input "${input}" | cat > "${out}"; exit \${PIPESTATUS[0]}`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await readAll(out)).toEqual(tsvRecords);
    expect(readdirSync('/dev').sort()).toEqual(devBefore);
    expect(lstatSync('/dev/stdout').ino).toBe(stdoutLink.ino);
  });

  it('create /dev/stdout with stdout a socket (a Node child process): the bytes come out, /dev is untouched', async () => {
    const devBefore = readdirSync('/dev').sort();
    const stdoutLink = lstatSync('/dev/stdout');
    const r = await seqcat(['create', '/dev/stdout', '--key-class', 'Text', '--value-class', 'LongWritable', '--compression', 'BLOCK'], { input: tsv });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await readAll(new Uint8Array(r.stdoutBytes))).toEqual(tsvRecords);
    expect(readdirSync('/dev').sort()).toEqual(devBefore);
    const after = lstatSync('/dev/stdout');
    expect(after.isSymbolicLink()).toBe(stdoutLink.isSymbolicLink());
    expect(after.ino).toBe(stdoutLink.ino);
  });
});
