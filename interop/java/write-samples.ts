// Writes one file per compression mode and codec with hadoop-io, for Hadoop to read (interop/java/run.sh).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SequenceFileWriter, type CompressionType } from '../../src/index.js';
import { BloomMapFileWriter, MapFileWriter } from '../../src/map/index.js';

const outDir = process.argv[2] ?? 'samples';
mkdirSync(outDir, { recursive: true });
const modes: [CompressionType, string | undefined][] = [['NONE', undefined]];
for (const codec of ['default', 'deflate', 'gzip', 'bzip2', 'snappy', 'lz4', 'zstd']) {
  modes.push(['RECORD', codec], ['BLOCK', codec]);
}
for (const [compression, codec] of modes) {
  const name = `${compression.toLowerCase()}${codec ? '-' + codec : ''}.seq`;
  const w = await SequenceFileWriter.create(join(outDir, name), {
    keyClass: 'org.apache.hadoop.io.Text',
    valueClass: 'org.apache.hadoop.io.LongWritable',
    compression,
    codec,
    blockSize: 4096,
    syncInterval: 2000,
    metadata: { 'written-by': 'hadoop-io', mode: name },
  });
  for (let i = 0; i < 2000; i++) await w.append(`key-${String(i).padStart(6, '0')}-${'é漢😀'.repeat(i % 7)}`, BigInt(i) * 1000003n - 7n);
  await w.close();
}
// MapFile directories (`*.map`) in each compression, and a BloomMapFile with several bloom rows.
const maps: [string, CompressionType][] = [['none', 'NONE'], ['record', 'RECORD'], ['block', 'BLOCK']];
for (const [name, compression] of maps) {
  const w = await MapFileWriter.create(join(outDir, `mapfile-${name}.map`), {
    keyClass: 'org.apache.hadoop.io.Text',
    valueClass: 'org.apache.hadoop.io.IntWritable',
    compression,
    blockSize: 2048,
    indexInterval: 16,
  });
  for (let i = 0; i < 1500; i++) await w.append(`k${String(i * 3).padStart(6, '0')}`, i);
  await w.close();
}
const b = await BloomMapFileWriter.create(join(outDir, 'bloommap.map'), {
  keyClass: 'org.apache.hadoop.io.IntWritable',
  valueClass: 'org.apache.hadoop.io.Text',
  bloomSize: 200,
  hashType: 'jenkins',
});
for (let i = -500; i < 500; i++) await b.append(i * 7, `value ${i}`);
await b.close();
console.log(`wrote ${modes.length} SequenceFiles and ${maps.length + 1} map directories to ${outDir}`);
