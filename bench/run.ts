// `npm run bench`: writes then reads a workload in every compression mode and codec and prints MB/s
// for write and read and the peak RSS of each mode. Each mode runs in its own process so its peak RSS
// is its own. The default workload is 1,000,000 Text/Text records of ~100 bytes; other rows:
//   <mode>:10k        Text/Text with ~10 KB values (records / 100, so about as many bytes)
//   <mode>:bytes      BytesWritable/BytesWritable, the same bytes as the Text rows
//   <mode>:int-long   IntWritable/LongWritable (12 bytes a record)
// Metrics: writeMBps from JS values through append; readMBps decoded through batches();
// readForAwaitMBps decoded through `for await (const rec of reader)`; rawReadMBps serialized bytes
// through forEachRaw; peakRssMB of the process.
//   npm run bench -- --records 200000     fewer records
//   npm run bench -- --json               one JSON object per line
//   npm run bench -- --modes none,block-snappy,none:10k
//   npm run bench -- --file-mb 1500 --modes block-snappy   one large file (records from its size): RSS
//   npm run bench -- --list-modes         the default modes as JSON
//   npm run bench -- --threads 1          compress and decompress in N worker threads (default: the library's)
// Writes go through write()/drained() (no promise per record) where the library has it, else append().
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SequenceFileReader, SequenceFileWriter, type CompressionType } from '../src/index.js';
import { valuePool } from './workload.js';

const TEXT = 'org.apache.hadoop.io.Text';

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
/** Extra workloads, as `<mode>:<workload>`; plain `<mode>` is Text/Text ~100 bytes. */
const WORKLOADS = ['10k', 'bytes', 'int-long'] as const;
type Workload = 'text' | (typeof WORKLOADS)[number];
const EXTRA_ROWS = [
  'none:10k', 'record-default:10k', 'block-default:10k', 'block-snappy:10k', 'block-zstd:10k', 'block-lz4:10k',
  'none:bytes', 'block-snappy:bytes', 'none:int-long', 'block-default:int-long',
];
const DEFAULT_MODES = [...Object.keys(MODES), ...EXTRA_ROWS];

function parseMode(mode: string): { compression: CompressionType; codec: string | undefined; workload: Workload } {
  const [base, workload = 'text'] = mode.split(':');
  const m = MODES[base!];
  if (!m || (workload !== 'text' && !(WORKLOADS as readonly string[]).includes(workload))) {
    throw new Error(`unknown mode ${mode}; modes: ${Object.keys(MODES).join(', ')}, each optionally :${WORKLOADS.join(' :')}`);
  }
  return { compression: m[0], codec: m[1], workload: workload as Workload };
}

/** Deterministic PRNG (mulberry32), so every run writes the same bytes. */

interface Result {
  mode: string;
  records: number;
  bytes: number;
  writeMBps: number;
  readMBps: number;
  readForAwaitMBps: number;
  rawReadMBps: number;
  peakRssMB: number;
  /** Peak RSS once the file is written (the writer's share). */
  writePeakRssMB: number;
  fileMB: number;
}

/** How one workload makes its records and what it expects back. */
interface RecordMaker {
  keyClass: string;
  valueClass: string;
  key(i: number): unknown;
  value(i: number): unknown;
  /** Serialized bytes of record i (what the MB/s figures count). */
  size(i: number): number;
  /** A check figure over a decoded record, summed and compared with `expected`. */
  check(key: unknown, value: unknown): number;
  expected(i: number): number;
}

const encoder = new TextEncoder();

function workloadOf(kind: Workload): RecordMaker {
  const textKey = (i: number): string => 'key-' + String(i).padStart(10, '0');
  if (kind === 'text' || kind === '10k') {
    const pool = kind === 'text' ? valuePool() : bigValuePool();
    const mask = pool.length - 1;
    // serialized size: vint length + ASCII bytes for both
    const vint = (n: number): number => (n < 128 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 4);
    return {
      keyClass: TEXT,
      valueClass: TEXT,
      key: textKey,
      value: (i) => pool[i & mask]!,
      size: (i) => 15 + pool[i & mask]!.length + vint(pool[i & mask]!.length),
      check: (k, v) => (k as string).length + (v as string).length,
      expected: (i) => 14 + pool[i & mask]!.length,
    };
  }
  if (kind === 'bytes') {
    const pool = valuePool().map((s) => encoder.encode(s));
    const keys = (i: number): Uint8Array => encoder.encode(textKey(i));
    return {
      keyClass: 'org.apache.hadoop.io.BytesWritable',
      valueClass: 'org.apache.hadoop.io.BytesWritable',
      key: keys,
      value: (i) => pool[i & 65535]!,
      size: (i) => 4 + 14 + 4 + pool[i & 65535]!.length,
      check: (k, v) => (k as Uint8Array).length + (v as Uint8Array).length,
      expected: (i) => 14 + pool[i & 65535]!.length,
    };
  }
  return {
    keyClass: 'org.apache.hadoop.io.IntWritable',
    valueClass: 'org.apache.hadoop.io.LongWritable',
    key: (i) => i,
    value: (i) => BigInt(i) * 1000003n,
    size: () => 12,
    check: (k, v) => ((k as number) & 0xff) + Number((v as bigint) & 0xffn),
    expected: (i) => (i & 0xff) + Number((BigInt(i) * 1000003n) & 0xffn),
  };
}

/** 64 distinct values of ~10 KB. */
function bigValuePool(): string[] {
  const small = valuePool();
  const pool: string[] = [];
  for (let i = 0; i < 64; i++) {
    let s = '';
    for (let k = 0; s.length < 10000; k++) s += (s ? ' ' : '') + small[(i * 131 + k) & 65535]!;
    pool.push(s.slice(0, 10000 + (i % 7)));
  }
  return pool;
}

async function runMode(mode: string, records: number, threads: number | undefined): Promise<Result> {
  const { compression, codec, workload } = parseMode(mode);
  const wl = workloadOf(workload);
  const dir = mkdtempSync(join(tmpdir(), 'hadoop-io-bench-'));
  const file = join(dir, `${mode.replace(':', '-')}.seq`);
  try {
    let bytes = 0;
    let expected = 0;
    for (let i = 0; i < records; i++) {
      bytes += wl.size(i);
      expected += wl.expected(i);
    }
    const pool = threads === undefined ? {} : { threads };
    const w = await SequenceFileWriter.create<unknown, unknown>(file, { keyClass: wl.keyClass, valueClass: wl.valueClass, compression, codec, ...pool });
    const t0 = performance.now();
    // the fastest public write API: write() returns false when the writer wants its caller to wait
    const fast = w as unknown as { write?: (k: unknown, v: unknown) => boolean; drained?: () => Promise<void> };
    if (typeof fast.write === 'function' && typeof fast.drained === 'function') {
      for (let i = 0; i < records; i++) if (!fast.write(wl.key(i), wl.value(i))) await fast.drained();
    } else {
      for (let i = 0; i < records; i++) await w.append(wl.key(i), wl.value(i));
    }
    await w.close();
    const writeSec = (performance.now() - t0) / 1000;
    const writePeakRssMB = round(process.resourceUsage().maxRSS / 1024);

    const t1 = performance.now();
    const r = await SequenceFileReader.open<unknown, unknown>(file, pool);
    let n = 0;
    let check = 0;
    for await (const batch of r.batches()) {
      for (const rec of batch) check += wl.check(rec.key, rec.value);
      n += batch.length;
    }
    await r.close();
    const readSec = (performance.now() - t1) / 1000;
    if (n !== records || check !== expected) throw new Error(`read back ${n} records / check ${check}, expected ${records} / ${expected}`);

    const t3 = performance.now();
    const ra = await SequenceFileReader.open<unknown, unknown>(file, pool);
    n = 0;
    check = 0;
    for await (const rec of ra) {
      check += wl.check(rec.key, rec.value);
      n++;
    }
    await ra.close();
    const forAwaitSec = (performance.now() - t3) / 1000;
    if (n !== records || check !== expected) throw new Error(`for await read back ${n} records / check ${check}, expected ${records} / ${expected}`);

    // raw: serialized key/value bytes without making JS values (what Java's Text does: it keeps bytes)
    const t2 = performance.now();
    const rr = await SequenceFileReader.open(file, pool);
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
      readForAwaitMBps: round(bytes / 1e6 / forAwaitSec),
      rawReadMBps: round(bytes / 1e6 / rawSec),
      peakRssMB: round(process.resourceUsage().maxRSS / 1024),
      writePeakRssMB,
      fileMB: round(statSync(file).size / 1e6),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Records for a mode: the count given, /100 for 10 KB values, or enough for `--file-mb` of serialized bytes. */
function recordsFor(mode: string, records: number, fileMB: number | undefined): number {
  const { workload } = parseMode(mode);
  const perRecord = workload === '10k' ? 10020 : workload === 'int-long' ? 12 : workload === 'bytes' ? 107 : 101;
  if (fileMB !== undefined) return Math.ceil((fileMB * 1e6) / perRecord);
  return workload === '10k' ? Math.max(1, Math.round(records / 100)) : records;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '1000000' },
      json: { type: 'boolean', default: false },
      modes: { type: 'string' },
      child: { type: 'string' },
      'file-mb': { type: 'string' },
      threads: { type: 'string' },
      'list-modes': { type: 'boolean', default: false },
    },
  });
  if (values['list-modes']) {
    console.log(JSON.stringify(DEFAULT_MODES));
    return;
  }
  const records = Number(values.records);
  if (values.child) {
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    process.stdout.write(JSON.stringify(await runMode(values.child, records, threads)) + '\n');
    return;
  }
  if (values.threads !== undefined && !(Number(values.threads) >= 0)) throw new Error(`--threads takes a number >= 0, not ${values.threads}`);
  const fileMB = values['file-mb'] !== undefined ? Number(values['file-mb']) : undefined;
  if (fileMB !== undefined && !(fileMB > 0)) throw new Error(`--file-mb takes a positive number of MB, not ${values['file-mb']}`);
  // one large file: by default the reference mode only
  const modes = values.modes ? values.modes.split(',') : fileMB !== undefined ? ['block-snappy'] : DEFAULT_MODES;
  for (const mode of modes) parseMode(mode);
  const self = fileURLToPath(import.meta.url);
  if (!values.json) {
    const what = fileMB !== undefined ? `one file of ~${fileMB} MB per mode` : `${records.toLocaleString('en-US')} records per mode (10k rows: ${Math.round(records / 100)})`;
    console.log(`hadoop-io bench: ${what}, node ${process.version}`);
    console.log('read = decoded to JS values (batches / for await); raw = serialized bytes (as Java\'s Text keeps them)');
    console.log('mode                        write MB/s  read MB/s  for-await MB/s  raw MB/s  peak RSS MB (write)  file MB   Java write/read MB/s');
  }
  for (const mode of modes) {
    let res: Result;
    try {
      const n = recordsFor(mode, records, fileMB);
      const out = execFileSync(process.execPath, [self, '--child', mode, '--records', String(n), ...(values.threads === undefined ? [] : ['--threads', values.threads])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      res = JSON.parse(out.trim().split('\n').pop()!);
    } catch (e) {
      console.error(`${mode}: failed: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    if (values.json) {
      // fileMB and the writer's RSS only where the run is about file size
      const { fileMB: f, writePeakRssMB: wr, ...line } = res;
      console.log(JSON.stringify(fileMB !== undefined ? { ...line, writePeakRssMB: wr, fileMB: f } : line));
    } else {
      const java = JAVA[mode] ? `${JAVA[mode]![0]} / ${JAVA[mode]![1]}` : '';
      console.log(
        `${mode.padEnd(28)}${String(res.writeMBps).padStart(10)}${String(res.readMBps).padStart(11)}${String(res.readForAwaitMBps).padStart(16)}${String(res.rawReadMBps).padStart(10)}${`${res.peakRssMB} (${res.writePeakRssMB})`.padStart(21)}${String(res.fileMB).padStart(9)}   ${java}`,
      );
    }
  }
}

await main();
