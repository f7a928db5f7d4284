// Write throughput of the write paths and thread settings, same run, alternating, medians:
//   node dist/bench/parallel-write.js [--records 300000] [--rounds 3] [--modes none,block-zstd]
// The workload is bench/run.ts's: Text/Text, keys `key-%010d`, values 80–90 characters of words.
// Each measurement runs in its own process. Ratios are against `append` (await per record, threads 0).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SequenceFileWriter, type CompressionType } from '../src/index.js';
import { valuePool } from './workload.js';

const TEXT = 'org.apache.hadoop.io.Text';
const MODES: Record<string, [CompressionType, string | undefined]> = {
  none: ['NONE', undefined],
  'record-default': ['RECORD', 'default'],
  'record-snappy': ['RECORD', 'snappy'],
  'block-default': ['BLOCK', 'default'],
  'block-snappy': ['BLOCK', 'snappy'],
  'block-zstd': ['BLOCK', 'zstd'],
  'block-lz4': ['BLOCK', 'lz4'],
};
/** name → [API, threads] */
const VARIANTS: Record<string, ['append' | 'write', number]> = {
  'append/t0': ['append', 0],
  'write/t0': ['write', 0],
  'write/t1': ['write', 1],
  'write/t2': ['write', 2],
  'append/t1': ['append', 1],
};


async function child(mode: string, variant: string, records: number): Promise<number> {
  const [compression, codec] = MODES[mode]!;
  const [api, threads] = VARIANTS[variant]!;
  const pool = valuePool();
  const dir = mkdtempSync(join(tmpdir(), 'hadoop-io-pwrite-'));
  try {
    const w = await SequenceFileWriter.create<string, string>(join(dir, 'out.seq'), { keyClass: TEXT, valueClass: TEXT, compression, codec, threads });
    let bytes = 0;
    const t0 = performance.now();
    for (let i = 0; i < records; i++) {
      const key = 'key-' + String(i).padStart(10, '0');
      const value = pool[i & 65535]!;
      bytes += key.length + value.length + 2;
      if (api === 'append') await w.append(key, value);
      else if (!w.write(key, value)) await w.drained();
    }
    await w.close();
    return bytes / 1e6 / ((performance.now() - t0) / 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: { records: { type: 'string', default: '300000' }, rounds: { type: 'string', default: '3' }, modes: { type: 'string' }, child: { type: 'string' }, variant: { type: 'string' } },
  });
  const records = Number(args.records);
  if (args.child) {
    process.stdout.write(`${await child(args.child, args.variant!, records)}\n`);
    return;
  }
  const modes = args.modes ? args.modes.split(',') : Object.keys(MODES);
  const variants = Object.keys(VARIANTS);
  const self = fileURLToPath(import.meta.url);
  const got = new Map<string, number[]>();
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const mode of modes) {
      // alternate the order each round, so load drifting during a run does not favour one variant
      for (const variant of round % 2 ? [...variants].reverse() : variants) {
        const out = execFileSync(process.execPath, [self, '--child', mode, '--variant', variant, '--records', String(records)], { encoding: 'utf8' });
        const key = `${mode} ${variant}`;
        got.set(key, [...(got.get(key) ?? []), Number(out.trim())]);
      }
    }
  }
  console.log(`write MB/s, median of ${args.rounds} rounds, ${records} Text/Text records (ratio to append/t0 in brackets)`);
  console.log(['mode'.padEnd(16), ...variants.map((v) => v.padStart(16))].join(''));
  for (const mode of modes) {
    const base = median(got.get(`${mode} append/t0`)!);
    const cells = variants.map((v) => {
      const m = median(got.get(`${mode} ${v}`)!);
      return `${m.toFixed(1)} (${(m / base).toFixed(2)}x)`.padStart(16);
    });
    console.log([mode.padEnd(16), ...cells].join(''));
  }
}

await main();
