import { Readable } from 'node:stream';
import { BufferedInput } from '../io/buffered-input.js';
import { ByteReader } from '../io/byte-reader.js';
import { CorruptFileError, HadoopIOError, LimitExceededError, TruncatedFileError, UsageError } from '../io/errors.js';
import { resolveLimits, type ReadLimits } from '../io/limits.js';
import { toSource, type SourceInput } from '../io/source.js';
import type { CodecLookup, CompressionCodec } from '../codec/types.js';
import { defaultCodecs } from '../codec/registry.js';
import type { WritableContext, WritableRegistryLike, WritableType } from '../writable/types.js';
import { defaultRegistry } from '../writable/builtins.js';
import { toHex } from '../writable/coerce.js';
import { SYNC_ESCAPE, SYNC_HASH_SIZE, SYNC_SIZE } from './constants.js';
import { parseHeader, type SequenceFileHeader } from './header.js';
import { RawRecord } from './raw-record.js';
import type { BlockCache, CachedBlock } from './block-cache.js';
import { closingIterator } from './closing-iterator.js';
import { pullIterator } from './pull-iterator.js';
import { overReadError } from './over-read.js';
import { checkBlockValues, decodeBlock, isNeed, readBlockFrame, type BlockFrame } from './block-frame.js';
import { inThreadDecompressor, PendingBlock, poolDecompressor, type BlockDecompressor } from './read-ahead.js';
import { CodecPool } from './codec-pool.js';

const EMPTY = new Uint8Array(0);

export interface SequenceFileReaderOptions {
  /** Writable classes to decode with (default: the built-in registry). */
  registry?: WritableRegistryLike;
  /** Codecs to decompress with (default: the built-in registry). */
  codecs?: CodecLookup;
  /** Bounds on lengths read from the file. */
  limits?: Partial<ReadLimits>;
  /** Read-ahead chunk size in bytes (default 1 MiB). */
  bufferSize?: number;
  /** Name used in error messages (default: the path, or the source's name). */
  name?: string;
  /**
   * Skip corrupt regions instead of failing: carry on at the next sync marker
   * (like Hadoop's skip-bad-records), stop cleanly at a truncated tail, skip
   * records that do not decode. Each skip is reported to `onSkip` and kept
   * in `reader.skipped`.
   */
  recover?: boolean;
  onSkip?: (skip: SkippedRegion) => void;
  /**
   * Check reads against Hadoop's `.NAME.crc` side file: by default when one exists (except in
   * `recover` mode); `true` requires it, `false` ignores it. A mismatch is a `ChecksumError`.
   */
  verifyChecksum?: boolean;
  /** Files: positioned synchronous reads (default true, much cheaper per call); false never blocks the event loop. */
  syncReads?: boolean;
  /**
   * BLOCK files: a cache of decompressed blocks (`createBlockCache`), shared by the readers given
   * it, so a block read again (MapFile lookups of a hot key set) is neither read nor decompressed
   * again. Used for sources that know their identity (files, HTTP with an ETag), in this thread
   * (not with `readAhead`) and never in recovery mode.
   */
  blockCache?: BlockCache;
  /**
   * Worker threads that decompress BLOCK files ahead of the caller (0: all in this thread).
   * Default: what measures fastest (see `defaultReadThreads`), and files under 4 MiB stay in this
   * thread. Recovery mode and codecs that are not the built-in ones always do.
   */
  threads?: number;
  /**
   * BLOCK files: blocks framed and handed to the decompressor ahead of the one being read
   * (default 2 with worker threads, 0 in this thread). Read-ahead starts once the reader has
   * moved past the first block after opening or a seek, so a lookup reads no more than it needs.
   */
  readAhead?: number;
  /** Decompress read-ahead blocks with this instead of the threads (for tests and custom pools). */
  decompressor?: BlockDecompressor;
  /**
   * Read only one input split's records, as Hadoop's `SequenceFileRecordReader` assigns them:
   * from the first sync point at or after `start` (the first record if `start` is in the header)
   * up to, not including, the first record past `start + length` that follows a sync point.
   */
  split?: { start: number; length: number };
}

/** Below this size a file is read in this thread: starting a worker costs more than it saves. */
const SMALL_FILE_BYTES = 4 << 20;

/** A region the reader skipped in recovery mode. */
export interface SkippedRegion {
  /** Where the bad data starts. */
  offset: number;
  /** Where reading resumed (the file length if nothing followed). */
  resumeOffset: number;
  /** What was wrong. */
  reason: string;
  /** Records lost, when known (1 for a record that did not decode). */
  records: number | undefined;
}

/** A decoded record. */
export interface KeyValue<K = unknown, V = unknown> {
  key: K;
  value: V;
}

/** What the reader learned about one BLOCK-compressed block. */
export interface BlockInfo {
  /** Offset of the block's sync escape. */
  offset: number;
  records: number;
  keyLengthsCompressed: number;
  keysCompressed: number;
  valueLengthsCompressed: number;
  valuesCompressed: number;
  /** Offset just past the block. */
  end: number;
}

/**
 * A batch of records as columns (`reader.columns()`): serialized keys and
 * values, each kind back to back in one buffer, with `count + 1` offsets.
 */
export interface ColumnBatch {
  count: number;
  /** Serialized keys; record i's is `keys.subarray(keyOffsets[i], keyOffsets[i + 1])`. */
  keys: Uint8Array;
  keyOffsets: Int32Array;
  /** Serialized (uncompressed) values; record i's is `values.subarray(valueOffsets[i], valueOffsets[i + 1])`. */
  values: Uint8Array;
  valueOffsets: Int32Array;
}

/** Called as the reader passes structure, for inspection tools. */
export interface ReaderObserver {
  /** A sync escape at this offset was read and verified. */
  onSync?(offset: number): void;
  /** A block was read (BLOCK files). */
  onBlock?(info: BlockInfo): void;
}

/**
 * Reads a SequenceFile of any version (1–6) and compression (NONE, RECORD,
 * BLOCK). Iterate decoded records with `for await (const { key, value } of
 * reader)`, or raw bytes with `reader.raw()`. Parsing is synchronous over a
 * read-ahead window; the only awaits are window refills.
 *
 * Lifecycle: the iterators (`for await`, `raw()`, `batches()`, `columns()`,
 * `stream()`) close the reader when they end, break, or fail. The manual API (`next()`,
 * `nextRaw()`, `forEach()`, `forEachRaw()`, `seek()`, `sync()`) never closes,
 * so it can be called again after a seek: call `close()` (or use
 * `await using`) when done. After `close()` every read is a UsageError.
 */
export class SequenceFileReader<K = unknown, V = unknown> implements AsyncIterable<KeyValue<K, V>>, AsyncDisposable {
  readonly header: SequenceFileHeader;
  readonly keyType: WritableType<K>;
  readonly valueType: WritableType<V>;
  /** The codec named in the header, or null for NONE files. */
  readonly codec: CompressionCodec | null;
  readonly name: string;
  /**
   * Whether the last record read was preceded by a sync marker (NONE/RECORD)
   * or began a block (BLOCK), as Hadoop's `syncSeen()`: split readers stop at
   * the first such record at or past their end.
   */
  syncSeen = false;
  observer: ReaderObserver | null = null;
  /** Regions skipped in recovery mode. */
  readonly skipped: SkippedRegion[] = [];
  private readonly recover: boolean;
  private readonly onSkip: ((skip: SkippedRegion) => void) | undefined;
  private resyncFrom: { offset: number; reason: string } | null = null;

  private readonly input: BufferedInput;
  private readonly limits: ReadLimits;
  private readonly ctx: WritableContext;
  private readonly rec = new RawRecord();
  private readonly keyReader: ByteReader;
  private readonly valueReader: ByteReader;
  /** Stop before any record or block starting at or after this offset. */
  private end: number;
  /** Bytes the parser needs buffered before it can make progress. */
  private need = 0;

  // BLOCK state: the current decompressed block
  private blockRecords = 0;
  private blockNext = 0;
  private blockOffset = 0;
  private blocksRead = 0;
  private keyLengths: Int32Array = new Int32Array(64);
  private valueLengths: Int32Array = new Int32Array(64);
  private keysBuf: Uint8Array = new Uint8Array(0);
  private valuesBuf: Uint8Array = new Uint8Array(0);
  /** The current block's compressed values until a record's value is first asked for (keys-only scans skip them). */
  private valuesZ: Uint8Array | null = null;
  private valuesTotal = 0;
  private lazyValues: (() => Uint8Array) | null = null;
  /** Counts blocks loaded, never reset: a record can tell whether its block is still the current one. */
  private blockGeneration = 0;
  /** The block generation `keyStarts`/`valueStarts` were computed for. */
  private startsGeneration = -1;
  private valueStarts = new Int32Array(64);
  /** Start of each key in keysBuf, for binary search within a block. */
  private keyStarts = new Int32Array(64);
  private keyOff = 0;
  private valueOff = 0;
  private pendingSyncBefore = false;
  /** The current block's values, sent with the rest of it (read-ahead), until first asked for. */
  private valuesFrom: PendingBlock | null = null;
  // BLOCK read-ahead: blocks framed past the current one, in file order
  private readonly decompressor: BlockDecompressor | null;
  /** The block cache and this file's prefix of its keys (identity and sync marker), when caching. */
  private readonly cache: BlockCache | null;
  private readonly cachePrefix: string;
  /** The cache entry of the current block, whose values are added once decompressed. */
  private cachedKey: string | null = null;
  private cachedBlock: CachedBlock | null = null;
  /** The length arrays are a cached block's: decode the next block into fresh ones, not into them. */
  private lengthsShared = false;
  private readonly readAhead: number;
  private ahead: PendingBlock[] = [];
  /** The head of `ahead` is not ready (or the window needs topping up): `fill` waits for it. */
  private waitingFor: PendingBlock | null = null;
  /** Read-ahead met the end, a truncated or corrupt block: the caller meets it in order, without read-ahead. */
  private aheadStopped = false;
  /** A decoding iterator runs: every value will be wanted. */
  private decodingValues = false;
  /** A value of the current block was asked for (so the next blocks' values likely will be). */
  private valuesUsed = false;
  private valuesWanted = false;
  private closed = false;
  /** `split`: the split's end, whether it was reached, and where the record being read began (with its sync marker). */
  private splitEnd = Number.POSITIVE_INFINITY;
  private splitDone = false;
  private splitAt: number | undefined = undefined;
  private closing: Promise<void> | null = null;

  private constructor(input: BufferedInput, header: SequenceFileHeader, opts: SequenceFileReaderOptions, limits: ReadLimits) {
    this.input = input;
    this.header = header;
    this.limits = limits;
    this.name = input.source.name;
    const registry = opts.registry ?? defaultRegistry;
    this.ctx = { registry };
    this.keyType = registry.resolve(header.keyClassName) as WritableType<K>;
    this.valueType = registry.resolve(header.valueClassName) as WritableType<V>;
    this.codec = header.codecClassName === null ? null : (opts.codecs ?? defaultCodecs).require(header.codecClassName);
    this.end = input.source.size ?? Number.POSITIVE_INFINITY;
    this.recover = !!opts.recover;
    this.onSkip = opts.onSkip;
    this.keyReader = new ByteReader(new Uint8Array(0), { file: this.name, limits });
    this.valueReader = new ByteReader(new Uint8Array(0), { file: this.name, limits });
    const pipelined = header.compression === 'BLOCK' && !this.recover;
    this.decompressor = pipelined ? pickDecompressor(this.codec!, opts, input.source.size) : null;
    const threaded = this.decompressor !== null && opts.decompressor === undefined && !(this.decompressor as { inThread?: boolean }).inThread;
    this.readAhead = this.decompressor === null ? 0 : Math.max(0, Math.floor(opts.readAhead ?? (threaded ? 2 : 0)));
    const identity = input.source.identity;
    const caching = opts.blockCache !== undefined && header.compression === 'BLOCK' && !this.recover && this.readAhead === 0 && identity !== undefined;
    this.cache = caching ? opts.blockCache! : null;
    this.cachePrefix = caching ? `${identity}|${toHex(header.sync ?? new Uint8Array(0))}|` : '';
  }

  /**
   * Open a path or `file:` URL (a FIFO or device is streamed), bytes in memory
   * (`Uint8Array`, `ArrayBuffer`, any view), a Node Readable, a Web
   * ReadableStream, an async iterable of chunks, or a `ByteSource`, and read
   * its header. Anything else is a UsageError.
   */
  static async open<K = unknown, V = unknown>(input: SourceInput, opts: SequenceFileReaderOptions = {}): Promise<SequenceFileReader<K, V>> {
    // A damaged file being recovered is read past its checksum errors: the structure checks find the damage
    const verifyChecksum = opts.verifyChecksum ?? (opts.recover ? false : undefined);
    const source = await toSource(input, {
      ...(verifyChecksum === undefined ? {} : { verifyChecksum }),
      ...(opts.syncReads === undefined ? {} : { syncReads: opts.syncReads }),
    });
    const named = opts.name ? { ...source, name: opts.name, read: source.read.bind(source), close: source.close.bind(source) } : source;
    const limits = resolveLimits(opts.limits);
    const buffered = new BufferedInput(named, opts.bufferSize ?? 1 << 20, limits);
    try {
      const header = await readHeader(buffered);
      const reader = new SequenceFileReader<K, V>(buffered, header, opts, limits);
      if (opts.split) await reader.startSplit(opts.split.start, opts.split.length);
      return reader;
    } catch (e) {
      await buffered.close().catch(() => {});
      throw locate(e, named.name);
    }
  }

  /** The input's length in bytes, when known (files, bytes, HTTP); undefined for streams. */
  get size(): number | undefined {
    return this.input.source.size;
  }

  /** File offset of the next record (NONE/RECORD) or of the next unread block (BLOCK, between blocks). */
  get position(): number {
    return this.ahead.length > 0 ? this.ahead[0]!.offset : this.input.position;
  }

  /** Blocks read so far (BLOCK files). */
  get blockCount(): number {
    return this.blocksRead;
  }

  /**
   * The next record's raw bytes, or null at the end. The returned object and
   * its arrays are reused by the next call.
   */
  async nextRaw(): Promise<RawRecord | null> {
    for (;;) {
      const r = this.step();
      if (r !== undefined) return r;
      await this.fill();
    }
  }

  /** The next decoded record, or null at the end. */
  async next(): Promise<KeyValue<K, V> | null> {
    for (;;) {
      const raw = await this.nextRaw();
      if (raw === null) return null;
      const kv = this.decodeRecord(raw);
      if (kv !== undefined) return kv;
    }
  }

  /** Decoded records; the reader is closed when the loop ends, breaks or throws. */
  [Symbol.asyncIterator](): AsyncIterableIterator<KeyValue<K, V>> & AsyncDisposable {
    this.decodingValues = true;
    return pullIterator(
      () => {
        for (;;) {
          const raw = this.step();
          if (raw == null) return raw;
          const kv = this.decodeRecord(raw);
          if (kv !== undefined) return kv;
        }
      },
      () => this.fill(),
      () => this.close(),
    );
  }

  /** Raw records (reused object: copy what you keep); closes the reader as the loop stops. */
  raw(): AsyncIterableIterator<RawRecord> & AsyncDisposable {
    return pullIterator(
      () => this.step(),
      () => this.fill(),
      () => this.close(),
    );
  }

  /**
   * Records in batches, decoded synchronously from each read-ahead chunk:
   * the fastest way through a file (one await per batch, not per record).
   * Closes the reader as the loop stops.
   */
  batches(maxRecords = 4096): AsyncIterableIterator<KeyValue<K, V>[]> & AsyncDisposable {
    return closingIterator(this.recordBatches(maxRecords), () => this.close());
  }

  private async *recordBatches(maxRecords: number): AsyncGenerator<KeyValue<K, V>[], void, undefined> {
    this.decodingValues = true;
    try {
      for (;;) {
        const batch: KeyValue<K, V>[] = [];
        let raw: RawRecord | null | undefined;
        while (batch.length < maxRecords && (raw = this.step()) != null) {
          const kv = this.decodeRecord(raw);
          if (kv !== undefined) batch.push(kv);
        }
        if (batch.length > 0) yield batch;
        if (raw === null) return;
        if (raw === undefined) await this.fill();
      }
    } finally {
      await this.closeAfterIteration();
    }
  }

  /**
   * Records as columns, for scripts that want speed over convenience: each
   * batch holds up to `maxRecords` records' serialized keys back to back in
   * `keys` (record i is `keys.subarray(keyOffsets[i], keyOffsets[i + 1])`) and
   * their serialized, uncompressed values likewise in `values`/`valueOffsets`.
   * No objects per record; BLOCK batches are views of the decompressed block
   * (never reused, so a batch stays valid after the next one). Closes the
   * reader as the loop stops.
   */
  columns(maxRecords = 4096): AsyncIterableIterator<ColumnBatch> & AsyncDisposable {
    if (!(Number.isInteger(maxRecords) && maxRecords > 0)) throw new UsageError(`maxRecords must be a positive integer, got ${maxRecords}`, { file: this.name });
    this.decodingValues = true;
    return pullIterator(
      () => this.nextColumns(maxRecords),
      () => this.fill(),
      () => this.close(),
    );
  }

  private nextColumns(max: number): ColumnBatch | null | undefined {
    if (this.header.compression !== 'BLOCK') return this.collectColumns(max);
    if (this.closed) throw this.closedError();
    // the current block's next records, as views of it
    const at = this.position;
    try {
      while (this.blockNext >= this.blockRecords) {
        const state = this.nextBlock();
        if (state !== true) return state;
      }
    } catch (e) {
      if (!this.recover || !(e instanceof CorruptFileError)) throw e;
      this.resyncFrom = { offset: at, reason: e.reason };
      return undefined;
    }
    const from = this.blockNext;
    const n = Math.min(max, this.blockRecords - from);
    const keyOffsets = new Int32Array(n + 1);
    const valueOffsets = new Int32Array(n + 1);
    let k = 0;
    let v = 0;
    for (let i = 0; i < n; i++) {
      k += this.keyLengths[from + i]!;
      v += this.valueLengths[from + i]!;
      keyOffsets[i + 1] = k;
      valueOffsets[i + 1] = v;
    }
    let values: Uint8Array;
    try {
      values = this.blockValues(this.blockGeneration);
    } catch (e) {
      throw asCorrupt(e, this.name, this.blockOffset, 'block');
    }
    const batch: ColumnBatch = {
      count: n,
      keys: this.keysBuf.subarray(this.keyOff, this.keyOff + k),
      keyOffsets,
      values: values.subarray(this.valueOff, this.valueOff + v),
      valueOffsets,
    };
    this.blockNext += n;
    this.keyOff += k;
    this.valueOff += v;
    this.syncSeen = from + n - 1 === 0;
    return batch;
  }

  /** NONE/RECORD: copy up to `max` buffered records into columns (values decompressed). */
  private collectColumns(max: number): ColumnBatch | null | undefined {
    const keyOffsets = new Int32Array(max + 1);
    const valueOffsets = new Int32Array(max + 1);
    let keys: Uint8Array = new Uint8Array(64 * 1024);
    let values: Uint8Array = new Uint8Array(64 * 1024);
    let n = 0;
    let raw: RawRecord | null | undefined;
    while (n < max && (raw = this.step()) != null) {
      let value: Uint8Array;
      try {
        value = raw.value;
      } catch (e) {
        if (this.recover && e instanceof CorruptFileError) {
          this.report({ offset: raw.position, resumeOffset: this.input.position, reason: e.reason, records: 1 });
          continue;
        }
        throw asCorrupt(e, this.name, raw.position, 'record value');
      }
      const kStart = keyOffsets[n]!;
      const vStart = valueOffsets[n]!;
      const klen = raw.keyEnd - raw.keyStart;
      if (kStart + klen > keys.length) keys = grow(keys, kStart + klen);
      if (vStart + value.length > values.length) values = grow(values, vStart + value.length);
      keys.set(raw.keyBuf.subarray(raw.keyStart, raw.keyEnd), kStart);
      values.set(value, vStart);
      keyOffsets[n + 1] = kStart + klen;
      valueOffsets[n + 1] = vStart + value.length;
      n++;
    }
    if (n === 0) return raw as null | undefined;
    return {
      count: n,
      keys: keys.subarray(0, keyOffsets[n]!),
      keyOffsets: keyOffsets.subarray(0, n + 1),
      values: values.subarray(0, valueOffsets[n]!),
      valueOffsets: valueOffsets.subarray(0, n + 1),
    };
  }

  /**
   * The decoded records as an object-mode Node Readable of `{ key, value }`,
   * for `stream.pipeline()`: it reads ahead only while the consumer keeps up
   * (backpressure), closes the reader when it ends or is destroyed, and
   * fails with the reader's typed errors.
   */
  stream(opts: { highWaterMark?: number } = {}): Readable {
    this.assertOpen();
    this.decodingValues = true;
    // `wanted`: the stream asked for more since the last push was refused; the pump runs
    // synchronously through buffered records and awaits only to refill the window.
    let wanted = false;
    let pumping = false;
    const pump = async (out: Readable): Promise<void> => {
      while (wanted) {
        const raw = this.step();
        if (raw === undefined) {
          await this.fill();
          if (out.destroyed) break;
          continue;
        }
        if (raw === null) {
          out.push(null);
          break;
        }
        const kv = this.decodeRecord(raw);
        if (kv === undefined) continue;
        wanted = false;
        if (out.push(kv)) wanted = true; // a read() during the push sets it too
      }
      pumping = false;
    };
    return new Readable({
      objectMode: true,
      highWaterMark: opts.highWaterMark ?? 64,
      read() {
        wanted = true;
        if (pumping) return;
        pumping = true;
        pump(this).catch((e: unknown) => {
          pumping = false;
          this.destroy(e as Error);
        });
      },
      destroy: (err, cb) => {
        this.close().then(
          () => cb(err),
          (e: unknown) => cb(err ?? (e as Error)),
        );
      },
    });
  }

  /**
   * Call `fn` with every remaining record's raw bytes, synchronously within
   * each read-ahead chunk: the fastest scan (counting, copying, checking).
   * Return `false` from `fn` to stop early. Resolves to the number of records visited.
   */
  async forEachRaw(fn: (raw: RawRecord) => boolean | void): Promise<number> {
    let n = 0;
    for (;;) {
      const raw = this.step();
      if (raw === undefined) {
        await this.fill();
        continue;
      }
      if (raw === null) return n;
      n++;
      if (fn(raw) === false) return n;
    }
  }

  /** Like `forEachRaw`, with the decoded key and value. */
  async forEach(fn: (key: K, value: V, raw: RawRecord) => boolean | void): Promise<number> {
    let n = 0;
    this.decodingValues = true;
    await this.forEachRaw((raw) => {
      const kv = this.decodeRecord(raw);
      if (kv === undefined) return;
      n++;
      return fn(kv.key, kv.value, raw);
    });
    return n;
  }

  /** Decode a record; in recovery mode a record that does not decode is reported and skipped (undefined). */
  private decodeRecord(raw: RawRecord): KeyValue<K, V> | undefined {
    if (!this.recover) return { key: this.decodeKey(raw), value: this.decodeValue(raw) };
    try {
      return { key: this.decodeKey(raw), value: this.decodeValue(raw) };
    } catch (e) {
      if (!(e instanceof CorruptFileError)) throw e;
      this.report({ offset: raw.position, resumeOffset: this.input.position, reason: e.reason, records: 1 });
      return undefined;
    }
  }

  /** One parsing step; in recovery mode a corrupt region schedules a resync instead of throwing. */
  private step(): RawRecord | null | undefined {
    if (this.splitEnd === Number.POSITIVE_INFINITY) return this.stepAny();
    if (this.closed) throw this.closedError();
    if (this.splitDone) return null;
    // the position before a refill would be past a sync marker already consumed
    this.splitAt ??= this.position;
    const r = this.stepAny();
    if (r === undefined) return r;
    const at = this.splitAt;
    this.splitAt = undefined;
    if (r !== null && at >= this.splitEnd && this.syncSeen) {
      this.splitDone = true;
      return null;
    }
    return r;
  }

  private async startSplit(start: number, length: number): Promise<void> {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length) || start < 0 || length < 0) {
      throw new UsageError(`a split needs a start and length that are whole numbers >= 0, got ${start}:${length}`, { file: this.name });
    }
    if (start > this.header.headerLength) await this.sync(start);
    this.splitEnd = start + length;
    // a split that holds no sync point owns no record
    if (this.position >= this.splitEnd) this.splitDone = true;
  }

  private stepAny(): RawRecord | null | undefined {
    if (this.closed) throw this.closedError();
    if (!this.recover) return this.tryNextRaw();
    const at = this.position;
    try {
      return this.tryNextRaw();
    } catch (e) {
      if (!(e instanceof CorruptFileError)) throw e;
      this.resyncFrom = { offset: at, reason: e.reason };
      return undefined;
    }
  }

  private report(skip: SkippedRegion): void {
    this.skipped.push(skip);
    this.onSkip?.(skip);
  }

  decodeKey(raw: RawRecord): K {
    return this.decode(this.keyType, raw.keyBuf, raw.keyStart, raw.keyEnd, this.keyReader, 'key', raw.position);
  }

  decodeValue(raw: RawRecord): V {
    if (this.header.compression === 'RECORD') {
      let v: Uint8Array;
      try {
        v = raw.value;
      } catch (e) {
        throw asCorrupt(e, this.name, raw.position, 'record value');
      }
      return this.decode(this.valueType, v, 0, v.length, this.valueReader, 'value', raw.position);
    }
    let range: [Uint8Array, number, number];
    try {
      range = raw.valueRange();
    } catch (e) {
      throw asCorrupt(e, this.name, raw.position, 'block');
    }
    return this.decode(this.valueType, range[0], range[1], range[2], this.valueReader, 'value', raw.position);
  }

  private decode<T>(type: WritableType<T>, buf: Uint8Array, start: number, end: number, r: ByteReader, what: string, position: number): T {
    r.reset(buf, start, end, 0);
    // NONE/RECORD keys and NONE values sit in the read window, whose ASCII prefix is known
    if (buf === this.input.reader.buf) r.asciiEnd = this.input.asciiEnd;
    let v: T;
    try {
      v = type.read(r, this.ctx);
    } catch (err) {
      const e = overReadError(err, what, type.className, end - start, this.name, position);
      if (e instanceof HadoopIOError) {
        e.offset = undefined;
        throw e.locate(this.name, position);
      }
      throw new CorruptFileError(`cannot decode ${what} of class ${type.className}: ${(e as Error).message}`, {
        file: this.name,
        offset: position,
        cause: e,
      });
    }
    if (r.pos !== end) {
      throw new CorruptFileError(`${what} of class ${type.className} read ${r.pos - start} bytes, should read ${end - start}`, {
        file: this.name,
        offset: position,
      });
    }
    return v;
  }

  /**
   * Move to a record boundary: a position from a previous `RawRecord.position`
   * or `position`, or a sync escape.
   */
  async seek(pos: number): Promise<void> {
    this.assertOpen();
    this.resetBlock();
    this.blocksRead = 0;
    this.syncSeen = false;
    await this.input.seek(pos);
  }

  /**
   * Move to the first sync point at or after `pos` (Hadoop's `sync(long)`):
   * the start of the data if `pos` is inside the header, the end of the file
   * if no marker follows.
   */
  async sync(pos: number): Promise<void> {
    const marker = this.header.sync;
    this.assertOpen();
    const end = this.input.source.size ?? Number.POSITIVE_INFINITY;
    if (marker === null) throw new CorruptFileError('version 1 files have no sync markers to seek to', { file: this.name });
    this.resetBlock();
    this.blocksRead = 0;
    if (pos + SYNC_SIZE >= end) {
      await this.input.seek(end);
      return;
    }
    if (pos < this.header.headerLength) {
      await this.input.seek(this.header.headerLength);
      this.syncSeen = true;
      return;
    }
    // look for the marker, starting after the 4-byte escape at pos
    await this.input.seek(pos + 4);
    const r = this.input.reader;
    const first = marker[0]!;
    for (;;) {
      if (!(await this.input.ensure(SYNC_HASH_SIZE))) {
        await this.input.seek(this.input.position + this.input.available);
        return;
      }
      const b = r.buf;
      const last = r.end - SYNC_HASH_SIZE;
      for (let p = r.pos; p <= last; p++) {
        if (b[p] !== first) continue;
        let j = 1;
        while (j < SYNC_HASH_SIZE && b[p + j] === marker[j]) j++;
        if (j === SYNC_HASH_SIZE) {
          await this.input.seek(r.base + p - 4); // before the escape
          return;
        }
      }
      r.pos = last + 1; // keep 15 bytes: a marker may straddle the window edge
    }
  }

  /** Stop before any record or block that starts at or after `offset` (for split reading). */
  setEnd(offset: number): void {
    this.end = offset;
  }

  /** Release the file handle or stream. Idempotent; reads afterwards are a UsageError. */
  close(): Promise<void> {
    this.closed = true;
    return (this.closing ??= this.input.close());
  }

  /** `await using reader = await SequenceFileReader.open(...)` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** True once `close()` was called (or an iterator closed the reader). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** An iterator's own close: after an error in the loop, a failing close must not hide that error. */
  private async closeAfterIteration(): Promise<void> {
    await this.close().catch(() => {});
  }

  private assertOpen(): void {
    if (this.closed) throw this.closedError();
  }

  private closedError(): UsageError {
    return new UsageError('reader is closed', { file: this.name });
  }

  private resetBlock(): void {
    this.pendingSyncBefore = false;
    this.blockRecords = 0;
    this.blockNext = 0;
    this.blockGeneration++;
    this.valuesZ = null;
    this.valuesFrom = null;
    this.lazyValues = null;
    // what was read ahead is dropped (results still in flight are ignored)
    this.ahead = [];
    this.waitingFor = null;
    this.aheadStopped = false;
  }

  /** Refill the read-ahead window so the parser gets the bytes it asked for. */
  private async fill(): Promise<void> {
    this.assertOpen();
    if (this.waitingFor !== null) {
      // the next block is in flight: top up the window and the read-ahead meanwhile
      const p = this.waitingFor;
      this.waitingFor = null;
      const poll = this.decompressor?.poll?.();
      if (poll !== undefined) await poll;
      await this.readMoreAhead();
      await p.ready;
      return;
    }
    if (this.resyncFrom !== null) {
      // recovery: carry on at the next sync marker after the corrupt region
      const { offset, reason } = this.resyncFrom;
      this.resyncFrom = null;
      await this.sync(offset + 1);
      const resume = this.input.position;
      this.report({ offset, resumeOffset: resume, reason, records: undefined });
      return;
    }
    if (!(await this.input.ensure(this.need)) && this.input.available > 0) {
      // the data ends inside a record or block: say where and what
      const what = this.header.compression === 'BLOCK' ? 'block' : 'record';
      const reason = `file ends inside a ${what}: needed ${this.need} bytes, ${this.input.available} left`;
      if (this.recover) {
        // A forged length runs past the end, or a writer died mid-way: carry on at the next sync
        // marker if there is one, else everything complete has been read.
        const offset = this.input.position;
        const end = offset + this.input.available;
        if (this.header.sync !== null) await this.sync(offset + 1);
        if (this.header.sync === null || this.input.position >= end) await this.input.seek(end);
        this.report({ offset, resumeOffset: this.input.position, reason, records: undefined });
        return;
      }
      throw new TruncatedFileError(reason, { file: this.name, offset: this.input.position });
    }
  }

  /**
   * Parse the next record from buffered bytes. Returns the record, null at the
   * end, or undefined when more bytes are needed (`this.need` says how many).
   */
  private tryNextRaw(): RawRecord | null | undefined {
    if (this.header.compression === 'BLOCK') return this.tryNextBlockRecord();
    const input = this.input;
    const r = input.reader;
    const rec = this.rec;
    for (;;) {
      if (input.position >= this.end) return null;
      const avail = r.end - r.pos;
      if (avail < 4) {
        if (avail === 0 && input.atEof) return null;
        this.need = 4;
        return undefined;
      }
      const start = r.pos;
      const length = r.readInt32();
      if (length === SYNC_ESCAPE && this.header.sync !== null) {
        if (r.end - r.pos < SYNC_HASH_SIZE) {
          r.pos = start;
          this.need = SYNC_SIZE;
          return undefined;
        }
        this.checkSync(r, start);
        this.pendingSyncBefore = true;
        continue;
      }
      if (length < 0) r.corrupt(`negative record length ${length}`, start);
      if (length > this.limits.maxBufferBytes) {
        throw new LimitExceededError(`record length ${length} exceeds the limit of ${this.limits.maxBufferBytes} bytes`, {
          file: this.name,
          offset: r.base + start,
        });
      }
      if (r.end - r.pos < length + 4) {
        r.pos = start;
        this.need = length + 8;
        return undefined;
      }
      const keyLength = r.readInt32();
      if (keyLength < 0 || keyLength > length) r.corrupt(`key length ${keyLength} outside record length ${length}`, start + 4);
      rec.position = r.base + start;
      rec.syncBefore = this.pendingSyncBefore;
      this.syncSeen = this.pendingSyncBefore;
      this.pendingSyncBefore = false;
      const keyStart = r.pos;
      r.pos = start + 4 + length + 4;
      rec.set(r.buf, keyStart, keyStart + keyLength, r.buf, keyStart + keyLength, r.pos, this.codec, this.limits.maxDecompressedBytes);
      return rec;
    }
  }

  private checkSync(r: ByteReader, escapeAt: number): void {
    const marker = this.header.sync!;
    const b = r.buf;
    const p = r.pos;
    for (let j = 0; j < SYNC_HASH_SIZE; j++) {
      if (b[p + j] !== marker[j]) r.corrupt('sync marker mismatch (file is corrupt)', escapeAt);
    }
    r.pos = p + SYNC_HASH_SIZE;
    this.observer?.onSync?.(r.base + escapeAt);
  }

  private tryNextBlockRecord(): RawRecord | null | undefined {
    // a loop, not recursion: a forged file may hold many empty blocks
    while (this.blockNext >= this.blockRecords) {
      const state = this.nextBlock();
      if (state !== true) return state;
    }
    const rec = this.rec;
    const i = this.blockNext++;
    const kl = this.keyLengths[i]!;
    const vl = this.valueLengths[i]!;
    rec.position = this.blockOffset;
    rec.syncBefore = false;
    rec.block = this.blocksRead - 1;
    rec.indexInBlock = i;
    this.syncSeen = i === 0;
    rec.set(this.keysBuf, this.keyOff, this.keyOff + kl, this.valuesBuf, this.valueOff, this.valueOff + vl, null, 0);
    if (this.lazyValues !== null) rec.setLazyValues(this.lazyValues);
    this.keyOff += kl;
    this.valueOff += vl;
    return rec;
  }

  /** Load the next block: from the read-ahead, or framed and decompressed here. */
  private nextBlock(): true | null | undefined {
    if (this.ahead.length === 0 && this.readAheadRuns()) {
      const need = this.frameAhead();
      if (this.ahead.length === 0 && need > 0) return this.needBlockBytes(need);
    }
    return this.ahead.length > 0 ? this.takeAhead() : this.tryReadBlock();
  }

  /** Read-ahead runs past the first block after opening or a seek (a lookup reads one or two). */
  private readAheadRuns(): boolean {
    return this.readAhead > 0 && !this.aheadStopped && this.blocksRead >= 1;
  }

  /**
   * Frame buffered blocks past the window's read position and send them to the
   * decompressor, up to `readAhead` in flight. Returns the bytes needed from the
   * read position to frame one more, or 0. A block that does not frame stops the
   * read-ahead: the caller meets its error in order, when it gets there.
   */
  private frameAhead(): number {
    const input = this.input;
    const r = input.reader;
    while (this.ahead.length < this.readAhead && !this.aheadStopped) {
      if (input.position >= this.end || (r.pos >= r.end && input.atEof)) {
        this.aheadStopped = true;
        return 0;
      }
      let frame: ReturnType<typeof readBlockFrame>;
      try {
        frame = readBlockFrame(r.buf, r.pos, r.end, this.header.sync, this.limits, { base: r.base, file: this.name });
      } catch {
        this.aheadStopped = true;
        return 0;
      }
      if (isNeed(frame)) return frame.need;
      this.ahead.push(new PendingBlock(frame, this.decompressor!, this.header.codecClassName!, this.limits.maxDecompressedBytes, this.valuesWanted || this.decodingValues));
      r.pos = frame.end - r.base;
    }
    return 0;
  }

  /** While waiting for a block: refill the window and frame more, until `readAhead` are in flight or it stops. */
  private async readMoreAhead(): Promise<void> {
    for (;;) {
      const need = this.frameAhead();
      if (need === 0) return;
      try {
        if (await this.input.ensure(need)) continue;
      } catch {
        // the caller meets this failure in order, reading without read-ahead
      }
      this.aheadStopped = true;
      return;
    }
  }

  /** Install the oldest read-ahead block if it is back (undefined: `fill` waits for it). */
  private takeAhead(): true | null | undefined {
    const p = this.ahead[0]!;
    if (p.offset >= this.end) return null;
    if (this.ahead.length <= this.readAhead && !this.aheadStopped && this.frameAhead() > 0) {
      this.waitingFor = p; // the window needs topping up for the next one
      return undefined;
    }
    if (!p.settled) {
      this.waitingFor = p;
      return undefined;
    }
    this.ahead.shift();
    if (this.header.sync !== null) this.observer?.onSync?.(p.offset);
    if (p.headFailed) throw asCorrupt(p.headError, this.name, p.offset, 'block');
    const [keyLens, keys, valueLens] = p.head!;
    this.installBlock(p.offset, p.end, p.records, keyLens!, keys!, valueLens!, p.valuesZ, p, p.sizes);
    return true;
  }

  /**
   * Read a whole block if it is buffered (see `readBlockFrame`) and decompress
   * it here. Returns true when a block was loaded, null at the end, undefined
   * when more bytes are needed.
   */
  private tryReadBlock(): true | null | undefined {
    const input = this.input;
    const r = input.reader;
    if (input.position >= this.end) return null;
    const avail = r.end - r.pos;
    if (avail === 0 && input.atEof) return null;
    if (this.cache !== null) {
      const key = this.cachePrefix + input.position;
      const hit = this.cache.get(key);
      if (hit !== undefined) {
        const offset = input.position;
        input.jump(hit.end);
        this.installCached(key, offset, hit);
        return true;
      }
    }
    const observer = this.observer;
    const frame: ReturnType<typeof readBlockFrame> = readBlockFrame(r.buf, r.pos, r.end, this.header.sync, this.limits, {
      base: r.base,
      file: this.name,
      ...(observer?.onSync ? { onSync: (o: number) => observer.onSync!(o) } : {}),
    });
    if (isNeed(frame)) return this.needBlockBytes(frame.need);
    r.pos = frame.end - r.base;
    const [keyLensZ, keysZ, valueLensZ, valuesZ] = frame.buffers;
    const codec = this.codec!;
    const max = this.limits.maxDecompressedBytes;
    let keyLens: Uint8Array;
    let keys: Uint8Array;
    let valueLens: Uint8Array;
    try {
      keyLens = codec.decompress(keyLensZ, max);
      keys = codec.decompress(keysZ, max);
      valueLens = codec.decompress(valueLensZ, max);
    } catch (e) {
      throw asCorrupt(e, this.name, frame.offset, 'block');
    }
    this.installBlock(frame.offset, frame.end, frame.records, keyLens, keys, valueLens, valuesZ.slice(), null, frameSizes(frame));
    if (this.cache !== null) {
      const block: CachedBlock = {
        end: frame.end,
        records: frame.records,
        keyLengths: this.keyLengths.slice(0, frame.records),
        keys,
        valueLengths: this.valueLengths.slice(0, frame.records),
        valuesTotal: this.valuesTotal,
        valuesZ: this.valuesZ,
        values: null,
        sizes: frameSizes(frame),
      };
      this.cachedKey = this.cachePrefix + frame.offset;
      this.cachedBlock = block;
      this.cache.set(this.cachedKey, block);
    }
    return true;
  }

  /** Make a cached block the current one, as `installBlock` does a decompressed one. */
  private installCached(key: string, offset: number, b: CachedBlock): void {
    this.valuesWanted = this.valuesUsed;
    this.valuesUsed = false;
    this.keyLengths = b.keyLengths;
    this.valueLengths = b.valueLengths;
    this.lengthsShared = true;
    this.keysBuf = b.keys;
    this.valuesTotal = b.valuesTotal;
    this.valuesZ = b.values === null ? b.valuesZ : null;
    this.valuesFrom = null;
    this.valuesBuf = b.values ?? EMPTY;
    const generation = ++this.blockGeneration;
    this.lazyValues = b.values === null ? () => this.blockValues(generation) : null;
    this.cachedKey = key;
    this.cachedBlock = b;
    this.enterBlock(offset, b.end, b.records, b.sizes);
  }

  /** Make a decompressed block the current one; its values come from `valuesZ` (decompressed here) or `valuesFrom`. */
  private installBlock(
    blockOffset: number,
    blockEnd: number,
    count: number,
    keyLens: Uint8Array,
    keys: Uint8Array,
    valueLens: Uint8Array,
    valuesZ: Uint8Array | null,
    valuesFrom: PendingBlock | null,
    sizes: readonly number[],
  ): void {
    this.valuesWanted = this.valuesUsed;
    this.valuesUsed = false;
    try {
      // a cached block's lengths are not ours to overwrite
      if (this.lengthsShared) {
        this.keyLengths = new Int32Array(Math.max(64, count));
        this.valueLengths = new Int32Array(Math.max(64, count));
        this.lengthsShared = false;
      }
      this.cachedKey = null;
      this.cachedBlock = null;
      const decoded = decodeBlock(keyLens, keys, valueLens, null, count, this.limits, this.name, { keyLengths: this.keyLengths, valueLengths: this.valueLengths });
      this.keyLengths = decoded.keyLengths;
      this.valueLengths = decoded.valueLengths;
      this.keysBuf = keys;
      this.valuesTotal = decoded.valuesTotal;
      // Values wait until a record's value is wanted; recovery checks them now, to skip a bad block whole.
      this.valuesZ = valuesZ;
      this.valuesFrom = valuesZ === null ? valuesFrom : null;
      this.valuesBuf = EMPTY;
      const generation = ++this.blockGeneration;
      this.lazyValues = () => this.blockValues(generation);
      if (this.recover) this.blockValues(generation);
    } catch (e) {
      throw asCorrupt(e, this.name, blockOffset, 'block');
    }
    this.enterBlock(blockOffset, blockEnd, count, sizes);
  }

  /** Start reading an installed block's records, and tell the observer. */
  private enterBlock(offset: number, end: number, count: number, sizes: readonly number[]): void {
    this.blockOffset = offset;
    this.blockRecords = count;
    this.blockNext = 0;
    this.keyOff = 0;
    this.valueOff = 0;
    this.blocksRead++;
    this.observer?.onBlock?.({
      offset,
      records: count,
      keyLengthsCompressed: sizes[0]!,
      keysCompressed: sizes[1]!,
      valueLengthsCompressed: sizes[2]!,
      valuesCompressed: sizes[3]!,
      end,
    });
  }

  private needBlockBytes(n: number): undefined {
    this.need = n;
    return undefined;
  }

  /** The current block's values, decompressed on first use and checked against the value lengths. */
  private blockValues(generation: number): Uint8Array {
    if (generation !== this.blockGeneration) {
      throw new UsageError('a BLOCK record\'s value was asked for after the reader moved to another block: copy values you keep');
    }
    this.valuesUsed = true;
    if (this.valuesZ !== null) {
      const z = this.valuesZ;
      this.valuesZ = null;
      this.setBlockValues(this.codec!.decompress(z, this.limits.maxDecompressedBytes));
    } else if (this.valuesFrom !== null) {
      const p = this.valuesFrom;
      this.valuesFrom = null;
      if (p.valuesFailed) throw p.valuesError;
      this.setBlockValues(p.values!);
    }
    return this.valuesBuf;
  }

  private setBlockValues(values: Uint8Array): void {
    checkBlockValues(values, this.valuesTotal);
    this.valuesBuf = values;
    this.lazyValues = null;
    if (this.cachedBlock !== null && this.cachedKey !== null) {
      // the cached block keeps its values from now on (the cache accounts for the growth)
      this.cachedBlock.values = values;
      this.cachedBlock.valuesZ = null;
      this.cache!.set(this.cachedKey, this.cachedBlock);
    }
  }

  /**
   * BLOCK files: skip the rest of the current block's records whose key sorts
   * below `probe`, by binary search, leaving one such record to be read next
   * (so a caller looking for the closest key before `probe` still sees it).
   * MapFile lookups use this instead of a linear scan of a large block.
   */
  skipKeysBelow(probe: Uint8Array, compare: (a: Uint8Array, b: Uint8Array) => number): void {
    const from = this.blockNext;
    const n = this.blockRecords;
    if (this.header.compression !== 'BLOCK' || from >= n - 1) return;
    const starts = this.blockStarts();
    const keyStarts = starts.keys;
    const keys = this.keysBuf;
    let lo = from;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(keys.subarray(keyStarts[mid]!, keyStarts[mid + 1]!), probe) < 0) lo = mid + 1;
      else hi = mid;
    }
    const to = Math.max(from, lo - 1);
    this.keyOff = keyStarts[to]!;
    this.valueOff = starts.values[to]!;
    this.blockNext = to;
  }

  /**
   * Where each of the current block's keys and values starts (prefix sums of their lengths), made
   * once per block and kept with a cached block, so repeated lookups in a block are O(log n).
   */
  private blockStarts(): { keys: Int32Array; values: Int32Array } {
    const cached = this.cachedBlock;
    if (cached?.starts) return cached.starts;
    const n = this.blockRecords;
    if (this.startsGeneration !== this.blockGeneration) {
      if (this.keyStarts.length < n + 1) {
        this.keyStarts = new Int32Array(n + 1);
        this.valueStarts = new Int32Array(n + 1);
      }
      const ks = this.keyStarts;
      const vs = this.valueStarts;
      const kl = this.keyLengths;
      const vl = this.valueLengths;
      ks[0] = 0;
      vs[0] = 0;
      for (let i = 0; i < n; i++) {
        ks[i + 1] = ks[i]! + kl[i]!;
        vs[i + 1] = vs[i]! + vl[i]!;
      }
      this.startsGeneration = this.blockGeneration;
    }
    const starts = { keys: this.keyStarts, values: this.valueStarts };
    if (cached !== null && this.cachedKey !== null) {
      cached.starts = { keys: this.keyStarts.slice(0, n + 1), values: this.valueStarts.slice(0, n + 1) };
      this.cache!.set(this.cachedKey, cached);
      return cached.starts;
    }
    return starts;
  }

}

/** Read and parse the header, asking for more bytes until it is complete. */
async function readHeader(input: BufferedInput): Promise<SequenceFileHeader> {
  // Parse what has arrived, asking for more only when it is not enough (a file fills a whole
  // read-ahead chunk at once; a pipe may have sent just the header so far).
  let want = 1;
  for (;;) {
    const complete = await input.ensure(want);
    const r = input.reader;
    const start = r.pos;
    try {
      return parseHeader(r);
    } catch (e) {
      r.pos = start;
      if (!(e instanceof TruncatedFileError) || !complete) {
        if (e instanceof TruncatedFileError) throw new TruncatedFileError('file ends inside the header', { file: input.source.name, offset: e.offset });
        throw e;
      }
      want = input.available + 1;
    }
  }
}

/** Codec libraries throw their own errors: make every failure a typed one with file and offset. */
function asCorrupt(e: unknown, file: string, offset: number, what: string): HadoopIOError {
  if (e instanceof HadoopIOError) return e.locate(file, offset);
  return new CorruptFileError(`cannot decompress ${what}: ${(e as Error)?.message ?? String(e)}`, { file, offset, cause: e });
}

/** A copy of `buf` with room for at least `size` bytes. */
function grow(buf: Uint8Array, size: number): Uint8Array {
  const bigger = new Uint8Array(Math.max(size, buf.length * 2));
  bigger.set(buf);
  return bigger;
}

/** The four compressed sizes of a frame. */
function frameSizes(f: BlockFrame): number[] {
  return f.buffers.map((b) => b.length);
}

/** The decompressor for read-ahead: worker threads when asked for and worth it, else this thread's codec. */
function pickDecompressor(codec: CompressionCodec, opts: SequenceFileReaderOptions, size: number | undefined): BlockDecompressor | null {
  if (opts.decompressor !== undefined) return opts.decompressor;
  const threads = opts.threads ?? defaultReadThreads();
  // unless threads were asked for, a small file is not worth a worker
  const small = opts.threads === undefined && size !== undefined && size < SMALL_FILE_BYTES;
  if (threads > 0 && !small && CodecPool.isBuiltIn(codec)) {
    const pool = CodecPool.shared(threads);
    if (pool.runsInWorkers(codec.className, 'decompress')) return poolDecompressor(pool, codec);
  }
  return Object.assign(inThreadDecompressor(codec), { inThread: true });
}

/** Worker threads for reading that measure fastest here. */
export function defaultReadThreads(): number {
  return 0;
}

function locate(e: unknown, file: string, offset?: number): unknown {
  return e instanceof HadoopIOError ? e.locate(file, offset) : e;
}
