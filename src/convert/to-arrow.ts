import type { ByteSink } from '../io/sink.js';
import { writeOutput } from './output.js';
import type { ColumnKind, ColumnValue } from './columns.js';
import { describeSource } from './header-metadata.js';
import { optionalImport } from './optional-import.js';
import { openRecordColumns, type ColumnReadOptions, type ConvertInput } from './record-columns.js';
import type { ConvertResult } from './to-parquet.js';

type Arrow = typeof import('apache-arrow');
type ArrowData = import('apache-arrow').Data;
type ArrowType = import('apache-arrow').DataType;

export interface ArrowOptions extends ColumnReadOptions {
  /** `file` (random access, `.arrow`, the default) or `stream` (`.arrows`). */
  format?: 'file' | 'stream';
  /** Extra schema metadata. */
  metadata?: Iterable<[string, string]>;
}

function arrowType(a: Arrow, kind: ColumnKind): ArrowType {
  switch (kind) {
    case 'string':
    case 'json':
      return new a.Utf8();
    case 'int32':
      return new a.Int32();
    case 'int64':
      return new a.Int64();
    case 'float':
      return new a.Float32();
    case 'double':
      return new a.Float64();
    case 'boolean':
      return new a.Bool();
    case 'binary':
      return new a.Binary();
    case 'null':
      return new a.Null();
  }
}

/** One column of a batch as Arrow data, built from the buffers directly (no per-value builder). */
function columnData(a: Arrow, type: ArrowType, kind: ColumnKind, values: ColumnValue[]): ArrowData {
  const length = values.length;
  switch (kind) {
    case 'string':
    case 'json':
    case 'binary': {
      const offsets = new Int32Array(length + 1);
      let total = 0;
      for (let i = 0; i < length; i++) {
        total += (values[i] as Uint8Array).length;
        offsets[i + 1] = total;
      }
      const data = new Uint8Array(total);
      for (let i = 0; i < length; i++) data.set(values[i] as Uint8Array, offsets[i]!);
      return a.makeData({ type: type as import('apache-arrow').Utf8, length, valueOffsets: offsets, data });
    }
    case 'int32':
      return a.makeData({ type: type as import('apache-arrow').Int32, length, data: Int32Array.from(values as number[]) });
    case 'int64':
      return a.makeData({ type: type as import('apache-arrow').Int64, length, data: BigInt64Array.from(values as bigint[]) });
    case 'float':
      return a.makeData({ type: type as import('apache-arrow').Float32, length, data: Float32Array.from(values as number[]) });
    case 'double':
      return a.makeData({ type: type as import('apache-arrow').Float64, length, data: Float64Array.from(values as number[]) });
    case 'boolean': {
      const bits = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) if (values[i]) bits[i >> 3]! |= 1 << (i & 7);
      return a.makeData({ type: type as import('apache-arrow').Bool, length, data: bits });
    }
    case 'null':
      return a.makeData({ type: type as import('apache-arrow').Null, length });
  }
}

/**
 * Convert SequenceFile records to Arrow IPC (file or stream format) with
 * columns `key` and `value`, one record batch per bounded group of records,
 * written as each fills. Types and schema metadata are as for `toParquet`.
 * Needs the optional package `apache-arrow`.
 */
export async function toArrow(input: ConvertInput, output: string | ByteSink, opts: ArrowOptions = {}): Promise<ConvertResult> {
  const a = await optionalImport<Arrow>('apache-arrow', 'write Arrow IPC');
  const columns = await openRecordColumns(input, opts);
  try {
    return await writeOutput(output, async (out) => {
      const kt = arrowType(a, columns.key.kind);
      const vt = arrowType(a, columns.value.kind);
      const meta = new Map([...describeSource(columns.header, columns.key.kind, columns.value.kind), ...(opts.metadata ?? [])]);
      const schema = new a.Schema([new a.Field('key', kt, columns.key.kind === 'null'), new a.Field('value', vt, columns.value.kind === 'null')], meta);
      const writer = opts.format === 'stream' ? new a.RecordBatchStreamWriter() : new a.RecordBatchFileWriter();
      // the writer's byte queue, replaced by one that hands its chunks over after each batch: the
      // stock queue is drained asynchronously and grows without bound when the disk is slower
      const chunks: Uint8Array[] = [];
      const collector = new (class extends a.AsyncByteQueue {
        override write(value: Parameters<InstanceType<Arrow['AsyncByteQueue']>['write']>[0]): void {
          if ((value as Uint8Array).byteLength > 0) chunks.push(value as Uint8Array);
        }
      })();
      const drain = async (): Promise<void> => {
        for (const c of chunks.splice(0)) await out.write(c);
      };
      const result: ConvertResult = { records: 0, groups: 0, payloadBytes: 0 };
      writer.reset(collector, schema);
      for await (const b of columns.batches()) {
        const data = a.makeData({
          type: new a.Struct(schema.fields),
          length: b.keys.length,
          children: [columnData(a, kt, columns.key.kind, b.keys), columnData(a, vt, columns.value.kind, b.values)],
        });
        writer.write(new a.RecordBatch(schema, data));
        await drain();
        result.records += b.keys.length;
        result.payloadBytes += b.payloadBytes;
        result.groups++;
      }
      writer.close();
      await drain();
      return result;
    });
  } finally {
    await columns.close();
  }
}
