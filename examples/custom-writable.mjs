// A Writable class of your own: register how it reads, writes and prints, then read and write files
// that hold it like any built-in type. compare() makes it usable as a MapFile key.
import { SequenceFileReader, SequenceFileWriter, createRegistry } from 'hadoop-io';
import { MapFileReader, MapFileWriter } from 'hadoop-io';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const registry = createRegistry();
registry.registerClass({
  className: 'com.example.PointWritable', // as written in the file header
  read: (r) => ({ x: r.readInt32(), y: r.readInt32() }), // PointWritable.readFields
  write: (w, p) => {
    w.writeInt32(p.x);
    w.writeInt32(p.y);
  },
  toString: (p) => `(${p.x}, ${p.y})`, // what Java's toString() prints
  compare: (a, b) => a.x - b.x || a.y - b.y, // compareTo, for MapFile keys
});

const dir = mkdtempSync(join(tmpdir(), 'points-'));
const w = await SequenceFileWriter.create(join(dir, 'points.seq'), {
  keyClass: 'com.example.PointWritable',
  valueClass: 'org.apache.hadoop.io.Text',
  registry,
});
await w.append({ x: 1, y: 2 }, 'first');
await w.append({ x: -3, y: 4 }, 'second');
await w.close();

const r = await SequenceFileReader.open(join(dir, 'points.seq'), { registry });
for await (const { key, value } of r) console.log(r.keyType.toString(key), value);

const m = await MapFileWriter.create(join(dir, 'points.map'), { keyClass: 'com.example.PointWritable', valueClass: 'org.apache.hadoop.io.Text', registry });
for (const [x, y] of [[0, 0], [1, 5], [2, 1]]) await m.append({ x, y }, `p${x}${y}`);
await m.close();
const mr = await MapFileReader.open(join(dir, 'points.map'), { registry });
console.log(await mr.get({ x: 1, y: 5 }), await mr.getClosest({ x: 1, y: 9 }));
await mr.close();
