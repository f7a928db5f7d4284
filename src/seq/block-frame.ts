import { ByteReader } from '../io/byte-reader.js';
import { CorruptFileError } from '../io/errors.js';
import type { ReadLimits } from '../io/limits.js';
import { decodeVIntSize } from '../io/vint.js';
import { SYNC_ESCAPE, SYNC_HASH_SIZE, SYNC_SIZE } from './constants.js';

/**
 * The one parser of BLOCK-compressed framing. A block is: sync escape and
 * marker (version 2+ files), a VInt record count, then four buffers (key
 * lengths, keys, value lengths, values), each a VInt size and a complete codec
 * stream. These functions are pure and synchronous over a byte range, so the
 * reader, `cli/block-scan`, the fuzzer and worker threads share them.
 *
 * Offsets: `bytes[i]` is at file offset `base + i` (`where.base`, default 0);
 * every offset returned or put in an error is a file offset.
 */

/** Where the bytes come from, for offsets and error messages. */
export interface FrameSource {
  /** File offset of `bytes[0]` (default 0). */
  base?: number;
  /** File name for errors. */
  file?: string;
  /** Called with the escape's offset once the sync marker checked out (before the count is checked). */
  onSync?: (offset: number) => void;
}

/** More bytes are needed: `need` bytes from `at` in all (the range given was shorter). */
export interface NeedBytes {
  need: number;
}

/** One block's framing, with its four compressed buffers as views of the input. */
export interface BlockFrame {
  /** File offset of the block (its sync escape, or its count in version 1 files). */
  offset: number;
  records: number;
  /** File offset of the record-count VInt. */
  countAt: number;
  /** File offset of each buffer's size VInt. */
  sizeAt: [number, number, number, number];
  /** File offset where each buffer's bytes begin. */
  dataAt: [number, number, number, number];
  /** Key lengths, keys, value lengths, values: compressed, subarrays of the input (copy what you keep). */
  buffers: [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  /** File offset just past the block. */
  end: number;
}

/** The start of a block: the sync escape and marker checked, and the record count. */
export interface BlockStart {
  records: number;
  countAt: number;
  /** File offset of the first buffer's size VInt. */
  next: number;
}

/** One buffer's size VInt. */
export interface BlockBufferSize {
  size: number;
  /** File offset where the buffer's bytes begin. */
  next: number;
}

export function isNeed(r: object): r is NeedBytes {
  return 'need' in r;
}

/** Encoded size of the VInt at `q`, or 1 if `q` is past the data (asking for one more byte). */
function vintSizeAt(bytes: Uint8Array, q: number, end: number): number {
  return q < end ? decodeVIntSize((bytes[q]! << 24) >> 24) : 1;
}

function reader(bytes: Uint8Array, at: number, end: number, limits: ReadLimits, where: FrameSource): ByteReader {
  return new ByteReader(bytes, { start: at, end, base: where.base ?? 0, limits, ...(where.file === undefined ? {} : { file: where.file }) });
}

/**
 * Frame the block at `bytes[at]` if all of it lies before `end`: the four
 * buffers' sizes are measured first (a bad size is an error even before the
 * whole block is there), then the escape, marker and count are checked.
 * CorruptFileError / LimitExceededError name the file offset of the bad field.
 */
export function readBlockFrame(bytes: Uint8Array, at: number, end: number, sync: Uint8Array | null, limits: ReadLimits, where: FrameSource = {}): NeedBytes | BlockFrame {
  const base = where.base ?? 0;
  let p = at + (sync !== null ? SYNC_SIZE : 0);
  const countAt = p;
  let vlen = vintSizeAt(bytes, p, end);
  if (p + vlen > end) return { need: p + vlen - at };
  p += vlen;
  const r = reader(bytes, at, end, limits, where);
  const sizeAt: [number, number, number, number] = [0, 0, 0, 0];
  const dataAt: [number, number, number, number] = [0, 0, 0, 0];
  const sizes = [0, 0, 0, 0];
  for (let k = 0; k < 4; k++) {
    vlen = vintSizeAt(bytes, p, end);
    if (p + vlen > end) return { need: p + vlen - at };
    r.pos = p;
    const n = r.readVIntLength('compressed block buffer');
    sizeAt[k] = base + p;
    dataAt[k] = p + vlen;
    sizes[k] = n;
    p += vlen + n;
    // ask for the next buffer's size byte too, so the next answer can measure it
    if (p > end) return { need: p - at + (k < 3 ? 1 : 0) };
  }
  r.pos = at;
  if (sync !== null) checkSync(r, sync, where);
  const records = readCount(r, limits);
  const buffers = dataAt.map((d, k) => bytes.subarray(d, d + sizes[k]!)) as BlockFrame['buffers'];
  for (let k = 0; k < 4; k++) dataAt[k] = base + dataAt[k]!;
  return { offset: base + at, records, countAt: base + countAt, sizeAt, dataAt, buffers, end: base + p };
}

/**
 * Header-only reading, for walking blocks without their buffers' bytes: the
 * escape, marker and count at `bytes[at]`. Then read each buffer's size with
 * `readBlockBufferSize` at `next`, skipping `size` bytes after it.
 */
export function readBlockStart(bytes: Uint8Array, at: number, end: number, sync: Uint8Array | null, limits: ReadLimits, where: FrameSource = {}): NeedBytes | BlockStart {
  const base = where.base ?? 0;
  const p = at + (sync !== null ? SYNC_SIZE : 0);
  const vlen = vintSizeAt(bytes, p, end);
  if (p + vlen > end) return { need: p + vlen - at };
  const r = reader(bytes, at, end, limits, where);
  if (sync !== null) checkSync(r, sync, where);
  const records = readCount(r, limits);
  return { records, countAt: base + p, next: base + r.pos };
}

/** One buffer's size VInt at `bytes[at]` (non-negative, within `limits.maxBufferBytes`). */
export function readBlockBufferSize(bytes: Uint8Array, at: number, end: number, limits: ReadLimits, where: FrameSource = {}): NeedBytes | BlockBufferSize {
  const vlen = vintSizeAt(bytes, at, end);
  if (at + vlen > end) return { need: vlen };
  const r = reader(bytes, at, end, limits, where);
  const size = r.readVIntLength('compressed block buffer');
  return { size, next: r.base + r.pos };
}

function checkSync(r: ByteReader, sync: Uint8Array, where: FrameSource): void {
  const at = r.pos;
  const escape = r.readInt32();
  if (escape !== SYNC_ESCAPE) r.corrupt(`expected a sync escape before the block, found ${escape}`, at);
  const b = r.buf;
  for (let j = 0; j < SYNC_HASH_SIZE; j++) {
    if (b[r.pos + j] !== sync[j]) r.corrupt('sync marker mismatch (file is corrupt)', at);
  }
  r.pos += SYNC_HASH_SIZE;
  where.onSync?.(r.base + at);
}

function readCount(r: ByteReader, limits: ReadLimits): number {
  const at = r.pos;
  const count = r.readVInt();
  if (count < 0 || count > limits.maxElements) r.corrupt(`invalid block record count ${count}`, at);
  return count;
}

/** A decoded block: per-record lengths and the serialized keys and values, back to back. */
export interface DecodedBlock {
  keyLengths: Int32Array;
  keys: Uint8Array;
  valueLengths: Int32Array;
  /** Null when the values were not given (decoded later with `checkBlockValues`). */
  values: Uint8Array | null;
  /** Sum of the value lengths. */
  valuesTotal: number;
}

/**
 * Check and decode a block's decompressed buffers (`values` may be null, to
 * decompress them only when wanted): `records` VInt lengths per length buffer,
 * none negative, the key lengths adding up to the keys' size (and the value
 * lengths to the values', when given). Errors are CorruptFileErrors without an
 * offset (the caller knows the block's); `out` arrays are reused when big enough.
 */
export function decodeBlock(
  keyLens: Uint8Array,
  keys: Uint8Array,
  valueLens: Uint8Array,
  values: Uint8Array | null,
  records: number,
  limits: ReadLimits,
  file?: string,
  out?: { keyLengths: Int32Array; valueLengths: Int32Array },
): DecodedBlock {
  // each length is at least one byte: a count beyond that is forged
  if (records > keyLens.length || records > valueLens.length) {
    throw new CorruptFileError(`block claims ${records} records but its length buffers are too short`);
  }
  const keyLengths = out !== undefined && out.keyLengths.length >= records ? out.keyLengths : new Int32Array(records);
  const valueLengths = out !== undefined && out.valueLengths.length >= records ? out.valueLengths : new Int32Array(records);
  readLengths(keyLens, records, keyLengths, keys.length, 'key', limits, file);
  const valuesTotal = readLengths(valueLens, records, valueLengths, -1, 'value', limits, file);
  if (values !== null) checkBlockValues(values, valuesTotal);
  return { keyLengths, keys, valueLengths, values, valuesTotal };
}

/** The decompressed values of a block hold exactly what its value lengths add up to. */
export function checkBlockValues(values: Uint8Array, valuesTotal: number): void {
  if (values.length !== valuesTotal) {
    throw new CorruptFileError(`value lengths add up to ${valuesTotal} but the block holds ${values.length} bytes`);
  }
}

function readLengths(buf: Uint8Array, count: number, out: Int32Array, total: number, what: string, limits: ReadLimits, file: string | undefined): number {
  const lr = new ByteReader(buf, { limits, ...(file === undefined ? {} : { file }) });
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const n = lr.readVInt();
    if (n < 0) throw new CorruptFileError(`negative ${what} length ${n} in block`);
    out[i] = n;
    sum += n;
  }
  if (total >= 0 && sum !== total) throw new CorruptFileError(`${what} lengths add up to ${sum} but the block holds ${total} bytes`);
  return sum;
}
