/**
 * String codecs with Java's exact behaviour:
 * - `decodeJavaUtf8`: what `Text.toString()` prints. Java's UTF-8 decoder with
 *   REPLACE differs from WHATWG's on malformed input (e.g. an encoded surrogate
 *   `ED A0 BD` is one U+FFFD, a truncated tail is one U+FFFD), so invalid input
 *   goes through a decoder that follows Java's malformed-length rules.
 * - `encodeJavaUtf8`: `Text.set(String)`; unpaired surrogates become `?` as
 *   Java's encoder replaces them.
 * - modified UTF-8 (`DataOutput.writeUTF`): U+0000 as C0 80, supplementary
 *   characters as two 3-byte surrogates.
 */

import { isUtf8 } from 'node:buffer';

const textEncoder = new TextEncoder();
const REPLACEMENT = 0xfffd;

/** Decode UTF-8 the way Java's `Text.toString()` does. */
export function decodeJavaUtf8(bytes: Uint8Array): string {
  const s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // native decoding agrees with Java on valid input; U+FFFD means a real
  // U+FFFD or malformed input, and only the latter needs Java's rules
  return s.indexOf('\ufffd') < 0 || isUtf8(bytes) ? s : decodeJavaUtf8Slow(bytes);
}

const isCont = (b: number): boolean => (b & 0xc0) === 0x80;

/** Java's sun.nio.cs.UTF_8 decoder with CodingErrorAction.REPLACE, written from its documented rules. */
export function decodeJavaUtf8Slow(bytes: Uint8Array): string {
  const n = bytes.length;
  // UTF-16 units: at most one per byte (a 4-byte sequence makes two); a typed array, not a JS array
  // of numbers, so a large malformed value costs 2 bytes per byte
  const units = new Uint16Array(n);
  let len = 0;
  let i = 0;
  while (i < n) {
    const b1 = bytes[i]!;
    const left = n - i;
    if (b1 < 0x80) {
      units[len++] = b1;
      i++;
    } else if (b1 >= 0xc2 && b1 <= 0xdf) {
      if (left < 2) {
        units[len++] = REPLACEMENT; // truncated at end of input: the rest is one malformed unit
        break;
      }
      const b2 = bytes[i + 1]!;
      if (!isCont(b2)) {
        units[len++] = REPLACEMENT;
        i += 1;
        continue;
      }
      units[len++] = ((b1 & 0x1f) << 6) | (b2 & 0x3f);
      i += 2;
    } else if (b1 >= 0xe0 && b1 <= 0xef) {
      const bad2 = (b2: number): boolean => (b1 === 0xe0 && (b2 & 0xe0) === 0x80) || !isCont(b2);
      if (left < 3) {
        if (left > 1 && bad2(bytes[i + 1]!)) {
          units[len++] = REPLACEMENT;
          i += 1;
          continue;
        }
        units[len++] = REPLACEMENT;
        break;
      }
      const b2 = bytes[i + 1]!;
      const b3 = bytes[i + 2]!;
      if (bad2(b2) || !isCont(b3)) {
        units[len++] = REPLACEMENT;
        i += bad2(b2) ? 1 : 2;
        continue;
      }
      const c = ((b1 & 0x0f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
      units[len++] = c >= 0xd800 && c <= 0xdfff ? REPLACEMENT : c; // an encoded surrogate is one malformed unit of 3
      i += 3;
    } else if (b1 >= 0xf0 && b1 <= 0xf7) {
      const bad2 = (b2: number): boolean =>
        (b1 === 0xf0 && (b2 < 0x90 || b2 > 0xbf)) || (b1 === 0xf4 && (b2 & 0xf0) !== 0x80) || !isCont(b2);
      if (left < 4) {
        if (b1 > 0xf4 || (left > 1 && bad2(bytes[i + 1]!))) {
          units[len++] = REPLACEMENT;
          i += 1;
          continue;
        }
        if (left > 2 && !isCont(bytes[i + 2]!)) {
          units[len++] = REPLACEMENT;
          i += 2;
          continue;
        }
        units[len++] = REPLACEMENT;
        break;
      }
      const b2 = bytes[i + 1]!;
      const b3 = bytes[i + 2]!;
      const b4 = bytes[i + 3]!;
      const cp = ((b1 & 0x07) << 18) | ((b2 & 0x3f) << 12) | ((b3 & 0x3f) << 6) | (b4 & 0x3f);
      if (!isCont(b2) || !isCont(b3) || !isCont(b4) || cp < 0x10000 || cp > 0x10ffff) {
        // malformed 4-byte unit: its length is decided from the first bytes
        units[len++] = REPLACEMENT;
        i += b1 > 0xf4 || bad2(b2) ? 1 : !isCont(b3) ? 2 : 3;
        continue;
      }
      const u = cp - 0x10000;
      units[len++] = 0xd800 | (u >> 10);
      units[len++] = 0xdc00 | (u & 0x3ff);
      i += 4;
    } else {
      units[len++] = REPLACEMENT; // 80..C1, F8..FF
      i += 1;
    }
  }
  // the units are in host byte order: one native conversion on little-endian hosts (all but s390x)
  if (LITTLE_ENDIAN) return Buffer.from(units.buffer, units.byteOffset, len * 2).toString('utf16le');
  let s = '';
  for (let k = 0; k < len; k += 8192) s += String.fromCharCode.apply(null, units.subarray(k, Math.min(len, k + 8192)) as unknown as number[]);
  return s;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATE_ALL = new RegExp(LONE_SURROGATE.source, 'g');

/** True if `s` has a surrogate half without its partner (Java encodes it as `?`). */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/** Encode a string as Java's `Text` does: UTF-8, unpaired surrogates as `?`. */
export function encodeJavaUtf8(s: string): Uint8Array {
  if (LONE_SURROGATE.test(s)) s = s.replace(LONE_SURROGATE_ALL, '?');
  return textEncoder.encode(s);
}

/** Bytes `encodeJavaUtf8(s)` will produce, without encoding. */
export function javaUtf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) n += 1; // replaced by '?'
    else n += 3;
  }
  return n;
}

/** Java modified UTF-8 (`writeUTF` body, without the length prefix). */
export function encodeModifiedUtf8(s: string): Uint8Array {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c >= 1 && c <= 0x7f ? 1 : c <= 0x7ff ? 2 : 3;
  }
  const out = new Uint8Array(n);
  let p = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 1 && c <= 0x7f) out[p++] = c;
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

/** Decode Java modified UTF-8 as `DataInput.readUTF` does; `undefined` where Java throws UTFDataFormatException. */
export function decodeModifiedUtf8(bytes: Uint8Array): string | undefined {
  const units: number[] = [];
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    switch (b >> 4) {
      case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
        units.push(b);
        i += 1;
        break;
      case 12: case 13: {
        if (i + 2 > n) return undefined;
        const b2 = bytes[i + 1]!;
        if ((b2 & 0xc0) !== 0x80) return undefined;
        units.push(((b & 0x1f) << 6) | (b2 & 0x3f));
        i += 2;
        break;
      }
      case 14: {
        if (i + 3 > n) return undefined;
        const b2 = bytes[i + 1]!;
        const b3 = bytes[i + 2]!;
        if ((b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80) return undefined;
        units.push(((b & 0x0f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f));
        i += 3;
        break;
      }
      default:
        return undefined;
    }
  }
  let s = '';
  for (let k = 0; k < units.length; k += 8192) s += String.fromCharCode.apply(null, units.slice(k, k + 8192));
  return s;
}
