import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SequenceFileReader } from '../seq/reader.js';
import { dumpSequenceFile, hex, type DumpOptions } from '../seq/dump.js';
import { MapFileReader } from './map-file-reader.js';
import { BLOOM_FILE, LONG_WRITABLE, NULL_WRITABLE, bloomPath, dataPath, indexPath } from './map-files.js';
import { DynamicBloomFilter } from './bloom/dynamic-bloom-filter.js';

export type MapKind = 'MapFile' | 'SetFile' | 'ArrayFile' | 'BloomMapFile';

/**
 * Which of Hadoop's map formats a directory holds. Hadoop does not record it:
 * a `bloom` file means BloomMapFile, NullWritable values a SetFile, and
 * LongWritable keys 0, 1, 2… an ArrayFile.
 */
export async function detectMapKind(dir: string, opts: DumpOptions = {}): Promise<MapKind> {
  if (await stat(bloomPath(dir)).catch(() => undefined)) return 'BloomMapFile';
  const data = await SequenceFileReader.open(dataPath(dir), opts);
  try {
    if (data.valueType.className === NULL_WRITABLE) return 'SetFile';
    if (data.keyType.className !== LONG_WRITABLE) return 'MapFile';
    let n = 0n;
    for (;;) {
      const raw = await data.nextRaw();
      if (raw === null) return n > 0n ? 'ArrayFile' : 'MapFile';
      const k = raw.key;
      if (k.length !== 8 || new DataView(k.buffer, k.byteOffset, 8).getBigInt64(0) !== n) return 'MapFile';
      n++;
    }
  } finally {
    await data.close();
  }
}

/**
 * The interop JSON Lines for a MapFile-family directory: `dir`, the data and
 * index files as `dumpSequenceFile` prints them (with `part`), one
 * `indexEntry` per index record, `midKey`, `finalKey`, and for BloomMapFiles
 * the `bloom` header. The same lines Hadoop's readers produced for the
 * corpus (FORMAT.md), minus the per-probe lookups.
 */
export async function* dumpMapDir(dir: string, opts: DumpOptions = {}): AsyncGenerator<string> {
  const kind = await detectMapKind(dir, opts);
  const names = (await readdir(dir)).filter((n) => !n.startsWith('.') && !n.endsWith('.crc')).sort();
  const files = [];
  for (const name of names) files.push({ name, length: (await stat(join(dir, name))).size });
  yield JSON.stringify({ type: 'dir', kind, files });
  yield* dumpSequenceFile(dataPath(dir), { ...opts, part: 'data' });
  yield* dumpSequenceFile(indexPath(dir), { ...opts, part: 'index' });

  const index = await SequenceFileReader.open(indexPath(dir), opts);
  try {
    for (let i = 0; ; i++) {
      const raw = await index.nextRaw();
      if (raw === null) break;
      const position = Number(new DataView(raw.value.buffer, raw.value.byteOffset, 8).getBigInt64(0));
      yield JSON.stringify({ type: 'indexEntry', i, keyHex: hex(raw.key), key: index.keyType.toString(index.decodeKey(raw)), position });
    }
  } finally {
    await index.close();
  }

  const map = await MapFileReader.open(dir, opts);
  try {
    const mid = map.midKeyRaw();
    yield JSON.stringify({ type: 'midKey', keyHex: mid === undefined ? null : hex(mid) });
    const last = await map.finalKeyRaw();
    if (last !== undefined) yield JSON.stringify({ type: 'finalKey', keyHex: hex(last) });
  } finally {
    await map.close();
  }

  if (names.includes(BLOOM_FILE)) {
    const bytes = new Uint8Array(await readFile(bloomPath(dir)));
    const f = DynamicBloomFilter.fromBytes(bytes, bloomPath(dir));
    yield JSON.stringify({
      type: 'bloom',
      length: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      version: f.version,
      nbHash: f.nbHash,
      hashType: f.hashType,
      vectorSize: f.vectorSize,
      nr: f.nr,
      currentNbRecord: f.currentNbRecord,
      rows: f.rows,
      rowBytes: f.rowBytes,
    });
  }
}
