import { LimitExceededError, TruncatedFileError, CorruptFileError } from './errors.js';
import { DEFAULT_LIMITS, type ReadLimits } from './limits.js';
import { decodeVIntSize, isNegativeVInt } from './vint.js';
import { isAscii, isUtf8 } from 'node:buffer';
import { decodeJavaUtf8Slow, decodeModifiedUtf8 } from './utf8.js';

/**
 * Deepest nesting of composite values (a MapWritable in a MapWritable..., ObjectWritable arrays
 * of arrays) a reader accepts. Real data nests a few levels; hostile data nested thousands deep
 * would overflow the stack while decoding, printing or hashing the value.
 */
export const MAX_NESTING_DEPTH = 100;

type Slicer = (this: Uint8Array, start: number, end: number) => string;
const proto = Buffer.prototype as unknown as { utf8Slice?: Slicer; latin1Slice?: Slicer };
/**
 * Buffer's native `utf8Slice`/`latin1Slice` skip the argument handling of `toString` (a third of
 * the time for short strings) and take any Uint8Array as `this`, so no Buffer is made over each
 * buffer; fall back where they are missing.
 */
const utf8Slice: Slicer = proto.utf8Slice ?? function (this: Uint8Array, start, end) {
  return Buffer.from(this.buffer, this.byteOffset, this.byteLength).toString('utf8', start, end);
};
const latin1Slice: Slicer = proto.latin1Slice ?? function (this: Uint8Array, start, end) {
  return Buffer.from(this.buffer, this.byteOffset, this.byteLength).toString('latin1', start, end);
};

/** Buffers no one writes again once made (decompressed blocks), with whether they are all ASCII, once checked. */
const sealed = new WeakMap<Uint8Array, boolean | undefined>();
/** Smaller buffers are not worth a lookup: the check would cost what it saves. */
const SEAL_MIN_BYTES = 4096;

/**
 * Declare that nothing will write to `buf` again (a codec's output): text read from it may then
 * be decoded by one ASCII check of the whole buffer instead of the UTF-8 decoder per string.
 * Returns `buf`.
 */
export function sealBytes(buf: Uint8Array): Uint8Array {
  if (buf.length >= SEAL_MIN_BYTES) sealed.set(buf, undefined);
  return buf;
}

/** Text decoding state of the reader's buffer. */
const enum Ascii {
  Unknown,
  SealedUnchecked,
  All,
}

/**
 * Java `DataInput` over a byte array: big-endian fixed-width numbers, 64-bit
 * values as `bigint`, Hadoop `WritableUtils` VInt/VLong, `Text` strings and
 * `writeUTF` strings. Reading past the end throws `TruncatedFileError` with the
 * absolute file offset (`base + pos`).
 */
export class ByteReader {
  buf: Uint8Array;
  /** Read position within `buf`. */
  pos: number;
  /** End of readable data within `buf` (exclusive). */
  end: number;
  /** File offset of `buf[0]`, for error messages and positions. */
  base: number;
  /** File name for error messages. */
  file: string | undefined;
  limits: ReadLimits;
  /** Nesting depth of the composite value being read (see `enter`). */
  depth = 0;
  /** Collection elements read since the last reset (see `countElements`). */
  elements = 0;

  /** A DataView over `buf`, made on first use (RECORD values get a buffer each, and most never need one). */
  private dataView: DataView | null = null;
  /** What is known about `buf` being ASCII (see `sealBytes`). */
  private ascii = Ascii.Unknown;
  /**
   * `buf[0, asciiEnd)` is known to be ASCII: set by the owner of a buffer it
   * rewrites (the read window), cleared by every `reset`.
   */
  asciiEnd = 0;

  constructor(buf: Uint8Array, opts: { base?: number; file?: string; start?: number; end?: number; limits?: ReadLimits } = {}) {
    this.buf = buf;
    this.pos = opts.start ?? 0;
    this.end = opts.end ?? buf.length;
    this.base = opts.base ?? 0;
    this.file = opts.file;
    this.limits = opts.limits ?? DEFAULT_LIMITS;
  }

  /** Point the reader at another buffer (reuses the object on hot paths). */
  reset(buf: Uint8Array, start = 0, end = buf.length, base = 0): void {
    if (buf !== this.buf) {
      this.buf = buf;
      this.dataView = null;
      this.ascii = buf.length >= SEAL_MIN_BYTES && sealed.has(buf) ? Ascii.SealedUnchecked : Ascii.Unknown;
    }
    this.pos = start;
    this.end = end;
    this.base = base;
    this.depth = 0;
    this.elements = 0;
    this.asciiEnd = 0;
  }

  get view(): DataView {
    const b = this.buf;
    return (this.dataView ??= new DataView(b.buffer, b.byteOffset, b.byteLength));
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Absolute file offset of the read position. */
  get offset(): number {
    return this.base + this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number, what = 'data'): void {
    if (this.end - this.pos < n) this.truncated(what, n);
  }

  truncated(what: string, n: number): never {
    throw new TruncatedFileError(`unexpected end of ${what}: needed ${n} bytes, ${this.end - this.pos} left`, {
      file: this.file,
      offset: this.base + this.pos,
    });
  }

  corrupt(reason: string, at = this.pos): never {
    throw new CorruptFileError(reason, { file: this.file, offset: this.base + at });
  }

  /**
   * Enter one level of a composite value (call `leave` in a finally): LimitExceededError past
   * MAX_NESTING_DEPTH levels.
   */
  enter(what: string): void {
    if (this.depth >= MAX_NESTING_DEPTH) {
      throw new LimitExceededError(`${what} nested more than ${MAX_NESTING_DEPTH} levels deep`, { file: this.file, offset: this.base + this.pos });
    }
    this.depth++;
  }

  leave(): void {
    this.depth--;
  }

  /**
   * Count `n` more elements of a collection against `limits.maxElements`, for all the collections
   * of the value being read together (the count restarts at `reset`): nested collections cannot
   * multiply the limit, and elements that take no bytes (NullWritable) cannot be conjured by the
   * million from a few bytes.
   */
  countElements(n: number, what: string, at = this.pos): void {
    this.elements += n;
    if (this.elements > this.limits.maxElements) {
      throw new LimitExceededError(`${what} brings the value to ${this.elements} elements, over the limit of ${this.limits.maxElements}`, {
        file: this.file,
        offset: this.base + at,
      });
    }
  }

  /** Validates a length read from the data against the limits and the bytes left. */
  checkLength(n: number, what: string, at = this.pos): number {
    if (n < 0 || !Number.isInteger(n)) this.corrupt(`negative or invalid ${what} length ${n}`, at);
    if (n > this.limits.maxBufferBytes) {
      throw new LimitExceededError(`${what} length ${n} exceeds the limit of ${this.limits.maxBufferBytes} bytes`, {
        file: this.file,
        offset: this.base + at,
      });
    }
    return n;
  }

  readUint8(): number {
    if (this.pos >= this.end) this.truncated('data', 1);
    return this.buf[this.pos++]!;
  }

  readInt8(): number {
    return (this.readUint8() << 24) >> 24;
  }

  readBoolean(): boolean {
    return this.readUint8() !== 0;
  }

  readInt16(): number {
    this.need(2);
    const v = this.view.getInt16(this.pos);
    this.pos += 2;
    return v;
  }

  readUint16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  readInt32(): number {
    if (this.end - this.pos < 4) this.truncated('data', 4);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  }

  readUint32(): number {
    return this.readInt32() >>> 0;
  }

  readInt64(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.pos);
    this.pos += 8;
    return v;
  }

  readFloat32(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos);
    this.pos += 4;
    return v;
  }

  readFloat64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  /** `n` bytes as a view into the buffer (no copy). */
  readBytes(n: number): Uint8Array {
    if (this.end - this.pos < n) this.truncated('data', n);
    const p = this.pos;
    this.pos = p + n;
    return this.buf.subarray(p, p + n);
  }

  skip(n: number): void {
    if (this.end - this.pos < n) this.truncated('data', n);
    this.pos += n;
  }

  /** `WritableUtils.readVLong` as a bigint. */
  readVLong(): bigint {
    const first = this.readInt8();
    const size = decodeVIntSize(first);
    if (size === 1) return BigInt(first);
    this.need(size - 1, 'variable-length integer');
    let hi = 0;
    let lo = 0;
    for (let k = 0; k < size - 1; k++) {
      // shift the 64-bit (hi, lo) pair left by 8 and add the next byte
      hi = ((hi << 8) | (lo >>> 24)) >>> 0;
      lo = ((lo << 8) | this.buf[this.pos++]!) >>> 0;
    }
    let v = (BigInt(hi) << 32n) | BigInt(lo);
    v = BigInt.asIntN(64, v);
    return isNegativeVInt(first) ? ~v : v;
  }

  /** `WritableUtils.readVInt`: a VLong that must fit in a signed 32-bit int. */
  readVInt(): number {
    const at = this.pos;
    const first = this.readInt8();
    if (first >= -112) return first;
    const size = decodeVIntSize(first);
    if (size > 5) {
      this.pos = at;
      const v = this.readVLong();
      if (v > 2147483647n || v < -2147483648n) this.corrupt('value too long to fit in integer', at);
      return Number(v);
    }
    this.need(size - 1, 'variable-length integer');
    let v = 0;
    for (let k = 0; k < size - 1; k++) v = ((v << 8) | this.buf[this.pos++]!) >>> 0;
    // a 4-byte magnitude can exceed the int range, as Hadoop checks
    if (v > 0x7fffffff) this.corrupt('value too long to fit in integer', at);
    return isNegativeVInt(first) ? ~v : v;
  }

  /** A VInt used as a length: non-negative and within the limits. */
  readVIntLength(what: string): number {
    const at = this.pos;
    return this.checkLength(this.readVInt(), what, at);
  }

  /** `Text.readString`: VInt byte length + UTF-8, decoded as Java's `Text.toString()` does. */
  readText(): string {
    const p = this.pos;
    if (p < this.end) {
      const first = this.buf[p]!;
      if (first < 0x80) {
        // a one-byte VInt of 0..127: most strings
        this.pos = p + 1;
        return this.readUtf8(this.checkLength(first, 'string', p));
      }
    }
    const n = this.readVIntLength('string');
    return this.readUtf8(n);
  }

  /** `n` bytes of UTF-8 as Java's `Text.toString()` decodes them. */
  readUtf8(n: number): string {
    if (this.end - this.pos < n) this.truncated('string', n);
    const p = this.pos;
    this.pos = p + n;
    return this.utf8At(p, p + n);
  }

  /** Decode `buf[start, end)` as Java's `Text.toString()` does, without moving. */
  utf8At(start: number, end: number): string {
    if (start === end) return '';
    const buf = this.buf;
    if (end <= this.asciiEnd) return latin1Slice.call(buf, start, end);
    if (this.ascii !== Ascii.Unknown) {
      if (this.ascii === Ascii.SealedUnchecked) this.ascii = this.checkAscii(buf);
      // ASCII is latin1 too, and a latin1 slice skips the UTF-8 decoder's scan
      if (this.ascii === Ascii.All) return latin1Slice.call(buf, start, end);
    }
    // native decoding; it agrees with Java on valid input, and U+FFFD flags the rare cases to redo
    // (a real U+FFFD in valid UTF-8 needs no redoing)
    const s = utf8Slice.call(buf, start, end);
    if (s.indexOf('\ufffd') < 0) return s;
    const bytes = buf.subarray(start, end);
    return isUtf8(bytes) ? s : decodeJavaUtf8Slow(bytes);
  }

  private checkAscii(buf: Uint8Array): Ascii {
    let all = sealed.get(buf);
    if (all === undefined) sealed.set(buf, (all = isAscii(buf)));
    return all ? Ascii.All : Ascii.Unknown;
  }

  /** `DataInput.readUTF`: unsigned 16-bit length + Java modified UTF-8. */
  readUTF(): string {
    const n = this.readUint16();
    const at = this.pos;
    const bytes = this.readBytes(n);
    const s = decodeModifiedUtf8(bytes);
    if (s === undefined) this.corrupt('malformed modified UTF-8 string', at);
    return s;
  }
}
