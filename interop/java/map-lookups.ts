// Prints, for a MapFile or BloomMapFile directory, the lines LookupMapFile.java prints with Hadoop's
// reader: a `get` per data key (and `probablyHasKey` for BloomMapFiles), `midKey`, `finalKey`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SequenceFileReader } from '../../src/index.js';
import { BloomMapFileReader, MapFileReader } from '../../src/map/index.js';

const dir = process.argv[2]!;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bloom = existsSync(join(dir, 'bloom'));
const map = bloom ? await BloomMapFileReader.open(dir) : await MapFileReader.open(dir);
const data = await SequenceFileReader.open(join(dir, 'data'));
const lines: string[] = [];
let i = 0;
for await (const raw of data.raw()) {
  const key = raw.key.slice();
  const v = await map.getRaw(key);
  lines.push(JSON.stringify({ type: 'get', i: i++, keyHex: hex(key), found: v !== undefined, ...(v ? { valueHex: hex(v) } : {}) }));
  if (bloom) lines.push(JSON.stringify({ type: 'probablyHasKey', keyHex: hex(key), result: (map as BloomMapFileReader).probablyHasKeyRaw(key) }));
}
const mid = map.midKeyRaw();
lines.push(JSON.stringify({ type: 'midKey', keyHex: mid ? hex(mid) : null }));
const last = await map.finalKeyRaw();
if (last) lines.push(JSON.stringify({ type: 'finalKey', keyHex: hex(last) }));
await data.close();
await map.close();
process.stdout.write(lines.join('\n') + '\n');
