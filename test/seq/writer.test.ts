import { mkdtempSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemorySink, SequenceFileReader, SequenceFileWriter, UsageError } from '../../src/index.js';

const TEXT = 'org.apache.hadoop.io.Text';
const INT = 'org.apache.hadoop.io.IntWritable';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hadoop-io-writer-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SequenceFileWriter', () => {
  it('writes metadata sorted by key bytes, as Hadoop does', async () => {
    const sink = new MemorySink();
    const w = await SequenceFileWriter.create(sink, {
      keyClass: TEXT,
      valueClass: INT,
      compression: 'NONE',
      metadata: { zeta: '1', Alpha: '2', 'é': '3', alpha: '4' },
    });
    await w.close();
    const r = await SequenceFileReader.open(sink.bytes());
    expect(r.header.metadata.map(([k]) => k)).toEqual(['Alpha', 'alpha', 'zeta', 'é']);
  });

  it('puts the first periodic sync marker before the first record at or past 102400', async () => {
    const sink = new MemorySink();
    const w = await SequenceFileWriter.create(sink, { keyClass: TEXT, valueClass: TEXT, compression: 'NONE' });
    for (let i = 0; i < 3000; i++) await w.append(`k${i}`, 'v'.repeat(100));
    await w.close();
    const r = await SequenceFileReader.open(sink.bytes());
    // model: a marker goes before a record whose start is >= 102400 past the end of the last marker (0 at first)
    let lastSyncEnd = 0;
    let markers = 0;
    for await (const raw of r.raw()) {
      const start = raw.syncBefore ? raw.position - 20 : raw.position;
      expect(raw.syncBefore, `record at ${raw.position}`).toBe(start >= lastSyncEnd + 102400);
      if (raw.syncBefore) {
        lastSyncEnd = raw.position;
        markers++;
      }
    }
    expect(markers).toBe(3);
  });

  it('refuses out-of-range options and use after close', async () => {
    await expect(SequenceFileWriter.create(new MemorySink(), { keyClass: TEXT, valueClass: TEXT, syncMarker: new Uint8Array(3) })).rejects.toBeInstanceOf(UsageError);
    await expect(SequenceFileWriter.create(new MemorySink(), { keyClass: 'com.example.Nope', valueClass: TEXT })).rejects.toThrow(/unknown Writable class com.example.Nope/);
    const w = await SequenceFileWriter.create(new MemorySink(), { keyClass: TEXT, valueClass: TEXT });
    await w.close();
    await expect(w.append('a', 'b')).rejects.toThrow(UsageError);
  });

  it('a value the type cannot serialize leaves the file consistent', async () => {
    const sink = new MemorySink();
    const w = await SequenceFileWriter.create<string, number>(sink, { keyClass: TEXT, valueClass: INT, compression: 'NONE' });
    await w.append('a', 1);
    await expect(w.append('b', 'not a number' as unknown as number)).rejects.toThrow(UsageError);
    await w.append('c', 3);
    await w.close();
    const r = await SequenceFileReader.open(sink.bytes());
    const got = [];
    for await (const kv of r) got.push(kv);
    expect(got).toEqual([
      { key: 'a', value: 1 },
      { key: 'c', value: 3 },
    ]);
  });

  it('appends to an existing file, keeping its header and marking the append point', async () => {
    const path = join(dir, 'a.seq');
    const opts = { keyClass: TEXT, valueClass: INT, compression: 'RECORD' as const, metadata: { a: 'b' } };
    const w1 = await SequenceFileWriter.create(path, opts);
    await w1.append('one', 1);
    await w1.close();
    const w2 = await SequenceFileWriter.create(path, { ...opts, metadata: { other: 'ignored' }, append: true });
    await w2.append('two', 2);
    await w2.close();
    const r = await SequenceFileReader.open(path);
    expect(r.header.metadata).toEqual([['a', 'b']]);
    const raws = [];
    for await (const raw of r.raw()) raws.push(raw.syncBefore);
    expect(raws).toEqual([false, true]);
    await expect(SequenceFileWriter.create(path, { ...opts, compression: 'BLOCK', append: true })).rejects.toThrow(/compression BLOCK does not match the file's RECORD/);
  });

  it('atomic writes appear only at close', async () => {
    const path = join(dir, 'b.seq');
    const w = await SequenceFileWriter.create(path, { keyClass: TEXT, valueClass: INT, atomic: true });
    await w.append('x', 1);
    expect(existsSync(path)).toBe(false);
    await w.close();
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(dir)).toEqual(['b.seq']);
    expect(readFileSync(path).subarray(0, 3).toString()).toBe('SEQ');
  });
});
