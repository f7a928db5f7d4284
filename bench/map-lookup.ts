// `npm run bench:map`: random-key lookups on a 1,000,000-key MapFile (Text keys `key-%010d`, ~85-byte
// Text values, Hadoop's defaults: RECORD/DefaultCodec data, index interval 128), for each data
// compression. "cold" opens a new reader (index load included) and looks up keys it has never seen;
// "warm" repeats lookups on the open reader. Also BloomMapFile misses, which never touch the data.
//   npm run bench:map -- --keys 200000 --gets 20000
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CompressionType } from '../src/index.js';
import { BloomMapFileReader, BloomMapFileWriter, MapFileReader } from '../src/map/index.js';

const { values } = parseArgs({ options: { keys: { type: 'string', default: '1000000' }, gets: { type: 'string', default: '20000' } } });
const keys = Number(values.keys);
const gets = Number(values.gets);
const TEXT = 'org.apache.hadoop.io.Text';
const key = (i: number): string => 'key-' + String(i).padStart(10, '0');
const value = (i: number): string => `value ${i} `.padEnd(85, 'abcdefgh');

let seed = 7;
const rand = (n: number): number => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % n;
};

async function timeGets(reader: MapFileReader<string, string>, count: number, hit: boolean): Promise<number> {
  const t = performance.now();
  for (let j = 0; j < count; j++) {
    const i = rand(keys);
    const v = await reader.get(hit ? key(i) : key(i) + '-absent');
    if (hit ? v !== value(i) : v !== undefined) throw new Error(`wrong answer for ${key(i)}`);
  }
  return Math.round(count / ((performance.now() - t) / 1000));
}

const dir = mkdtempSync(join(tmpdir(), 'hadoop-io-mapbench-'));
try {
  console.log(`hadoop-io MapFile lookups: ${keys.toLocaleString('en-US')} keys, ${gets.toLocaleString('en-US')} random gets, node ${process.version}`);
  console.log('data compression      write s   cold gets/s   warm gets/s   misses gets/s (bloom)');
  for (const compression of ['NONE', 'RECORD', 'BLOCK'] as CompressionType[]) {
    const path = join(dir, compression);
    const t0 = performance.now();
    const w = await BloomMapFileWriter.create<string, string>(path, { keyClass: TEXT, valueClass: TEXT, compression });
    for (let i = 0; i < keys; i++) await w.append(key(i), value(i));
    await w.close();
    const writeSec = ((performance.now() - t0) / 1000).toFixed(1);
    const cold = await MapFileReader.open<string, string>(path);
    const coldRate = await timeGets(cold, Math.min(gets, 2000), true);
    await cold.close();
    const warm = await MapFileReader.open<string, string>(path);
    await timeGets(warm, 1000, true);
    const warmRate = await timeGets(warm, gets, true);
    await warm.close();
    const bloom = await BloomMapFileReader.open<string, string>(path);
    const missRate = await timeGets(bloom, gets, false);
    await bloom.close();
    console.log(`${compression.padEnd(20)}${writeSec.padStart(9)}${String(coldRate).padStart(14)}${String(warmRate).padStart(14)}${String(missRate).padStart(16)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
