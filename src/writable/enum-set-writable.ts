import { UnsupportedFormatError } from '../io/errors.js';
import type { WritableType } from './types.js';
import { readHadoopUtf8, writeHadoopUtf8 } from './utf8-writable.js';
import { bad } from './coerce.js';

export const ENUM_SET_WRITABLE = 'org.apache.hadoop.io.EnumSetWritable';

/** An EnumSet: its element class and constant names (in ordinal order, as Java writes them). */
export interface EnumSetValue {
  elementType: string;
  names: string[] | null;
}

/**
 * `EnumSetWritable`: int32 size (-1 for null); for null or empty sets the
 * element class as `WritableUtils.writeString`; then each constant as an
 * ObjectWritable of the enum class (UTF8 class name + UTF8 constant name).
 * toString is the set's: `[A, B]`.
 */
export const enumSetWritableType: WritableType<EnumSetValue> = {
  className: ENUM_SET_WRITABLE,
  read(r) {
    const at = r.pos;
    const n = r.readInt32();
    if (n < -1 || n > r.limits.maxElements || n * 4 > r.remaining) r.corrupt(`invalid EnumSetWritable size ${n}`, at);
    if (n > 0) r.countElements(n, 'EnumSetWritable', at);
    if (n <= 0) {
      const len = r.readInt32();
      if (len < 0) return { elementType: '', names: n < 0 ? null : [] };
      r.checkLength(len, 'class name');
      return { elementType: r.readUtf8(len), names: n < 0 ? null : [] };
    }
    const names: string[] = [];
    let elementType = '';
    for (let i = 0; i < n; i++) {
      elementType = readHadoopUtf8(r);
      names.push(readHadoopUtf8(r));
    }
    return { elementType, names };
  },
  write(w, v) {
    if (v.names === null || v.names.length === 0) {
      w.writeInt32(v.names === null ? -1 : 0);
      if (!v.elementType) throw new UnsupportedFormatError('an empty EnumSetWritable needs its elementType');
      const b = new TextEncoder().encode(v.elementType);
      w.writeInt32(b.length);
      w.writeBytes(b);
      return;
    }
    w.writeInt32(v.names.length);
    for (const name of v.names) {
      writeHadoopUtf8(w, v.elementType);
      writeHadoopUtf8(w, name);
    }
  },
  toString: (v) => (v.names === null ? 'null' : `[${v.names.join(', ')}]`),
  coerce: (v) => (v && typeof v === 'object' && 'elementType' in v ? (v as EnumSetValue) : bad(ENUM_SET_WRITABLE, v, '{ elementType, names }')),
  toJSON: (v) => v.names,
};
