import { CorruptFileError, LimitExceededError } from '../io/errors.js';
import { copyOfRange } from './small-bytes.js';
import { sealBytes } from '../io/byte-reader.js';

/**
 * Hadoop's BlockCompressorStream / BlockDecompressorStream framing, used by
 * SnappyCodec and Lz4Codec: a sequence of blocks, each an int32 BE
 * uncompressed length followed by chunks (int32 BE compressed length, raw
 * compressed bytes) until that many bytes are produced.
 */
export interface RawBlockCompressor {
  /** Compress one chunk of input into a raw block (no framing). */
  compress(input: Uint8Array): Uint8Array;
  /**
   * Optional: compress straight into `out` at `at` (room for `maxCompressed(n)` bytes) and return
   * the end offset, or -1 to decline (then `compress` is used).
   */
  compressInto?(input: Uint8Array, out: Uint8Array, at: number): number;
  maxCompressed?(n: number): number;
  /** Decompress one raw block; `capacity` is an upper bound of its output. */
  decompress(input: Uint8Array, capacity: number): Uint8Array;
}

/**
 * Frame `input` as Hadoop's writer does for the given write calls (sizes that
 * add up to input.length; default: one write). `maxInput` is the compressor
 * buffer less its overhead (MAX_INPUT_SIZE).
 */
export function frameBlocks(input: Uint8Array, writes: readonly number[] | undefined, maxInput: number, c: RawBlockCompressor): Uint8Array {
  if (input.length > 0 && input.length <= maxInput) {
    // The common case (every RECORD value under ~213 KiB): whatever the write calls, it all fits the
    // compressor's buffer, so one block of one chunk, framed straight into the output.
    if (c.compressInto && c.maxCompressed) {
      const room = 8 + c.maxCompressed(input.length);
      if (scratch.length < room) scratch = new Uint8Array(Math.max(room, scratch.length * 2));
      const end = c.compressInto(input, scratch, 8);
      if (end >= 0) {
        putInt32(scratch, 0, input.length);
        putInt32(scratch, 4, end - 8);
        return copyOfRange(scratch, 0, end);
      }
    }
    const z = c.compress(input);
    const out = new Uint8Array(8 + z.length);
    putInt32(out, 0, input.length);
    putInt32(out, 4, z.length);
    out.set(z, 8);
    return out;
  }
  const parts: Uint8Array[] = [];
  const header = (n: number): void => {
    const b = new Uint8Array(4);
    putInt32(b, 0, n);
    parts.push(b);
  };
  const chunk = (bytes: Uint8Array): void => {
    const z = c.compress(bytes);
    header(z.length);
    parts.push(z);
  };
  // bytes given to the compressor but not yet written out (the open block)
  let bufStart = 0;
  let bufLen = 0;
  // after a split write the compressor is reset: finish() then writes an empty block
  let resetSinceFinish = false;
  const finishBlock = (): void => {
    header(bufLen);
    if (bufLen > 0) chunk(input.subarray(bufStart, bufStart + bufLen));
    bufLen = 0;
  };
  let off = 0;
  for (const len of writes ?? [input.length]) {
    if (len === 0) continue;
    if (len + bufLen > maxInput && bufLen > 0) {
      finishBlock(); // this write would overflow the buffer: flush what is buffered
      resetSinceFinish = false;
    }
    if (len > maxInput) {
      // too big for one chunk: one block header, several chunks
      header(len);
      for (let p = 0; p < len; p += maxInput) chunk(input.subarray(off + p, off + Math.min(len, p + maxInput)));
      off += len;
      bufStart = off;
      bufLen = 0;
      resetSinceFinish = true;
      continue;
    }
    // the compressor buffers it (its buffer is larger than maxInput, so it never fills early)
    if (bufLen === 0) bufStart = off;
    bufLen += len;
    off += len;
  }
  if (bufLen > 0 || resetSinceFinish || parts.length === 0) finishBlock();
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/** Where small blocks are framed before the one copy out. */
let scratch = new Uint8Array(4096);

function getInt32(b: Uint8Array, at: number): number {
  return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
}

function putInt32(b: Uint8Array, at: number, n: number): void {
  b[at] = n >>> 24;
  b[at + 1] = (n >>> 16) & 0xff;
  b[at + 2] = (n >>> 8) & 0xff;
  b[at + 3] = n & 0xff;
}

/** Undo `frameBlocks`, never producing more than `max` bytes. The output is sealed (`sealBytes`). */
export function unframeBlocks(input: Uint8Array, max: number, c: RawBlockCompressor, codec: string): Uint8Array {
  // the common case (every small RECORD value): one block of one chunk, decompressed straight out
  if (input.length > 8) {
    const blockLen = getInt32(input, 0);
    if (blockLen > 0 && blockLen <= max && getInt32(input, 4) === input.length - 8) {
      const out = c.decompress(input.subarray(8), blockLen);
      if (out.length === blockLen) return sealBytes(out);
      // anything else goes the long way, which names what is wrong
    }
  }
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const parts: Uint8Array[] = [];
  let total = 0;
  let p = 0;
  const int = (what: string): number => {
    if (p + 4 > input.length) throw new CorruptFileError(`${codec} stream ends inside a ${what} length`);
    const v = view.getInt32(p);
    p += 4;
    if (v < 0) throw new CorruptFileError(`${codec} stream has a negative ${what} length ${v}`);
    return v;
  };
  while (p < input.length) {
    const blockLen = int('block');
    if (total + blockLen > max) throw new LimitExceededError(`${codec} data exceeds the limit of ${max} bytes`);
    let got = 0;
    while (got < blockLen) {
      const n = int('chunk');
      if (p + n > input.length) throw new CorruptFileError(`${codec} chunk of ${n} bytes runs past the end of the stream`);
      const out = c.decompress(input.subarray(p, p + n), blockLen - got);
      p += n;
      if (out.length === 0) throw new CorruptFileError(`${codec} chunk decompressed to nothing`);
      got += out.length;
      if (got > blockLen) throw new CorruptFileError(`${codec} block decompressed to more than its ${blockLen} bytes`);
      parts.push(out);
    }
    total += blockLen;
  }
  if (parts.length === 1) return sealBytes(parts[0]!);
  const out = new Uint8Array(total);
  let q = 0;
  for (const part of parts) {
    out.set(part, q);
    q += part.length;
  }
  return sealBytes(out);
}
