// Read speed of two builds side by side: 300,000 Text/Text records of ~101 bytes written once per
// mode (by this build), then read decoded through batches(), decoded through `for await`, and raw
// through forEachRaw(), by each build in turn, alternating, several rounds; medians and ratios.
//   node dist/bench/parallel-read.js --base /tmp/base/dist/src/index.js [--rounds 5] [--modes a,b]
//     [--records N] [--threads N] [--ways batches,forawait,raw,columns]
// Each (build, mode) round runs in a child process, so one build's warm-up or heap does not help the other.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SequenceFileWriter, type CompressionType } from '../src/index.js';
import { valuePool } from './workload.js';

// bench/run.ts runs its main on import, so its table is not imported
const MODES: Record<string, [CompressionType, string | undefined]> = {
  none: ['NONE', undefined],
  'record-default': ['RECORD', 'default'],
  'record-snappy': ['RECORD', 'snappy'],
  'record-zstd': ['RECORD', 'zstd'],
  'record-lz4': ['RECORD', 'lz4'],
  'block-default': ['BLOCK', 'default'],
  'block-gzip': ['BLOCK', 'gzip'],
  'block-snappy': ['BLOCK', 'snappy'],
  'block-zstd': ['BLOCK', 'zstd'],
  'block-lz4': ['BLOCK', 'lz4'],
  'block-bzip2': ['BLOCK', 'bzip2'],
};

const TEXT = 'org.apache.hadoop.io.Text';


async function write(file: string, mode: string, records: number): Promise<number> {
  const [compression, codec] = MODES[mode]!;
  const pool = valuePool();
  let bytes = 0;
  const w = await SequenceFileWriter.create<string, string>(file, { keyClass: TEXT, valueClass: TEXT, compression, codec });
  for (let i = 0; i < records; i++) {
    const key = 'key-' + String(i).padStart(10, '0');
    const value = pool[i & 65535]!;
    bytes += key.length + value.length + 2;
    await w.append(key, value);
  }
  await w.close();
  return bytes;
}

interface ReaderLike {
  batches(): AsyncIterable<{ key: string; value: string }[]>;
  [Symbol.asyncIterator](): AsyncIterator<{ key: string; value: string }>;
  forEachRaw(fn: (raw: { keyStart: number; keyEnd: number; value: Uint8Array }) => void): Promise<number>;
  columns?(): AsyncIterable<{ count: number; keys: Uint8Array; values: Uint8Array }>;
  close(): Promise<void>;
}

/** One child: read `file` each way with the build at `lib`, print MB/s per way. */
async function child(lib: string, file: string, bytes: number, ways: string[], threads: number | undefined): Promise<void> {
  const { SequenceFileReader } = (await import(pathToFileURL(lib).href)) as { SequenceFileReader: { open(f: string, o?: object): Promise<ReaderLike> } };
  const opts = threads === undefined ? {} : { threads };
  const out: Record<string, number> = {};
  for (const way of ways) {
    const t0 = performance.now();
    const r = await SequenceFileReader.open(file, opts);
    let got = 0;
    if (way === 'batches') {
      for await (const batch of r.batches()) for (const rec of batch) got += rec.key.length + rec.value.length + 2;
    } else if (way === 'forawait') {
      for await (const rec of r) got += rec.key.length + rec.value.length + 2;
    } else if (way === 'raw') {
      await r.forEachRaw((raw) => {
        got += raw.keyEnd - raw.keyStart + raw.value.length;
      });
    } else if (way === 'columns') {
      if (!r.columns) {
        out[way] = NaN;
        await r.close();
        continue;
      }
      for await (const c of r.columns()) got += c.keys.length + c.values.length;
    }
    await r.close();
    const sec = (performance.now() - t0) / 1000;
    if (got !== bytes) throw new Error(`${way}: read ${got} bytes, expected ${bytes}`);
    out[way] = bytes / 1e6 / sec;
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const { values: v } = parseArgs({
    options: {
      base: { type: 'string' },
      rounds: { type: 'string', default: '5' },
      modes: { type: 'string', default: 'none,record-default,record-snappy,block-default,block-snappy,block-zstd,block-lz4' },
      records: { type: 'string', default: '300000' },
      threads: { type: 'string' },
      ways: { type: 'string', default: 'batches,forawait,raw' },
      child: { type: 'string' },
      file: { type: 'string' },
      bytes: { type: 'string' },
    },
  });
  const ways = v.ways!.split(',');
  const threads = v.threads === undefined ? undefined : Number(v.threads);
  if (v.child) return child(v.child, v.file!, Number(v.bytes), ways, threads);
  const self = fileURLToPath(import.meta.url);
  const mine = fileURLToPath(new URL('../src/index.js', import.meta.url));
  const libs: [string, string][] = v.base ? [['base', v.base], ['this', mine]] : [['this', mine]];
  const rounds = Number(v.rounds);
  const dir = mkdtempSync(join(tmpdir(), 'hadoop-io-pread-'));
  try {
    console.log(`parallel-read: ${v.records} Text/Text records, ${rounds} rounds, median MB/s${threads === undefined ? '' : `, threads ${threads} (this build)`}`);
    console.log(`mode              ${ways.map((w) => libs.map(([n]) => `${w}:${n}`.padStart(16)).join('') + (libs.length > 1 ? 'ratio'.padStart(7) : '')).join('')}`);
    for (const mode of v.modes!.split(',')) {
      const file = join(dir, `${mode}.seq`);
      const bytes = await write(file, mode, Number(v.records));
      const got: Record<string, Record<string, number[]>> = {};
      for (let i = 0; i < rounds; i++) {
        // alternate which build goes first
        const order = i % 2 === 0 ? libs : [...libs].reverse();
        for (const [name, lib] of order) {
          const args = [self, '--child', lib, '--file', file, '--bytes', String(bytes), '--ways', ways.join(',')];
          if (threads !== undefined && name === 'this') args.push('--threads', String(threads));
          const res = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' }).trim()) as Record<string, number>;
          for (const w of ways) ((got[w] ??= {})[name] ??= []).push(res[w]!);
        }
      }
      let line = mode.padEnd(18);
      for (const w of ways) {
        // a build without this way reports null
        const meds = libs.map(([n]) => (got[w]![n]!.some((x) => typeof x !== 'number') ? NaN : median(got[w]![n]!)));
        line += meds.map((m) => (Number.isNaN(m) ? '-' : m.toFixed(1)).padStart(16)).join('');
        if (libs.length > 1) line += (Number.isNaN(meds[0]!) || Number.isNaN(meds[1]!) ? '-' : `${(meds[1]! / meds[0]!).toFixed(2)}x`).padStart(7);
      }
      console.log(line);
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
