import { open, type FileHandle } from 'node:fs/promises';
import { IOFailureError, UsageError } from './errors.js';

/**
 * Where bytes are read from. Positioned reads let the SequenceFile reader seek
 * (split reading, MapFile lookups); sequential-only sources (stdin, a network
 * stream) report `seekable: false` and accept only increasing positions.
 */
export interface ByteSource {
  /** Name for error messages (a path, a URL, a label). */
  readonly name: string;
  /** Total length in bytes, when known. */
  readonly size: number | undefined;
  readonly seekable: boolean;
  /**
   * Read `length` bytes at `position` into `into` starting at `offset`;
   * resolves to the count read, which is smaller only at the end of the data.
   */
  read(position: number, into: Uint8Array, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
}

/** A source over bytes already in memory. */
export function bytesSource(bytes: Uint8Array, name = '<bytes>'): ByteSource {
  return {
    name,
    size: bytes.length,
    seekable: true,
    async read(position, into, offset, length) {
      const n = Math.max(0, Math.min(length, bytes.length - position));
      into.set(bytes.subarray(position, position + n), offset);
      return n;
    },
    async close() {},
  };
}

/** A source over a local file; opened lazily by `openFileSource`. */
export class FileSource implements ByteSource {
  readonly seekable = true;
  private constructor(
    readonly name: string,
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<FileSource> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      throw ioError(path, e);
    }
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw new UsageError('is a directory', { file: path });
      return new FileSource(path, fh, st.size);
    } catch (e) {
      await fh.close();
      throw e instanceof UsageError ? e : ioError(path, e);
    }
  }

  async read(position: number, into: Uint8Array, offset: number, length: number): Promise<number> {
    let total = 0;
    try {
      while (total < length) {
        const { bytesRead } = await this.fh.read(into, offset + total, length - total, position + total);
        if (bytesRead === 0) break;
        total += bytesRead;
      }
    } catch (e) {
      throw ioError(this.name, e, position);
    }
    return total;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/**
 * A sequential source over an async iterable of chunks (a Node Readable such as
 * stdin, a fetch body). Reads must move forward; skipped bytes are discarded.
 */
export function streamSource(stream: AsyncIterable<Uint8Array>, name = '<stream>'): ByteSource {
  const it = stream[Symbol.asyncIterator]();
  let pending: Uint8Array = new Uint8Array(0);
  let pendingPos = 0; // file position of pending[0]
  let done = false;
  return {
    name,
    size: undefined,
    seekable: false,
    async read(position, into, offset, length) {
      if (position < pendingPos) throw new UsageError(`cannot seek backwards in a stream (to ${position})`, { file: name });
      let written = 0;
      while (written < length) {
        const rel = position + written - pendingPos;
        if (rel < pending.length) {
          const n = Math.min(length - written, pending.length - rel);
          into.set(pending.subarray(rel, rel + n), offset + written);
          written += n;
          continue;
        }
        if (done) break;
        pendingPos += pending.length;
        const r = await it.next();
        if (r.done) {
          done = true;
          pending = new Uint8Array(0);
        } else {
          pending = r.value instanceof Uint8Array ? r.value : new Uint8Array(r.value as ArrayBuffer);
        }
      }
      return written;
    },
    async close() {
      await it.return?.();
    },
  };
}

export function ioError(file: string, e: unknown, offset?: number): IOFailureError {
  const err = e as NodeJS.ErrnoException;
  const what = err?.code === 'ENOENT' ? 'no such file or directory' : err?.code === 'EACCES' ? 'permission denied' : String(err?.message ?? e);
  return new IOFailureError(what, { file, ...(offset === undefined ? {} : { offset }), cause: e });
}

/** Accepts a path, bytes, or a ready source. */
export type SourceInput = string | Uint8Array | ByteSource;

export async function toSource(input: SourceInput): Promise<ByteSource> {
  if (typeof input === 'string') return FileSource.open(input);
  if (input instanceof Uint8Array) return bytesSource(input);
  return input;
}
