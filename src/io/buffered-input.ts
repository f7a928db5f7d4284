import { isAscii } from 'node:buffer';
import { ByteReader } from './byte-reader.js';
import { LimitExceededError, UsageError } from './errors.js';
import { DEFAULT_LIMITS, type ReadLimits } from './limits.js';
import type { ByteSource } from './source.js';

/**
 * A sliding window over a `ByteSource`. Parsers read synchronously through
 * `reader` (positions relative to the window) and call `ensure(n)` only when
 * fewer than `n` bytes are buffered, so the await happens once per chunk, not
 * once per record. Memory stays bounded: the window grows only to hold the
 * largest single unit asked for, which `ensure` checks against the limits.
 */
/** The first refill after opening or seeking (see `readSize`). */
const FIRST_READ_BYTES = 64 * 1024;

export class BufferedInput {
  readonly reader: ByteReader;
  /** File offset of `reader.buf[0]`. */
  private start = 0;
  /** The source has nothing past the bytes buffered. */
  private eof = false;
  /**
   * How much the next refill asks the source for: it starts small and doubles up to `chunkSize`, so
   * reading a header or the records after a seek does not fetch a whole chunk (an HTTP range
   * request transfers what it asks for), while a scan soon reads whole chunks.
   */
  private readSize: number;
  /** `reader.buf[0, asciiEnd)` is ASCII, so Text in it decodes as latin1 (see `ByteReader.asciiEnd`). */
  asciiEnd = 0;

  constructor(
    readonly source: ByteSource,
    private readonly chunkSize = 1 << 20,
    readonly limits: ReadLimits = DEFAULT_LIMITS,
  ) {
    // no bigger than the data: a small file does not need a whole chunk
    this.reader = new ByteReader(new Uint8Array(Math.min(chunkSize, source.size ?? chunkSize)), { end: 0, file: source.name, limits });
    this.readSize = Math.min(FIRST_READ_BYTES, chunkSize);
  }

  /** File offset of the read position. */
  get position(): number {
    return this.start + this.reader.pos;
  }

  /** Bytes buffered past the read position. */
  get available(): number {
    return this.reader.end - this.reader.pos;
  }

  /** True when the read position is at the end of the data (after an `ensure` that came back short). */
  get atEof(): boolean {
    return this.eof && this.reader.pos >= this.reader.end;
  }

  /**
   * Buffer at least `n` bytes past the read position. Resolves false if the
   * data ends first (then `available` says how many there are).
   */
  async ensure(n: number): Promise<boolean> {
    const r = this.reader;
    if (r.end - r.pos >= n) return true;
    if (this.eof) return false;
    if (n > this.limits.maxBufferBytes + 64) {
      throw new LimitExceededError(`a ${n}-byte unit exceeds the limit of ${this.limits.maxBufferBytes} bytes`, {
        file: this.source.name,
        offset: this.position,
      });
    }
    // when the size is known, nothing past the end is buffered or allocated for: a forged
    // length in a small file must not allocate what it claims
    const size = this.source.size;
    const left = size === undefined ? Number.POSITIVE_INFINITY : Math.max(0, size - this.position);
    const target = Math.min(n, left);
    // slide the unread bytes to the front, growing the buffer only if one unit needs it
    const unread = r.end - r.pos;
    let buf = r.buf;
    const want = Math.max(target, Math.min(this.readSize, left));
    this.readSize = Math.min(this.readSize * 2, this.chunkSize);
    if (want > buf.length) {
      const bigger = new Uint8Array(Math.max(want, Math.min(buf.length * 2, this.limits.maxBufferBytes + 64, left)));
      bigger.set(buf.subarray(r.pos, r.end));
      buf = bigger;
    } else if (r.pos > 0) {
      buf.copyWithin(0, r.pos, r.end);
    }
    // the known-ASCII prefix slides with the bytes it covers
    const asciiKept = Math.max(0, Math.min(this.asciiEnd - r.pos, unread));
    this.start += r.pos;
    r.reset(buf, 0, unread, this.start);
    this.asciiEnd = asciiKept;
    while (r.end < target) {
      const got = await this.source.read(this.start + r.end, buf, r.end, Math.min(buf.length, want) - r.end);
      if (got === 0) {
        this.eof = true;
        this.noteAscii(unread);
        return false;
      }
      r.end += got;
    }
    this.noteAscii(unread);
    if (target < n) {
      this.eof = true; // everything up to the known end is buffered
      return false;
    }
    return true;
  }

  /** Extend the known-ASCII prefix over the bytes read from `from` on, when it reached `from`. */
  private noteAscii(from: number): void {
    const r = this.reader;
    if (this.asciiEnd === from && r.end > from && isAscii(r.buf.subarray(from, r.end))) this.asciiEnd = r.end;
    r.asciiEnd = this.asciiEnd;
  }

  /** Move the read position to a file offset. */
  async seek(pos: number): Promise<void> {
    this.jump(pos);
  }

  /** `seek` without a promise: moving the window needs no I/O (the next `ensure` reads). */
  jump(pos: number): void {
    const r = this.reader;
    if (pos >= this.start && pos <= this.start + r.end) {
      r.pos = pos - this.start;
      return;
    }
    if (!this.source.seekable && pos < this.start) {
      throw new UsageError(`cannot seek backwards in a stream (to ${pos})`, { file: this.source.name });
    }
    this.start = pos;
    this.eof = false;
    this.asciiEnd = 0;
    this.readSize = Math.min(FIRST_READ_BYTES, this.chunkSize);
    r.reset(r.buf, 0, 0, pos);
  }

  async close(): Promise<void> {
    await this.source.close();
  }
}
