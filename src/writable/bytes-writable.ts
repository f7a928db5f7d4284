import type { WritableType } from './types.js';
import { hashBytes } from './java-hash.js';
import { bytesOf, bytesToJson, compareBytes, toHex } from './coerce.js';

export const BYTES = 'org.apache.hadoop.io.BytesWritable';

/** `BytesWritable`: int32 length + bytes; prints as hex bytes separated by spaces. */
export const bytesWritableType: WritableType<Uint8Array> = {
  className: BYTES,
  read(r) {
    const at = r.pos;
    const n = r.readInt32();
    r.checkLength(n, 'BytesWritable', at);
    return r.readBytes(n).slice();
  },
  write(w, v) {
    w.writeInt32(v.length);
    w.writeBytes(v);
  },
  toString: (v) => toHex(v, ' '),
  coerce: (v) => bytesOf(BYTES, v),
  toJSON: (v, o) => bytesToJson(v, o.bytes),
  javaHashCode: (v) => hashBytes(v),
  compareRaw: (a, b) => compareBytes(a, 4, a.length, b, 4, b.length),
};
