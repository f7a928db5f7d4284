import { Writable } from 'node:stream';
import { IOFailureError, UsageError } from './errors.js';
import type { ByteSink } from './sink.js';

export interface StreamSinkOptions {
  /** Name used in error messages (default `<stream>`). */
  name?: string;
  /**
   * End the stream at close and wait until it has finished (default true).
   * `false` leaves it open for the caller (close then waits only until every
   * chunk has been accepted), and `abort` leaves it alone too.
   */
  end?: boolean;
}

/** The Node Writable or Web WritableStream shapes `streamSink` accepts. */
export type WritableLike = NodeJS.WritableStream | Writable | WritableStream<Uint8Array>;

/** A Node `stream.Writable` (or a duck-typed one: `on`, `write` and `end`). */
export function isNodeWritable(x: unknown): x is NodeJS.WritableStream {
  if (x instanceof Writable) return true;
  const o = x as Record<string, unknown> | null;
  return typeof o === 'object' && o !== null && typeof o.on === 'function' && typeof o.write === 'function' && typeof o.end === 'function';
}

/** A Web `WritableStream` (anything with `getWriter`). */
export function isWebWritable(x: unknown): x is WritableStream<Uint8Array> {
  const o = x as Record<string, unknown> | null;
  return typeof o === 'object' && o !== null && typeof o.getWriter === 'function';
}

/**
 * A ByteSink writing into a Node Writable (an HTTP response, a gzip stream,
 * an fs.WriteStream, an upload) or a Web WritableStream. Each chunk is copied
 * (writers reuse their buffers once `write` resolves, and streams may hold on
 * to what they are given), `write` waits while the stream asks for
 * backpressure, and a stream error, or the stream closing or being destroyed
 * before the end, is an IOFailureError naming the stream. `sync` waits until
 * the stream has passed on every chunk; `close` ends the stream and waits for
 * it to finish; `abort` destroys (Node) or aborts (Web) it, so whatever reads
 * it sees a failure rather than a complete-looking short file.
 */
export function streamSink(stream: WritableLike, opts: StreamSinkOptions = {}): ByteSink {
  if (isNodeWritable(stream)) return new NodeStreamSink(stream, opts.name ?? '<stream>', opts.end ?? true);
  if (isWebWritable(stream)) return new WebStreamSink(stream, opts.name ?? '<stream>', opts.end ?? true);
  throw new UsageError('streamSink needs a Node stream.Writable or a Web WritableStream');
}

/** The parts of a Node Writable used here (duck-typed streams may lack the newer properties). */
interface NodeWritableLike extends NodeJS.WritableStream {
  destroyed?: boolean;
  writableFinished?: boolean;
  writableEnded?: boolean;
  destroy?(error?: Error): unknown;
}

class NodeStreamSink implements ByteSink {
  private readonly stream: NodeWritableLike;
  /** The first failure seen on the stream; once set every call reports it. */
  private failure: IOFailureError | null = null;
  /** Resolves once the last chunk written has been handled by the stream. */
  private lastWrite: Promise<void> = Promise.resolve();
  /** Wakes a write waiting for 'drain' (or for a failure). */
  private wake: (() => void) | null = null;
  private finished = false;
  private readonly onError = (e: unknown): void => this.failWith(e);
  private readonly onClose = (): void => {
    if (!this.finished) this.failWith(null);
  };
  private readonly onDrain = (): void => this.wakeUp();

  constructor(
    stream: NodeJS.WritableStream,
    readonly name: string,
    private readonly end: boolean,
  ) {
    this.stream = stream as NodeWritableLike;
    this.stream.on('error', this.onError);
    this.stream.on('close', this.onClose);
    this.stream.on('drain', this.onDrain);
    if (this.stream.destroyed || this.stream.writableEnded) this.failWith(null);
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.check();
    if (this.stream.destroyed) this.failWith(null);
    this.check();
    let done!: () => void;
    this.lastWrite = new Promise<void>((resolve) => (done = resolve));
    const more = this.stream.write(Buffer.from(chunk), (e?: Error | null) => {
      if (e) this.failWith(e);
      done();
    });
    if (!more) await this.drained();
    this.check();
  }

  async sync(): Promise<void> {
    this.check();
    await this.race(this.lastWrite);
    this.check();
  }

  async close(): Promise<void> {
    try {
      this.check();
      if (!this.end) {
        await this.race(this.lastWrite);
        this.check();
        return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        // Node calls this on 'finish', or with the error when the stream fails first
        (this.stream.end as (cb: (e?: unknown) => void) => void)((e?: unknown) => {
          if (e) this.failWith(e);
          else this.finished = true;
          resolve();
        });
      });
      this.wake = null;
      this.check();
    } finally {
      this.detach();
    }
  }

  async abort(): Promise<void> {
    this.detach();
    if (this.end && !this.finished && !this.stream.destroyed) this.stream.destroy?.(new Error('write aborted'));
  }

  private drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
    }).then(() => {
      this.wake = null;
    });
  }

  /** Wait for `p`, or until the stream fails. */
  private race(p: Promise<void>): Promise<void> {
    if (this.failure) return Promise.resolve();
    return Promise.race([p, new Promise<void>((resolve) => (this.wake = resolve))]).then(() => {
      this.wake = null;
    });
  }

  private failWith(e: unknown): void {
    if (this.failure === null && !this.finished) {
      const err = e as NodeJS.ErrnoException | null;
      const reason = err ? `stream failed: ${err.code && !String(err.message).includes(err.code) ? `${err.code}: ` : ''}${err.message}` : 'stream was closed or destroyed before the end of the file';
      this.failure = new IOFailureError(reason, { file: this.name, ...(err ? { cause: err } : {}) });
    }
    this.wakeUp();
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  private detach(): void {
    this.stream.removeListener('close', this.onClose);
    this.stream.removeListener('drain', this.onDrain);
    // keep swallowing late errors only while we own the stream's fate
    if (!this.end || this.finished) this.stream.removeListener('error', this.onError);
  }
}

class WebStreamSink implements ByteSink {
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private failure: IOFailureError | null = null;
  private lastWrite: Promise<void> = Promise.resolve();

  constructor(
    stream: WritableStream<Uint8Array>,
    readonly name: string,
    private readonly end: boolean,
  ) {
    try {
      this.writer = stream.getWriter();
    } catch (e) {
      throw new UsageError(`cannot write to the stream: ${(e as Error).message}`, { file: name, cause: e });
    }
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.check();
    try {
      await this.writer.ready;
    } catch (e) {
      this.failWith(e);
    }
    this.check();
    this.lastWrite = this.writer.write(chunk.slice()).catch((e: unknown) => this.failWith(e));
  }

  async sync(): Promise<void> {
    this.check();
    await this.lastWrite;
    this.check();
  }

  async close(): Promise<void> {
    this.check();
    await this.lastWrite;
    this.check();
    try {
      if (this.end) await this.writer.close();
    } catch (e) {
      this.failWith(e);
    } finally {
      this.writer.releaseLock();
    }
    this.check();
  }

  async abort(): Promise<void> {
    if (this.end) await this.writer.abort(new Error('write aborted')).catch(() => {});
    else this.writer.releaseLock();
  }

  private failWith(e: unknown): void {
    if (this.failure !== null) return;
    const msg = e instanceof Error ? e.message : String(e);
    this.failure = new IOFailureError(`stream failed: ${msg}`, { file: this.name, cause: e });
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
