// A shared cache of decompressed blocks: BLOCK MapFile lookups served from it give the answers the
// file gives, readers share it, it stays within its bytes, and a file replaced underneath is read
// afresh (its identity changes), never answered from the old version's blocks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MapFileReader, MapFileWriter, SequenceFileReader, createBlockCache } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'hadoop-io-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const key = (i: number): string => `k${String(i).padStart(6, '0')}`;

async function write(path: string, n: number, value: (i: number) => string, blockSize = 4096): Promise<void> {
  const w = await MapFileWriter.create<string, string>(path, { keyClass: 'Text', valueClass: 'Text', compression: 'BLOCK', blockSize });
  for (let i = 0; i < n; i++) await w.append(key(2 * i), value(i));
  await w.close();
}

describe('block cache', () => {
  it('serves repeated lookups from memory with the same answers, shared by readers', async () => {
    const path = join(dir, 'a');
    await write(path, 5000, (i) => `v${i}`);
    const cache = createBlockCache({ maxBytes: 64 << 20 });
    const a = await MapFileReader.open<string, string>(path, { blockCache: cache });
    const b = await MapFileReader.open<string, string>(path, { blockCache: cache });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 5000; i += 37) {
        const r = round === 0 ? a : b;
        expect(await r.get(key(2 * i))).toBe(`v${i}`);
        expect(await r.get(key(2 * i + 1))).toBeUndefined();
        expect(await r.getClosest(key(2 * i + 1))).toEqual(i + 1 < 5000 ? { key: key(2 * i + 2), value: `v${i + 1}` } : undefined);
        expect(await r.getClosest(key(2 * i + 1), { before: true })).toEqual({ key: key(2 * i), value: `v${i}` });
      }
    }
    const s = cache.stats;
    expect(s.hits).toBeGreaterThan(s.misses * 5);
    expect(s.bytes).toBeLessThanOrEqual(64 << 20);
    // a scan through the cache reads every record once, in order
    const seq = await SequenceFileReader.open<string, string>(join(path, 'data'), { blockCache: cache });
    let n = 0;
    for await (const { key: k, value } of seq) {
      expect([k, value]).toEqual([key(2 * n), `v${n}`]);
      n++;
    }
    expect(n).toBe(5000);
    await a.close();
    await b.close();
  });

  it('stays within maxBytes by evicting the least recently used blocks, answers unchanged', async () => {
    const path = join(dir, 'b');
    await write(path, 5000, (i) => `value ${i} `.repeat(3));
    const cache = createBlockCache({ maxBytes: 20_000 });
    const r = await MapFileReader.open<string, string>(path, { blockCache: cache });
    for (let i = 0; i < 5000; i += 13) expect(await r.get(key(2 * i))).toBe(`value ${i} `.repeat(3));
    expect(cache.stats.evictions).toBeGreaterThan(0);
    expect(cache.stats.bytes).toBeLessThanOrEqual(20_000);
    await r.close();
  });

  it('a file replaced underneath is read afresh, not from the old blocks', async () => {
    const path = join(dir, 'c');
    await write(path, 2000, (i) => `old ${i}`);
    const cache = createBlockCache({ maxBytes: 64 << 20 });
    const before = await MapFileReader.open<string, string>(path, { blockCache: cache });
    for (let i = 0; i < 2000; i += 50) expect(await before.get(key(2 * i))).toBe(`old ${i}`);
    await before.close();
    await write(path, 2000, (i) => `new ${i}`);
    const after = await MapFileReader.open<string, string>(path, { blockCache: cache });
    for (let i = 0; i < 2000; i += 50) expect(await after.get(key(2 * i))).toBe(`new ${i}`);
    await after.close();
  });
});
