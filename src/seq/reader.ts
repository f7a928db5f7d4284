import { Readable } from 'node:stream';
import { BufferedInput } from '../io/buffered-input.js';
import { ByteReader } from '../io/byte-reader.js';
import { CorruptFileError, HadoopIOError, LimitExceededError, TruncatedFileError, UsageError } from '../io/errors.js';

const EMPTY = new Uint8Array(0);
import { resolveLimits, type ReadLimits } from '../io/limits.js';
import { toSource, type SourceInput } from '../io/source.js';
import { decodeVIntSize } from '../io/vint.js';
import type { CodecLookup, CompressionCodec } from '../codec/types.js';
import { defaultCodecs } from '../codec/registry.js';
import type { WritableContext, WritableRegistryLike, WritableType } from '../writable/types.js';
import { defaultRegistry } from '../writable/builtins.js';
import { SYNC_ESCAPE, SYNC_HASH_SIZE, SYNC_SIZE } from './constants.js';
import { parseHeader, type SequenceFileHeader } from './header.js';
import { RawRecord } from './raw-record.js';
import { closingIterator } from './closing-iterator.js';
import { overReadError } from './over-read.js';

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
}

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
 * Lifecycle: the iterators (`for await`, `raw()`, `batches()`, `stream()`)
 * close the reader when they end, break, or fail. The manual API (`next()`,
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
  private keyLengths = new Int32Array(64);
  private valueLengths = new Int32Array(64);
  private keysBuf: Uint8Array = new Uint8Array(0);
  private valuesBuf: Uint8Array = new Uint8Array(0);
  /** The current block's compressed values until a record's value is first asked for (keys-only scans skip them). */
  private valuesZ: Uint8Array | null = null;
  private valuesTotal = 0;
  private lazyValues: (() => Uint8Array) | null = null;
  /** Counts blocks loaded, never reset: a record can tell whether its block is still the current one. */
  private blockGeneration = 0;
  /** Start of each remaining key in keysBuf, for binary search within a block. */
  private keyStarts = new Int32Array(64);
  private keyOff = 0;
  private valueOff = 0;
  private pendingSyncBefore = false;
  private closed = false;
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
      return new SequenceFileReader<K, V>(buffered, header, opts, limits);
    } catch (e) {
      await buffered.close().catch(() => {});
      throw locate(e, named.name);
    }
  }

  /** File offset of the next record (NONE/RECORD) or of the next unread block (BLOCK, between blocks). */
  get position(): number {
    return this.input.position;
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
    return closingIterator(this.records(), () => this.close());
  }

  private async *records(): AsyncGenerator<KeyValue<K, V>, void, undefined> {
    try {
      for (;;) {
        const raw = this.step();
        if (raw === undefined) {
          await this.fill();
          continue;
        }
        if (raw === null) return;
        const kv = this.decodeRecord(raw);
        if (kv !== undefined) yield kv;
      }
    } finally {
      await this.closeAfterIteration();
    }
  }

  /** Raw records (reused object: copy what you keep); closes the reader as the loop stops. */
  raw(): AsyncIterableIterator<RawRecord> & AsyncDisposable {
    return closingIterator(this.rawRecords(), () => this.close());
  }

  private async *rawRecords(): AsyncGenerator<RawRecord, void, undefined> {
    try {
      for (;;) {
        const raw = this.step();
        if (raw === undefined) {
          await this.fill();
          continue;
        }
        if (raw === null) return;
        yield raw;
      }
    } finally {
      await this.closeAfterIteration();
    }
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
   * The decoded records as an object-mode Node Readable of `{ key, value }`,
   * for `stream.pipeline()`: it reads ahead only while the consumer keeps up
   * (backpressure), closes the reader when it ends or is destroyed, and
   * fails with the reader's typed errors.
   */
  stream(opts: { highWaterMark?: number } = {}): Readable {
    this.assertOpen();
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
    if (this.closed) throw this.closedError();
    if (!this.recover) return this.tryNextRaw();
    const at = this.input.position;
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
    this.lazyValues = null;
  }

  /** Refill the read-ahead window so the parser gets the bytes it asked for. */
  private async fill(): Promise<void> {
    this.assertOpen();
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
      const state = this.tryReadBlock();
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

  /**
   * Read a whole block if it is buffered: sync escape and marker, VInt record
   * count, then key lengths, keys, value lengths, values, each a VInt size and
   * a complete codec stream. Returns true when a block was loaded, null at the
   * end, undefined when more bytes are needed.
   */
  private tryReadBlock(): true | null | undefined {
    const input = this.input;
    const r = input.reader;
    if (input.position >= this.end) return null;
    const avail = r.end - r.pos;
    if (avail === 0 && input.atEof) return null;
    // measure the block before consuming it
    const start = r.pos;
    const b = r.buf;
    let p = start;
    const hasSync = this.header.sync !== null;
    if (hasSync) p += SYNC_SIZE;
    const vintAt = (q: number): number => (q < r.end ? decodeVIntSize((b[q]! << 24) >> 24) : 1);
    const sizes: number[] = [];
    let vlen = vintAt(p);
    if (p + vlen > r.end) return this.needBlockBytes(p + vlen - start);
    p += vlen;
    for (let k = 0; k < 4; k++) {
      vlen = vintAt(p);
      if (p + vlen > r.end) return this.needBlockBytes(p + vlen - start);
      r.pos = p;
      const n = r.readVIntLength('compressed block buffer');
      r.pos = start;
      sizes.push(n);
      p += vlen + n;
      if (p > r.end) return this.needBlockBytes(p - start + (k < 3 ? 1 : 0));
    }
    // the whole block is buffered: parse it
    const blockOffset = r.base + start;
    if (hasSync) {
      const escape = r.readInt32();
      if (escape !== SYNC_ESCAPE) r.corrupt(`expected a sync escape before the block, found ${escape}`, start);
      this.checkSync(r, start);
    }
    const countAt = r.pos;
    const count = r.readVInt();
    if (count < 0 || count > this.limits.maxElements) r.corrupt(`invalid block record count ${count}`, countAt);
    const keyLensZ = this.readBlockBuffer(r);
    const keysZ = this.readBlockBuffer(r);
    const valueLensZ = this.readBlockBuffer(r);
    const valuesZ = this.readBlockBuffer(r);
    const blockEnd = r.base + r.pos;
    const codec = this.codec!;
    const max = this.limits.maxDecompressedBytes;
    try {
      const keyLens = codec.decompress(keyLensZ, max);
      this.keysBuf = codec.decompress(keysZ, max);
      const valueLens = codec.decompress(valueLensZ, max);
      // each length is at least one byte: a count beyond that is forged
      if (count > keyLens.length || count > valueLens.length) {
        throw new CorruptFileError(`block claims ${count} records but its length buffers are too short`);
      }
      if (this.keyLengths.length < count) {
        this.keyLengths = new Int32Array(count);
        this.valueLengths = new Int32Array(count);
      }
      this.readLengths(keyLens, count, this.keyLengths, this.keysBuf.length, 'key');
      this.valuesTotal = this.readLengths(valueLens, count, this.valueLengths, -1, 'value');
      // Values wait until a record's value is wanted; recovery checks them now, to skip a bad block whole.
      this.valuesZ = valuesZ.slice();
      this.valuesBuf = EMPTY;
      const generation = ++this.blockGeneration;
      this.lazyValues = () => this.blockValues(generation);
      if (this.recover) this.blockValues(generation);
    } catch (e) {
      throw asCorrupt(e, this.name, blockOffset, 'block');
    }
    this.blockOffset = blockOffset;
    this.blockRecords = count;
    this.blockNext = 0;
    this.keyOff = 0;
    this.valueOff = 0;
    this.blocksRead++;
    this.observer?.onBlock?.({
      offset: blockOffset,
      records: count,
      keyLengthsCompressed: keyLensZ.length,
      keysCompressed: keysZ.length,
      valueLengthsCompressed: valueLensZ.length,
      valuesCompressed: valuesZ.length,
      end: blockEnd,
    });
    return true;
  }

  private needBlockBytes(n: number): undefined {
    this.need = n;
    return undefined;
  }

  private readBlockBuffer(r: ByteReader): Uint8Array {
    const n = r.readVIntLength('compressed block buffer');
    return r.readBytes(n);
  }

  /** The current block's values, decompressed on first use and checked against the value lengths. */
  private blockValues(generation: number): Uint8Array {
    if (generation !== this.blockGeneration) {
      throw new UsageError('a BLOCK record\'s value was asked for after the reader moved to another block: copy values you keep');
    }
    if (this.valuesZ !== null) {
      const z = this.valuesZ;
      this.valuesZ = null;
      const values = this.codec!.decompress(z, this.limits.maxDecompressedBytes);
      if (values.length !== this.valuesTotal) {
        throw new CorruptFileError(`value lengths add up to ${this.valuesTotal} but the block holds ${values.length} bytes`);
      }
      this.valuesBuf = values;
      this.lazyValues = null;
    }
    return this.valuesBuf;
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
    if (this.keyStarts.length < n + 1) this.keyStarts = new Int32Array(n + 1);
    const starts = this.keyStarts;
    const lens = this.keyLengths;
    starts[from] = this.keyOff;
    for (let i = from; i < n; i++) starts[i + 1] = starts[i]! + lens[i]!;
    const keys = this.keysBuf;
    let lo = from;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(keys.subarray(starts[mid]!, starts[mid + 1]!), probe) < 0) lo = mid + 1;
      else hi = mid;
    }
    const to = Math.max(from, lo - 1);
    for (let i = from; i < to; i++) this.valueOff += this.valueLengths[i]!;
    this.keyOff = starts[to]!;
    this.blockNext = to;
  }

  private readLengths(buf: Uint8Array, count: number, out: Int32Array, total: number, what: string): number {
    const lr = new ByteReader(buf, { file: this.name, limits: this.limits });
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const n = lr.readVInt();
      if (n < 0) throw new CorruptFileError(`negative ${what} length ${n} in block`);
      out[i] = n;
      sum += n;
    }
    if (total >= 0 && sum !== total) throw new CorruptFileError(`${what} lengths add up to ${sum} but the block holds ${total} bytes`);
    return sum;
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

function locate(e: unknown, file: string, offset?: number): unknown {
  return e instanceof HadoopIOError ? e.locate(file, offset) : e;
}
