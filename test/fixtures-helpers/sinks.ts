/** ByteSinks for tests: slow ones that catch buffer reuse, failing ones that model a dying disk or pipe. */
import type { ByteSink } from '../../src/index.js';

/**
 * Completes every write on a later turn of the event loop and only then
 * copies the chunk: a writer that touches a buffer while its write is still
 * pending (the contract says the sink owns it until the promise resolves)
 * shows up as corrupt output. Also records whether two writes were ever in
 * flight at once.
 */
export class DeferredSink implements ByteSink {
  private readonly chunks: Uint8Array[] = [];
  private inFlight = 0;
  maxInFlight = 0;
  writes = 0;
  closed = false;
  constructor(readonly name = '<deferred>') {}

  write(chunk: Uint8Array): Promise<void> {
    this.writes++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve) => {
      setImmediate(() => {
        this.chunks.push(chunk.slice());
        this.inFlight--;
        resolve();
      });
    });
  }

  async sync(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }

  bytes(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.chunks));
  }
}

/** An error shaped like Node's system errors (`code`, `errno`, `syscall`). */
export function systemError(code: string, syscall = 'write'): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${code}: simulated failure, ${syscall}`);
  e.code = code;
  e.syscall = syscall;
  e.errno = code === 'ENOSPC' ? -28 : code === 'EPIPE' ? -32 : -5;
  return e;
}

export interface FailingSinkOptions {
  /** Fail the write call with this index (0-based) and every later one. */
  failWriteAt?: number;
  /** 'reject': the write's promise rejects; 'throw': write throws synchronously (a `void` sink). */
  failMode?: 'reject' | 'throw';
  /** Fail only that one write; later ones succeed again (a transient error). */
  once?: boolean;
  failSync?: boolean;
  failClose?: boolean;
  code?: string;
}

/** A sink whose writes, sync or close fail with EPIPE/ENOSPC-like errors. */
export class FailingSink implements ByteSink {
  readonly name = '<failing>';
  readonly accepted: Uint8Array[] = [];
  writeCalls = 0;
  aborted = false;
  closed = false;
  constructor(private readonly opts: FailingSinkOptions = {}) {}

  write(chunk: Uint8Array): void | Promise<void> {
    const i = this.writeCalls++;
    const at = this.opts.failWriteAt;
    const fail = at !== undefined && (this.opts.once ? i === at : i >= at);
    if (fail && this.opts.failMode === 'throw') throw systemError(this.opts.code ?? 'EPIPE');
    if (fail) return Promise.reject(systemError(this.opts.code ?? 'ENOSPC'));
    this.accepted.push(chunk.slice());
    return this.opts.failMode === 'throw' ? undefined : Promise.resolve();
  }

  async sync(): Promise<void> {
    if (this.opts.failSync) throw systemError(this.opts.code ?? 'EIO', 'fsync');
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.opts.failClose) throw systemError(this.opts.code ?? 'EIO', 'close');
  }

  async abort(): Promise<void> {
    this.aborted = true;
  }

  bytes(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.accepted));
  }
}
