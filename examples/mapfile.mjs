// Build a MapFile and a BloomMapFile, then look keys up: exact, closest after, closest before.
import { BloomMapFileReader, BloomMapFileWriter, MapFileReader, MapFileWriter } from 'hadoop-io';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'mapfile-'));
const w = await MapFileWriter.create(join(dir, 'users'), {
  keyClass: 'org.apache.hadoop.io.Text',
  valueClass: 'org.apache.hadoop.io.LongWritable',
  compression: 'BLOCK',
  indexInterval: 128, // Hadoop's io.map.index.interval
});
for (const [name, id] of [['ada', 1n], ['grace', 2n], ['linus', 3n]]) await w.append(name, id); // keys in order
await w.close();

const r = await MapFileReader.open(join(dir, 'users'));
console.log(await r.get('grace')); // 2n
console.log(await r.get('bob')); // undefined
console.log(await r.getClosest('bob')); // { key: 'grace', value: 2n }
console.log(await r.getClosest('bob', { before: true })); // { key: 'ada', value: 1n }
console.log(r.midKey(), await r.finalKey()); // index middle, last key
await r.close();

const bw = await BloomMapFileWriter.create(join(dir, 'seen'), { keyClass: 'org.apache.hadoop.io.Text', valueClass: 'org.apache.hadoop.io.NullWritable' });
await bw.append('x', null);
await bw.close();
const br = await BloomMapFileReader.open(join(dir, 'seen'));
console.log(br.probablyHasKey('x'), br.probablyHasKey('y')); // true false: 'y' never touches the data file
await br.close();
