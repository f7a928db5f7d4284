import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SequenceFileReader, UsageError } from '../../src/index.js';
import { HADOOP_DIR, seqEntries } from '../../interop/fixtures.js';

/** Every record's serialized key and value, as forEachRaw gives them. */
async function rawRecords(bytes: Uint8Array): Promise<[Buffer, Buffer][]> {
  const r = await SequenceFileReader.open(bytes);
  const out: [Buffer, Buffer][] = [];
  await r.forEachRaw((raw) => void out.push([Buffer.from(raw.key), Buffer.from(raw.value)]));
  await r.close();
  return out;
}

describe('reader.columns(): keys and values as offsets into one buffer', () => {
  const files = seqEntries.map((e) => e);
  it('the corpus covers NONE, RECORD and BLOCK', () => {
    expect(new Set(files.map((e) => e.compression))).toEqual(new Set(['NONE', 'RECORD', 'BLOCK']));
  });

  for (const entry of files) {
    it(`${entry.path}: every record matches forEachRaw`, async () => {
      const bytes = new Uint8Array(readFileSync(join(HADOOP_DIR, entry.path)));
      const want = await rawRecords(bytes);
      for (const max of [7, 4096]) {
        const r = await SequenceFileReader.open(bytes);
        const got: [Buffer, Buffer][] = [];
        for await (const c of r.columns(max)) {
          expect(c.count).toBeGreaterThan(0);
          expect(c.count).toBeLessThanOrEqual(max);
          expect(c.keyOffsets.length).toBe(c.count + 1);
          expect(c.valueOffsets.length).toBe(c.count + 1);
          expect(c.keyOffsets[0]).toBe(0);
          expect(c.valueOffsets[0]).toBe(0);
          expect(c.keyOffsets[c.count]).toBe(c.keys.length);
          expect(c.valueOffsets[c.count]).toBe(c.values.length);
          for (let i = 0; i < c.count; i++) {
            got.push([Buffer.from(c.keys.subarray(c.keyOffsets[i], c.keyOffsets[i + 1])), Buffer.from(c.values.subarray(c.valueOffsets[i], c.valueOffsets[i + 1]))]);
          }
        }
        expect(r.isClosed).toBe(true);
        expect(got.length).toBe(want.length);
        for (let i = 0; i < want.length; i++) {
          if (!got[i]![0].equals(want[i]![0]) || !got[i]![1].equals(want[i]![1])) throw new Error(`record ${i} differs (max ${max})`);
        }
      }
    });
  }

  it('batches stay valid after the next one, and a bad size is a UsageError', async () => {
    const entry = seqEntries.find((e) => e.compression === 'BLOCK' && e.records > 100)!;
    const bytes = new Uint8Array(readFileSync(join(HADOOP_DIR, entry.path)));
    const want = await rawRecords(bytes);
    const r = await SequenceFileReader.open(bytes);
    const kept = [];
    for await (const c of r.columns(10)) kept.push(c);
    let i = 0;
    for (const c of kept) for (let j = 0; j < c.count; j++, i++) expect(Buffer.from(c.keys.subarray(c.keyOffsets[j], c.keyOffsets[j + 1])).equals(want[i]![0])).toBe(true);
    const r2 = await SequenceFileReader.open(bytes);
    expect(() => r2.columns(0)).toThrow(UsageError);
    await r2.close();
  });
});
