import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CorruptFileError,
  MemorySink,
  SequenceFileReader,
  SequenceFileWriter,
  UsageError,
  createRegistry,
  defaultRegistry,
  type ByteReader,
  type ByteWriter,
} from '../../src/index.js';
import { MapFileReader, MapFileWriter } from '../../src/map/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'hadoop-io-names-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('short class names in the library', () => {
  it('Text and LongWritable name org.apache.hadoop.io classes; the header holds the full names', async () => {
    const sink = new MemorySink();
    const w = await SequenceFileWriter.create(sink, { keyClass: 'Text', valueClass: 'LongWritable' });
    await w.append('a', 1n);
    await w.append('b', 2n);
    await w.close();
    const r = await SequenceFileReader.open(sink.bytes());
    expect(r.header.keyClassName).toBe('org.apache.hadoop.io.Text');
    expect(r.header.valueClassName).toBe('org.apache.hadoop.io.LongWritable');
    const got: unknown[] = [];
    for await (const kv of r) got.push(kv);
    expect(got).toEqual([
      { key: 'a', value: 1n },
      { key: 'b', value: 2n },
    ]);
  });

  it('to a path, in BLOCK compression, and for MapFiles', async () => {
    const path = join(tmp, 'short.seq');
    const w = await SequenceFileWriter.create(path, { keyClass: 'IntWritable', valueClass: 'BytesWritable', compression: 'BLOCK' });
    await w.append(7, new Uint8Array([1, 2]));
    await w.close();
    const r = await SequenceFileReader.open(path);
    expect([r.header.keyClassName, r.header.valueClassName]).toEqual(['org.apache.hadoop.io.IntWritable', 'org.apache.hadoop.io.BytesWritable']);
    await r.close();
    const dir = join(tmp, 'short-map');
    const m = await MapFileWriter.create(dir, { keyClass: 'Text', valueClass: 'IntWritable' });
    await m.append('k', 3);
    await m.close();
    await using mr = await MapFileReader.open(dir);
    expect(mr.keyType.className).toBe('org.apache.hadoop.io.Text');
    expect(await mr.get('k')).toBe(3);
  });

  it('the registry resolves a name without a package only to a registered org.apache.hadoop.io class', async () => {
    expect(defaultRegistry.get('Text')).toBe(defaultRegistry.get('org.apache.hadoop.io.Text'));
    expect(defaultRegistry.has('LongWritable')).toBe(true);
    expect(defaultRegistry.get('NoSuchWritable')).toBeUndefined();
    expect(defaultRegistry.get('example.Text')).toBeUndefined();
    await expect(SequenceFileWriter.create(new MemorySink(), { keyClass: 'NoSuchWritable', valueClass: 'Text' })).rejects.toThrow(UsageError);
    // a user class registered without a package is found by its own name first
    const reg = createRegistry();
    const mine = reg.registerClass<number>({ className: 'Text', read: (r) => r.readUint8(), write: (w, v) => w.writeUint8(v) });
    expect(reg.get('Text')).toBe(mine);
  });
});

describe('a custom class whose read consumes too many bytes', () => {
  interface Point {
    x: number;
    y: number;
  }
  /** Writes x and y (8 bytes); the buggy reader also reads a z that is not there. */
  function registries() {
    const writing = createRegistry();
    writing.registerClass<Point>({
      className: 'com.example.Point',
      read: (r: ByteReader) => ({ x: r.readInt32(), y: r.readInt32() }),
      write: (w: ByteWriter, p) => {
        w.writeInt32(p.x);
        w.writeInt32(p.y);
      },
    });
    const reading = createRegistry();
    reading.registerClass<Point & { z: number }>({
      className: 'com.example.Point',
      read: (r: ByteReader) => ({ x: r.readInt32(), y: r.readInt32(), z: r.readInt32() }),
      write: () => {},
    });
    const short = createRegistry();
    short.registerClass<{ x: number }>({ className: 'com.example.Point', read: (r: ByteReader) => ({ x: r.readInt32() }), write: () => {} });
    return { writing, reading, short };
  }

  for (const compression of ['NONE', 'RECORD', 'BLOCK'] as const) {
    it(`${compression}: says the read ran past the record's bytes, not "unexpected end of data"`, async () => {
      const { writing, reading, short } = registries();
      const sink = new MemorySink();
      const w = await SequenceFileWriter.create(sink, { keyClass: 'Text', valueClass: 'com.example.Point', compression, registry: writing });
      await w.append('p', { x: 1, y: 2 });
      await w.close();
      const r = await SequenceFileReader.open(sink.bytes(), { registry: reading, name: 'points.seq' });
      const e = await r.next().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CorruptFileError);
      expect((e as Error).message).toMatch(
        /^points\.seq: value of class com\.example\.Point read past its 8 bytes \(its read consumed more than the record holds\) \(at byte \d+\)$/,
      );
      await r.close();
      // too few bytes is still reported as such
      const r2 = await SequenceFileReader.open(sink.bytes(), { registry: short, name: 'points.seq' });
      await expect(r2.next()).rejects.toThrow(/value of class com\.example\.Point read 4 bytes, should read 8/);
      await r2.close();
    });
  }

  it('a key that over-reads says key', async () => {
    const { writing, reading } = registries();
    const sink = new MemorySink();
    const w = await SequenceFileWriter.create(sink, { keyClass: 'com.example.Point', valueClass: 'Text', registry: writing });
    await w.append({ x: 1, y: 2 }, 'v');
    await w.close();
    await using r = await SequenceFileReader.open(sink.bytes(), { registry: reading });
    await expect(r.next()).rejects.toThrow(/key of class com\.example\.Point read past its 8 bytes/);
  });
});
