// Writes one file per compression mode and codec with hadoop-io, for Hadoop to read (interop/java/run.sh).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SequenceFileWriter, type CompressionType } from '../../src/index.js';

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
console.log(`wrote ${modes.length} files to ${outDir}`);
