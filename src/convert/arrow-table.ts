import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { IOFailureError, UsageError } from '../io/errors.js';
import { decodeJavaUtf8 } from '../io/utf8.js';
import type { ColumnKind } from './columns.js';
import { optionalImport } from './optional-import.js';
import { findColumn, tableRecords, type TableColumnOptions, type TableRecords } from './table-records.js';

type Arrow = typeof import('apache-arrow');
type ArrowField = import('apache-arrow').Field;

/** The column kind of an Arrow field. */
function arrowKind(a: Arrow, f: ArrowField, file: string): ColumnKind {
  const t = f.type;
  if (a.DataType.isUtf8(t) || a.DataType.isLargeUtf8(t)) return 'string';
  if (a.DataType.isInt(t)) return t.bitWidth === 64 || (t.bitWidth === 32 && !t.isSigned) ? 'int64' : 'int32';
  if (a.DataType.isFloat(t)) return t.precision === a.Precision.DOUBLE ? 'double' : 'float';
  if (a.DataType.isBool(t)) return 'boolean';
  if (a.DataType.isBinary(t) || a.DataType.isLargeBinary(t) || a.DataType.isFixedSizeBinary(t)) return 'binary';
  if (a.DataType.isNull(t)) return 'null';
  throw new UsageError(`column '${f.name}' has Arrow type ${String(t)}, which has no Writable counterpart`, { file });
}

/**
 * Open an Arrow IPC file or stream's key and value columns, one record batch
 * at a time. Needs the optional package `apache-arrow`.
 */
export async function openArrowTable(file: string, opts: TableColumnOptions = {}): Promise<TableRecords> {
  const a = await optionalImport<Arrow>('apache-arrow', 'read Arrow IPC');
  try {
    await stat(file);
  } catch (e) {
    throw new IOFailureError(`cannot open: ${(e as Error).message}`, { file, cause: e });
  }
  const stream = createReadStream(file);
  let reader;
  try {
    reader = await a.RecordBatchReader.from(stream);
    await reader.open();
  } catch (e) {
    stream.destroy();
    throw new UsageError(`not an Arrow IPC file or stream: ${(e as Error).message}`, { file, cause: e });
  }
  const fields = reader.schema.fields;
  const names = fields.map((f) => f.name);
  const keyName = opts.keyColumn ?? 'key';
  const valueName = opts.valueColumn ?? 'value';
  const ki = findColumn(names, keyName, file, '--key-column');
  const vi = findColumn(names, valueName, file, '--value-column');
  const kinds = { key: arrowKind(a, fields[ki]!, file), value: arrowKind(a, fields[vi]!, file) };
  const r = reader;
  async function* batches(): AsyncGenerator<{ keys: unknown[]; values: unknown[] }, void, undefined> {
    for await (const batch of r) {
      // unsigned 32-bit values are widened to int64 (they do not fit IntWritable)
      const col = (i: number, kind: ColumnKind): unknown[] => {
        const vec = batch.getChildAt(i)!;
        if (kind === 'string') return strings(vec);
        return Array.from(vec, (x: unknown) => (kind === 'int64' && typeof x === 'number' ? BigInt(x) : x));
      };
      yield { keys: col(ki, kinds.key), values: col(vi, kinds.value) };
    }
  }
  return tableRecords(file, opts, kinds, [...reader.schema.metadata], batches, async () => {
    stream.destroy();
  });
}

/**
 * A Utf8 vector's strings decoded as Text reads them: apache-arrow's
 * TextDecoder drops a leading U+FEFF, which is data here.
 */
function strings(vec: import('apache-arrow').Vector): (string | null)[] {
  const out: (string | null)[] = [];
  for (const d of vec.data) {
    const offsets = d.valueOffsets as Int32Array | BigInt64Array;
    const bytes = d.values as Uint8Array;
    for (let i = 0; i < d.length; i++) {
      if (!d.getValid(i)) {
        out.push(null);
        continue;
      }
      out.push(decodeJavaUtf8(bytes.subarray(Number(offsets[i]), Number(offsets[i + 1]))));
    }
  }
  return out;
}
