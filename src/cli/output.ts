import type { Writable } from 'node:stream';
import { IOFailureError } from '../io/errors.js';

/**
 * Buffered line output for stdout. Lines are gathered into chunks of up to
 * 64 KiB (a single line when stdout is a terminal) and written as they fill,
 * and no line waits more than about 100 ms, so output appears as it is
 * produced. It respects backpressure and stops quietly when the reader goes
 * away (`seqcat cat big.seq | head -1`): `closed` turns true and callers stop
 * producing; EPIPE is never reported as an error.
 */
export class LineOutput {
  private parts: string[] = [];
  private size = 0;
  private lastWrite = Date.now();
  private failure: Error | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly chunk: number;
  /** The consumer closed the pipe: callers should stop producing. */
  closed = false;

  constructor(
    private readonly stream: Writable & { isTTY?: boolean } = process.stdout,
    chunk?: number,
  ) {
    this.chunk = chunk ?? (stream.isTTY ? 1 : 64 * 1024);
    stream.on('error', (e: NodeJS.ErrnoException) => this.onError(e));
  }

  private onError(e: NodeJS.ErrnoException | null | undefined): void {
    if (!e) return;
    this.closed = true;
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED' && this.failure === null) {
      this.failure = new IOFailureError(`cannot write output: ${e.message}`, { file: 'stdout', cause: e });
    }
  }

  /** Queue one line; resolves when it is fine to go on. */
  async line(s: string): Promise<void> {
    if (this.push(s)) await this.flush();
  }

  /**
   * Queue one line synchronously; true when a flush is due (chunk full, or
   * output has waited 100 ms): the caller should `await flush()` soon.
   */
  push(s: string): boolean {
    return this.text(s + '\n');
  }

  /** Queue text as it is (no newline added); the same contract as `push`. */
  text(s: string): boolean {
    if (this.closed) return false;
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= this.chunk) return true;
    // lines never wait long, even when the input stalls (a slow pipe on stdin)
    if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush().catch(() => {});
      }, 100);
      this.timer.unref();
    }
    return (this.parts.length & 63) === 0 && Date.now() - this.lastWrite > 100;
  }

  /** Write out what is queued; throws only for a real write failure (not a closed pipe). */
  async flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.failure) throw this.failure;
    if (this.parts.length === 0 || this.closed) {
      this.parts = [];
      this.size = 0;
      return;
    }
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.lastWrite = Date.now();
    const ok = this.stream.write(text, (e) => this.onError(e));
    if (!ok && !this.closed) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.stream.off('drain', done);
          this.stream.off('close', done);
          this.stream.off('error', done);
          resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('close', done);
        this.stream.on('error', done);
      });
    }
    if (this.failure) throw this.failure;
  }
}
