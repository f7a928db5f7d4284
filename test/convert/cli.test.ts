// seqcat convert to Parquet / Arrow / JSON Lines / CSV and seqcat create --from-parquet / --from-arrow, as processes.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { SequenceFileWriter } from '../../src/index.js';
import { SEQ, seqcat } from '../cli/helpers.js';
import { CLASSES_JSON } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hadoop-io-convert-cli-'));
const job = join(dir, 'job');
const classes = join(dir, 'classes.json');
let db: DuckDBInstance;
let duck: DuckDBConnection;

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  duck = await db.connect();
  writeFileSync(classes, JSON.stringify(CLASSES_JSON));
  // a job output directory: two parts, an idle reducer's empty part and the markers Hadoop leaves
  mkdirSync(job);
  for (const [p, from] of [
    ['part-r-00000', 0],
    ['part-r-00001', 100],
  ] as const) {
    const w = await SequenceFileWriter.create(join(job, p), { keyClass: 'org.apache.hadoop.io.Text', valueClass: 'org.apache.hadoop.io.LongWritable', compression: 'BLOCK', codec: 'snappy' });
    for (let i = from; i < from + 30; i++) await w.append(`k${i}`, BigInt(i) * 3n);
    await w.close();
  }
  writeFileSync(join(job, 'part-r-00002'), '');
  writeFileSync(join(job, '_SUCCESS'), '');
});
afterAll(() => {
  duck?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await duck.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[];
}

describe('seqcat convert IN OUT.parquet', () => {
  it('turns a job directory into one Parquet file, parts in order', async () => {
    const out = join(dir, 'job.parquet');
    const r = await seqcat(['convert', job, out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = await rows(`SELECT key, value FROM read_parquet('${out}', file_row_number = true) ORDER BY file_row_number`);
    const want = [...Array(30).keys(), ...Array.from({ length: 30 }, (_, i) => 100 + i)].map((i) => ({ key: `k${i}`, value: BigInt(i) * 3n }));
    expect(got).toEqual(want);
    expect(await rows(`SELECT DISTINCT compression FROM parquet_metadata('${out}')`)).toEqual([{ compression: 'SNAPPY' }]);
  });

  it('--per-part writes one file per part; --parquet-codec zstd and --row-group apply', async () => {
    const out = join(dir, 'per-part');
    const r = await seqcat(['convert', '--per-part', '--parquet-codec', 'zstd', '--row-group', '7', job, out]);
    expect(r.stderr).toBe('');
    expect(readdirSync(out).sort()).toEqual(['part-r-00000.parquet', 'part-r-00001.parquet']);
    const meta = await rows(`SELECT DISTINCT row_group_id, compression FROM parquet_metadata('${join(out, 'part-r-00001.parquet')}') ORDER BY row_group_id`);
    expect(meta).toHaveLength(Math.ceil(30 / 7));
    expect(new Set(meta.map((m) => m.compression))).toEqual(new Set(['ZSTD']));
    expect(await rows(`SELECT min(value) AS lo, count(*)::INTEGER AS n FROM read_parquet('${join(out, 'part-r-00001.parquet')}')`)).toEqual([{ lo: 300n, n: 30 }]);
  });

  it('reads with --classes, and the output is the same as the library writes', async () => {
    const f = join(SEQ, 'types', 'MapWritable-none.seq');
    const out = join(dir, 'map.parquet');
    expect((await seqcat(['convert', f, out])).code).not.toBe(0);
    expect(existsSync(out)).toBe(false);
    const r = await seqcat(['convert', '--classes', classes, f, out]);
    expect(r.code).toBe(0);
    const json = (await seqcat(['json', '--classes', classes, f])).stdout.trim().split('\n');
    const got = await rows(`SELECT decode(encode(key)) AS k, decode(encode(value)) AS v FROM read_parquet('${out}', file_row_number = true) ORDER BY file_row_number`);
    expect(got.map((x) => `{"key":${x.k as string},"value":${x.v as string}}`)).toEqual(json);
  });

  it('never destroys an existing output when the conversion fails', async () => {
    const out = join(dir, 'keep.parquet');
    writeFileSync(out, 'precious');
    const r = await seqcat(['convert', join(SEQ, 'types', 'MapWritable-none.seq'), out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/TextArrayWritable.*--classes/);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    expect(readdirSync(dir).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it('points SequenceFile options at their Parquet counterparts', async () => {
    const f = join(SEQ, 'types', 'Text-none.seq');
    const a = await seqcat(['convert', '--compression', 'snappy', f, join(dir, 'x.parquet')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--parquet-codec snappy\|zstd\|none/);
    const b = await seqcat(['convert', '--row-group', '10', f, join(dir, 'x.seq')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--row-group applies to Parquet, Arrow/);
  });
});

describe('seqcat convert to jsonl, csv and arrow', () => {
  it('jsonl is what seqcat json prints; csv quotes what needs quoting', async () => {
    const f = join(SEQ, 'types', 'Text-none.seq');
    const jsonl = join(dir, 'text.jsonl');
    const csv = join(dir, 'text.out');
    expect((await seqcat(['convert', f, jsonl])).code).toBe(0);
    expect(readFileSync(jsonl, 'utf8')).toBe((await seqcat(['json', f])).stdout);
    expect((await seqcat(['convert', '--to', 'csv', f, csv])).code).toBe(0);
    const expected = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { key: string; value: string });
    // DuckDB's CSV reader is the consumer; text compared as bytes
    const got = await rows(`SELECT hex(encode(key)) AS k, hex(encode(value)) AS v FROM read_csv('${csv}', header = true, all_varchar = true, quote = '"', escape = '"', allow_quoted_nulls = false)`);
    expect(got.map((x) => [Buffer.from(x.k as string, 'hex').toString('utf8'), Buffer.from(x.v as string, 'hex').toString('utf8')])).toEqual(
      expected.map((r) => [r.key, r.value]),
    );
  });

  it('Arrow IPC comes back through create --from-arrow', async () => {
    const f = join(SEQ, 'types', 'VLongWritable-record.seq');
    const arrow = join(dir, 'vlong.arrow');
    const back = join(dir, 'vlong.seq');
    expect((await seqcat(['convert', f, arrow])).code).toBe(0);
    const r = await seqcat(['create', back, '--from-arrow', arrow, '--compression', 'NONE']);
    expect(r.stderr).toBe('');
    expect((await seqcat(['json', back])).stdout).toBe((await seqcat(['json', f])).stdout);
    expect((await seqcat(['info', back])).stdout).toMatch(/value class:\s+org\.apache\.hadoop\.io\.VLongWritable/);
  });
});

describe('seqcat create --from-parquet', () => {
  it('takes the named columns, with a class override', async () => {
    const pq = join(dir, 'counts.parquet');
    await duck.run(`COPY (SELECT 'w' || i AS word, i::INTEGER AS n, 'x' AS other FROM range(4) t(i)) TO '${pq}' (FORMAT parquet)`);
    const out = join(dir, 'counts.seq');
    const r = await seqcat(['create', out, '--from-parquet', pq, '--key-column', 'word', '--value-column', 'n', '--value-class', 'LongWritable']);
    expect(r.stderr).toBe('');
    expect((await seqcat(['json', out])).stdout).toBe(['w0', 'w1', 'w2', 'w3'].map((w, i) => `{"key":"${w}","value":"${i}"}\n`).join(''));
    const info = (await seqcat(['info', out])).stdout;
    expect(info).toMatch(/key class:\s+org\.apache\.hadoop\.io\.Text/);
    expect(info).toMatch(/value class:\s+org\.apache\.hadoop\.io\.LongWritable/);
    const bad = await seqcat(['create', join(dir, 'no.seq'), '--from-parquet', pq, '--key-column', 'word', '--input', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--input applies to tsv\/jsonl input/);
  });
});
