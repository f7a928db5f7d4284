import { CorruptFileError, HadoopIOError, UsageError } from '../io/errors.js';
import { SequenceFileWriter, type SequenceFileWriterOptions, type WriterOutput } from '../seq/writer.js';
import type { WritableType } from '../writable/types.js';
import { openArrowTable } from './arrow-table.js';
import { openParquetTable } from './parquet-table.js';
import type { TableColumnOptions, TableRecords } from './table-records.js';

export interface TableToSequenceFileOptions extends TableColumnOptions, Partial<Omit<SequenceFileWriterOptions, 'keyClass' | 'valueClass'>> {
  /** Override the key class chosen from the column type (see `defaultClass`). */
  keyClass?: string | WritableType;
  valueClass?: string | WritableType;
}

/**
 * Append every row of `table` to `writer` (keys and values coerced by the
 * writer's classes); stops early when `stop()` turns true. Resolves to the
 * number of records written. A value the class cannot take is a UsageError
 * naming the table file and row.
 */
export async function writeTableRecords(table: TableRecords, writer: SequenceFileWriter, stop: () => boolean = () => false): Promise<number> {
  let row = 0;
  for await (const { keys, values } of table.batches()) {
    for (let i = 0; i < keys.length; i++, row++) {
      if (stop()) return row;
      try {
        await writer.append(keys[i], values[i]);
      } catch (e) {
        if (e instanceof UsageError) throw new UsageError(`row ${row}: ${e.reason}`, { file: table.file, cause: e });
        throw e;
      }
    }
  }
  return row;
}

/** Writer options for a table: its classes (overridable), and the recorded SequenceFile metadata unless `metadata` is given. */
export function tableWriterOptions(table: TableRecords, opts: TableToSequenceFileOptions): SequenceFileWriterOptions {
  const { keyColumn: _k, valueColumn: _v, ...rest } = opts;
  return {
    ...rest,
    keyClass: opts.keyClass ?? table.keyClass,
    valueClass: opts.valueClass ?? table.valueClass,
    metadata: opts.metadata ?? table.source?.metadata ?? [],
  };
}

async function tableToSequenceFile(table: TableRecords, output: WriterOutput, opts: TableToSequenceFileOptions): Promise<number> {
  let writer: SequenceFileWriter | undefined;
  try {
    writer = await SequenceFileWriter.create(output, { atomic: true, ...tableWriterOptions(table, opts) });
    const n = await writeTableRecords(table, writer);
    await writer.close();
    return n;
  } catch (e) {
    await writer?.abort();
    throw e instanceof HadoopIOError || !(e instanceof Error) ? e : new CorruptFileError(`cannot read the table: ${e.message}`, { file: table.file, cause: e });
  } finally {
    await table.close();
  }
}

/**
 * Write a SequenceFile from a Parquet file's `key` and `value` columns (or
 * `keyColumn` / `valueColumn`): string → Text, int32 → IntWritable, int64 →
 * LongWritable, float → FloatWritable, double → DoubleWritable, boolean →
 * BooleanWritable, binary → BytesWritable, null → NullWritable; a file
 * written by `toParquet` gets its original classes and metadata back. Other
 * options are the writer's (compression default RECORD/DefaultCodec, as Hadoop).
 * Resolves to the number of records.
 */
export async function fromParquet(input: string, output: WriterOutput, opts: TableToSequenceFileOptions = {}): Promise<number> {
  return tableToSequenceFile(await openParquetTable(input, opts), output, opts);
}

/** As `fromParquet`, from an Arrow IPC file or stream. */
export async function fromArrow(input: string, output: WriterOutput, opts: TableToSequenceFileOptions = {}): Promise<number> {
  return tableToSequenceFile(await openArrowTable(input, opts), output, opts);
}
