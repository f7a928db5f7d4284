import { isUtf8 } from 'node:buffer';
import { decodeVIntSize } from '../io/vint.js';
import type { RawRecord } from '../seq/raw-record.js';
import type { SequenceFileReader } from '../seq/reader.js';
import { TEXT } from '../writable/text.js';
import type { WritableRegistryLike, WritableType } from '../writable/types.js';
import { jsonField, jsonValue } from './json-text.js';

/**
 * What a `key` or `value` column holds, chosen from the Writable class:
 * scalars keep their type, composites become their `seqcat json` text,
 * classes without a registered type keep their serialized bytes.
 */
export type ColumnKind = 'string' | 'int32' | 'int64' | 'float' | 'double' | 'boolean' | 'binary' | 'null' | 'json';

const IO = 'org.apache.hadoop.io.';

const SCALAR_KINDS: Record<string, ColumnKind> = {
  [IO + 'Text']: 'string',
  [IO + 'UTF8']: 'string',
  [IO + 'IntWritable']: 'int32',
  [IO + 'VIntWritable']: 'int32',
  [IO + 'ShortWritable']: 'int32',
  [IO + 'ByteWritable']: 'int32',
  [IO + 'LongWritable']: 'int64',
  [IO + 'VLongWritable']: 'int64',
  [IO + 'FloatWritable']: 'float',
  [IO + 'DoubleWritable']: 'double',
  [IO + 'BooleanWritable']: 'boolean',
  [IO + 'BytesWritable']: 'binary',
  [IO + 'MD5Hash']: 'binary',
  [IO + 'NullWritable']: 'null',
};

/** The column kind of a Writable type; `registered` is false for classes the reader fell back to raw bytes for. */
export function columnKind(type: WritableType, registered: boolean): ColumnKind {
  if (!registered) return 'binary';
  return SCALAR_KINDS[type.className] ?? 'json';
}

/** The Writable class a column kind comes back as (the reverse conversion's default). */
export const KIND_CLASSES: Record<Exclude<ColumnKind, 'json'>, string> = {
  string: IO + 'Text',
  int32: IO + 'IntWritable',
  int64: IO + 'LongWritable',
  float: IO + 'FloatWritable',
  double: IO + 'DoubleWritable',
  boolean: IO + 'BooleanWritable',
  binary: IO + 'BytesWritable',
  null: IO + 'NullWritable',
};

/** True when `className` would be written as a column of `kind` (so the reverse can restore it). */
export function classFitsKind(className: string, kind: ColumnKind): boolean {
  return SCALAR_KINDS[className] === kind;
}

/** One field of a record as a column value: UTF-8 bytes for string and json, bigint for int64, bytes for binary. */
export type ColumnValue = Uint8Array | number | bigint | boolean | null;

/** How one field of each record becomes a column value. */
export interface FieldColumn {
  readonly kind: ColumnKind;
  readonly className: string;
  /** The value of this field of `raw` (a copy: the reader reuses its buffers). */
  read(raw: RawRecord): ColumnValue;
}

/** The column for the key or the value of the records `reader` yields. */
export function fieldColumn(reader: SequenceFileReader, field: 'key' | 'value', registry: WritableRegistryLike): FieldColumn {
  const type = field === 'key' ? reader.keyType : reader.valueType;
  const className = type.className;
  const kind = columnKind(type, registry.get(className) !== undefined);
  const decode = field === 'key' ? (raw: RawRecord): unknown => reader.decodeKey(raw) : (raw: RawRecord): unknown => reader.decodeValue(raw);
  const bytes = field === 'key' ? (raw: RawRecord): Uint8Array => raw.key : (raw: RawRecord): Uint8Array => raw.value;
  const arena = new CopyArena();
  let read: (raw: RawRecord) => ColumnValue;
  switch (kind) {
    case 'string':
      read =
        className === TEXT
          ? (raw) => {
              // Text holds UTF-8 after its length: valid bytes are the string as they are
              const b = bytes(raw);
              const body = b.subarray(b.length === 0 ? 0 : decodeVIntSize((b[0]! << 24) >> 24));
              return isUtf8(body) ? arena.copy(body) : utf8(decode(raw) as string);
            }
          : (raw) => utf8(decode(raw) as string);
      break;
    case 'binary':
      read = registry.get(className) === undefined ? (raw) => arena.copy(bytes(raw)) : (raw) => arena.copy(decode(raw) as Uint8Array);
      break;
    case 'null':
      read = () => null;
      break;
    case 'json':
      read = (raw) => utf8(jsonField(jsonValue(type, decode(raw), { bytes: 'base64' })));
      break;
    default:
      read = (raw) => decode(raw) as ColumnValue;
  }
  return { kind, className, read };
}

function utf8(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}

/**
 * Copies of small byte strings packed into shared chunks: one ArrayBuffer per
 * value costs more in allocation and GC than the copy. A chunk lives as long
 * as any value in it (a row group's worth).
 */
class CopyArena {
  private static readonly CHUNK = 4 * 1024 * 1024;
  private buf = new Uint8Array(0);
  private at = 0;

  copy(b: Uint8Array): Uint8Array {
    if (b.length > CopyArena.CHUNK / 8) return b.slice();
    if (this.at + b.length > this.buf.length) {
      this.buf = new Uint8Array(CopyArena.CHUNK);
      this.at = 0;
    }
    const out = this.buf.subarray(this.at, this.at + b.length);
    out.set(b);
    this.at += b.length;
    return out;
  }
}
