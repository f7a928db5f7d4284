import { readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { open, type FileHandle } from 'node:fs/promises';
import { ChecksumVerifier, checksumPathFor } from './checksum-file.js';
import { HadoopIOError, IOFailureError, UsageError } from './errors.js';
import { isHttpUrl, openHttpSource } from './http-source.js';

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
   * What tells this version of the data from another (a local file's device, inode, size and
   * mtime; an HTTP resource's ETag): caches key on it, so a replaced or appended file is never
   * served from entries of the old one. Undefined where nothing identifies the data.
   */
  readonly identity?: string;
  /**
   * Read up to `length` bytes at `position` into `into` starting at `offset`;
   * resolves to the count read: 0 only at the end of the data. Files fill the
   * request; a stream returns what has arrived, so records flow as they come.
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

export interface FileSourceOptions {
  /**
   * Verify reads against Hadoop's checksum side file `.NAME.crc` (see
   * `checksum-file.ts`). Default (undefined): verify when the side file
   * exists. `true`: require it (a missing side file is an IOFailureError).
   * `false`: never look for it. A malformed side file, or one whose length
   * does not fit the data, is a CorruptFileError naming it; a bad chunk is a
   * ChecksumError.
   */
  verifyChecksum?: boolean;
  /**
   * Read with positioned synchronous reads (default true): far cheaper per
   * call than the promise API, whose cost is most of a MapFile lookup. Pass false where the event loop must
   * never block on the disk (a server reading from slow storage).
   */
  syncReads?: boolean;
}

/** Read size for files that can only be read in order (FIFOs, devices). */
const SEQUENTIAL_CHUNK_BYTES = 1 << 16;

/** Side files up to this size are read whole at open; larger ones are read on demand. */
const EAGER_CHECKSUM_FILE_BYTES = 1 << 20;

/** A source over a local file, opened by `FileSource.open`. */
export class FileSource implements ByteSource {
  readonly seekable = true;
  identity: string | undefined;
  /** The checksum side file reads are verified against, if any. */
  readonly checksumFile: string | undefined;
  private readonly rawRead: (position: number, into: Uint8Array, offset: number, length: number) => Promise<number>;

  private constructor(
    readonly name: string,
    private readonly fh: FileHandle,
    readonly size: number,
    private readonly verifier: ChecksumVerifier | undefined,
    private readonly crcFh: FileHandle | undefined,
    private readonly syncReads: boolean,
  ) {
    this.checksumFile = verifier?.checksumFile;
    this.rawRead = (p, i, o, l) => this.readRaw(p, i, o, l);
  }

  /** Open a regular file (anything else is a UsageError: `openSource` streams it). */
  static async open(path: string, opts: FileSourceOptions = {}): Promise<FileSource> {
    return (await FileSource.openLocal(path, opts, false)) as FileSource;
  }

  /**
   * Open any local file: a regular file as a seekable `FileSource`; a FIFO,
   * `<(...)`, `/dev/stdin` from a pipe or a character device as a sequential
   * stream (seekable false, size undefined), since fstat's size says nothing
   * about how much such a file will deliver.
   */
  static async openSource(path: string, opts: FileSourceOptions = {}): Promise<ByteSource> {
    return FileSource.openLocal(path, opts, true);
  }

  private static async openLocal(path: string, opts: FileSourceOptions, streamOthers: boolean): Promise<ByteSource> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      throw ioError(path, e);
    }
    let crcFh: FileHandle | undefined;
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw new UsageError('is a directory', { file: path });
      if (!st.isFile()) {
        if (!streamOthers) throw new UsageError('not a regular file (open it with FileSource.openSource, which streams it)', { file: path });
        if (opts.verifyChecksum === true) throw new UsageError('checksum verification needs a regular file', { file: path });
        return nodeStreamSource(fh.createReadStream({ highWaterMark: SEQUENTIAL_CHUNK_BYTES }), path);
      }
      let verifier: ChecksumVerifier | undefined;
      if (opts.verifyChecksum !== false) {
        const crcPath = checksumPathFor(path);
        try {
          crcFh = await open(crcPath, 'r');
        } catch (e) {
          if (opts.verifyChecksum === true || (e as NodeJS.ErrnoException)?.code !== 'ENOENT') throw ioError(crcPath, e);
        }
        if (crcFh) verifier = await openVerifier(crcFh, crcPath, path, st.size);
      }
      const source = new FileSource(path, fh, st.size, verifier, crcFh, opts.syncReads ?? true);
      source.identity = `file:${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
      return source;
    } catch (e) {
      await crcFh?.close().catch(() => {});
      await fh.close();
      throw e instanceof HadoopIOError ? e : ioError(path, e);
    }
  }

  /** True when reads are checked against a `.crc` side file. */
  get verifiesChecksum(): boolean {
    return this.verifier !== undefined;
  }

  read(position: number, into: Uint8Array, offset: number, length: number): Promise<number> {
    return this.verifier ? this.verifier.read(position, into, offset, length, this.rawRead) : this.readRaw(position, into, offset, length);
  }

  private async readRaw(position: number, into: Uint8Array, offset: number, length: number): Promise<number> {
    let total = 0;
    try {
      while (total < length) {
        const bytesRead = this.syncReads
          ? readSync(this.fh.fd, into, offset + total, length - total, position + total)
          : (await this.fh.read(into, offset + total, length - total, position + total)).bytesRead;
        if (bytesRead === 0) break;
        total += bytesRead;
      }
    } catch (e) {
      throw ioError(this.name, e, position);
    }
    return total;
  }

  async close(): Promise<void> {
    try {
      await this.fh.close();
    } finally {
      await this.crcFh?.close();
    }
  }
}

async function openVerifier(crcFh: FileHandle, crcPath: string, path: string, dataLength: number): Promise<ChecksumVerifier> {
  const names = { file: path, checksumFile: crcPath };
  let crcLength: number;
  try {
    crcLength = (await crcFh.stat()).size;
  } catch (e) {
    throw ioError(crcPath, e);
  }
  const readCrc = async (position: number, into: Uint8Array, offset: number, length: number): Promise<number> => {
    let total = 0;
    try {
      while (total < length) {
        const { bytesRead } = await crcFh.read(into, offset + total, length - total, position + total);
        if (bytesRead === 0) break;
        total += bytesRead;
      }
    } catch (e) {
      throw ioError(crcPath, e, position);
    }
    return total;
  };
  if (crcLength > EAGER_CHECKSUM_FILE_BYTES) return ChecksumVerifier.lazy(readCrc, crcLength, dataLength, names);
  const bytes = new Uint8Array(crcLength);
  const n = await readCrc(0, bytes, 0, crcLength);
  return new ChecksumVerifier(bytes.subarray(0, n), dataLength, names);
}

/**
 * A sequential source over an async iterable of chunks (a Node Readable such as
 * stdin, a fetch body). Reads must move forward; skipped bytes are discarded.
 * `onClose` releases what the iterable reads from (its `return()` alone does
 * not run when it was never started).
 */
export function streamSource(stream: AsyncIterable<Uint8Array>, name = '<stream>', onClose?: () => Promise<void> | void): ByteSource {
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
        // return what has arrived rather than wait for more: a pipe's records flow as they come
        if (done || written > 0) break;
        pendingPos += pending.length;
        let r: IteratorResult<Uint8Array>;
        try {
          r = await it.next();
        } catch (e) {
          throw e instanceof HadoopIOError ? e : ioError(name, e, pendingPos);
        }
        if (r.done) {
          done = true;
          pending = new Uint8Array(0);
        } else {
          pending = chunkBytes(r.value, name, pendingPos);
        }
      }
      return written;
    },
    async close() {
      // release the underlying stream first: that also ends a read still waiting for data,
      // which `return()` would otherwise queue behind
      try {
        await onClose?.();
      } finally {
        await it.return?.();
      }
    },
  };
}

/** A stream chunk as bytes; text chunks (a stream with an encoding set) cannot be SequenceFile bytes. */
function chunkBytes(chunk: unknown, name: string, offset: number): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new UsageError(`the stream gave ${describeValue(chunk)} where bytes were expected (is an encoding set on it?)`, { file: name, offset });
}

export function ioError(file: string, e: unknown, offset?: number): IOFailureError {
  const err = e as NodeJS.ErrnoException;
  const what = err?.code === 'ENOENT' ? 'no such file or directory' : err?.code === 'EACCES' ? 'permission denied' : String(err?.message ?? e);
  return new IOFailureError(what, { file, ...(offset === undefined ? {} : { offset }), cause: e });
}

/**
 * What readers accept: a path, a `file:` URL, bytes (`Uint8Array`/Buffer,
 * `ArrayBuffer`, any `ArrayBufferView`), a Node Readable, a Web
 * ReadableStream, an async iterable of byte chunks, or a `ByteSource`.
 */
export type SourceInput =
  | string
  | URL
  | Uint8Array
  | ArrayBufferLike
  | ArrayBufferView
  | NodeJS.ReadableStream
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | ByteSource;

/**
 * The one place an input becomes a `ByteSource`; anything it does not
 * recognise is a UsageError naming what was given. `opts` apply to paths only.
 */
export async function toSource(input: SourceInput, opts: FileSourceOptions = {}): Promise<ByteSource> {
  if (typeof input === 'string') return isHttpUrl(input) ? openHttpSource(input) : FileSource.openSource(input, opts);
  if (input instanceof URL) return /^https?:$/.test(input.protocol) ? openHttpSource(input) : FileSource.openSource(urlPath(input), opts);
  if (input instanceof Uint8Array) return bytesSource(input);
  if (input instanceof ArrayBuffer || isSharedArrayBuffer(input)) return bytesSource(new Uint8Array(input as ArrayBufferLike));
  if (ArrayBuffer.isView(input)) return bytesSource(new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
  if (isNodeReadable(input)) return nodeStreamSource(input);
  if (isWebReadableStream(input)) return webStreamSource(input);
  if (isObject(input) && typeof (input as Partial<ByteSource>).read === 'function') return checkedByteSource(input);
  if (isObject(input) && typeof (input as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    return streamSource(input as AsyncIterable<Uint8Array>);
  }
  throw new UsageError(`cannot read from ${describeValue(input)}: ${ACCEPTED_INPUTS}`);
}

const ACCEPTED_INPUTS =
  'expected a path, a file: URL, an http(s) URL, a Uint8Array or ArrayBuffer, a Node Readable, a Web ReadableStream, an AsyncIterable of Uint8Array, or a ByteSource';

/** A path as a string; a `file:` URL as its path; other URL schemes are not supported (yet). */
export function localPath(input: string | URL): string {
  return typeof input === 'string' ? input : urlPath(input);
}

function urlPath(url: URL): string {
  if (url.protocol !== 'file:') throw new UsageError(`scheme ${url.protocol.slice(0, -1)}: not supported (file: and, for SequenceFiles, http(s): URLs are)`, { file: url.href });
  try {
    return fileURLToPath(url);
  } catch (e) {
    throw new UsageError(`not a local file URL: ${(e as Error).message}`, { file: url.href, cause: e });
  }
}

/** An object passed as a ByteSource must be one: a source with a `read` method alone would be read forever. */
function checkedByteSource(input: object): ByteSource {
  const s = input as Record<string, unknown>;
  const wrong: string[] = [];
  if (typeof s.read !== 'function') wrong.push('read is not a function');
  if (typeof s.close !== 'function') wrong.push('close is not a function');
  if (typeof s.seekable !== 'boolean') wrong.push('seekable is not a boolean');
  if (typeof s.name !== 'string') wrong.push('name is not a string');
  if (s.size !== undefined && !(typeof s.size === 'number' && Number.isSafeInteger(s.size) && s.size >= 0)) {
    wrong.push('size is neither undefined nor a byte count');
  }
  if (wrong.length > 0) throw new UsageError(`cannot read from ${describeValue(input)}: not a ByteSource (${wrong.join(', ')}); ${ACCEPTED_INPUTS}`);
  return input as ByteSource;
}

function streamName(stream: NodeReadable): string {
  if (typeof stream.path === 'string') return stream.path;
  return stream === process.stdin ? '<stdin>' : '<stream>';
}

function isNodeReadable(x: unknown): x is NodeReadable {
  if (x instanceof Readable) return true;
  // a Readable from another copy of the stream module
  const s = x as Record<PropertyKey, unknown> | null;
  return isObject(s) && typeof s.pipe === 'function' && typeof s.on === 'function' && typeof s.read === 'function' && typeof s[Symbol.asyncIterator] === 'function';
}

function isWebReadableStream(x: unknown): x is ReadableStream<Uint8Array> {
  return (typeof ReadableStream === 'function' && x instanceof ReadableStream) || (isObject(x) && typeof (x as ReadableStream).getReader === 'function');
}

type NodeReadable = NodeJS.ReadableStream & { destroy?(): void; destroyed?: boolean; path?: unknown; fd?: unknown };

function nodeStreamSource(stream: NodeReadable, name = streamName(stream)): ByteSource {
  // destroying releases the stream's file descriptor even when it was never read
  return streamSource(stream as AsyncIterable<Uint8Array>, name, () => {
    if (!stream.destroyed) stream.destroy?.();
  });
}

function webStreamSource(stream: ReadableStream<Uint8Array>): ByteSource {
  const reader = stream.getReader();
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  }
  return streamSource(chunks(), '<stream>', () => reader.cancel().catch(() => {}));
}

function isObject(x: unknown): x is object {
  return (typeof x === 'object' && x !== null) || typeof x === 'function';
}

function isSharedArrayBuffer(x: unknown): boolean {
  return typeof SharedArrayBuffer === 'function' && x instanceof SharedArrayBuffer;
}

/** What a value is, for an error message: "the number 42", "an object with keys read", "a Socket". */
function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)}`;
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean') return `the ${typeof x} ${String(x)}`;
  if (typeof x === 'symbol') return `the symbol ${x.description ?? ''}`;
  if (typeof x === 'function') return `a function${x.name ? ` ${x.name}` : ''}`;
  const ctor = (x as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof ctor === 'string' && ctor !== 'Object') return `a ${ctor}`;
  const keys = Object.keys(x);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 6).join(', ')}`;
}
