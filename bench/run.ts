// `npm run bench`: writes then reads the reference workload (1,000,000 Text/Text records of ~100
// bytes) in every compression mode and prints MB/s for write and read and the peak RSS of each mode.
// Each mode runs in its own process so its peak RSS is its own.
//   npm run bench -- --records 200000     fewer records
//   npm run bench -- --json               one JSON object per line
//   npm run bench -- --modes none,block-snappy
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SequenceFileReader, SequenceFileWriter, type CompressionType } from '../src/index.js';

const TEXT = 'org.apache.hadoop.io.Text';
const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa quebec romeo'.split(' ');

/** Java Hadoop 3.4.0 on this kind of machine, MB/s write/read (from the issue). */
const JAVA: Record<string, [number, number]> = {
  none: [334, 683],
  'record-default': [23, 69],
  'record-snappy': [141, 124],
  'block-default': [46, 403],
  'block-snappy': [433, 703],
};

export const MODES: Record<string, [CompressionType, string | undefined]> = {
  none: ['NONE', undefined],
  'record-default': ['RECORD', 'default'],
  'record-snappy': ['RECORD', 'snappy'],
  'block-default': ['BLOCK', 'default'],
  'block-snappy': ['BLOCK', 'snappy'],
  'record-gzip': ['RECORD', 'gzip'],
  'block-gzip': ['BLOCK', 'gzip'],
  'record-deflate': ['RECORD', 'deflate'],
  'block-deflate': ['BLOCK', 'deflate'],
  'record-bzip2': ['RECORD', 'bzip2'],
  'block-bzip2': ['BLOCK', 'bzip2'],
  'record-lz4': ['RECORD', 'lz4'],
  'block-lz4': ['BLOCK', 'lz4'],
  'record-zstd': ['RECORD', 'zstd'],
  'block-zstd': ['BLOCK', 'zstd'],
};
const DEFAULT_MODES = Object.keys(MODES);

/** Deterministic PRNG (mulberry32), so every run writes the same bytes. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 65,536 distinct values of 80–90 characters, cycled: no repeats inside a 1 MB block. */
function valuePool(): string[] {
  const next = rng(42);
  const pool: string[] = [];
  for (let i = 0; i < 65536; i++) {
    const len = 80 + Math.floor(next() * 11);
    let s = '';
    while (s.length < len) s += (s ? ' ' : '') + WORDS[Math.floor(next() * WORDS.length)];
    pool.push(s.slice(0, len));
  }
  return pool;
}

interface Result {
  mode: string;
  records: number;
  bytes: number;
  writeMBps: number;
  readMBps: number;
  rawReadMBps: number;
  peakRssMB: number;
  fileMB: number;
}

async function runMode(mode: string, records: number): Promise<Result> {
  const [compression, codec] = MODES[mode]!;
  const pool = valuePool();
  const dir = mkdtempSync(join(tmpdir(), 'hadoop-io-bench-'));
  const file = join(dir, `${mode}.seq`);
  try {
    let bytes = 0;
    const w = await SequenceFileWriter.create<string, string>(file, { keyClass: TEXT, valueClass: TEXT, compression, codec });
    const t0 = performance.now();
    for (let i = 0; i < records; i++) {
      const key = 'key-' + String(i).padStart(10, '0');
      const value = pool[i & 65535]!;
      // serialized size: 1-byte vint length + ASCII bytes for both
      bytes += key.length + value.length + 2;
      await w.append(key, value);
    }
    await w.close();
    const writeSec = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    const r = await SequenceFileReader.open<string, string>(file);
    let n = 0;
    let check = 0;
    for await (const batch of r.batches()) {
      for (const rec of batch) check += rec.key.length + rec.value.length;
      n += batch.length;
    }
    await r.close();
    const readSec = (performance.now() - t1) / 1000;
    if (n !== records || check + 2 * n !== bytes) throw new Error(`read back ${n} records / ${check} chars, expected ${records} / ${bytes}`);

    // raw: serialized key/value bytes without making JS strings (what Java's Text does: it keeps bytes)
    const t2 = performance.now();
    const rr = await SequenceFileReader.open(file);
    let rawBytes = 0;
    await rr.forEachRaw((raw) => {
      rawBytes += raw.keyEnd - raw.keyStart + raw.value.length;
    });
    await rr.close();
    const rawSec = (performance.now() - t2) / 1000;
    if (rawBytes !== bytes) throw new Error(`raw read ${rawBytes} bytes, expected ${bytes}`);
    return {
      mode,
      records,
      bytes,
      writeMBps: round(bytes / 1e6 / writeSec),
      readMBps: round(bytes / 1e6 / readSec),
      rawReadMBps: round(bytes / 1e6 / rawSec),
      peakRssMB: round(process.resourceUsage().maxRSS / 1024),
      fileMB: round(statSync(file).size / 1e6),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '1000000' },
      json: { type: 'boolean', default: false },
      modes: { type: 'string' },
      child: { type: 'string' },
    },
  });
  const records = Number(values.records);
  if (values.child) {
    process.stdout.write(JSON.stringify(await runMode(values.child, records)) + '\n');
    return;
  }
  const modes = values.modes ? values.modes.split(',') : DEFAULT_MODES;
  const self = fileURLToPath(import.meta.url);
  const results: Result[] = [];
  if (!values.json) {
    console.log(`hadoop-io bench: ${records.toLocaleString('en-US')} Text/Text records of ~100 bytes, node ${process.version}`);
    console.log('read = decoded to JS strings; raw = serialized bytes (as Java\'s Text keeps them)');
    console.log('mode              write MB/s  read MB/s  raw MB/s  peak RSS MB  file MB   Java write/read MB/s');
  }
  for (const mode of modes) {
    if (!MODES[mode]) throw new Error(`unknown mode ${mode}; modes: ${DEFAULT_MODES.join(', ')}`);
    let res: Result;
    try {
      const out = execFileSync(process.execPath, [self, '--child', mode, '--records', String(records)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      res = JSON.parse(out.trim().split('\n').pop()!);
    } catch (e) {
      console.error(`${mode}: failed: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    results.push(res);
    if (values.json) {
      const { fileMB: _f, ...line } = res;
      console.log(JSON.stringify(line));
    } else {
      const java = JAVA[mode] ? `${JAVA[mode]![0]} / ${JAVA[mode]![1]}` : '';
      console.log(
        `${mode.padEnd(18)}${String(res.writeMBps).padStart(10)}${String(res.readMBps).padStart(11)}${String(res.rawReadMBps).padStart(10)}${String(res.peakRssMB).padStart(13)}${String(res.fileMB).padStart(9)}   ${java}`,
      );
    }
  }
}

await main();
