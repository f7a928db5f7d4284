import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CorruptFileError, SequenceFileReader, SequenceFileWriter, UsageError, createCodecRegistry } from '../../src/index.js';
import {
  ArrayFileReader,
  ArrayFileWriter,
  BloomMapFileReader,
  BloomMapFileWriter,
  MapFileReader,
  MapFileWriter,
  SetFileReader,
  SetFileWriter,
  fixMapFileIndex,
  mergeMapFiles,
} from '../../src/map/index.js';

const FIXTURES = join(__dirname, '..', '..', 'interop', 'fixtures', 'hadoop', 'map');
const TEXT = 'org.apache.hadoop.io.Text';
const INT = 'org.apache.hadoop.io.IntWritable';
const work = mkdtempSync(join(tmpdir(), 'hadoop-io-mapfile-'));
let n = 0;
const fresh = (): string => join(work, `m${n++}`);
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function indexRecords(dir: string): Promise<string[]> {
  const r = await SequenceFileReader.open(join(dir, 'index'));
  const out: string[] = [];
  for await (const raw of r.raw()) out.push(Buffer.from(raw.key).toString('hex') + '@' + Buffer.from(raw.value).toString('hex'));
  await r.close();
  return out;
}

describe('MapFileWriter', () => {
  it('rejects a key that sorts before the previous one, naming both', async () => {
    const w = await MapFileWriter.create(fresh(), { keyClass: TEXT, valueClass: INT });
    await w.append('b', 1);
    await w.append('b', 2); // equal keys are allowed, as in Hadoop
    await expect(w.append('a', 3)).rejects.toThrow(UsageError);
    await expect(w.append('a', 3)).rejects.toThrow(/key out of order: "a" after "b"/);
    await w.close();
  });

  it('returns the first of equal keys, and getClosest in both directions', async () => {
    const dir = fresh();
    const w = await MapFileWriter.create(dir, { keyClass: INT, valueClass: TEXT, indexInterval: 2, compression: 'BLOCK', blockSize: 30 });
    for (const [k, v] of [[1, 'a'], [3, 'b'], [3, 'c'], [3, 'd'], [7, 'e'], [9, 'f']] as const) await w.append(k, v);
    await w.close();
    const r = await MapFileReader.open<number, string>(dir);
    expect(await r.get(3)).toBe('b');
    expect(await r.get(4)).toBeUndefined();
    expect(await r.getClosest(4)).toEqual({ key: 7, value: 'e' });
    expect(await r.getClosest(4, { before: true })).toEqual({ key: 3, value: 'd' });
    expect(await r.getClosest(0, { before: true })).toBeUndefined();
    expect(await r.getClosest(10)).toBeUndefined();
    expect(await r.getClosest(10, { before: true })).toEqual({ key: 9, value: 'f' });
    expect(await r.seek(3)).toBe(true);
    expect(await r.next()).toEqual({ key: 3, value: 'b' });
    expect(await r.next()).toEqual({ key: 3, value: 'c' });
    expect(await r.finalKey()).toBe(9);
    await r.reset();
    const all = [];
    for await (const e of r) all.push(e.key);
    expect(all).toEqual([1, 3, 3, 3, 7, 9]);
    await r.close();
  });

  it('agrees with a sorted-array model for random key sets, every compression and index interval', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { maxLength: 120 }),
        fc.constantFrom('NONE', 'RECORD', 'BLOCK' as const),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.integer({ min: -1100, max: 1100 }), { minLength: 1, maxLength: 30 }),
        fc.constantFrom(64, 1_000_000), // BLOCK: a few records per block, or all in one (binary search inside it)
        async (keys, compression, indexInterval, indexSkip, probes, blockSize) => {
          const sorted = [...keys].sort((a, b) => a - b);
          const dir = fresh();
          const w = await MapFileWriter.create(dir, { keyClass: INT, valueClass: INT, compression: compression as 'NONE', indexInterval, blockSize });
          for (const k of sorted) await w.append(k, k * 2);
          await w.close();
          const r = await MapFileReader.open<number, number>(dir, { indexSkip });
          try {
            for (const p of [...probes, ...sorted.slice(0, 5)]) {
              expect(await r.get(p)).toBe(sorted.includes(p) ? p * 2 : undefined);
              const after = sorted.find((k) => k >= p);
              expect((await r.getClosest(p))?.key).toBe(after);
              const before = [...sorted].reverse().find((k) => k <= p);
              expect((await r.getClosest(p, { before: true }))?.key).toBe(before);
            }
            expect(await r.finalKey()).toBe(sorted.at(-1));
          } finally {
            await r.close();
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('damaged MapFiles', () => {
  const copy = (name: string): string => {
    const dir = fresh();
    cpSync(join(FIXTURES, name), dir, { recursive: true });
    return dir;
  };

  it('a missing index says how to rebuild it', async () => {
    const dir = copy('mapfile-text-interval4');
    unlinkSync(join(dir, 'index'));
    await expect(MapFileReader.open(dir)).rejects.toThrow(/no index file; rebuild it with `seqcat fix /);
  });

  it('a truncated index is reported with its offset', async () => {
    const dir = copy('mapfile-text-interval4');
    truncateSync(join(dir, 'index'), 300);
    const err = await MapFileReader.open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptFileError);
    expect((err as CorruptFileError).file).toBe(join(dir, 'index'));
    expect((err as CorruptFileError).offset).toBeTypeOf('number');
  });

  it('index positions past the data and keys out of order are caught', async () => {
    const dir = copy('mapfile-text-interval4');
    const w = await SequenceFileWriter.create(join(dir, 'index'), { keyClass: TEXT, valueClass: 'org.apache.hadoop.io.LongWritable', compression: 'BLOCK' });
    await w.append('key0000', 99999n);
    await w.close();
    await expect(MapFileReader.open(dir)).rejects.toThrow(/index position 99999 is outside the data file/);
    const w2 = await SequenceFileWriter.create(join(dir, 'index'), { keyClass: TEXT, valueClass: 'org.apache.hadoop.io.LongWritable', compression: 'BLOCK' });
    await w2.append('key0100', 100n);
    await w2.append('key0000', 200n);
    await w2.close();
    await expect(MapFileReader.open(dir)).rejects.toThrow(/index keys are out of order/);
  });

  it('a corrupt bloom file disables the filter with a warning and lookups stay right', async () => {
    const dir = copy('bloommap-text-small');
    const bloom = readFileSync(join(dir, 'bloom'));
    writeFileSync(join(dir, 'bloom'), bloom.subarray(0, 100));
    const warnings: string[] = [];
    const r = await BloomMapFileReader.open<string, number>(dir, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/bloom filter disabled.*bloom/);
    expect(r.bloom).toBeNull();
    expect(await r.get('bk00000')).toBe(0);
    expect(r.probablyHasKey('nope')).toBe(true);
    await r.close();
  });
});

describe('fixMapFileIndex', () => {
  for (const name of ['mapfile-text-interval4', 'mapfile-int-block-default', 'mapfile-long-record-snappy', 'mapfile-text-interval128', 'mapfile-empty']) {
    it(`rebuilds the lost index of ${name} byte-identical to Hadoop's`, async () => {
      const dir = fresh();
      cpSync(join(FIXTURES, name), dir, { recursive: true });
      const original = readFileSync(join(dir, 'index'));
      const r = await SequenceFileReader.open(join(dir, 'index'));
      const sync = r.header.sync!;
      await r.close();
      const interval = { 'mapfile-text-interval4': 4, 'mapfile-int-block-default': 4, 'mapfile-long-record-snappy': 16 }[name] ?? 128;
      expect(await fixMapFileIndex(dir)).toEqual({ rebuilt: false, records: 0, indexEntries: 0 });
      unlinkSync(join(dir, 'index'));
      const result = await fixMapFileIndex(dir, { indexInterval: interval, indexSyncMarker: sync, codecs: createCodecRegistry({ exactZlib: true }) });
      expect(result.rebuilt).toBe(true);
      expect(readFileSync(join(dir, 'index')).equals(original)).toBe(true);
    });
  }
});

describe('SetFile, ArrayFile, BloomMapFile and merge', () => {
  it('SetFile: append keys, has, seek and walk', async () => {
    const dir = fresh();
    const w = await SetFileWriter.create<string>(dir, { keyClass: TEXT, indexInterval: 3 });
    for (const k of ['apple', 'banana', 'cherry', 'date', 'elder']) await w.append(k);
    await w.close();
    const r = await SetFileReader.open<string>(dir);
    expect(await r.has('cherry')).toBe(true);
    expect(await r.has('coconut')).toBe(false);
    expect(await r.seek('coconut')).toBe(false);
    expect(await r.nextKey()).toBe('date');
    await r.close();
  });

  it('ArrayFile: append values, get(n), seek(n) and key()', async () => {
    const dir = fresh();
    const w = await ArrayFileWriter.create<string>(dir, { valueClass: TEXT, indexInterval: 4 });
    for (let i = 0; i < 50; i++) await w.append(`v${i}`);
    await w.close();
    const r = await ArrayFileReader.open<string>(dir);
    expect(await r.get(37)).toBe('v37');
    expect(await r.get(50)).toBeUndefined();
    expect(await r.seek(10)).toBe(true);
    expect(await r.next()).toBe('v10');
    expect(r.key()).toBe(10n);
    await r.close();
  });

  it('BloomMapFile: absent keys are ruled out by the filter, present ones found', async () => {
    const dir = fresh();
    const w = await BloomMapFileWriter.create(dir, { keyClass: TEXT, valueClass: INT, bloomSize: 50, bloomErrorRate: 0.01 });
    for (let i = 0; i < 200; i++) await w.append(`k${String(i).padStart(4, '0')}`, i);
    await w.close();
    const r = await BloomMapFileReader.open<string, number>(dir);
    expect(r.bloom!.rows).toBe(4);
    for (let i = 0; i < 200; i += 7) expect(await r.get(`k${String(i).padStart(4, '0')}`)).toBe(i);
    let ruledOut = 0;
    for (let i = 0; i < 200; i++) if (!r.probablyHasKey(`absent-${i}`)) ruledOut++;
    expect(ruledOut).toBeGreaterThan(150);
    await r.close();
  });

  it('mergeMapFiles interleaves sorted inputs and keeps equal keys in input order', async () => {
    const a = fresh();
    const b = fresh();
    for (const [dir, keys, tag] of [[a, [1, 4, 6], 'a'], [b, [2, 4, 9], 'b']] as const) {
      const w = await MapFileWriter.create(dir, { keyClass: INT, valueClass: TEXT, compression: 'NONE' });
      for (const k of keys) await w.append(k, `${tag}${k}`);
      await w.close();
    }
    const out = fresh();
    expect(await mergeMapFiles([a, b], out)).toBe(6);
    const r = await MapFileReader.open<number, string>(out);
    const got = [];
    for await (const e of r) got.push(e.value);
    expect(got).toEqual(['a1', 'b2', 'a4', 'b4', 'a6', 'b9']);
    expect(await indexRecords(out)).toHaveLength(1);
    await r.close();
  });
});
