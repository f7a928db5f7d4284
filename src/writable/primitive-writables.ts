import { ByteReader } from '../io/byte-reader.js';
import type { WritableType } from './types.js';
import { bad, int64, intIn } from './coerce.js';
import { javaDoubleToString, javaFloatToString } from './java-number-format.js';
import { hashLong } from './java-hash.js';

const bitsView = new DataView(new ArrayBuffer(8));
/** Float.floatToIntBits (NaN canonical) */
function floatBits(v: number): number {
  if (Number.isNaN(v)) return 0x7fc00000;
  bitsView.setFloat32(0, v);
  return bitsView.getInt32(0);
}
/** Double.doubleToLongBits (NaN canonical) */
function doubleBits(v: number): bigint {
  if (Number.isNaN(v)) return 0x7ff8000000000000n;
  bitsView.setFloat64(0, v);
  return bitsView.getBigInt64(0);
}

/**
 * The Writables that wrap one Java primitive: fixed width, big-endian
 * (Boolean, Byte, Short, Int, Long, Float, Double) or Hadoop VInt/VLong.
 * 64-bit values are bigints; raw comparators compare the values as Hadoop's do.
 */

const IO = 'org.apache.hadoop.io.';
const cmp = (x: number | bigint, y: number | bigint): number => (x < y ? -1 : x > y ? 1 : 0);
/** Hadoop's Float/Double comparators: NaN is neither less nor equal, so it sorts as greater. */
const cmpFloat = (x: number, y: number): number => (x < y ? -1 : x === y ? 0 : 1);
const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

export const booleanWritableType: WritableType<boolean> = {
  className: IO + 'BooleanWritable',
  read: (r) => r.readBoolean(),
  write: (w, v) => w.writeBoolean(v),
  toString: (v) => (v ? 'true' : 'false'),
  coerce: (v) => (typeof v === 'boolean' ? v : bad(IO + 'BooleanWritable', v, 'a boolean')),
  toJSON: (v) => v,
  javaHashCode: (v) => (v ? 0 : 1),
  compareRaw: (a, b) => cmp(a[0] === 0 ? 0 : 1, b[0] === 0 ? 0 : 1),
};

export const byteWritableType: WritableType<number> = {
  className: IO + 'ByteWritable',
  read: (r) => r.readInt8(),
  write: (w, v) => w.writeInt8(v),
  toString: (v) => String(v),
  coerce: (v) => intIn(IO + 'ByteWritable', v, -128, 127),
  toJSON: (v) => v,
  javaHashCode: (v) => v,
  compareRaw: (a, b) => cmp((a[0]! << 24) >> 24, (b[0]! << 24) >> 24),
};

export const shortWritableType: WritableType<number> = {
  className: IO + 'ShortWritable',
  read: (r) => r.readInt16(),
  write: (w, v) => w.writeInt16(v),
  toString: (v) => String(v),
  coerce: (v) => intIn(IO + 'ShortWritable', v, -32768, 32767),
  toJSON: (v) => v,
  javaHashCode: (v) => v,
  compareRaw: (a, b) => cmp(view(a).getInt16(0), view(b).getInt16(0)),
};

export const intWritableType: WritableType<number> = {
  className: IO + 'IntWritable',
  read: (r) => r.readInt32(),
  write: (w, v) => w.writeInt32(v),
  toString: (v) => String(v),
  coerce: (v) => intIn(IO + 'IntWritable', v, -2147483648, 2147483647),
  toJSON: (v) => v,
  javaHashCode: (v) => v,
  compareRaw: (a, b) => cmp(view(a).getInt32(0), view(b).getInt32(0)),
};

export const longWritableType: WritableType<bigint> = {
  className: IO + 'LongWritable',
  read: (r) => r.readInt64(),
  write: (w, v) => w.writeInt64(v),
  toString: (v) => String(v),
  coerce: (v) => int64(IO + 'LongWritable', v),
  toJSON: (v) => String(v),
  javaHashCode: (v) => hashLong(v),
  compareRaw: (a, b) => cmp(view(a).getBigInt64(0), view(b).getBigInt64(0)),
};

export const floatWritableType: WritableType<number> = {
  className: IO + 'FloatWritable',
  read: (r) => r.readFloat32(),
  write: (w, v) => w.writeFloat32(v),
  toString: javaFloatToString,
  coerce: (v) => (typeof v === 'number' ? Math.fround(v) : bad(IO + 'FloatWritable', v, 'a number')),
  toJSON: (v) => (Number.isFinite(v) ? v : String(v)),
  javaHashCode: (v) => floatBits(v),
  compareRaw: (a, b) => cmpFloat(view(a).getFloat32(0), view(b).getFloat32(0)),
};

export const doubleWritableType: WritableType<number> = {
  className: IO + 'DoubleWritable',
  read: (r) => r.readFloat64(),
  write: (w, v) => w.writeFloat64(v),
  toString: javaDoubleToString,
  coerce: (v) => (typeof v === 'number' ? v : bad(IO + 'DoubleWritable', v, 'a number')),
  toJSON: (v) => (Number.isFinite(v) ? v : String(v)),
  javaHashCode: (v) => Number(BigInt.asIntN(32, doubleBits(v))),
  compareRaw: (a, b) => cmpFloat(view(a).getFloat64(0), view(b).getFloat64(0)),
};

export const vintWritableType: WritableType<number> = {
  className: IO + 'VIntWritable',
  read: (r) => r.readVInt(),
  write: (w, v) => w.writeVInt(v),
  toString: (v) => String(v),
  coerce: (v) => intIn(IO + 'VIntWritable', v, -2147483648, 2147483647),
  toJSON: (v) => v,
  javaHashCode: (v) => v,
  compareRaw: (a, b) => cmp(vlongOf(a), vlongOf(b)),
};

export const vlongWritableType: WritableType<bigint> = {
  className: IO + 'VLongWritable',
  read: (r) => r.readVLong(),
  write: (w, v) => w.writeVLong(v),
  toString: (v) => String(v),
  coerce: (v) => int64(IO + 'VLongWritable', v),
  toJSON: (v) => String(v),
  javaHashCode: (v) => Number(BigInt.asIntN(32, v)),
  compareRaw: (a, b) => cmp(vlongOf(a), vlongOf(b)),
};

const scratch = new ByteReader(new Uint8Array(0));
function vlongOf(b: Uint8Array): bigint {
  scratch.reset(b, 0, b.length, 0);
  return scratch.readVLong();
}
