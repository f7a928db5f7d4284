import { CorruptFileError } from '../io/errors.js';
import { copyOfRange } from './small-bytes.js';

/**
 * Raw LZ4 blocks in plain TypeScript, for small inputs: a RECORD file
 * compresses one ~100-byte value per record, and a call into the native
 * addon costs several times more than compressing it here. The output
 * follows the block format's end rules (the last 5 bytes are literals, no
 * match starts in the last 12), so every LZ4 decoder reads it, though the
 * bytes are not lz4's own.
 */

const MIN_MATCH = 4;
const LAST_LITERALS = 5;
const MF_LIMIT = 12;
const MAX_TABLE_BITS = 12;
/** Entries are `base + position`; each call's base is above every earlier entry, so the table is never cleared. */
const table = new Int32Array(1 << MAX_TABLE_BITS).fill(-1);
let nextBase = 0;

/** Upper bound of the compressed size (LZ4_compressBound). */
export function lz4MaxCompressedLength(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

function load32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

/** A length past 15: 255s then the remainder (the token holds the first 15). */
function putLength(out: Uint8Array, o: number, n: number): number {
  while (n >= 255) {
    out[o++] = 255;
    n -= 255;
  }
  out[o++] = n;
  return o;
}

function putSequence(out: Uint8Array, o: number, src: Uint8Array, from: number, to: number, offset: number, matchLen: number): number {
  const lit = to - from;
  const m = matchLen - MIN_MATCH;
  out[o++] = ((lit < 15 ? lit : 15) << 4) | (matchLen === 0 ? 0 : m < 15 ? m : 15);
  if (lit >= 15) o = putLength(out, o, lit - 15);
  for (let i = from; i < to; i++) out[o++] = src[i]!;
  if (matchLen === 0) return o; // the last sequence: literals only
  out[o++] = offset & 0xff;
  out[o++] = offset >>> 8;
  if (m >= 15) o = putLength(out, o, m - 15);
  return o;
}

/**
 * Compress `input` (at most 65535 bytes, so every offset fits) into `out` at
 * `at`, which must have `lz4MaxCompressedLength(input.length)` bytes of
 * room; returns the end offset.
 */
export function lz4CompressInto(input: Uint8Array, out: Uint8Array, at: number): number {
  const n = input.length;
  if (n > 0xffff) throw new RangeError('lz4CompressInto takes at most 65535 bytes');
  let o = at;
  if (n < MF_LIMIT + 1) return putSequence(out, o, input, 0, n, 0, 0);
  let bits = 8;
  while (bits < MAX_TABLE_BITS && 1 << bits < n) bits++;
  const shift = 32 - bits;
  if (nextBase > 0x7fffffff - 0x20000) {
    table.fill(-1);
    nextBase = 0;
  }
  const base = nextBase;
  nextBase += n + 1;
  const matchLimit = n - MF_LIMIT; // last position a match may start at
  const matchEnd = n - LAST_LITERALS; // a match ends before the last literals
  let lit = 0;
  let i = 0;
  let skip = 32;
  while (i <= matchLimit) {
    const cur = load32(input, i);
    const h = Math.imul(cur, 0x9e3779b1) >>> shift;
    const cand = table[h]! - base;
    table[h] = base + i;
    if (cand < 0 || load32(input, cand) !== cur) {
      i += skip++ >> 5;
      continue;
    }
    skip = 32;
    let len = MIN_MATCH;
    while (i + len < matchEnd && input[cand + len] === input[i + len]) len++;
    o = putSequence(out, o, input, lit, i, i - cand, len);
    i += len;
    lit = i;
  }
  return putSequence(out, o, input, lit, n, 0, 0);
}

let scratch = new Uint8Array(4096);

/**
 * Decode one raw LZ4 block of at most `capacity` bytes (more is CorruptFileError): the whole
 * input must be sequences, the last one literals only.
 */
export function lz4DecompressJs(input: Uint8Array, capacity: number): Uint8Array {
  if (scratch.length < capacity) scratch = new Uint8Array(Math.max(capacity, scratch.length * 2));
  const out = scratch;
  const end = input.length;
  let p = 0;
  let o = 0;
  if (end === 0) throw new CorruptFileError('bad lz4 data: empty block');
  for (;;) {
    if (p >= end) throw new CorruptFileError('bad lz4 data: block ends before its last literals');
    const token = input[p++]!;
    let lit = token >>> 4;
    if (lit === 15) {
      for (;;) {
        if (p >= end) throw new CorruptFileError('bad lz4 data: literal length runs past the input');
        const b = input[p++]!;
        lit += b;
        if (b !== 255) break;
      }
    }
    if (p + lit > end) throw new CorruptFileError('bad lz4 data: literals run past the input');
    if (o + lit > capacity) throw new CorruptFileError(`bad lz4 data: decodes to more than ${capacity} bytes`);
    for (let k = 0; k < lit; k++) out[o++] = input[p++]!;
    if (p === end) break; // the last sequence has no match
    if (p + 2 > end) throw new CorruptFileError('bad lz4 data: match offset runs past the input');
    const offset = input[p]! | (input[p + 1]! << 8);
    p += 2;
    if (offset === 0 || offset > o) throw new CorruptFileError(`bad lz4 data: match offset ${offset} at output byte ${o}`);
    let len = token & 15;
    if (len === 15) {
      for (;;) {
        if (p >= end) throw new CorruptFileError('bad lz4 data: match length runs past the input');
        const b = input[p++]!;
        len += b;
        if (b !== 255) break;
      }
    }
    len += MIN_MATCH;
    if (o + len > capacity) throw new CorruptFileError(`bad lz4 data: decodes to more than ${capacity} bytes`);
    for (let k = 0; k < len; k++, o++) out[o] = out[o - offset]!;
  }
  return copyOfRange(out, 0, o);
}
