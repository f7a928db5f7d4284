import { vintSize, writeVLongInto } from './vint.js';
import { encodeJavaUtf8, encodeModifiedUtf8, hasLoneSurrogate } from './utf8.js';
import { UsageError } from './errors.js';

type Utf8Writer = (buf: Buffer, s: string, offset: number) => number;
/**
 * Buffer's native `utf8Write` skips `write`'s argument handling (a third of
 * the time for short strings); fall back where it is missing. The caller
 * guarantees room for 3 bytes per UTF-16 unit.
 */
const utf8Write: Utf8Writer =
  typeof (Buffer.prototype as unknown as { utf8Write?: unknown }).utf8Write === 'function'
    ? (buf, s, offset) => (buf as unknown as { utf8Write(s: string, o: number, l: number): number }).utf8Write(s, offset, buf.length - offset)
    : (buf, s, offset) => buf.write(s, offset, 'utf8');

/** Up to this many UTF-16 units, `writeText` tries a loop before the native encoder. */
const SHORT_TEXT = 24;

/**
 * Java `DataOutput` into a growable byte array: big-endian numbers, `bigint`
 * for 64-bit, Hadoop VInt/VLong, `Text.writeString`, `writeUTF`.
 * `reset()` keeps the allocation so one writer can serialize many records.
 */
export class ByteWriter {
  buf: Uint8Array;
  view: DataView;
  /** A Node Buffer over `buf`, for native string encoding. */
  private nodeBuf: Buffer;
  pos = 0;
  /**
   * When set, the size of every write call Java's DataOutputStream would make
   * for what is written (1 per single-byte write, n per array write): needed
   * to reproduce how Hadoop's block codecs frame large records.
   */
  calls: number[] | null = null;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
    this.nodeBuf = Buffer.from(this.buf.buffer);
  }

  get length(): number {
    return this.pos;
  }

  reset(): void {
    this.pos = 0;
  }

  /** The bytes written so far, as a view (valid until the next write or reset). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** The bytes written so far, copied. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
    this.nodeBuf = Buffer.from(next.buffer);
  }

  writeUint8(v: number): void {
    if (this.calls !== null) this.calls.push(1);
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  writeInt8(v: number): void {
    this.writeUint8(v & 0xff);
  }

  writeBoolean(v: boolean): void {
    this.writeUint8(v ? 1 : 0);
  }

  writeInt16(v: number): void {
    if (this.calls !== null) this.calls.push(1, 1);
    this.ensure(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
  }

  writeUint16(v: number): void {
    if (this.calls !== null) this.calls.push(1, 1);
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }

  writeInt32(v: number): void {
    if (this.calls !== null) this.calls.push(1, 1, 1, 1);
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }

  /** Overwrite 4 bytes at an earlier position (for lengths known only afterwards). */
  patchInt32(at: number, v: number): void {
    this.view.setInt32(at, v);
  }

  writeInt64(v: bigint | number): void {
    if (this.calls !== null) this.calls.push(8);
    this.ensure(8);
    this.view.setBigInt64(this.pos, BigInt.asIntN(64, BigInt(v)));
    this.pos += 8;
  }

  writeFloat32(v: number): void {
    if (this.calls !== null) this.calls.push(1, 1, 1, 1);
    this.ensure(4);
    this.view.setFloat32(this.pos, v);
    this.pos += 4;
  }

  writeFloat64(v: number): void {
    if (this.calls !== null) this.calls.push(8);
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }

  writeBytes(bytes: Uint8Array): void {
    if (this.calls !== null) this.calls.push(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** `WritableUtils.writeVLong` (also `writeVInt`: same encoding). */
  writeVLong(v: number | bigint): void {
    this.ensure(9);
    const start = this.pos;
    this.pos = writeVLongInto(this.buf, start, v);
    if (this.calls !== null) for (let i = start; i < this.pos; i++) this.calls.push(1);
  }

  writeVInt(v: number): void {
    this.ensure(5);
    const start = this.pos;
    this.pos = writeVLongInto(this.buf, start, v);
    if (this.calls !== null) for (let i = start; i < this.pos; i++) this.calls.push(1);
  }

  /** `Text.writeString`: VInt byte length + UTF-8 (unpaired surrogates as `?`, as Java encodes them). */
  writeText(s: string): void {
    const n = s.length;
    if (n <= SHORT_TEXT) {
      // short strings (keys): a loop beats the native call's fixed cost; stops at the first non-ASCII unit
      this.ensure(1 + n);
      const b = this.buf;
      const start = this.pos;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[start + 1 + i] = c;
      }
      if (i === n) {
        b[start] = n; // a one-byte VInt
        this.pos = start + 1 + n;
        if (this.calls !== null) this.logText(1, n);
        return;
      }
    }
    // encode natively behind a length prefix sized for the all-ASCII case
    const prefix = vintSize(n);
    this.ensure(prefix + 3 * n);
    const start = this.pos;
    const written = utf8Write(this.nodeBuf, s, start + prefix);
    if (written === n) {
      // every char took one byte: ASCII, and the prefix size was right
      this.pos = writeVLongInto(this.buf, start, n) + n;
      if (this.calls !== null) this.logText(prefix, n);
      return;
    }
    if (hasLoneSurrogate(s)) {
      const bytes = encodeJavaUtf8(s);
      this.writeVInt(bytes.length);
      this.writeBytes(bytes);
      return;
    }
    const size = vintSize(written);
    if (size !== prefix) this.buf.copyWithin(start + size, start + prefix, start + prefix + written);
    this.pos = writeVLongInto(this.buf, start, written) + written;
    if (this.calls !== null) this.logText(size, written);
  }

  /** Text.writeString: single-byte writes for the VInt, one array write for the bytes. */
  private logText(prefix: number, n: number): void {
    for (let i = 0; i < prefix; i++) this.calls!.push(1);
    this.calls!.push(n);
  }

  /** `DataOutput.writeUTF`: unsigned 16-bit length + modified UTF-8. */
  writeUTF(s: string): void {
    const bytes = encodeModifiedUtf8(s);
    if (bytes.length > 65535) throw new UsageError(`string too long for writeUTF: ${bytes.length} encoded bytes (max 65535)`);
    // Java writes length and bytes as one array
    const calls = this.calls;
    this.calls = null;
    this.writeUint16(bytes.length);
    this.writeBytes(bytes);
    this.calls = calls;
    if (calls !== null) calls.push(bytes.length + 2);
  }
}
