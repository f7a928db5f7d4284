import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { ioError } from './source.js';

/**
 * Where a writer's bytes go. `write` must be done with `chunk` when it returns
 * (or its promise resolves): writers reuse their buffers.
 */
export interface ByteSink {
  readonly name: string;
  write(chunk: Uint8Array): void | Promise<void>;
  /** Make everything written so far durable (fsync for files). */
  sync?(): Promise<void>;
  close(): Promise<void>;
  /** Drop a partial output after a failure (delete temp files). */
  abort?(): Promise<void>;
}

export interface FileSinkOptions {
  /** Open for appending instead of truncating. */
  append?: boolean;
  /** Write to `<path>.<random>.tmp` and rename onto `path` at close, so readers never see a partial file. */
  atomic?: boolean;
}

export class FileSink implements ByteSink {
  private constructor(
    readonly name: string,
    private readonly fh: FileHandle,
    private readonly tmpPath: string | undefined,
  ) {}

  static async open(path: string, opts: FileSinkOptions = {}): Promise<FileSink> {
    const tmp = opts.atomic ? `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp` : undefined;
    try {
      const fh = await open(tmp ?? path, opts.append ? 'a' : 'w');
      return new FileSink(path, fh, tmp);
    } catch (e) {
      throw ioError(path, e);
    }
  }

  async write(chunk: Uint8Array): Promise<void> {
    try {
      let off = 0;
      while (off < chunk.length) {
        const { bytesWritten } = await this.fh.write(chunk, off, chunk.length - off);
        off += bytesWritten;
      }
    } catch (e) {
      throw ioError(this.name, e);
    }
  }

  async sync(): Promise<void> {
    try {
      await this.fh.sync();
    } catch (e) {
      throw ioError(this.name, e);
    }
  }

  async close(): Promise<void> {
    try {
      await this.fh.close();
      if (this.tmpPath) await rename(this.tmpPath, this.name);
    } catch (e) {
      throw ioError(this.name, e);
    }
  }

  async abort(): Promise<void> {
    await this.fh.close().catch(() => {});
    if (this.tmpPath) await unlink(this.tmpPath).catch(() => {});
  }
}

/** Collects everything in memory; `bytes()` after close. */
export class MemorySink implements ByteSink {
  private chunks: Uint8Array[] = [];
  private total = 0;
  constructor(readonly name = '<memory>') {}
  write(chunk: Uint8Array): void {
    this.chunks.push(chunk.slice());
    this.total += chunk.length;
  }
  async close(): Promise<void> {}
  bytes(): Uint8Array {
    const out = new Uint8Array(this.total);
    let p = 0;
    for (const c of this.chunks) {
      out.set(c, p);
      p += c.length;
    }
    return out;
  }
}
