import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptFileError, MemorySink, SequenceFileReader, SequenceFileWriter, type SkippedRegion } from '../../src/index.js';
import { HADOOP_DIR } from '../../interop/fixtures.js';

async function readRecovering(bytes: Uint8Array): Promise<{ keys: unknown[]; skipped: SkippedRegion[] }> {
  const r = await SequenceFileReader.open(bytes, { recover: true });
  const keys: unknown[] = [];
  for await (const kv of r) keys.push(kv.key);
  return { keys, skipped: r.skipped };
}

async function keysOf(bytes: Uint8Array): Promise<unknown[]> {
  const r = await SequenceFileReader.open(bytes);
  const keys: unknown[] = [];
  for await (const kv of r) keys.push(kv.key);
  return keys;
}

describe('recovery mode', () => {
  for (const name of ['none-sync500.seq', 'record-default-sync1000.seq', 'block-default-bs1024.seq']) {
    it(`${name}: skips a damaged region to the next sync marker and reads the rest`, async () => {
      const original = new Uint8Array(readFileSync(join(HADOOP_DIR, 'seq/many', name)));
      const all = await keysOf(original);
      const damaged = original.slice();
      for (let i = 0; i < 40; i++) damaged[5000 + i] ^= 0x5a;
      await expect(keysOf(damaged)).rejects.toBeInstanceOf(CorruptFileError);
      const { keys, skipped } = await readRecovering(damaged);
      expect(skipped.length).toBeGreaterThanOrEqual(1);
      expect(skipped[0]!.offset).toBeLessThanOrEqual(5040);
      expect(skipped[0]!.resumeOffset).toBeGreaterThan(5000);
      // what survives is the original records in order, minus a run around the damage
      expect(keys.length).toBeGreaterThan(all.length * 0.9);
      expect(keys.length).toBeLessThan(all.length);
      let j = 0;
      for (const k of keys) {
        while (j < all.length && all[j] !== k) j++;
        expect(j, `key ${String(k)} in order`).toBeLessThan(all.length);
      }
    });

    it(`${name}: a truncated tail ends the read cleanly with a report`, async () => {
      const original = new Uint8Array(readFileSync(join(HADOOP_DIR, 'seq/many', name)));
      const all = await keysOf(original);
      // cut 5 bytes into the last record (or block)
      const r = await SequenceFileReader.open(original);
      let last = 0;
      for await (const raw of r.raw()) last = raw.position;
      const cut = last + 5;
      const { keys, skipped } = await readRecovering(original.subarray(0, cut));
      expect(keys.length).toBeGreaterThan(0);
      expect(keys).toEqual(all.slice(0, keys.length));
      expect(skipped.at(-1)!.reason).toMatch(/file ends inside a (record|block)/);
      expect(skipped.at(-1)!.resumeOffset).toBe(cut);
    });
  }
});

describe('recovery past a forged length', () => {
  it('a block length running past the end skips to the next block, not to the end of the file', async () => {
    const sink = new MemorySink();
    const w = await SequenceFileWriter.create(sink, { keyClass: 'org.apache.hadoop.io.Text', valueClass: 'org.apache.hadoop.io.Text', compression: 'BLOCK', blockSize: 100 });
    for (let i = 0; i < 40; i++) await w.append(`key${String(i).padStart(3, '0')}`, `value ${i}`);
    await w.close();
    const bytes = sink.bytes().slice();
    const blocks: { offset: number; records: number }[] = [];
    const probe = await SequenceFileReader.open(bytes);
    probe.observer = { onBlock: (b) => blocks.push(b) };
    for await (const _ of probe.raw());
    expect(blocks.length).toBeGreaterThan(4);
    // the key-lengths buffer length of block 2 (after escape, marker and a 1-byte record count) becomes a 4-byte VInt
    // claiming 1 MiB: under the limits, but past the end of this 2 KB file
    bytes.set([0x8c, 0x00, 0x10, 0x00, 0x00], blocks[2]!.offset + 20 + 1);
    const skips: { offset: number; resumeOffset: number }[] = [];
    const r = await SequenceFileReader.open(bytes, { recover: true, onSkip: (s) => skips.push(s) });
    let n = 0;
    for await (const _ of r.raw()) n++;
    const lost = blocks[2]!.records;
    expect(n).toBe(40 - lost);
    expect(skips).toHaveLength(1);
    expect(skips[0]!.offset).toBe(blocks[2]!.offset);
    expect(skips[0]!.resumeOffset).toBe(blocks[3]!.offset);
  });
});
