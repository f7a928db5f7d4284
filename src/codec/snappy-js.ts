import { CorruptFileError, LimitExceededError } from '../io/errors.js';
import { smallBytes } from './small-bytes.js';

/**
 * Raw snappy blocks in plain TypeScript, for small inputs: a RECORD file
 * compresses one ~100-byte value per record, and crossing into a native
 * addon costs more than compressing it here. Output is valid snappy that any
 * decoder (Hadoop's included) reads, though not byte-identical to libsnappy's.
 */

const MAX_TABLE_BITS = 14;
/**
 * Hash table of positions, shared by all calls. An entry holds `base + position` for the call
 * that wrote it, and every call starts with a `base` above all earlier entries, so entries from
 * earlier calls read as "empty" and the table is never cleared (small inputs would spend most of
 * their time clearing it).
 */
const table = new Int32Array(1 << MAX_TABLE_BITS).fill(-1);
let nextBase = 0;

/** Upper bound of the compressed size (libsnappy's MaxCompressedLength). */
export function snappyMaxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

function load32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

function emitLiteral(out: Uint8Array, o: number, src: Uint8Array, from: number, to: number): number {
  const n = to - from - 1;
  if (n < 60) out[o++] = n << 2;
  else if (n < 0x100) {
    out[o++] = 60 << 2;
    out[o++] = n;
  } else if (n < 0x10000) {
    out[o++] = 61 << 2;
    out[o++] = n & 0xff;
    out[o++] = n >>> 8;
  } else if (n < 0x1000000) {
    out[o++] = 62 << 2;
    out[o++] = n & 0xff;
    out[o++] = (n >>> 8) & 0xff;
    out[o++] = n >>> 16;
  } else {
    out[o++] = 63 << 2;
    out[o++] = n & 0xff;
    out[o++] = (n >>> 8) & 0xff;
    out[o++] = (n >>> 16) & 0xff;
    out[o++] = n >>> 24;
  }
  if (to - from < 16) for (let i = from; i < to; i++) out[o++] = src[i]!;
  else {
    out.set(src.subarray(from, to), o);
    o += to - from;
  }
  return o;
}

function emitCopy(out: Uint8Array, o: number, offset: number, len: number): number {
  // Copies of up to 64 bytes with a 2-byte offset (offsets here are < 64 KiB: blocks are small).
  while (len >= 68) {
    out[o++] = (63 << 2) | 2;
    out[o++] = offset & 0xff;
    out[o++] = offset >>> 8;
    len -= 64;
  }
  if (len > 64) {
    out[o++] = (59 << 2) | 2;
    out[o++] = offset & 0xff;
    out[o++] = offset >>> 8;
    len -= 60;
  }
  if (len < 12 && offset < 2048) {
    out[o++] = 1 | ((len - 4) << 2) | ((offset >>> 8) << 5);
    out[o++] = offset & 0xff;
  } else {
    out[o++] = 2 | ((len - 1) << 2);
    out[o++] = offset & 0xff;
    out[o++] = offset >>> 8;
  }
  return o;
}

/** Compress `input` (at most 64 KiB, so every offset fits two bytes) into one raw snappy block. */
export function snappyCompressSmall(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(snappyMaxCompressedLength(input.length));
  return out.subarray(0, snappyCompressInto(input, out, 0));
}

/**
 * Compress `input` (at most 64 KiB) into `out` at `at`, which must have
 * `snappyMaxCompressedLength(input.length)` bytes of room; returns the end
 * offset. Lets a caller frame the block without another copy.
 */
export function snappyCompressInto(input: Uint8Array, out: Uint8Array, at: number): number {
  const n = input.length;
  if (n > 0xffff) throw new RangeError('snappyCompressInto takes at most 65535 bytes');
  let o = at;
  // varint32 length preamble
  let v = n;
  while (v >= 0x80) {
    out[o++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[o++] = v;
  if (n < 15) {
    if (n > 0) o = emitLiteral(out, o, input, 0, n);
    return o;
  }
  let bits = 8;
  while (bits < MAX_TABLE_BITS && 1 << bits < n) bits++;
  const shift = 32 - bits;
  if (nextBase > 0x7fffffff - 0x20000) {
    table.fill(-1);
    nextBase = 0;
  }
  const base = nextBase;
  nextBase += n + 1;
  let lit = 0;
  let i = 0;
  const limit = n - 4;
  // after 32 misses in a row, step further each miss: incompressible input is skipped quickly
  let skip = 32;
  while (i <= limit) {
    const cur = load32(input, i);
    const h = Math.imul(cur, 0x1e35a7bd) >>> shift;
    const cand = table[h]! - base;
    table[h] = base + i;
    if (cand < 0 || load32(input, cand) !== cur) {
      i += skip++ >> 5;
      continue;
    }
    skip = 32;
    if (lit < i) o = emitLiteral(out, o, input, lit, i);
    let len = 4;
    while (i + len + 4 <= n && load32(input, cand + len) === load32(input, i + len)) len += 4;
    while (i + len < n && input[cand + len] === input[i + len]) len++;
    o = emitCopy(out, o, i - cand, len);
    i += len;
    lit = i;
  }
  if (lit < n) o = emitLiteral(out, o, input, lit, n);
  return o;
}

/** Decode one raw snappy block; never writes more than its declared length, which must be <= maxOutput. */
export function snappyDecompressJs(input: Uint8Array, maxOutput: number): Uint8Array {
  let p = 0;
  let n = 0;
  for (let shift = 0; ; shift += 7) {
    if (p >= input.length || shift > 28) throw new CorruptFileError('bad snappy length preamble');
    const b = input[p++]!;
    n += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  if (n > maxOutput) throw new LimitExceededError(`snappy block claims ${n} bytes, over the limit of ${maxOutput}`);
  const out = smallBytes(n);
  let o = 0;
  const end = input.length;
  while (p < end) {
    const tag = input[p++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (p + extra > end) throw new CorruptFileError('snappy literal length runs past the input');
        len = 0;
        for (let k = 0; k < extra; k++) len += input[p + k]! * 2 ** (8 * k);
        p += extra;
      }
      len += 1;
      if (p + len > end || o + len > n) throw new CorruptFileError('snappy literal runs past its bounds');
      if (len < 64) for (let k = 0; k < len; k++) out[o++] = input[p++]!;
      else {
        out.set(input.subarray(p, p + len), o);
        o += len;
        p += len;
      }
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (p >= end) throw new CorruptFileError('snappy copy runs past the input');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[p++]!;
    } else if (kind === 2) {
      if (p + 2 > end) throw new CorruptFileError('snappy copy runs past the input');
      len = (tag >>> 2) + 1;
      offset = input[p]! | (input[p + 1]! << 8);
      p += 2;
    } else {
      if (p + 4 > end) throw new CorruptFileError('snappy copy runs past the input');
      len = (tag >>> 2) + 1;
      offset = (input[p]! | (input[p + 1]! << 8) | (input[p + 2]! << 16) | (input[p + 3]! << 24)) >>> 0;
      p += 4;
    }
    if (offset === 0 || offset > o || o + len > n) throw new CorruptFileError('bad snappy copy');
    // an overlapping copy (offset < len) repeats a pattern byte by byte; others can move at once
    if (offset >= len && len >= 32) {
      out.copyWithin(o, o - offset, o - offset + len);
      o += len;
    } else for (let k = 0; k < len; k++, o++) out[o] = out[o - offset]!;
  }
  if (o !== n) throw new CorruptFileError(`snappy block decodes to ${o} bytes, its header says ${n}`);
  return out;
}
