import type { WritableType } from './types.js';
import { hashBytes } from './java-hash.js';
import { bad, compareBytes } from './coerce.js';
import { decodeVIntSize } from '../io/vint.js';
import { encodeJavaUtf8 } from '../io/utf8.js';

export const TEXT = 'org.apache.hadoop.io.Text';

/** `org.apache.hadoop.io.Text`: VInt byte length + UTF-8, as a JS string. */
export const textType: WritableType<string> = {
  className: TEXT,
  read: (r) => r.readText(),
  write: (w, v) => w.writeText(v),
  toString: (v) => v,
  coerce: (v) => (typeof v === 'string' ? v : bad(TEXT, v, 'a string')),
  toJSON: (v) => v,
  // Text.Comparator: the UTF-8 bytes after the length, unsigned
  javaHashCode: (v) => hashBytes(encodeJavaUtf8(v)),
  compareRaw: (a, b) => compareBytes(a, vlen(a), a.length, b, vlen(b), b.length),
};

function vlen(b: Uint8Array): number {
  return b.length === 0 ? 0 : decodeVIntSize((b[0]! << 24) >> 24);
}
