// SequenceFile → Arrow IPC, read back by apache-arrow: every corpus file, file and stream formats.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC, type Vector } from 'apache-arrow';
import { SequenceFileReader, jsonField, jsonValue, toArrow, type ColumnKind } from '../../src/index.js';
import { corpus, corpusRegistry, seqcatJsonOfCorpus, type JsonRecord } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hadoop-io-arrow-'));
let printed: Map<string, JsonRecord[]>;
const registry = corpusRegistry();

beforeAll(async () => {
  printed = await seqcatJsonOfCorpus(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ARROW_TYPES: Record<ColumnKind, string> = {
  string: 'Utf8',
  json: 'Utf8',
  int32: 'Int32',
  int64: 'Int64',
  float: 'Float32',
  double: 'Float64',
  boolean: 'Bool',
  binary: 'Binary',
  null: 'Null',
};

/** A column's values; text as its UTF-8 bytes (apache-arrow's own decoding drops a leading U+FEFF). */
function columnValues(vec: Vector, kind: ColumnKind): unknown[] {
  if (kind !== 'string' && kind !== 'json') return [...vec];
  const out: Buffer[] = [];
  for (const d of vec.data) {
    const offsets = d.valueOffsets as Int32Array;
    for (let i = 0; i < d.length; i++) out.push(Buffer.from((d.values as Uint8Array).subarray(offsets[i]!, offsets[i + 1]!)));
  }
  return out;
}

function asPrinted(v: unknown, kind: ColumnKind, type: Parameters<typeof jsonValue>[0]): string {
  if (kind === 'string') return jsonField((v as Buffer).toString('utf8'));
  if (kind === 'json') return (v as Buffer).toString('utf8');
  if (kind === 'binary') return jsonField(Buffer.from(v as Uint8Array).toString('base64'));
  return jsonField(jsonValue(type, v, { bytes: 'base64' }));
}

describe('every corpus SequenceFile converted to Arrow IPC, read by apache-arrow', () => {
  it.each(corpus.map((e, i) => [e.path, e, i % 2 === 0 ? 'file' : 'stream'] as const))('%s', async (_name, e, format) => {
    const out = join(dir, e.path.replace(/\//g, '_') + (format === 'file' ? '.arrow' : '.arrows'));
    const result = await toArrow(e.file, out, { reader: { registry }, format, rowGroupRows: 64 });
    const expected = printed.get(e.path)!;
    expect(result.records).toBe(expected.length);
    expect(result.groups).toBe(Math.ceil(expected.length / 64));

    const reader = await SequenceFileReader.open(e.file, { registry });
    const { keyType: kt, valueType: vt, header } = reader;
    await reader.close();

    const bytes = readFileSync(out);
    // the file format starts and ends with its magic; the stream format has none
    expect(bytes.subarray(0, 6).toString('latin1') === 'ARROW1').toBe(format === 'file');
    const table = tableFromIPC(bytes);
    const meta = table.schema.metadata;
    expect(meta.get('hadoop.sequencefile.keyClass')).toBe(e.keyClass);
    expect(meta.get('hadoop.sequencefile.valueClass')).toBe(e.valueClass);
    expect(JSON.parse(meta.get('hadoop.sequencefile.metadata')!)).toEqual(header.metadata);
    const keyKind = meta.get('hadoop.sequencefile.keyColumn') as ColumnKind;
    const valueKind = meta.get('hadoop.sequencefile.valueColumn') as ColumnKind;
    expect(table.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ['key', ARROW_TYPES[keyKind]],
      ['value', ARROW_TYPES[valueKind]],
    ]);
    expect(table.numRows).toBe(expected.length);
    const keys = columnValues(table.getChild('key')!, keyKind);
    const values = columnValues(table.getChild('value')!, valueKind);
    expect(keys.map((k) => asPrinted(k, keyKind, kt))).toEqual(expected.map((r) => jsonField(r.key)));
    expect(values.map((v) => asPrinted(v, valueKind, vt))).toEqual(expected.map((r) => jsonField(r.value)));
  });
});
