import type { WritableType } from './types.js';
import { bad, bytesOf, bytesToJson, compareBytes, toHex } from './coerce.js';

export const MD5 = 'org.apache.hadoop.io.MD5Hash';

/** `MD5Hash`: 16 raw bytes; prints 32 lowercase hex digits. */
export const md5HashType: WritableType<Uint8Array> = {
  className: MD5,
  read: (r) => r.readBytes(16).slice(),
  write: (w, v) => w.writeBytes(v),
  toString: (v) => toHex(v),
  coerce(v) {
    if (typeof v === 'string' && /^[0-9a-fA-F]{32}$/.test(v)) return new Uint8Array(Buffer.from(v, 'hex'));
    const b = bytesOf(MD5, v);
    return b.length === 16 ? b : bad(MD5, v, '16 bytes or 32 hex digits');
  },
  toJSON: (v, o) => (o.bytes === 'hex' ? toHex(v) : bytesToJson(v, o.bytes)),
  javaHashCode: (v) => ((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) | 0,
  compareRaw: (a, b) => compareBytes(a, 0, a.length, b, 0, b.length),
};
