import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  CHECKSUM_HEADER_LENGTH,
  CHECKSUM_SIZE,
  ChecksumError,
  ChecksumWriter,
  DEFAULT_BYTES_PER_CHECKSUM,
  checkBytesPerChecksum,
  checkChecksumFileLength,
  checksumFileLength,
  checksumPathFor,
  crc32,
  parseChecksumHeader,
} from './checksum-file.js';
import { HadoopIOError, IOFailureError, UsageError } from './errors.js';
import { ioError } from './source.js';
import { outputTarget } from './output-target.js';

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
  /**
   * Write to `<path>.<random>.tmp` and rename onto `path` at close, so readers
   * never see a partial file. Only for regular files (or a path that does not
   * exist yet): a symlink's target is replaced that way and the link kept; a
   * FIFO, device, socket or descriptor name (`/dev/stdout`) is opened and
   * written through instead, since a rename would replace the node itself.
   */
  atomic?: boolean;
  /**
   * Also write Hadoop's checksum side file `.NAME.crc` (ChecksumFileSystem /
   * LocalFileSystem format; `true` = 512 bytes per checksum, Hadoop's
   * `file.bytes-per-checksum` default). It is written as data comes in and
   * finished at close; with `atomic` it goes to a temporary name too and is
   * renamed after the data; `abort` removes it. With `append`, an existing
   * side file is continued (its bytesPerChecksum is kept, the last partial
   * chunk is checked and re-summed); a missing one is computed from the
   * existing data. The side file sits beside the name given (as for a
   * symlink written without `atomic`).
   *
   * When not set (or false), a side file left from before is removed, as
   * Hadoop does, since it would no longer match the data.
   *
   * Side files belong to regular files only: for a FIFO, device, socket or
   * descriptor name none is written and none removed.
   */
  writeChecksum?: boolean | { bytesPerChecksum: number };
}

export class FileSink implements ByteSink {
  private constructor(
    readonly name: string,
    private readonly fh: FileHandle,
    /** Atomic mode: the temporary file, and where it is renamed to at close (a symlink's target). */
    private readonly tmp: { path: string; final: string } | undefined,
    private readonly crc: ChecksumSideWriter | undefined,
    /** A stale side file to remove once the data is in place (atomic mode without a checksum). */
    private readonly staleCrc: string | undefined,
    /** Whether fsync applies: false for pipes, FIFOs, devices and sockets, where the bytes written are all there is to hand over. */
    private readonly syncable: boolean,
  ) {}

  static async open(path: string, opts: FileSinkOptions = {}): Promise<FileSink> {
    const wantBpc = checksumOption(opts.writeChecksum);
    const target = await outputTarget(path);
    const regular = target.kind === 'file';
    const tmp = opts.atomic && regular ? { path: tempName(target.path), final: target.path } : undefined;
    let fh: FileHandle;
    let syncable: boolean;
    try {
      fh = await open(tmp?.path ?? path, opts.append ? 'a' : 'w');
    } catch (e) {
      throw ioError(path, e);
    }
    try {
      try {
        syncable = (await fh.stat()).isFile();
      } catch (e) {
        throw ioError(path, e);
      }
      if (!regular) return new FileSink(path, fh, undefined, undefined, undefined, syncable);
      const crcPath = checksumPathFor(path);
      if (wantBpc === undefined) {
        if (!tmp) await removeIfPresent(crcPath);
        return new FileSink(path, fh, tmp, undefined, tmp ? crcPath : undefined, syncable);
      }
      // the temporary side file goes beside the final one, so its rename stays in one directory
      const crcTarget = tmp ? checksumPathFor(join(dirname(path), basename(tmp.path))) : crcPath;
      const crc = await ChecksumSideWriter.open(tmp?.path ?? path, crcTarget, crcPath, fh, wantBpc, !!opts.append);
      return new FileSink(path, fh, tmp, crc, undefined, syncable);
    } catch (e) {
      await fh.close().catch(() => {});
      if (tmp) await unlink(tmp.path).catch(() => {});
      throw e instanceof HadoopIOError ? e : ioError(path, e);
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
    if (this.crc) await this.crc.update(chunk);
  }

  async sync(): Promise<void> {
    // on a pipe or device the bytes are with the OS once write returned; fsync would fail (EINVAL)
    if (!this.syncable) return;
    try {
      await this.fh.sync();
    } catch (e) {
      throw ioError(this.name, e);
    }
    if (this.crc) await this.crc.sync();
  }

  async close(): Promise<void> {
    if (this.crc) {
      try {
        await this.crc.finish();
      } catch (e) {
        await this.abort();
        throw e;
      }
    }
    try {
      await this.fh.close();
      if (this.tmp) await rename(this.tmp.path, this.tmp.final);
    } catch (e) {
      throw ioError(this.name, e);
    }
    if (this.crc) await this.crc.publish();
    if (this.staleCrc) await removeIfPresent(this.staleCrc);
  }

  async abort(): Promise<void> {
    await this.fh.close().catch(() => {});
    if (this.tmp) await unlink(this.tmp.path).catch(() => {});
    await this.crc?.abort();
  }
}

function tempName(path: string): string {
  return `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
}

function checksumOption(opt: FileSinkOptions['writeChecksum']): number | 'auto' | undefined {
  if (opt === undefined || opt === false) return undefined;
  if (opt === true) return 'auto';
  if (typeof opt === 'object' && opt !== null) {
    try {
      return checkBytesPerChecksum(opt.bytesPerChecksum);
    } catch (e) {
      throw new UsageError(`writeChecksum: ${(e as UsageError).reason}`);
    }
  }
  throw new UsageError(`writeChecksum must be a boolean or { bytesPerChecksum }, got ${String(opt)}`);
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code !== 'ENOENT') throw ioError(path, e);
  }
}

/** Flush buffered CRCs to the side file once this many bytes are waiting. */
const CRC_FLUSH_BYTES = 8192;

/**
 * Writes the `.crc` side file next to a FileSink: CRCs of completed chunks are
 * buffered and written at increasing positions; the last partial chunk's CRC
 * is written at close (and provisionally at sync, overwritten later).
 */
class ChecksumSideWriter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private done = false;

  private constructor(
    /** Where the side file is being written (a temporary name in atomic mode). */
    private readonly target: string,
    /** Where it must end up. */
    private readonly final: string,
    private readonly fh: FileHandle,
    private readonly writer: ChecksumWriter,
    /** Side-file offset of the next CRC to write. */
    private pos: number,
  ) {}

  /**
   * Open the side file for `dataPath` (just opened as `dataFh`). Fresh files
   * get a header; in append mode the existing side file is continued.
   */
  static async open(
    dataPath: string,
    target: string,
    final: string,
    dataFh: FileHandle,
    wantBpc: number | 'auto',
    append: boolean,
  ): Promise<ChecksumSideWriter> {
    const dataLength = append ? (await dataFh.stat()).size : 0;
    if (dataLength > 0) {
      let fh: FileHandle | undefined;
      try {
        fh = await open(target, 'r+');
      } catch (e) {
        if ((e as NodeJS.ErrnoException)?.code !== 'ENOENT') throw ioError(target, e);
      }
      if (fh) {
        try {
          return await ChecksumSideWriter.resume(dataPath, target, final, fh, dataLength, wantBpc);
        } catch (e) {
          await fh.close().catch(() => {});
          throw e;
        }
      }
    }
    const bpc = wantBpc === 'auto' ? DEFAULT_BYTES_PER_CHECKSUM : wantBpc;
    let fh: FileHandle;
    try {
      fh = await open(target, 'w');
    } catch (e) {
      throw ioError(target, e);
    }
    const side = new ChecksumSideWriter(target, final, fh, new ChecksumWriter(bpc), 0);
    try {
      await side.put(side.writer.header());
      // appending to data that has no side file yet: sum what is there
      if (dataLength > 0) await forEachRange(dataPath, 0, dataLength, (part) => side.update(part));
      return side;
    } catch (e) {
      await side.abort();
      throw e;
    }
  }

  /** Continue an existing side file: check its header and length, re-sum the last partial chunk. */
  private static async resume(
    dataPath: string,
    target: string,
    final: string,
    fh: FileHandle,
    dataLength: number,
    wantBpc: number | 'auto',
  ): Promise<ChecksumSideWriter> {
    let crcLength: number;
    const head = new Uint8Array(CHECKSUM_HEADER_LENGTH);
    try {
      crcLength = (await fh.stat()).size;
      await fh.read(head, 0, head.length, 0);
    } catch (e) {
      throw ioError(target, e);
    }
    const { bytesPerChecksum: bpc } = parseChecksumHeader(head.subarray(0, Math.min(crcLength, head.length)), target);
    if (wantBpc !== 'auto' && wantBpc !== bpc) {
      throw new UsageError(`cannot append with ${wantBpc} bytes per checksum: ${target} uses ${bpc}`, { file: final });
    }
    checkChecksumFileLength(crcLength, dataLength, bpc, target);
    const tailLen = dataLength % bpc;
    const tail = new Uint8Array(tailLen);
    const fullLength = checksumFileLength(dataLength - tailLen, bpc);
    if (tailLen > 0) {
      await forEachRange(dataPath, dataLength - tailLen, dataLength, (part, at) => tail.set(part, at - (dataLength - tailLen)));
      // the old data's last chunk must still match before we build on it
      const stored = new Uint8Array(CHECKSUM_SIZE);
      try {
        await fh.read(stored, 0, CHECKSUM_SIZE, fullLength);
      } catch (e) {
        throw ioError(target, e);
      }
      const expected = new DataView(stored.buffer).getUint32(0, false);
      const actual = crc32(tail);
      if (actual !== expected) {
        const start = dataLength - tailLen;
        throw new ChecksumError(`checksum error: existing last chunk at byte ${start} does not match ${target}; not appending`, {
          file: dataPath,
          offset: start,
          checksumFile: target,
          chunk: Math.floor(start / bpc),
          expected,
          actual,
        });
      }
      try {
        await fh.truncate(fullLength);
      } catch (e) {
        throw ioError(target, e);
      }
    }
    return new ChecksumSideWriter(target, final, fh, ChecksumWriter.resume(bpc, dataLength, tail), fullLength);
  }

  async update(chunk: Uint8Array): Promise<void> {
    const sums = this.writer.update(chunk);
    if (sums.length === 0) return;
    this.pending.push(sums);
    this.pendingBytes += sums.length;
    if (this.pendingBytes >= CRC_FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const buf = new Uint8Array(this.pendingBytes);
    let p = 0;
    for (const s of this.pending) {
      buf.set(s, p);
      p += s.length;
    }
    this.pending = [];
    this.pendingBytes = 0;
    await this.put(buf);
  }

  /** Write at the side-file position and move past it. */
  private async put(buf: Uint8Array): Promise<void> {
    await this.writeAt(buf, this.pos);
    this.pos += buf.length;
  }

  private async writeAt(buf: Uint8Array, at: number): Promise<void> {
    try {
      let off = 0;
      while (off < buf.length) {
        const { bytesWritten } = await this.fh.write(buf, off, buf.length - off, at + off);
        off += bytesWritten;
      }
    } catch (e) {
      throw ioError(this.target, e);
    }
  }

  /** Make the side file match the data written so far (the partial chunk's CRC provisionally) and fsync it. */
  async sync(): Promise<void> {
    await this.flush();
    const partial = this.writer.pending();
    if (partial.length > 0) await this.writeAt(partial, this.pos);
    try {
      await this.fh.sync();
    } catch (e) {
      throw ioError(this.target, e);
    }
  }

  /** Write the last CRCs and close the side file. */
  async finish(): Promise<void> {
    if (this.done) return;
    try {
      await this.flush();
      await this.put(this.writer.finish());
    } catch (e) {
      await this.fh.close().catch(() => {});
      this.done = true;
      throw e;
    }
    this.done = true;
    try {
      await this.fh.close();
    } catch (e) {
      throw ioError(this.target, e);
    }
  }

  /** Move the finished side file to its final name (atomic mode), after the data. */
  async publish(): Promise<void> {
    if (this.target === this.final) return;
    try {
      await rename(this.target, this.final);
    } catch (e) {
      // whatever is at the final name now describes other data
      await unlink(this.target).catch(() => {});
      await unlink(this.final).catch(() => {});
      throw ioError(this.final, e);
    }
  }

  async abort(): Promise<void> {
    if (!this.done) {
      this.done = true;
      await this.fh.close().catch(() => {});
    }
    await unlink(this.target).catch(() => {});
  }
}

/** Read [start, end) of a file in pieces, calling `fn(piece, offset)` for each (the piece is reused). */
async function forEachRange(path: string, start: number, end: number, fn: (piece: Uint8Array, at: number) => void | Promise<void>): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw ioError(path, e);
  }
  try {
    const buf = new Uint8Array(Math.min(1 << 20, Math.max(1, end - start)));
    let at = start;
    while (at < end) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - at), at));
      } catch (e) {
        throw ioError(path, e, at);
      }
      if (bytesRead === 0) throw new IOFailureError(`file ended at byte ${at}, expected ${end}`, { file: path, offset: at });
      await fn(buf.subarray(0, bytesRead), at);
      at += bytesRead;
    }
  } finally {
    await fh.close().catch(() => {});
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
