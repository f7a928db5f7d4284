// Row groups are bounded by records and by payload bytes; the parts of one table share their classes.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { SequenceFileReader, SequenceFileWriter, UsageError, toParquet } from '../../src/index.js';
import { SEQ } from '../cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hadoop-io-rowgroups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('toParquet row groups', () => {
  it('end once their serialized keys and values reach rowGroupBytes', async () => {
    const input = join(dir, 'sizes.seq');
    const w = await SequenceFileWriter.create(input, { keyClass: 'org.apache.hadoop.io.Text', valueClass: 'org.apache.hadoop.io.BytesWritable', compression: 'BLOCK' });
    // values of growing size: a fixed record count per group would not bound their bytes
    for (let i = 0; i < 200; i++) await w.append(`k${i}`, new Uint8Array(10 * i).fill(i));
    await w.close();
    const sizes: number[] = [];
    const r = await SequenceFileReader.open(input);
    await r.forEachRaw((raw) => {
      sizes.push(raw.key.length + raw.value.length);
    });
    await r.close();

    const out = join(dir, 'sizes.parquet');
    const result = await toParquet(input, out, { rowGroupBytes: 20_000 });
    // what the rule gives: a group closes with the record that takes it to the limit
    const expected: number[] = [];
    let n = 0;
    let bytes = 0;
    for (const s of sizes) {
      n++;
      bytes += s;
      if (bytes >= 20_000) {
        expected.push(n);
        n = 0;
        bytes = 0;
      }
    }
    if (n > 0) expected.push(n);
    expect(result.groups).toBe(expected.length);

    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const groups = (await c.runAndReadAll(`SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata('${out}') ORDER BY row_group_id`)).getRowObjects();
    c.closeSync();
    expect(groups.map((g) => Number(g.row_group_num_rows))).toEqual(expected);
  });

  it('refuses parts with different classes, naming the part', async () => {
    const a = join(SEQ, 'types', 'Text-none.seq');
    const b = join(SEQ, 'types', 'IntWritable-none.seq');
    const out = join(dir, 'mixed.parquet');
    const err = await toParquet([a, b], out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(/IntWritable-none\.seq.*IntWritable\/org\.apache\.hadoop\.io\.IntWritable records but .*Text-none\.seq has .*Text.*one schema/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('mixed'))).toEqual([]);
  });
});
