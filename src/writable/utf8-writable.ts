import type { ByteReader } from '../io/byte-reader.js';
import type { ByteWriter } from '../io/byte-writer.js';
import { UsageError } from '../io/errors.js';
import type { WritableType } from './types.js';
import { bad, compareBytes } from './coerce.js';
import { hashBytes } from './java-hash.js';

export const UTF8_CLASS = 'org.apache.hadoop.io.UTF8';

/**
 * The deprecated `org.apache.hadoop.io.UTF8` encoding, still used by
 * ObjectWritable and old files: unsigned 16-bit byte length, then each UTF-16
 * unit as 1–3 bytes (surrogate halves separately, i.e. CESU-8; U+0000 as a
 * single 00 byte).
 */
export function encodeHadoopUtf8(s: string): Uint8Array {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c <= 0x7f ? 1 : c <= 0x7ff ? 2 : 3;
  }
  const out = new Uint8Array(n);
  let p = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x7f) out[p++] = c;
    else if (c <= 0x7ff) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 0x3f);
    } else {
      out[p++] = 0xe0 | (c >> 12);
      out[p++] = 0x80 | ((c >> 6) & 0x3f);
      out[p++] = 0x80 | (c & 0x3f);
    }
  }
  return out;
}

/** Decode as `UTF8.readChars` does (lenient: it trusts the lead byte's length). */
export function decodeHadoopUtf8(b: Uint8Array): string {
  const units: number[] = [];
  let i = 0;
  const at = (k: number): number => b[k] ?? 0;
  while (i < b.length) {
    const x = b[i]!;
    if ((x & 0x80) === 0) {
      units.push(x);
      i += 1;
    } else if ((x & 0xe0) !== 0xe0) {
      units.push(((x & 0x1f) << 6) | (at(i + 1) & 0x3f));
      i += 2;
    } else if ((x & 0xf0) !== 0xf0) {
      units.push(((x & 0x0f) << 12) | ((at(i + 1) & 0x3f) << 6) | (at(i + 2) & 0x3f));
      i += 3;
    } else {
      const cp = ((x & 0x07) << 18) | ((at(i + 1) & 0x3f) << 12) | ((at(i + 2) & 0x3f) << 6) | (at(i + 3) & 0x3f);
      const u = cp - 0x10000;
      units.push(0xd800 | ((u >> 10) & 0x3ff), 0xdc00 | (u & 0x3ff));
      i += 4;
    }
  }
  let s = '';
  for (let k = 0; k < units.length; k += 8192) s += String.fromCharCode(...units.slice(k, k + 8192));
  return s;
}

/** `UTF8.readString`. */
export function readHadoopUtf8(r: ByteReader): string {
  const n = r.readUint16();
  return decodeHadoopUtf8(r.readBytes(n));
}

/** `UTF8.writeString`. */
export function writeHadoopUtf8(w: ByteWriter, s: string): void {
  const b = encodeHadoopUtf8(s);
  if (b.length > 0xffff) throw new UsageError(`string too long for UTF8: ${b.length} bytes (max 65535)`);
  w.writeUint16(b.length);
  w.writeBytes(b);
}

export const utf8WritableType: WritableType<string> = {
  className: UTF8_CLASS,
  read: readHadoopUtf8,
  write: writeHadoopUtf8,
  toString: (v) => v,
  coerce: (v) => (typeof v === 'string' ? v : bad(UTF8_CLASS, v, 'a string')),
  toJSON: (v) => v,
  javaHashCode: (v) => hashBytes(encodeHadoopUtf8(v)),
  compareRaw: (a, b) => compareBytes(a, 2, a.length, b, 2, b.length),
};
