import { stat } from 'node:fs/promises';
import { IOFailureError, UsageError } from '../io/errors.js';
import { decodeJavaUtf8 } from '../io/utf8.js';
import type { ColumnKind } from './columns.js';
import { optionalImport } from './optional-import.js';
import { findColumn, tableRecords, type TableColumnOptions, type TableRecords } from './table-records.js';
import { parquetDecompressors } from './parquet-compressors.js';

type Hyparquet = typeof import('hyparquet');
type SchemaElement = import('hyparquet').SchemaElement;

/**
 * Strings as Text reads them: TextDecoder (hyparquet's default) drops a
 * leading U+FEFF, which is data here. JSON columns stay text.
 */
const DECOMPRESSORS = parquetDecompressors();

const PARSERS = {
  stringFromBytes: (b: Uint8Array | undefined) => b && decodeJavaUtf8(b),
  jsonFromBytes: (b: Uint8Array | undefined) => b && decodeJavaUtf8(b),
};

/** The column kind of a flat Parquet column. */
function parquetKind(e: SchemaElement, file: string): ColumnKind {
  const lt = e.logical_type?.type;
  switch (e.type) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INT32':
      if (lt === 'NULL') return 'null';
      // unsigned 32-bit values do not fit IntWritable
      return e.converted_type === 'UINT_32' || (lt === 'INTEGER' && e.logical_type?.type === 'INTEGER' && !e.logical_type.isSigned && e.logical_type.bitWidth === 32) ? 'int64' : 'int32';
    case 'INT64':
      return 'int64';
    case 'FLOAT':
      return 'float';
    case 'DOUBLE':
      return 'double';
    case 'BYTE_ARRAY':
      return e.converted_type === 'UTF8' || e.converted_type === 'JSON' || e.converted_type === 'ENUM' || lt === 'STRING' || lt === 'JSON' || lt === 'ENUM' ? 'string' : 'binary';
    case 'FIXED_LEN_BYTE_ARRAY':
      return 'binary';
    default:
      throw new UsageError(`column '${e.name}' has Parquet type ${String(e.type ?? 'group')}, which has no Writable counterpart; give --key-class/--value-class and a flat column`, { file });
  }
}

/**
 * Open a Parquet file's key and value columns (flat columns; row groups are
 * read one at a time). Needs the optional package `hyparquet`.
 */
export async function openParquetTable(file: string, opts: TableColumnOptions = {}): Promise<TableRecords> {
  const hp = await optionalImport<Hyparquet>('hyparquet', 'read Parquet');
  try {
    await stat(file);
  } catch (e) {
    throw new IOFailureError(`cannot open: ${(e as Error).message}`, { file, cause: e });
  }
  const buffer = await hp.asyncBufferFromFile(file);
  let metadata: import('hyparquet').FileMetaData;
  try {
    metadata = await hp.parquetMetadataAsync(buffer);
  } catch (e) {
    throw new UsageError(`not a Parquet file: ${(e as Error).message}`, { file, cause: e });
  }
  // top-level fields: the root's children
  const top = hp.parquetSchema(metadata).children;
  const names = top.map((c) => c.element.name);
  const keyName = opts.keyColumn ?? 'key';
  const valueName = opts.valueColumn ?? 'value';
  const k = top[findColumn(names, keyName, file, '--key-column')]!;
  const v = top[findColumn(names, valueName, file, '--value-column')]!;
  for (const c of [k, v]) {
    if (c.children.length > 0) throw new UsageError(`column '${c.element.name}' is nested; only flat columns map to Writables`, { file });
  }
  const kinds = { key: parquetKind(k.element, file), value: parquetKind(v.element, file) };
  const kv = (metadata.key_value_metadata ?? []).map((p): [string, string | undefined] => [p.key, p.value]);
  async function* batches(): AsyncGenerator<{ keys: unknown[]; values: unknown[] }, void, undefined> {
    let start = 0;
    for (const rg of metadata.row_groups) {
      const end = start + Number(rg.num_rows);
      const rows = await hp.parquetReadObjects({ file: buffer, metadata, columns: [keyName, valueName], rowStart: start, rowEnd: end, utf8: false, parsers: PARSERS, compressors: DECOMPRESSORS });
      const widen = (kind: ColumnKind) => (x: unknown) => (kind === 'int64' && typeof x === 'number' ? BigInt(x) : x);
      yield { keys: rows.map((r) => widen(kinds.key)(r[keyName])), values: rows.map((r) => widen(kinds.value)(r[valueName])) };
      start = end;
    }
  }
  return tableRecords(file, opts, kinds, kv, batches, async () => {});
}
