import * as zlib from 'node:zlib';
import { LimitExceededError } from '../io/errors.js';
import { copyOfRange } from './small-bytes.js';

const INITIAL_BYTES = 64 * 1024;
/** Output buffers up to this size are kept for the next call; larger ones are not. */
const RETAIN_BYTES = 4 * 1024 * 1024;

/**
 * One native zlib stream reused for many complete compress/decompress calls.
 *
 * `zlib.deflateSync` builds and frees a native stream per call; for RECORD
 * files (one small stream per value) that setup is most of the cost (the
 * README's dependency table has the figures).
 * This drives the stream's native handle directly (the same calls
 * `zlib.*Sync` makes) and resets it between calls. If the handle API is not
 * there (another runtime), it falls back to the one-shot functions.
 */
export class ZlibHandle {
  private stream: zlib.Deflate | zlib.Inflate | zlib.Gzip | zlib.Gunzip | null = null;
  private handle: NativeHandle | null = null;
  private state: Uint32Array | null = null;
  private error: string | null = null;
  private out: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);

  constructor(
    private readonly create: () => zlib.Deflate | zlib.Inflate | zlib.Gzip | zlib.Gunzip,
    private readonly fallback: (input: Uint8Array, maxOutputLength: number) => Buffer,
  ) {}

  /** Run one complete stream over `input`; throws Error(message) on bad data, LimitExceededError past `max`. */
  run(input: Uint8Array, max: number): Uint8Array {
    const h = this.handle ?? this.open();
    if (h === null) return this.runFallback(input, max);
    try {
      return this.runHandle(h, input, max);
    } finally {
      // a large output buffer goes with its result (or is dropped, after a bomb): the handle is
      // shared, and must not pin up to `max` bytes for the rest of the process
      if (this.out.length > RETAIN_BYTES) this.out = Buffer.allocUnsafe(INITIAL_BYTES);
    }
  }

  private runHandle(h: NativeHandle, input: Uint8Array, max: number): Uint8Array {
    h.reset();
    let inOff = 0;
    let availIn = input.length;
    let produced = 0;
    const state = this.state!;
    for (;;) {
      if (this.out.length - produced < 1024) this.grow(produced, max);
      const availOutBefore = this.out.length - produced;
      h.writeSync(zlib.constants.Z_FINISH, input, inOff, availIn, this.out, produced, availOutBefore);
      if (this.error !== null) {
        const msg = this.error;
        this.error = null;
        throw new Error(msg);
      }
      const availOut = state[0]!;
      const availInAfter = state[1]!;
      produced += availOutBefore - availOut;
      inOff += availIn - availInAfter;
      availIn = availInAfter;
      if (produced > max) throw new LimitExceededError(`decompressed data exceeds the limit of ${max} bytes`);
      if (availOut !== 0) break; // the stream is finished (or needs input it will never get)
    }
    const out = this.out;
    // a buffer about to be dropped (see run) is handed over rather than copied, unless mostly empty
    if (out.length > RETAIN_BYTES && produced * 2 >= out.length) return new Uint8Array(out.buffer, out.byteOffset, produced);
    return copyOfRange(out, 0, produced);
  }

  /** Free the native stream (a new one is made if `run` is called again). */
  close(): void {
    this.stream?.close();
    this.stream = null;
    this.handle = null;
  }

  private grow(produced: number, max: number): void {
    const size = Math.min(this.out.length * 2, Math.max(max + 1024, this.out.length + 1024));
    const next = Buffer.allocUnsafe(Math.max(size, produced + 1024));
    this.out.copy(next, 0, 0, produced);
    this.out = next;
  }

  private open(): NativeHandle | null {
    const s = this.create();
    const h = (s as unknown as { _handle?: NativeHandle })._handle;
    const state = (s as unknown as { _writeState?: Uint32Array })._writeState;
    if (!h || typeof h.writeSync !== 'function' || typeof h.reset !== 'function' || !state) {
      this.handle = null;
      return null;
    }
    // report errors to us instead of destroying the stream, so it can be reset and reused
    h.onerror = (message: string) => {
      this.error = message;
    };
    this.stream = s;
    this.handle = h;
    this.state = state;
    return h;
  }

  private runFallback(input: Uint8Array, max: number): Uint8Array {
    try {
      return this.fallback(input, max);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new LimitExceededError(`decompressed data exceeds the limit of ${max} bytes`);
      }
      throw e;
    }
  }
}

interface NativeHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  reset(): void;
  onerror: (message: string, errno: number) => void;
}
