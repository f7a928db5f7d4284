import { UsageError } from '../io/errors.js';
import { classFitsKind, KIND_CLASSES, type ColumnKind } from './columns.js';
import { readSourceDescription, type SourceDescription } from './header-metadata.js';

/** A Parquet or Arrow file's two chosen columns, read a bounded batch at a time. */
export interface TableRecords {
  readonly file: string;
  readonly keyKind: ColumnKind;
  readonly valueKind: ColumnKind;
  /** What `toParquet` / `toArrow` recorded about the SequenceFile the table came from, if it did. */
  readonly source: SourceDescription | undefined;
  /** The Writable classes the columns come back as by default (see `defaultClass`). */
  readonly keyClass: string;
  readonly valueClass: string;
  batches(): AsyncGenerator<{ keys: unknown[]; values: unknown[] }, void, undefined>;
  close(): Promise<void>;
}

/** Which columns to read. */
export interface TableColumnOptions {
  /** Default `key`. */
  keyColumn?: string;
  /** Default `value`. */
  valueColumn?: string;
}

/**
 * The class a column comes back as: the original class when the file says
 * where it came from and the column still has the type that class writes
 * (VIntWritable, MD5Hash... round-trip), else the kind's class (string →
 * Text, int32 → IntWritable, int64 → LongWritable, ...). JSON text of
 * composites comes back as Text.
 */
export function defaultClass(kind: ColumnKind, original: string | undefined): string {
  if (original !== undefined && classFitsKind(original, kind)) return original;
  return kind === 'json' ? KIND_CLASSES.string : KIND_CLASSES[kind];
}

/** Common construction of TableRecords once the column kinds and metadata are known. */
export function tableRecords(
  file: string,
  opts: TableColumnOptions,
  kinds: { key: ColumnKind; value: ColumnKind },
  metadata: Iterable<[string, string | undefined]>,
  batches: () => AsyncGenerator<{ keys: unknown[]; values: unknown[] }, void, undefined>,
  close: () => Promise<void>,
): TableRecords {
  const source = readSourceDescription(metadata);
  const keyName = opts.keyColumn ?? 'key';
  const valueName = opts.valueColumn ?? 'value';
  // the recorded classes describe the `key` and `value` columns only
  const origKey = source && keyName === 'key' ? source.keyClass : undefined;
  const origValue = source && valueName === 'value' ? source.valueClass : undefined;
  return {
    file,
    keyKind: kinds.key,
    valueKind: kinds.value,
    source,
    keyClass: defaultClass(kinds.key, origKey),
    valueClass: defaultClass(kinds.value, origValue),
    batches,
    close,
  };
}

/** The named column's index, or a UsageError listing the columns there are. */
export function findColumn(names: readonly string[], wanted: string, file: string, option: string): number {
  const i = names.indexOf(wanted);
  if (i < 0) throw new UsageError(`has no column '${wanted}' (${option}); its columns: ${names.join(', ')}`, { file });
  return i;
}
