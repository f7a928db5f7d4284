import type { ByteSink } from '../io/sink.js';
import { writeOutput } from './output.js';
import type { ColumnKind } from './columns.js';
import { describeSource } from './header-metadata.js';
import { optionalImport } from './optional-import.js';
import { parquetCompressor, type ParquetCompression } from './parquet-compressors.js';
import { openRecordColumns, type ColumnReadOptions, type ConvertInput } from './record-columns.js';

type HyparquetWriter = typeof import('hyparquet-writer');
type SchemaElement = ConstructorParameters<HyparquetWriter['ParquetWriter']>[0]['schema'][number];

export interface ParquetOptions extends ColumnReadOptions {
  /** Page compression: snappy (default), zstd or none. */
  compression?: ParquetCompression;
  /** Extra key-value metadata for the Parquet footer. */
  metadata?: Iterable<[string, string]>;
}

/** What a conversion wrote. */
export interface ConvertResult {
  records: number;
  /** Row groups (Parquet) or record batches (Arrow). */
  groups: number;
  /** Serialized key and value bytes read. */
  payloadBytes: number;
}

/** Parquet schema element for a column kind. */
function schemaElement(name: string, kind: ColumnKind): SchemaElement {
  switch (kind) {
    case 'string':
    case 'json':
      return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'REQUIRED' };
    case 'int32':
      return { name, type: 'INT32', repetition_type: 'REQUIRED' };
    case 'int64':
      return { name, type: 'INT64', repetition_type: 'REQUIRED' };
    case 'float':
      return { name, type: 'FLOAT', repetition_type: 'REQUIRED' };
    case 'double':
      return { name, type: 'DOUBLE', repetition_type: 'REQUIRED' };
    case 'boolean':
      return { name, type: 'BOOLEAN', repetition_type: 'REQUIRED' };
    case 'binary':
      return { name, type: 'BYTE_ARRAY', repetition_type: 'REQUIRED' };
    case 'null':
      // Parquet's null logical type: an always-null column
      return { name, type: 'INT32', logical_type: { type: 'NULL' }, repetition_type: 'OPTIONAL' };
  }
}

/**
 * Convert SequenceFile records to one Parquet file with columns `key` and
 * `value` (see ColumnKind for their types). Row groups are bounded by
 * `rowGroupRows` and `rowGroupBytes` and written as they fill, so memory does
 * not grow with the input. The first input's header goes into the footer's
 * key-value metadata (`hadoop.sequencefile.*`). A path output is written to a
 * temporary name and renamed when complete. Needs the optional package
 * `hyparquet-writer`.
 */
export async function toParquet(input: ConvertInput, output: string | ByteSink, opts: ParquetOptions = {}): Promise<ConvertResult> {
  const hw = await optionalImport<HyparquetWriter>('hyparquet-writer', 'write Parquet');
  const { codec, compressors } = parquetCompressor(opts.compression ?? 'snappy');
  const columns = await openRecordColumns(input, opts);
  try {
    return await writeOutput(output, async (out) => {
      const bytes = new hw.ByteWriter(1 << 20);
      // hand each finished row group to the sink and start the buffer again
      const flush = async (): Promise<void> => {
        if (bytes.index === 0) return;
        const chunk = new Uint8Array(bytes.buffer, 0, bytes.index);
        bytes.index = 0;
        await out.write(chunk);
      };
      Object.assign(bytes, { flush, finish: flush });
      const writer = new hw.ParquetWriter({
        writer: bytes,
        schema: [{ name: 'root', num_children: 2 }, schemaElement('key', columns.key.kind), schemaElement('value', columns.value.kind)],
        codec,
        compressors,
        kvMetadata: [...describeSource(columns.header, columns.key.kind, columns.value.kind), ...(opts.metadata ?? [])].map(([key, value]) => ({ key, value })),
        createdBy: 'hadoop-io seqcat',
    });
    const result: ConvertResult = { records: 0, groups: 0, payloadBytes: 0 };
    for await (const b of columns.batches()) {
      await writer.write({
        columnData: [
          { name: 'key', data: b.keys },
          { name: 'value', data: b.values },
        ],
        rowGroupSize: b.keys.length,
      });
      detachStatistics(writer.row_groups[writer.row_groups.length - 1]);
      result.records += b.keys.length;
      result.payloadBytes += b.payloadBytes;
      result.groups++;
    }
    await writer.finish();
    return result;
    });
  } finally {
    await columns.close();
  }
}

type RowGroup = InstanceType<HyparquetWriter['ParquetWriter']>['row_groups'][number];

/**
 * Give a row group's min/max statistics their own bytes: short values are
 * kept as views of the batch's copy arena, which would hold every row
 * group's arena chunks in memory until the footer is written.
 */
function detachStatistics(rg: RowGroup | undefined): void {
  for (const c of rg?.columns ?? []) {
    const st = c.meta_data?.statistics;
    if (!st) continue;
    if (st.min_value instanceof Uint8Array) st.min_value = st.min_value.slice();
    if (st.max_value instanceof Uint8Array) st.max_value = st.max_value.slice();
  }
}
