import { UsageError } from '../io/errors.js';
import type { SequenceFileHeader } from '../seq/header.js';
import { SequenceFileReader, type SequenceFileReaderOptions } from '../seq/reader.js';
import { defaultRegistry } from '../writable/builtins.js';
import { fieldColumn, type ColumnValue, type FieldColumn } from './columns.js';

/** One or more SequenceFiles (a job's part files, in order) read as one table. */
export type ConvertInput = string | readonly string[];

/** How records are read and grouped for a columnar output. */
export interface ColumnReadOptions {
  /** Reader options: registry (user classes), codecs, limits, verifyChecksum. */
  reader?: SequenceFileReaderOptions;
  /** Most rows in one row group / record batch (default 1,000,000). */
  rowGroupRows?: number;
  /** A row group / batch ends once its serialized keys and values reach this many bytes (default 32 MiB). */
  rowGroupBytes?: number;
}

export const DEFAULT_ROW_GROUP_ROWS = 1_000_000;
export const DEFAULT_ROW_GROUP_BYTES = 32 * 1024 * 1024;

/** The columns of one row group. */
export interface TableBatch {
  keys: ColumnValue[];
  values: ColumnValue[];
  /** Serialized (uncompressed) key and value bytes of these records. */
  payloadBytes: number;
}

/** The records of the inputs as `key` / `value` columns, a bounded batch at a time. */
export interface RecordColumns {
  /** The first input's header (metadata, classes). */
  readonly header: SequenceFileHeader;
  readonly key: FieldColumn;
  readonly value: FieldColumn;
  batches(): AsyncGenerator<TableBatch, void, undefined>;
  close(): Promise<void>;
}

/**
 * Open the inputs for columnar conversion. Every input must have the first
 * one's key and value classes (one table has one schema).
 */
export async function openRecordColumns(input: ConvertInput, opts: ColumnReadOptions = {}): Promise<RecordColumns> {
  const files = typeof input === 'string' ? [input] : [...input];
  if (files.length === 0) throw new UsageError('no input files to convert');
  const registry = opts.reader?.registry ?? defaultRegistry;
  const maxRows = positive(opts.rowGroupRows, DEFAULT_ROW_GROUP_ROWS, 'rowGroupRows');
  const maxBytes = positive(opts.rowGroupBytes, DEFAULT_ROW_GROUP_BYTES, 'rowGroupBytes');
  let reader = await SequenceFileReader.open(files[0]!, opts.reader);
  const first = reader;
  const key = fieldColumn(reader, 'key', registry);
  const value = fieldColumn(reader, 'value', registry);
  let current: SequenceFileReader | null = reader;
  return {
    header: first.header,
    key,
    value,
    async *batches() {
      let batch: TableBatch = { keys: [], values: [], payloadBytes: 0 };
      for (let i = 0; i < files.length; i++) {
        if (i > 0) {
          reader = await SequenceFileReader.open(files[i]!, opts.reader);
          current = reader;
          const h = reader.header;
          if (h.keyClassName !== first.header.keyClassName || h.valueClassName !== first.header.valueClassName) {
            await reader.close();
            throw new UsageError(
              `has ${h.keyClassName}/${h.valueClassName} records but ${files[0]} has ${first.header.keyClassName}/${first.header.valueClassName}: one table needs one schema (convert each part on its own)`,
              { file: files[i]! },
            );
          }
        }
        const k = i === 0 ? key : fieldColumn(reader, 'key', registry);
        const v = i === 0 ? value : fieldColumn(reader, 'value', registry);
        for (;;) {
          let full = false;
          const seen = await reader.forEachRaw((raw) => {
            batch.keys.push(k.read(raw));
            batch.values.push(v.read(raw));
            batch.payloadBytes += raw.key.length + raw.value.length;
            full = batch.keys.length >= maxRows || batch.payloadBytes >= maxBytes;
            return !full;
          });
          if (full) {
            yield batch;
            batch = { keys: [], values: [], payloadBytes: 0 };
          }
          if (!full || seen === 0) break;
        }
        await reader.close();
        current = null;
      }
      if (batch.keys.length > 0) yield batch;
    },
    async close() {
      await current?.close();
      current = null;
    },
  };
}

function positive(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < 1) throw new UsageError(`${name} must be a positive integer, got ${v}`);
  return v;
}
