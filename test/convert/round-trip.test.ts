// SequenceFile → Parquet / Arrow → SequenceFile, and SequenceFiles from Parquet another program wrote.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { SequenceFileReader, UsageError, columnKind, fromArrow, fromParquet, toArrow, toParquet } from '../../src/index.js';
import { optionalImport } from '../../src/convert/optional-import.js';
import { corpus, corpusRegistry } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hadoop-io-roundtrip-'));
let db: DuckDBInstance;
let duck: DuckDBConnection;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  duck = await db.connect();
});
afterAll(() => {
  duck?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

const registry = corpusRegistry();

interface Records {
  keyClass: string;
  valueClass: string;
  metadata: [string, string][];
  records: [string, string][];
}

/**
 * Classes, metadata and every record's serialized bytes; or, with `decoded`,
 * the decoded values (Text that is not UTF-8 becomes what Java decodes it
 * to: a Parquet or Arrow string must be UTF-8).
 */
async function contents(path: string, decoded = false): Promise<Records> {
  const r = await SequenceFileReader.open(path, { registry });
  const records: [string, string][] = [];
  await r.forEachRaw((raw) => {
    if (decoded) records.push([JSON.stringify(r.decodeKey(raw)), JSON.stringify(r.decodeValue(raw))]);
    else records.push([Buffer.from(raw.key).toString('hex'), Buffer.from(raw.value).toString('hex')]);
  });
  const out = { keyClass: r.header.keyClassName, valueClass: r.header.valueClassName, metadata: r.header.metadata, records };
  await r.close();
  return out;
}

/** Corpus files whose key and value classes are the core scalar classes (not JSON text of composites). */
const core = corpus.filter((e) => {
  const kind = (c: string): string => columnKind(registry.resolve(c), registry.get(c) !== undefined);
  return kind(e.keyClass) !== 'json' && kind(e.valueClass) !== 'json';
});

describe('SequenceFile → Parquet → SequenceFile keeps the records of the core classes', () => {
  it('has the core classes to try', () => {
    const classes = new Set(core.flatMap((e) => [e.keyClass, e.valueClass].map((c) => c.replace('org.apache.hadoop.io.', ''))));
    for (const c of ['Text', 'IntWritable', 'LongWritable', 'VIntWritable', 'VLongWritable', 'ShortWritable', 'ByteWritable', 'FloatWritable', 'DoubleWritable', 'BooleanWritable', 'BytesWritable', 'MD5Hash', 'NullWritable']) {
      expect(classes).toContain(c);
    }
  });

  it.each(core.map((e) => [e.path, e] as const))('%s', async (_n, e) => {
    const base = join(dir, e.path.replace(/\//g, '_'));
    const lossy = e.path.includes('invalid-utf8');
    const original = await contents(e.file, lossy);
    await toParquet(e.file, base + '.parquet', { reader: { registry } });
    await fromParquet(base + '.parquet', base + '.back.seq', { compression: 'BLOCK', codec: 'zstd' });
    expect(await contents(base + '.back.seq', lossy)).toEqual(original);
    await toArrow(e.file, base + '.arrows', { reader: { registry }, format: 'stream' });
    await fromArrow(base + '.arrows', base + '.back2.seq', { compression: 'NONE' });
    expect(await contents(base + '.back2.seq', lossy)).toEqual(original);
  });
});

describe('SequenceFiles from a Parquet file DuckDB wrote', () => {
  const pq = join(dir, 'duck.parquet');
  beforeAll(async () => {
    await duck.run(
      `COPY (SELECT 'w' || i AS word, (i * 1000000000000)::BIGINT AS n, i::INTEGER AS i32, i / 4 AS d, (i / 2)::FLOAT AS f, i % 2 = 0 AS b,
         ('\\x00\\xFF' || i)::BLOB AS bin, CASE WHEN i = 3 THEN NULL ELSE 'x' END AS sometimes FROM range(5) t(i)) TO '${pq}' (FORMAT parquet)`,
    );
  });

  async function json(path: string): Promise<{ keyClass: string; valueClass: string; rows: [unknown, unknown][] }> {
    const r = await SequenceFileReader.open(path);
    const rows: [unknown, unknown][] = [];
    for await (const { key, value } of r) rows.push([key, value]);
    await r.close();
    return { keyClass: r.header.keyClassName.replace('org.apache.hadoop.io.', ''), valueClass: r.header.valueClassName.replace('org.apache.hadoop.io.', ''), rows };
  }

  it('maps column types to Writable classes', async () => {
    await fromParquet(pq, join(dir, 'a.seq'), { keyColumn: 'word', valueColumn: 'n' });
    expect(await json(join(dir, 'a.seq'))).toEqual({
      keyClass: 'Text',
      valueClass: 'LongWritable',
      rows: [0, 1, 2, 3, 4].map((i) => [`w${i}`, BigInt(i) * 1000000000000n]),
    });
    await fromParquet(pq, join(dir, 'b.seq'), { keyColumn: 'i32', valueColumn: 'd' });
    expect(await json(join(dir, 'b.seq'))).toEqual({ keyClass: 'IntWritable', valueClass: 'DoubleWritable', rows: [0, 1, 2, 3, 4].map((i) => [i, i / 4]) });
    await fromParquet(pq, join(dir, 'c.seq'), { keyColumn: 'f', valueColumn: 'b' });
    expect(await json(join(dir, 'c.seq'))).toEqual({ keyClass: 'FloatWritable', valueClass: 'BooleanWritable', rows: [0, 1, 2, 3, 4].map((i) => [i / 2, i % 2 === 0]) });
    await fromParquet(pq, join(dir, 'd.seq'), { keyColumn: 'bin', valueColumn: 'word' });
    expect(await json(join(dir, 'd.seq'))).toEqual({
      keyClass: 'BytesWritable',
      valueClass: 'Text',
      rows: [0, 1, 2, 3, 4].map((i) => [new Uint8Array([0, 0xff, 0x30 + i]), `w${i}`]),
    });
  });

  it('reads pages compressed with zstd and gzip (what DuckDB, Spark and --parquet-codec zstd write)', async () => {
    for (const codec of ['zstd', 'gzip']) {
      const file = join(dir, `duck-${codec}.parquet`);
      await duck.run(`COPY (SELECT 'w' || i AS word, i::BIGINT AS n FROM range(3000) t(i)) TO '${file}' (FORMAT parquet, COMPRESSION ${codec})`);
      await fromParquet(file, join(dir, `${codec}.seq`), { keyColumn: 'word', valueColumn: 'n' });
      const got = await json(join(dir, `${codec}.seq`));
      expect(got.rows.length).toBe(3000);
      expect(got.rows[2999]).toEqual(['w2999', 2999n]);
    }
  });

  it('takes another class for a column when told', async () => {
    await fromParquet(pq, join(dir, 'e.seq'), { keyColumn: 'i32', valueColumn: 'n', keyClass: 'org.apache.hadoop.io.LongWritable', valueClass: 'org.apache.hadoop.io.VLongWritable' });
    const got = await json(join(dir, 'e.seq'));
    expect([got.keyClass, got.valueClass]).toEqual(['LongWritable', 'VLongWritable']);
    expect(got.rows[4]).toEqual([4n, 4000000000000n]);
  });

  it('names the row of a null that the class cannot take, and leaves no output', async () => {
    const out = join(dir, 'f.seq');
    const err = await fromParquet(pq, out, { keyColumn: 'sometimes', valueColumn: 'i32' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(/duck\.parquet.*row 3/);
    await expect(SequenceFileReader.open(out)).rejects.toThrow(/no such file|ENOENT/i);
  });

  it('says which columns there are when one is missing', async () => {
    await expect(fromParquet(pq, join(dir, 'g.seq'), { keyColumn: 'nope' })).rejects.toThrow(/no column 'nope'.*word, n, i32, d, f, b, bin, sometimes/);
  });
});

describe('the optional packages', () => {
  it('says what to install when one is missing', async () => {
    await expect(optionalImport('hadoop-io-no-such-package', 'write Parquet')).rejects.toThrow(
      'install hadoop-io-no-such-package to write Parquet (npm install hadoop-io-no-such-package)',
    );
  });
});
