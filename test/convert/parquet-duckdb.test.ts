// SequenceFile → Parquet, checked by a real consumer: DuckDB reads every converted corpus file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { SequenceFileReader, jsonField, jsonValue, toParquet, type ColumnKind, type WritableRegistry } from '../../src/index.js';
import { corpus, corpusRegistry, seqcatJsonOfCorpus, type JsonRecord } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hadoop-io-parquet-'));
let db: DuckDBInstance;
let duck: DuckDBConnection;
let printed: Map<string, JsonRecord[]>;
const registry: WritableRegistry = corpusRegistry();

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  duck = await db.connect();
  printed = await seqcatJsonOfCorpus(dir);
});
afterAll(() => {
  duck?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await duck.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[];
}

/** What DuckDB calls each column kind. NullWritable's all-null column has Parquet's null logical type over INT32. */
const DUCKDB_TYPES: Record<ColumnKind, string> = {
  string: 'VARCHAR',
  json: 'VARCHAR',
  int32: 'INTEGER',
  int64: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  binary: 'BLOB',
  null: 'INTEGER',
};

const STRING_KINDS = new Set<ColumnKind>(['string', 'json']);

/**
 * A column as DuckDB gives it, in the form `seqcat json` prints: text columns
 * are read as their bytes (hex) since @duckdb/node-api's text decoding drops a
 * leading U+FEFF; bytes as base64; numbers through the class's own JSON form.
 */
function selectExpr(col: string, kind: ColumnKind): string {
  if (STRING_KINDS.has(kind)) return `hex(encode(${col})) AS ${col}`;
  if (kind === 'binary') return `hex(${col}) AS ${col}`;
  return col;
}

function asPrinted(v: unknown, kind: ColumnKind, type: Parameters<typeof jsonValue>[0]): string {
  if (kind === 'string') return jsonField(Buffer.from(v as string, 'hex').toString('utf8'));
  if (kind === 'json') return Buffer.from(v as string, 'hex').toString('utf8');
  if (kind === 'binary') return jsonField(Buffer.from(v as string, 'hex').toString('base64'));
  return jsonField(jsonValue(type, v, { bytes: 'base64' }));
}

/** The printed field as the text `seqcat json` wrote (re-serialized from the parsed line). */
function printedText(x: unknown): string {
  return jsonField(x);
}

describe('every corpus SequenceFile converted to Parquet, read by DuckDB', () => {
  it.each(corpus.map((e) => [e.path, e] as const))('%s', async (_name, e) => {
    const out = join(dir, e.path.replace(/\//g, '_') + '.parquet');
    const zstd = e.path.includes('zstd');
    const result = await toParquet(e.file, out, { reader: { registry }, compression: zstd ? 'zstd' : 'snappy', rowGroupRows: 50 });
    const expected = printed.get(e.path)!;
    expect(result.records).toBe(expected.length);

    const reader = await SequenceFileReader.open(e.file, { registry });
    const kt = reader.keyType;
    const vt = reader.valueType;
    const header = reader.header;
    await reader.close();

    const kv = new Map((await rows(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${out}')`)).map((r) => [r.k as string, r.v as string]));
    const keyKind = kv.get('hadoop.sequencefile.keyColumn') as ColumnKind;
    const valueKind = kv.get('hadoop.sequencefile.valueColumn') as ColumnKind;
    expect(kv.get('hadoop.sequencefile.keyClass')).toBe(e.keyClass);
    expect(kv.get('hadoop.sequencefile.valueClass')).toBe(e.valueClass);
    expect(kv.get('hadoop.sequencefile.compression')).toBe(e.compression);
    expect(JSON.parse(kv.get('hadoop.sequencefile.metadata')!)).toEqual(header.metadata);

    const types = await rows(`DESCRIBE SELECT key, value FROM read_parquet('${out}')`);
    expect(types.map((t) => t.column_type)).toEqual([DUCKDB_TYPES[keyKind], DUCKDB_TYPES[valueKind]]);
    expect(await rows(`SELECT count(*)::INTEGER AS n FROM read_parquet('${out}')`)).toEqual([{ n: expected.length }]);

    const meta = await rows(`SELECT DISTINCT row_group_id, row_group_num_rows, compression FROM parquet_metadata('${out}') ORDER BY row_group_id`);
    expect(meta.length).toBe(Math.ceil(expected.length / 50));
    for (const m of meta) {
      expect(m.compression).toBe(zstd ? 'ZSTD' : 'SNAPPY');
      expect(Number(m.row_group_num_rows)).toBeLessThanOrEqual(50);
    }

    const got = await rows(
      `SELECT ${selectExpr('key', keyKind)}, ${selectExpr('value', valueKind)} FROM read_parquet('${out}', file_row_number = true) ORDER BY file_row_number`,
    );
    expect(got.map((r) => asPrinted(r.key, keyKind, kt))).toEqual(expected.map((r) => printedText(r.key)));
    expect(got.map((r) => asPrinted(r.value, valueKind, vt))).toEqual(expected.map((r) => printedText(r.value)));
  });

  it('covers every class and codec of the corpus', () => {
    const classes = new Set(corpus.flatMap((e) => [e.keyClass, e.valueClass]));
    expect(classes.size).toBeGreaterThanOrEqual(17);
    expect(new Set(corpus.map((e) => e.codec)).size).toBeGreaterThanOrEqual(8);
  });
});
