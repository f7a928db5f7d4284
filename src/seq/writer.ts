import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { ByteWriter } from '../io/byte-writer.js';
import { HadoopIOError, IOFailureError, UsageError } from '../io/errors.js';
import { FileSink, type ByteSink } from '../io/sink.js';
import { isNodeWritable, isWebWritable, streamSink, type WritableLike } from '../io/stream-sink.js';
import { recordWritable, recordWritableStream, type RecordInput } from '../io/record-streams.js';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CodecLookup, CompressionCodec } from '../codec/types.js';
import { defaultCodecs } from '../codec/registry.js';
import type { WritableContext, WritableRegistryLike, WritableType } from '../writable/types.js';
import { defaultRegistry } from '../writable/builtins.js';
import {
  DEFAULT_BLOCK_SIZE,
  DEFAULT_CODEC_CLASS,
  DEFAULT_SYNC_INTERVAL,
  SYNC_ESCAPE,
  SYNC_HASH_SIZE,
  type CompressionType,
} from './constants.js';
import { sortMetadata, writeHeader, type SequenceFileHeader } from './header.js';
import { SequenceFileReader } from './reader.js';
import { CodecPool, defaultThreads } from './codec-pool.js';

export interface SequenceFileWriterOptions {
  /** Key class: a Java class name known to the registry, or a type. */
  keyClass: string | WritableType;
  /** Value class: a Java class name known to the registry, or a type. */
  valueClass: string | WritableType;
  /** Default 'RECORD', as Hadoop's `io.seqfile.compression.type`. */
  compression?: CompressionType;
  /** Codec class name, short name (`snappy`) or codec; default DefaultCodec. Ignored for NONE. */
  codec?: string | CompressionCodec;
  /** BLOCK: flush a block once its raw keys + values reach this many bytes (default 1,000,000). */
  blockSize?: number;
  /** NONE/RECORD: bytes between periodic sync markers (default 102,400; 0 = before every record). */
  syncInterval?: number;
  /** Header metadata; written sorted by key bytes as Hadoop does. */
  metadata?: Record<string, string> | Iterable<[string, string]>;
  /** The 16-byte sync marker (default: random). */
  syncMarker?: Uint8Array;
  /** Extend an existing file (Hadoop's `appendIfExists`): keeps its header, metadata and marker. */
  append?: boolean;
  /**
   * Write to a temporary name and rename at close (path outputs only). Regular
   * files only: a symlink's target is replaced that way (the link stays); a
   * FIFO, device or `/dev/stdout` is written through.
   */
  atomic?: boolean;
  /**
   * Also write Hadoop's `.NAME.crc` checksum side file (ChecksumFileSystem: CRC32 per 512 bytes,
   * or `{ bytesPerChecksum }`), so the file keeps its checks on a Hadoop local file system. Path outputs only.
   */
  writeChecksum?: boolean | { bytesPerChecksum: number };
  registry?: WritableRegistryLike;
  codecs?: CodecLookup;
  /** Output buffer size in bytes before a write to the sink (default 1 MiB). */
  bufferSize?: number;
  /**
   * Worker threads compressing RECORD values and BLOCK buffers while this
   * thread serializes the next records (0 = compress in this thread). Output
   * is the same whatever the setting (byte-identical but for RECORD zlib
   * codecs, whose bytes depend on each thread's earlier streams). Default:
   * 1 for DefaultCodec, GzipCodec and DeflateCodec on a machine with a second
   * core, else 0 (`defaultThreads`).
   * Plug-in codecs and bzip2 compression always run in this thread; small
   * files never start a worker.
   */
  threads?: number;
}

/** Raw bytes compressed in this thread before workers are started: small files never start one. */
const WARM_AFTER_BYTES = 512 * 1024;
/** RECORD with workers: values compressed per message. */
const RECORD_BATCH_BYTES = 256 * 1024;
const RECORD_BATCH_RECORDS = 8192;

/** Compression handed out and not yet framed into the output, in file order. */
interface Job {
  /** The compressed buffers, once known. */
  z: Uint8Array[] | null;
  frame(z: Uint8Array[]): void;
}

/** RECORD with workers: serialized keys and raw values waiting for their values' compression. */
class RecordBatch {
  readonly keys = new ByteWriter(64 * 1024);
  readonly values = new ByteWriter(RECORD_BATCH_BYTES + 64 * 1024);
  keyEnds: number[] = [];
  valueEnds: number[] = [];
  /** Per value, the write-call sizes block-framed codecs need (undefined: one write). */
  writes: (number[] | undefined)[] = [];

  get size(): number {
    return this.keyEnds.length;
  }

  reset(): void {
    this.keys.reset();
    this.values.reset();
    this.keyEnds.length = 0;
    this.valueEnds.length = 0;
    this.writes.length = 0;
  }
}

/** In-flight compression of a writer with workers (an observable stat; all zero without workers). */
export interface WriterPipelineStats {
  /** Worker threads this writer hands compression to (0: it compresses in its own thread). */
  threads: number;
  /** Blocks or RECORD batches handed out and not yet framed into the output. */
  inFlight: number;
  /** The most there ever were at once. */
  peakInFlight: number;
  /** The bound: writes wait (write() returns false) once this many are in flight. */
  limit: number;
}

const RESOLVED = Promise.resolve();

/**
 * Where a writer writes: a path or `file:` URL; a ByteSink; a Node
 * `stream.Writable` (HTTP response, gzip stream, fs.WriteStream...) or a Web
 * `WritableStream`, written through `streamSink` (which copies each chunk,
 * waits on backpressure and ends the stream at close; use
 * `streamSink(stream, { end: false })` to keep it open).
 */
export type WriterOutput = string | URL | ByteSink | WritableLike;

/**
 * Writes a SequenceFile (version 6) byte-for-byte as Hadoop's
 * `SequenceFile.Writer` does: same header, sync marker placement, record and
 * block layout, codec framing. Memory is bounded by the output buffer and, for
 * BLOCK, one block.
 */
export class SequenceFileWriter<K = unknown, V = unknown> {
  readonly header: Omit<SequenceFileHeader, 'headerLength'>;
  readonly keyType: WritableType<K>;
  readonly valueType: WritableType<V>;
  readonly codec: CompressionCodec | null;

  private readonly sink: ByteSink;
  /** Records are serialized into `out`; a full `out` is handed to the sink while the spare fills. */
  private out: ByteWriter;
  private spare: ByteWriter;
  private pendingWrite: Promise<void> | null = null;
  private readonly bufferSize: number;
  private readonly ctx: WritableContext;
  private readonly compression: CompressionType;
  private readonly syncMarker: Uint8Array;
  private readonly syncInterval: number;
  private readonly blockSize: number;
  /** Bytes already handed to the sink. */
  private flushed: number;
  private lastSyncPos = 0;
  /** Set as soon as close() or abort() is called: later appends are refused, not silently dropped. */
  private closed = false;
  /** The one close in progress or done: every close() call gets its outcome (a failure too). */
  private closing: Promise<void> | null = null;
  /** The first sink failure: once set, every append, sync, flush and close reports it. */
  private failed: HadoopIOError | null = null;
  private records = 0;

  private readonly valueBuf = new ByteWriter(1024);
  // BLOCK buffers
  private readonly blockKeyLens = new ByteWriter(1024);
  private readonly blockKeys = new ByteWriter(64 * 1024);
  private readonly blockValueLens = new ByteWriter(1024);
  private readonly blockValues = new ByteWriter(256 * 1024);
  private blockRecords = 0;

  /** Workers compressing for this writer, or null: compression runs inline, as it always did. */
  private readonly pool: CodecPool | null;
  private readonly jobs: Job[] = [];
  /** Jobs queued (in flight or waiting to be framed) before writes wait. */
  private readonly maxJobs: number;
  /** Jobs at the workers: past `threads * 2`, this thread compresses the next one itself rather than wait. */
  private atWorkers = 0;
  private aborted = false;
  private peakJobs = 0;
  /** Raw bytes compressed so far (workers are used past POOL_AFTER_BYTES). */
  private compressedIn = 0;
  private batch: RecordBatch | null = null;
  private readonly spareBatches: RecordBatch[] = [];
  /** Resolved (and replaced) whenever a job is framed or the writer fails. */
  private progress: { promise: Promise<void>; resolve: () => void } | null = null;

  private constructor(sink: ByteSink, header: Omit<SequenceFileHeader, 'headerLength'>, opts: SequenceFileWriterOptions, startPos: number) {
    const registry = opts.registry ?? defaultRegistry;
    this.ctx = { registry };
    this.sink = sink;
    this.header = header;
    this.keyType = resolveType(registry, opts.keyClass) as WritableType<K>;
    this.valueType = resolveType(registry, opts.valueClass) as WritableType<V>;
    this.compression = header.compression;
    this.codec = header.codecClassName === null ? null : (opts.codecs ?? defaultCodecs).require(header.codecClassName);
    this.syncMarker = header.sync!;
    this.syncInterval = opts.syncInterval ?? DEFAULT_SYNC_INTERVAL;
    this.blockSize = opts.blockSize ?? DEFAULT_BLOCK_SIZE;
    this.bufferSize = opts.bufferSize ?? 1 << 20;
    this.out = new ByteWriter(Math.min(this.bufferSize + 1024, 1 << 22));
    this.spare = new ByteWriter(Math.min(this.bufferSize + 1024, 1 << 22));
    this.flushed = startPos;
    // Hadoop's block codecs frame by write calls: track them for RECORD values
    if (this.compression === 'RECORD' && this.codec?.blockFramed) this.valueBuf.calls = [];
    const threads = opts.threads ?? defaultThreads(this.codec?.className);
    const pool = this.codec !== null && threads > 0 && CodecPool.isBuiltIn(this.codec) ? CodecPool.shared(threads) : null;
    this.pool = pool?.runsInWorkers(this.codec!.className) ? pool : null;
    this.maxJobs = this.pool === null ? 0 : 4 * threads;
  }

  /**
   * Create (or with `append`, extend) a SequenceFile at a path or on a sink.
   * ```ts
   * const w = await SequenceFileWriter.create('out.seq', { keyClass: 'org.apache.hadoop.io.Text', valueClass: 'org.apache.hadoop.io.LongWritable' });
   * await w.append('a', 1n);
   * await w.close();
   * ```
   */
  static async create<K = unknown, V = unknown>(output: WriterOutput, opts: SequenceFileWriterOptions): Promise<SequenceFileWriter<K, V>> {
    if (output instanceof URL) {
      if (output.protocol !== 'file:') throw new UsageError(`cannot write to ${output.href}: only file: URLs are paths`);
      output = fileURLToPath(output);
    }
    const registry = opts.registry ?? defaultRegistry;
    // every option is checked before the output is opened: opening truncates an existing file
    checkSizes(opts);
    const compression = opts.compression ?? 'RECORD';
    if (compression !== 'NONE' && compression !== 'RECORD' && compression !== 'BLOCK') {
      throw new UsageError(`compression must be NONE, RECORD or BLOCK, got ${String(compression)}`);
    }
    let codecClassName: string | null = null;
    if (compression !== 'NONE') {
      const c = opts.codec ?? DEFAULT_CODEC_CLASS;
      codecClassName = typeof c === 'string' ? (opts.codecs ?? defaultCodecs).require(c).className : c.className;
    }
    const keyClassName = resolveType(registry, opts.keyClass).className;
    const valueClassName = resolveType(registry, opts.valueClass).className;
    const sync = opts.syncMarker ?? new Uint8Array(randomBytes(SYNC_HASH_SIZE));
    if (sync.length !== SYNC_HASH_SIZE) throw new UsageError(`syncMarker must be ${SYNC_HASH_SIZE} bytes, got ${sync.length}`);
    let header: Omit<SequenceFileHeader, 'headerLength'> = {
      version: 6,
      keyClassName,
      valueClassName,
      compression,
      codecClassName,
      metadata: sortMetadata(metadataPairs(opts.metadata)),
      sync,
    };

    let appendTo = 0;
    if (opts.append && typeof output === 'string') {
      const size = await stat(output).then((s) => s.size, () => 0);
      if (size > 0) {
        header = await existingHeader(output, header, opts);
        appendTo = size;
      }
    }
    const sink = typeof output === 'string' ? await FileSink.open(output, {
            append: appendTo > 0,
            atomic: !!opts.atomic && appendTo === 0,
            ...(opts.writeChecksum ? { writeChecksum: opts.writeChecksum } : {}),
          }) : toSink(output);
    try {
      const w = new SequenceFileWriter<K, V>(sink, header, { ...opts, codec: codecClassName ?? undefined }, appendTo);
      if (appendTo === 0) {
        writeHeader(w.out, header);
      } else if (compression !== 'BLOCK') {
        w.writeSync(); // Hadoop marks the append point in NONE/RECORD files
      }
      return w;
    } catch (e) {
      // a file we opened is not left open (or a temporary file behind); a caller's sink or stream stays theirs
      if (typeof output === 'string') await sink.abort?.().catch(() => {});
      throw e;
    }
  }

  /**
   * Bytes written so far, including buffered ones: the offset the next record
   * will start at. With worker threads, records still being compressed (and a
   * RECORD batch not yet handed out) are not counted until they are framed:
   * after `sync()` it is exact.
   */
  get position(): number {
    return this.flushed + this.out.length;
  }

  /** Records appended through this writer. */
  get count(): number {
    return this.records;
  }

  /** Compression in flight; `position` does not count records whose compression is in flight. */
  get pipeline(): WriterPipelineStats {
    return { threads: this.pool?.threads ?? 0, inFlight: this.jobs.length, peakInFlight: this.peakJobs, limit: this.maxJobs };
  }

  /** The sink failure that ended this writer (every later call rejects with it), or null. */
  get failure(): HadoopIOError | null {
    return this.failed;
  }

  /** Append a record; keys and values are coerced by their types (e.g. a string for Text). */
  append(key: K, value: V): Promise<void> {
    // every failure rejects (never a synchronous throw), without an async frame per record
    try {
      this.put(key, value);
      return this.afterPut();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Append a record without a promise, as Node's `stream.write`: returns
   * false once the output buffer or the compression in flight is full; then
   * `await drained()` before writing more. A record that cannot be serialized
   * (or a closed writer) throws here; a failure of the output or of
   * compression surfaces on the next call or at close.
   * ```ts
   * for (const [k, v] of records) if (!w.write(k, v)) await w.drained();
   * await w.close();
   * ```
   */
  write(key: K, value: V): boolean {
    this.put(key, value);
    if (this.pool !== null && this.jobs.length >= this.maxJobs) return false;
    if (this.out.length < this.bufferSize) return true;
    if (this.pendingWrite !== null) return false;
    this.drain().catch(() => {}); // nothing in flight: hands the buffer over at once; a failure sticks
    return true;
  }

  /** Resolves once `write()` has room again; rejects with the writer's failure. */
  async drained(): Promise<void> {
    while (this.pool !== null && this.jobs.length >= this.maxJobs && this.failed === null) await this.nextProgress();
    if (this.failed !== null) throw this.failed;
    if (this.out.length >= this.bufferSize) await this.drain();
  }

  /** Append many records (`[key, value]` or `{ key, value }`), waiting only when the buffers are full. */
  async appendBatch(records: Iterable<readonly [K, V] | { key: K; value: V }>): Promise<void> {
    for (const r of records) {
      const room = Array.isArray(r) ? this.write(r[0] as K, r[1] as V) : this.write((r as { key: K }).key, (r as { value: V }).value);
      if (!room) await this.drained();
    }
  }

  private afterPut(): Promise<void> {
    if (this.pool !== null && this.jobs.length >= this.maxJobs) return this.drained();
    return this.maybeFlush();
  }

  /** Serialize one record into the output (NONE, RECORD without workers) or into the block or batch. */
  private put(key: K, value: V): void {
    this.checkOpen();
    const kt = this.keyType;
    const vt = this.valueType;
    const k = kt.coerce ? kt.coerce(key) : key;
    const v = vt.coerce ? vt.coerce(value) : value;
    // serialize straight into the output (or block) buffers; undo on failure
    switch (this.compression) {
      case 'NONE': {
        this.checkAndWriteSync();
        const out = this.out;
        const at = out.pos;
        try {
          out.ensure(8);
          out.pos = at + 8;
          kt.write(out, k, this.ctx);
          const keyEnd = out.pos;
          vt.write(out, v, this.ctx);
          out.patchInt32(at, out.pos - at - 8);
          out.patchInt32(at + 4, keyEnd - at - 8);
        } catch (e) {
          out.pos = at;
          throw serializeError(e, this.records);
        }
        break;
      }
      case 'RECORD': {
        if (this.batch !== null) {
          this.putBatched(k, v);
          break;
        }
        this.checkAndWriteSync();
        const out = this.out;
        const at = out.pos;
        try {
          out.ensure(8);
          out.pos = at + 8;
          kt.write(out, k, this.ctx);
          const keyEnd = out.pos;
          const vb = this.valueBuf;
          vb.reset();
          if (vb.calls !== null) vb.calls.length = 0;
          vt.write(vb, v, this.ctx);
          const z = this.codec!.compress(vb.bytes(), vb.calls === null ? undefined : javaBufferedWrites(vb.calls));
          out.writeBytes(z);
          out.patchInt32(at, out.pos - at - 8);
          out.patchInt32(at + 4, keyEnd - at - 8);
        } catch (e) {
          out.pos = at;
          throw serializeError(e, this.records);
        }
        this.maybeStartBatches(this.valueBuf.length);
        break;
      }
      case 'BLOCK': {
        const keys = this.blockKeys;
        const values = this.blockValues;
        const k0 = keys.pos;
        const v0 = values.pos;
        try {
          kt.write(keys, k, this.ctx);
          vt.write(values, v, this.ctx);
        } catch (e) {
          keys.pos = k0;
          values.pos = v0;
          throw serializeError(e, this.records);
        }
        this.blockKeyLens.writeVInt(keys.pos - k0);
        this.blockValueLens.writeVInt(values.pos - v0);
        this.blockRecords++;
        if (keys.pos + values.pos >= this.blockSize) this.writeBlock();
        break;
      }
    }
    this.records++;
  }

  /** RECORD with workers: the key and the raw value join the batch; the batch goes out once full. */
  private putBatched(k: unknown, v: unknown): void {
    const b = this.batch!;
    const keys = b.keys;
    const values = b.values;
    const k0 = keys.pos;
    const v0 = values.pos;
    const calls = values.calls;
    if (calls !== null) calls.length = 0;
    try {
      this.keyType.write(keys, k as K, this.ctx);
      this.valueType.write(values, v as V, this.ctx);
    } catch (e) {
      keys.pos = k0;
      values.pos = v0;
      throw serializeError(e, this.records);
    }
    b.keyEnds.push(keys.pos);
    b.valueEnds.push(values.pos);
    if (calls !== null) {
      const w = javaBufferedWrites(calls);
      b.writes.push(w.length === 1 && w[0] === values.pos - v0 ? undefined : w);
    }
    if (values.pos >= RECORD_BATCH_BYTES || b.size >= RECORD_BATCH_RECORDS) this.submitBatch();
  }

  /** Append already serialized key and value bytes (uncompressed). */
  appendRaw(key: Uint8Array, value: Uint8Array): Promise<void> {
    try {
      this.checkOpen();
      checkBytes(key, 'key');
      checkBytes(value, 'value');
      return this.appendSerialized(key, value);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * RECORD files: append a value already compressed with this file's codec
   * (copying records between files without recompressing).
   */
  appendRawCompressed(key: Uint8Array, storedValue: Uint8Array): Promise<void> {
    try {
      this.checkOpen();
      if (this.compression !== 'RECORD') throw new UsageError('appendRawCompressed is for RECORD-compressed files', { file: this.sink.name });
      checkBytes(key, 'key');
      checkBytes(storedValue, 'storedValue');
      if (this.jobs.length > 0 || (this.batch?.size ?? 0) > 0) {
        // after the records still being compressed, in order
        this.submitBatch();
        const k = key.slice();
        const z = storedValue.slice();
        this.enqueueDone([], () => this.frameRecord(k, z));
      } else {
        this.frameRecord(key, storedValue);
      }
      this.records++;
      return this.afterPut();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** A RECORD record with its value compressed: sync marker when due, lengths, key, value. */
  private frameRecord(key: Uint8Array, storedValue: Uint8Array): void {
    this.checkAndWriteSync();
    const out = this.out;
    out.writeInt32(key.length + storedValue.length);
    out.writeInt32(key.length);
    out.writeBytes(key);
    out.writeBytes(storedValue);
  }

  private appendSerialized(key: Uint8Array, value: Uint8Array): Promise<void> {
    const out = this.out;
    switch (this.compression) {
      case 'NONE':
        this.checkAndWriteSync();
        out.writeInt32(key.length + value.length);
        out.writeInt32(key.length);
        out.writeBytes(key);
        out.writeBytes(value);
        break;
      case 'RECORD': {
        this.maybeStartBatches(value.length);
        if (this.batch !== null) {
          const b = this.batch;
          b.keys.writeBytes(key);
          b.values.writeBytes(value);
          b.keyEnds.push(b.keys.pos);
          b.valueEnds.push(b.values.pos);
          if (b.values.calls !== null) b.writes.push(undefined);
          if (b.values.pos >= RECORD_BATCH_BYTES || b.size >= RECORD_BATCH_RECORDS) this.submitBatch();
          break;
        }
        this.checkAndWriteSync();
        const z = this.codec!.compress(value);
        out.writeInt32(key.length + z.length);
        out.writeInt32(key.length);
        out.writeBytes(key);
        out.writeBytes(z);
        break;
      }
      case 'BLOCK':
        this.blockKeyLens.writeVInt(key.length);
        this.blockKeys.writeBytes(key);
        this.blockValueLens.writeVInt(value.length);
        this.blockValues.writeBytes(value);
        this.blockRecords++;
        if (this.blockKeys.length + this.blockValues.length >= this.blockSize) this.writeBlock();
        break;
    }
    this.records++;
    return this.afterPut();
  }

  /**
   * Hadoop's `sync()`: NONE/RECORD write a sync marker (unless one was just
   * written here); BLOCK flushes the buffered records as a block.
   */
  sync(): Promise<void> {
    try {
      this.checkOpen();
      if (this.compression === 'BLOCK') {
        this.writeBlock();
      } else if (this.batch !== null) {
        this.submitBatch();
        this.enqueueDone([], () => this.writeSync());
      } else {
        this.writeSync();
      }
      if (this.pool === null) return this.maybeFlush();
      return this.settleJobs().then(() => this.maybeFlush());
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Hand everything buffered to the sink and make it durable (`hflush` +
   * fsync). On a pipe, FIFO, device or socket there is nothing to fsync: the
   * bytes are handed to the OS and flush succeeds. On a stream it waits until
   * the stream has taken every chunk. BLOCK records not yet in a block stay
   * buffered: call `sync()` first to include them.
   */
  async flush(): Promise<void> {
    this.checkOpen();
    this.submitBatch();
    await this.settle();
    if (!this.sink.sync) return;
    try {
      await this.sink.sync();
    } catch (e) {
      // after a failed fsync what was written cannot be trusted: later calls fail too
      throw this.fail(e, 'sync');
    }
  }

  /**
   * Flush the last block, write everything out and close the sink. Appends
   * made once close() is called are refused. Idempotent: every call gets the
   * same outcome, so a failed close keeps rejecting.
   */
  close(): Promise<void> {
    if (this.closing === null) {
      this.closed = true;
      this.closing = this.finish();
    }
    return this.closing;
  }

  private async finish(): Promise<void> {
    try {
      if (this.failed === null && this.compression === 'BLOCK') this.writeBlock();
      if (this.failed === null) this.submitBatch();
      await this.settle(); // throws the sink's error if a write failed: never a silent short file
      try {
        await this.sink.close();
      } catch (e) {
        throw this.fail(e, 'close');
      }
    } catch (e) {
      try {
        await this.sink.abort?.();
      } catch {
        // the close error is the one to report
      }
      throw e;
    }
  }

  /**
   * For `await using`: close the writer when the scope ends. If the writer has
   * already failed (an append, sync, flush or close rejected with the sink's
   * error, which the caller has seen), the partial output is aborted instead
   * and dispose does not throw that error a second time; otherwise a close
   * failure is thrown, since it means the file is not complete. Leaving the
   * scope by an exception of your own still closes (dispose cannot tell):
   * call `abort()` in a catch to drop the output instead.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.failed !== null) return this.abort().catch(() => {});
    await this.close();
  }

  /**
   * An object-mode Node Writable of `{ key, value }` (or `[key, value]`)
   * records for `pipeline()`: each is appended (the next taken once the append
   * resolved), the writer is closed when the stream finishes, and aborted if
   * the stream is destroyed first (a failure upstream commits no partial file).
   */
  toWritable(opts: { highWaterMark?: number } = {}): Writable {
    return recordWritable<K, V>(this, opts);
  }

  /** A Web WritableStream of `{ key, value }` / `[key, value]` records; close closes the writer, abort aborts it. */
  toWritableStream(opts: { highWaterMark?: number } = {}): WritableStream<RecordInput<K, V>> {
    return recordWritableStream<K, V>(this, opts);
  }

  /**
   * `create` + `toWritable` in one step, for `pipeline(source, SequenceFileWriter.createWriteStream('out.seq', opts))`:
   * the writer is created when the stream starts (a create failure is the stream's error).
   */
  static createWriteStream<K = unknown, V = unknown>(output: WriterOutput, opts: SequenceFileWriterOptions & { highWaterMark?: number }): Writable {
    return recordWritable<K, V>(() => SequenceFileWriter.create<K, V>(output, opts), opts.highWaterMark === undefined ? {} : { highWaterMark: opts.highWaterMark });
  }

  /** Give up: close the sink and drop a temporary file without renaming it. A later close() does nothing. */
  async abort(): Promise<void> {
    this.closed = true;
    this.closing ??= RESOLVED;
    this.aborted = true;
    this.jobs.length = 0; // compression still in flight is dropped, never written
    await this.sink.abort?.();
  }

  /**
   * Record a sink failure (the first one wins) as a typed error naming the
   * output: sinks may fail with anything, e.g. a plain EPIPE/ENOSPC Error.
   */
  private fail(e: unknown, op: 'write' | 'sync' | 'close' | 'compress'): HadoopIOError {
    if (this.failed !== null) return this.failed;
    let err: HadoopIOError;
    if (e instanceof HadoopIOError) {
      err = e.locate(this.sink.name);
    } else {
      const sys = e as NodeJS.ErrnoException | undefined;
      const msg = String(sys?.message ?? e);
      const reason = sys?.code && !msg.includes(sys.code) ? `${sys.code}: ${msg}` : msg;
      err = new IOFailureError(`${op} failed: ${reason}`, { file: this.sink.name, cause: e });
    }
    this.failed = err;
    return err;
  }

  private checkOpen(): void {
    if (this.closed) throw new UsageError('writer is closed', { file: this.sink.name });
    if (this.failed !== null) throw this.failed;
  }

  private checkAndWriteSync(): void {
    if (this.position >= this.lastSyncPos + this.syncInterval) this.writeSync();
  }

  private writeSync(): void {
    if (this.lastSyncPos === this.position) return;
    this.out.writeInt32(SYNC_ESCAPE);
    this.out.writeBytes(this.syncMarker);
    this.lastSyncPos = this.position;
  }

  private writeBlock(): void {
    if (this.blockRecords === 0) return;
    if (this.pool !== null) return this.submitBlock();
    this.writeSync();
    const out = this.out;
    const codec = this.codec!;
    out.writeVInt(this.blockRecords);
    for (const buf of [this.blockKeyLens, this.blockKeys, this.blockValueLens, this.blockValues]) {
      const z = codec.compress(buf.bytes());
      out.writeVInt(z.length);
      out.writeBytes(z);
      buf.reset();
    }
    this.blockRecords = 0;
  }

  /** BLOCK with workers: the four buffers go out compressed (in this thread for a small file's first bytes). */
  private submitBlock(): void {
    const bufs = [this.blockKeyLens, this.blockKeys, this.blockValueLens, this.blockValues];
    const n = this.blockRecords;
    this.blockRecords = 0;
    const frame = (z: Uint8Array[]): void => {
      this.writeSync();
      const out = this.out;
      out.writeVInt(n);
      for (const b of z) {
        out.writeVInt(b.length);
        out.writeBytes(b);
      }
    };
    let total = 0;
    for (const b of bufs) total += b.length;
    if (!this.useWorkers(total)) {
      const z = this.compressInline(bufs.map((b) => b.bytes()));
      for (const b of bufs) b.reset();
      return this.enqueueDone(z, frame);
    }
    // one copy for the worker, so the serialization buffers are reused for the next block at once
    const packed = new Uint8Array(total);
    const inputs: Uint8Array[] = [];
    let at = 0;
    for (const b of bufs) {
      packed.set(b.bytes(), at);
      inputs.push(packed.subarray(at, at + b.length));
      at += b.length;
      b.reset();
    }
    this.enqueue(inputs, undefined, frame);
  }

  /** RECORD with workers: hand the batch's values out; its records are framed once they are back. */
  private submitBatch(): void {
    const b = this.batch;
    if (b === null || b.size === 0) return;
    this.batch = this.newBatch();
    const data = b.values.bytes();
    const inline = !this.useWorkers(data.length);
    const src = inline ? data : data.slice();
    const inputs: Uint8Array[] = new Array(b.size);
    let at = 0;
    for (let i = 0; i < b.size; i++) {
      const end = b.valueEnds[i]!;
      inputs[i] = src.subarray(at, end);
      at = end;
    }
    const frame = (z: Uint8Array[]): void => this.frameBatch(b, z);
    const writes = b.writes.length > 0 ? b.writes : undefined;
    if (inline) this.enqueueDone(this.compressInline(inputs, writes), frame);
    else this.enqueue(inputs, writes, frame);
  }

  private frameBatch(b: RecordBatch, z: Uint8Array[]): void {
    const keys = b.keys.buf;
    let k0 = 0;
    for (let i = 0; i < z.length; i++) {
      const k1 = b.keyEnds[i]!;
      this.checkAndWriteSync();
      const out = this.out;
      const v = z[i]!;
      out.writeInt32(k1 - k0 + v.length);
      out.writeInt32(k1 - k0);
      out.writeBytes(keys.subarray(k0, k1));
      out.writeBytes(v);
      k0 = k1;
    }
    b.reset();
    this.spareBatches.push(b);
  }

  /** RECORD: past the small-file bytes, values are batched for the workers (before, each is compressed here). */
  private maybeStartBatches(bytes: number): void {
    if (this.pool === null || this.batch !== null) return;
    this.compressedIn += bytes;
    if (this.compressedIn > WARM_AFTER_BYTES) this.batch = this.newBatch();
  }

  /** Whether to hand `bytes` more to the workers: once past the small-file bytes and a worker is up (never waiting for one). */
  private useWorkers(bytes: number): boolean {
    this.compressedIn += bytes;
    if (this.compressedIn <= WARM_AFTER_BYTES) return false;
    this.pool!.poll(); // finished work is framed now, even in a loop that never yields
    return this.atWorkers < 2 * this.pool!.threads && this.pool!.warm();
  }

  private newBatch(): RecordBatch {
    const b = this.spareBatches.pop() ?? new RecordBatch();
    if (this.codec?.blockFramed) b.values.calls ??= [];
    return b;
  }

  /** Compress in this thread; records already counted are lost if it fails, so the failure sticks. */
  private compressInline(inputs: Uint8Array[], writes?: readonly (readonly number[] | undefined)[]): Uint8Array[] {
    const codec = this.codec!;
    try {
      return inputs.map((x, i) => codec.compress(x, writes?.[i]));
    } catch (e) {
      throw this.fail(e, 'compress');
    }
  }

  /** Queue compression in flight; it is framed into the output in order once it and all before it are back. */
  private enqueue(inputs: Uint8Array[], writes: readonly (readonly number[] | undefined)[] | undefined, frame: (z: Uint8Array[]) => void): void {
    const job: Job = { z: null, frame };
    this.jobs.push(job);
    if (this.jobs.length > this.peakJobs) this.peakJobs = this.jobs.length;
    this.atWorkers++;
    this.pool!.submit('compress', this.codec!.className, inputs, (e, z) => {
      this.atWorkers--;
      if (z === null) {
        this.fail(e, 'compress');
        this.notify();
        return;
      }
      job.z = z;
      this.pump();
    }, writes === undefined ? {} : { writes });
  }

  /** Queue work already done: framed now unless compression before it is still in flight. */
  private enqueueDone(z: Uint8Array[], frame: (z: Uint8Array[]) => void): void {
    if (this.jobs.length === 0) return frame(z);
    this.jobs.push({ z, frame });
    if (this.jobs.length > this.peakJobs) this.peakJobs = this.jobs.length;
  }

  /** Frame every finished job at the head of the queue, then hand a full buffer to the sink. */
  private pump(): void {
    if (this.aborted) return;
    const jobs = this.jobs;
    while (jobs.length > 0 && jobs[0]!.z !== null && this.failed === null) {
      const job = jobs.shift()!;
      job.frame(job.z!);
    }
    if (this.failed === null && this.out.length >= this.bufferSize && this.pendingWrite === null) this.drain().catch(() => {});
    this.notify();
  }

  private notify(): void {
    const p = this.progress;
    if (p === null) return;
    this.progress = null;
    p.resolve();
  }

  private nextProgress(): Promise<void> {
    if (this.progress === null) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.progress = { promise, resolve };
    }
    return this.progress.promise;
  }

  /** Wait until every job is framed into the output. */
  private async settleJobs(): Promise<void> {
    while (this.jobs.length > 0 && this.failed === null) await this.nextProgress();
    if (this.failed !== null) throw this.failed;
  }

  private maybeFlush(): Promise<void> {
    if (this.out.length < this.bufferSize) return RESOLVED;
    return this.drain();
  }

  /**
   * Start writing the full buffer and carry on in the spare one; the write
   * before it must have finished first (so at most one is in flight).
   */
  private async drain(): Promise<void> {
    if (this.failed !== null) throw this.failed;
    // a loop: callers that did not await their appends may have started another write meanwhile, and
    // the spare buffer is only free once no write is in flight
    while (this.pendingWrite) await this.pendingWrite;
    if (this.failed !== null) throw this.failed;
    const full = this.out;
    if (full.length === 0) return;
    const n = full.length;
    this.out = this.spare;
    this.spare = full;
    this.flushed += n;
    let written: void | Promise<void>;
    try {
      written = this.sink.write(full.bytes());
    } catch (e) {
      written = Promise.reject(e); // a sink that throws instead of rejecting fails the same way
    }
    this.pendingWrite = Promise.resolve(written).then(
      () => {
        full.reset();
        this.pendingWrite = null;
      },
      (e: unknown) => {
        this.pendingWrite = null;
        throw this.fail(e, 'write');
      },
    );
    // let it run while the caller fills the other buffer; errors surface on the next drain or close
    this.pendingWrite.catch(() => {});
  }

  /** Wait until every byte handed out so far is written. */
  private async settle(): Promise<void> {
    await this.settleJobs();
    await this.drain();
    if (this.pendingWrite) await this.pendingWrite;
    if (this.failed !== null) throw this.failed;
  }
}

/** A sink for a non-path output: a ByteSink as given, a stream wrapped by `streamSink`. */
function toSink(output: ByteSink | WritableLike): ByteSink {
  // a Node stream first (fs.WriteStream has write and close too), then anything shaped like a ByteSink
  if (output instanceof Writable || isWebWritable(output)) return streamSink(output);
  const o = output as Partial<ByteSink> | null;
  if (typeof o === 'object' && o !== null && typeof o.name === 'string' && typeof o.write === 'function' && typeof o.close === 'function') return o as ByteSink;
  if (isNodeWritable(output)) return streamSink(output);
  if (typeof o === 'object' && o !== null && typeof o.write === 'function' && typeof o.close === 'function') return o as ByteSink;
  throw new UsageError('output must be a path, a file: URL, a ByteSink ({ name, write, close }), a Node stream.Writable or a Web WritableStream');
}

function checkBytes(b: unknown, what: string): void {
  if (!(b instanceof Uint8Array)) throw new UsageError(`${what} must be a Uint8Array, got ${b === null ? 'null' : typeof b}`);
}

function checkSizes(opts: SequenceFileWriterOptions): void {
  const { syncInterval, blockSize, bufferSize } = opts;
  if (syncInterval !== undefined && !(syncInterval >= 0)) throw new UsageError(`syncInterval must be >= 0, got ${syncInterval}`);
  if (blockSize !== undefined && !(blockSize > 0)) throw new UsageError(`blockSize must be > 0, got ${blockSize}`);
  if (bufferSize !== undefined && !(bufferSize > 0 && bufferSize <= 2 ** 31)) throw new UsageError(`bufferSize must be in (0, 2^31], got ${bufferSize}`);
  if (opts.threads !== undefined && !(Number.isInteger(opts.threads) && opts.threads >= 0)) throw new UsageError(`threads must be an integer >= 0, got ${opts.threads}`);
}

function resolveType(registry: WritableRegistryLike, t: string | WritableType): WritableType {
  if (typeof t !== 'string') return t;
  const type = registry.get(t);
  if (!type) throw new UsageError(`unknown Writable class ${t}: register it first, or write raw bytes with appendRaw`);
  return type;
}

/**
 * The writes a compression stream receives behind Hadoop's
 * `BufferedOutputStream` (8 KiB) for the given DataOutput write calls: small
 * writes are gathered and passed on when the buffer cannot take the next one,
 * writes of 8 KiB or more go straight through, and the rest at flush.
 */
export function javaBufferedWrites(calls: readonly number[], bufferSize = 8192): number[] {
  const out: number[] = [];
  let count = 0;
  for (const len of calls) {
    if (len >= bufferSize) {
      if (count > 0) out.push(count);
      count = 0;
      out.push(len);
    } else {
      if (len > bufferSize - count) {
        out.push(count);
        count = 0;
      }
      count += len;
    }
  }
  if (count > 0) out.push(count);
  return out;
}

function serializeError(e: unknown, record: number): unknown {
  return e instanceof HadoopIOError ? e : new UsageError(`cannot serialize record ${record}: ${(e as Error).message}`, { cause: e });
}

function metadataPairs(m: SequenceFileWriterOptions['metadata']): [string, string][] {
  if (!m) return [];
  if (Symbol.iterator in Object(m)) return [...(m as Iterable<[string, string]>)];
  return Object.entries(m as Record<string, string>);
}

/** The header to keep when appending, after checking the options agree with the file (as Hadoop does). */
async function existingHeader(
  path: string,
  wanted: Omit<SequenceFileHeader, 'headerLength'>,
  opts: SequenceFileWriterOptions,
): Promise<Omit<SequenceFileHeader, 'headerLength'>> {
  const reader = await SequenceFileReader.open(path, { registry: opts.registry, codecs: opts.codecs });
  const h = reader.header;
  await reader.close();
  const mismatch = (what: string, file: unknown, given: unknown): never => {
    throw new UsageError(`cannot append: ${what} ${String(given)} does not match the file's ${String(file)}`, { file: path });
  };
  if (h.keyClassName !== wanted.keyClassName) mismatch('key class', h.keyClassName, wanted.keyClassName);
  if (h.valueClassName !== wanted.valueClassName) mismatch('value class', h.valueClassName, wanted.valueClassName);
  if (h.compression !== wanted.compression) mismatch('compression', h.compression, wanted.compression);
  if (h.codecClassName !== wanted.codecClassName) mismatch('codec', h.codecClassName, wanted.codecClassName);
  if (h.version !== 6) mismatch('version', h.version, 6);
  return { ...h, sync: h.sync };
}
