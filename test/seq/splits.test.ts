import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HADOOP_DIR } from '../../interop/fixtures.js';
import { DEFAULT_HDFS_BLOCK_SIZE, DEFAULT_SYNC_INTERVAL, SequenceFileReader, planSplits, readSplit } from '../../src/index.js';

describe('planSplits', () => {
  it('follows FileInputFormat: split size max(min, min(max, block)), 1.1 slop on the last split', async () => {
    // 1000 / 100: ten full splits (the tenth leaves exactly 100, ratio 1.0 <= 1.1, so it is the rest)
    expect(await planSplits(1000, { splitSize: 100, minSize: 1 })).toHaveLength(10);
    // 1100 over 100: the last split takes 110 bytes (1.1 is not > 1.1)
    const slop = await planSplits(1110, { splitSize: 100, minSize: 1 });
    expect(slop).toHaveLength(11);
    expect(slop.at(-1)).toEqual({ file: '', start: 1000, length: 110 });
    const over = await planSplits(1111, { splitSize: 100, minSize: 1 });
    expect(over).toHaveLength(12);
    expect(over.at(-1)).toEqual({ file: '', start: 1100, length: 11 });
    // the default floor is SequenceFileInputFormat's SYNC_INTERVAL
    expect(DEFAULT_SYNC_INTERVAL).toBe(102_400);
    expect(await planSplits(300_000, { splitSize: 1000 })).toEqual([
      { file: '', start: 0, length: 102_400 },
      { file: '', start: 102_400, length: 102_400 },
      { file: '', start: 204_800, length: 95_200 },
    ]);
    // maxSize caps the block size, minSize wins over both
    expect((await planSplits(1000, { blockSize: 500, maxSize: 200, minSize: 1 }))[0]!.length).toBe(200);
    expect((await planSplits(1000, { blockSize: 500, maxSize: 200, minSize: 300 }))[0]!.length).toBe(300);
    // 128 MiB blocks by default
    expect(await planSplits(DEFAULT_HDFS_BLOCK_SIZE * 2)).toEqual([
      { file: '', start: 0, length: DEFAULT_HDFS_BLOCK_SIZE },
      { file: '', start: DEFAULT_HDFS_BLOCK_SIZE, length: DEFAULT_HDFS_BLOCK_SIZE },
    ]);
  });

  it('gives a zero-length file one zero-length split, as Hadoop does', async () => {
    expect(await planSplits(0)).toEqual([{ file: '', start: 0, length: 0 }]);
  });

  it('plans a file by path and rejects bad sizes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'splits-'));
    try {
      const f = join(dir, 'x.seq');
      await writeFile(f, new Uint8Array(210));
      expect(await planSplits(f, { splitSize: 100, minSize: 1 })).toEqual([
        { file: f, start: 0, length: 100 },
        { file: f, start: 100, length: 110 },
      ]);
      await expect(planSplits(join(dir, 'missing'))).rejects.toThrow(/missing/);
      await expect(planSplits(dir)).rejects.toThrow(/not a regular file/);
      await expect(planSplits(10, { splitSize: 0 })).rejects.toThrow(/>= 1/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

// explicit syncs, BLOCK with many blocks, sync interval 0 and 500, header-only files, RECORD, large
const CORPUS = [
  'sync/explicit-none.seq',
  'sync/explicit-record.seq',
  'sync/explicit-block.seq',
  'many/none-sync0.seq',
  'many/none-sync500.seq',
  'many/record-default-sync1000.seq',
  'many/block-default-bs1024.seq',
  'many/block-snappy-bs1024.seq',
  'many/block-default-defaultblocksize.seq',
  'many/none-default-sync.seq',
  'edge/empty-none-nometa.seq',
  'edge/empty-record-default.seq',
  'edge/empty-block-default.seq',
  'edge/single-block-default.seq',
  'append/append-record-gzip.seq',
];

async function readAll(bytes: Uint8Array): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const kv of await SequenceFileReader.open(bytes)) out.push(kv);
  return out;
}

async function readSplits(bytes: Uint8Array, cuts: number[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    for await (const kv of readSplit(bytes, { start: cuts[i]!, length: cuts[i + 1]! - cuts[i]! })) out.push(kv);
  }
  return out;
}

describe('reading every split', () => {
  for (const name of CORPUS) {
    it(`${name}: any split plan reads every record exactly once, in order`, async () => {
      const bytes = new Uint8Array(readFileSync(join(HADOOP_DIR, 'seq', name)));
      const all = await readAll(bytes);
      const r = await SequenceFileReader.open(bytes);
      const headerLength = r.header.headerLength;
      await r.close();
      const size = bytes.length;
      // at most ~300 splits per plan, so the big files stay quick; small files go down to 1 byte
      const smallest = Math.max(1, Math.ceil(size / 300));
      // the Hadoop plan, with split sizes from tiny to the whole file
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: smallest, max: size + 10 }), async (splitSize) => {
          const plan = await planSplits(size, { splitSize, minSize: 1 });
          const cuts = [0, ...plan.map((s) => s.start + s.length)];
          expect(await readSplits(bytes, cuts)).toEqual(all);
        }),
        { numRuns: 25, examples: [[smallest], [size]] },
      );
      // arbitrary cut points, including ones just past the header and at its end
      const cut = fc.integer({ min: 1, max: size - 1 });
      await fc.assert(
        fc.asyncProperty(fc.uniqueArray(cut, { maxLength: 40 }), async (points) => {
          const cuts = [0, ...[...points].sort((a, b) => a - b), size];
          expect(await readSplits(bytes, cuts)).toEqual(all);
        }),
        {
          numRuns: 25,
          examples: [[[headerLength, headerLength + 1]], [[headerLength - 1, headerLength + 1, headerLength + 2]]].map(([p]) => [p!.filter((c) => c < size)]),
        },
      );
    });
  }

  it('a split past the end or holding no sync point reads nothing', async () => {
    const bytes = new Uint8Array(readFileSync(join(HADOOP_DIR, 'seq/many/none-sync500.seq')));
    expect(await readSplits(bytes, [bytes.length, bytes.length + 100])).toEqual([]);
    const r = await SequenceFileReader.open(bytes);
    const h = r.header.headerLength;
    await r.close();
    // 2 bytes after the header: the first sync marker is further on, so no record starts here
    expect(await readSplits(bytes, [h + 1, h + 3])).toEqual([]);
  });
});
