import { stat } from 'node:fs/promises';
import { CorruptFileError, HadoopIOError, IOFailureError, UsageError } from '../io/errors.js';
import { ByteWriter } from '../io/byte-writer.js';
import type { WritableContext, WritableType } from '../writable/types.js';
import { defaultRegistry } from '../writable/builtins.js';
import { ByteReader } from '../io/byte-reader.js';
import { localPath } from '../io/source.js';
import { SequenceFileReader, type KeyValue, type SequenceFileReaderOptions } from '../seq/reader.js';
import { closingIterator } from '../seq/closing-iterator.js';
import { overReadError } from '../seq/over-read.js';
import type { RawRecord } from '../seq/raw-record.js';
import { keyComparator, type RawComparator } from './key-order.js';
import { MapIndex } from './map-index.js';
import { dataPath, indexPath } from './map-files.js';

const LOOKUP_BUFFER_SIZE = 16 * 1024;

export interface MapFileReaderOptions extends SequenceFileReaderOptions {
  /** Key order, for key classes without a registered comparator. */
  compare?: RawComparator;
  /** Keep one index entry in `indexSkip + 1` (Hadoop's `io.map.index.skip`, default 0). */
  indexSkip?: number;
}

/** A key and value as serialized bytes (owned by the caller). */
export interface RawEntry {
  key: Uint8Array;
  value: Uint8Array;
}

export interface ClosestOptions {
  /** Return the last entry at or before the key instead of the first at or after it. */
  before?: boolean;
}

/**
 * Reads a MapFile directory (`data` + `index`), as Hadoop's `MapFile.Reader`:
 * binary search in the in-memory index, then a short scan of the data file.
 *
 * Differences from Hadoop, on purpose: `getClosest(key, { before: true })`
 * answers correctly on BLOCK files and on empty MapFiles (Hadoop throws);
 * with duplicate keys `get` returns the first one; after `seek(key)`,
 * `next()` returns the entry found (Hadoop's returns the one after it).
 */
export class MapFileReader<K = unknown, V = unknown> implements AsyncIterable<KeyValue<K, V>>, AsyncDisposable {
  readonly keyType: WritableType<K>;
  readonly valueType: WritableType<V>;
  /** Where the first record starts (the data header's length). */
  readonly firstPosition: number;
  /** The key order in use. */
  readonly compare: RawComparator;
  private readonly ctx: WritableContext;
  private readonly keyWriter = new ByteWriter(64);
  private readonly decodeReader: ByteReader;
  /** An entry found by `seek` that `next` hands out first. */
  private pending: RawEntry | null = null;

  protected constructor(
    readonly dir: string,
    readonly data: SequenceFileReader<K, V>,
    readonly index: MapIndex,
    compare: RawComparator,
    opts: MapFileReaderOptions,
  ) {
    this.keyType = data.keyType;
    this.valueType = data.valueType;
    this.firstPosition = data.header.headerLength;
    this.compare = compare;
    this.ctx = { registry: opts.registry ?? defaultRegistry };
    this.decodeReader = new ByteReader(new Uint8Array(0), { file: data.name });
  }

  /** Open a MapFile directory (a path or a `file:` URL). */
  static async open<K = unknown, V = unknown>(dir: string | URL, opts: MapFileReaderOptions = {}): Promise<MapFileReader<K, V>> {
    const path = localPath(dir);
    const parts = await openParts<K, V>(path, opts);
    return new MapFileReader<K, V>(path, parts.data, parts.index, parts.compare, opts);
  }

  /** Number of entries in the in-memory index. */
  get indexSize(): number {
    return this.index.count;
  }

  /** Serialize a key value the way the data file holds it. */
  serializeKey(key: K): Uint8Array {
    const w = this.keyWriter;
    w.reset();
    const t = this.keyType;
    t.write(w, (t.coerce ? t.coerce(key) : key) as K, this.ctx);
    return w.bytes().slice();
  }

  /** The value stored under `key`, or undefined. */
  async get(key: K): Promise<V | undefined> {
    const e = await this.getRaw(this.serializeKey(key));
    return e === undefined ? undefined : this.decodeRaw(this.valueType, e);
  }

  /** The serialized value stored under a serialized key, or undefined. */
  async getRaw(key: Uint8Array): Promise<Uint8Array | undefined> {
    const e = await this.closestRaw(key, false);
    return e !== undefined && this.compare(e.key, key) === 0 ? e.value : undefined;
  }

  /** The first entry at or after `key` (or with `before`, the last at or before it), or undefined. */
  async getClosest(key: K, opts: ClosestOptions = {}): Promise<KeyValue<K, V> | undefined> {
    const e = await this.getClosestRaw(this.serializeKey(key), opts);
    return e === undefined ? undefined : { key: this.decodeRaw(this.keyType, e.key), value: this.decodeRaw(this.valueType, e.value) };
  }

  async getClosestRaw(key: Uint8Array, opts: ClosestOptions = {}): Promise<RawEntry | undefined> {
    return this.closestRaw(key, !!opts.before);
  }

  /** Position so that `next()` returns the first entry at or after `key`; true if it equals `key`. */
  async seek(key: K): Promise<boolean> {
    return this.seekRaw(this.serializeKey(key));
  }

  async seekRaw(key: Uint8Array): Promise<boolean> {
    const e = await this.closestRaw(key, false);
    this.pending = e ?? null;
    return e !== undefined && this.compare(e.key, key) === 0;
  }

  /** The next entry in key order, or undefined at the end. */
  async next(): Promise<KeyValue<K, V> | undefined> {
    const e = await this.nextRaw();
    return e === undefined ? undefined : { key: this.decodeRaw(this.keyType, e.key), value: this.decodeRaw(this.valueType, e.value) };
  }

  async nextRaw(): Promise<RawEntry | undefined> {
    if (this.pending) {
      const e = this.pending;
      this.pending = null;
      return e;
    }
    const raw = await this.data.nextRaw();
    return raw === null ? undefined : copyEntry(raw);
  }

  /** Back to the first entry. */
  async reset(): Promise<void> {
    this.pending = null;
    await this.data.seek(this.firstPosition);
  }

  /** The entries from the current position in key order; closes the reader when the loop ends, breaks or throws. */
  [Symbol.asyncIterator](): AsyncIterableIterator<KeyValue<K, V>> & AsyncDisposable {
    return closingIterator(this.entries(), () => this.close());
  }

  private async *entries(): AsyncGenerator<KeyValue<K, V>, void, undefined> {
    try {
      for (;;) {
        const e = await this.next();
        if (e === undefined) return;
        yield e;
      }
    } finally {
      await this.close().catch(() => {});
    }
  }

  /** The key in the middle of the index (Hadoop's `midKey`), or undefined for an empty MapFile. */
  midKeyRaw(): Uint8Array | undefined {
    const n = this.index.count;
    return n === 0 ? undefined : this.index.key((n - 1) >> 1).slice();
  }

  midKey(): K | undefined {
    const k = this.midKeyRaw();
    return k === undefined ? undefined : this.decodeRaw(this.keyType, k);
  }

  /** The last key in the file (Hadoop's `finalKey`), or undefined when empty; reads from the last indexed entry on. */
  async finalKeyRaw(): Promise<Uint8Array | undefined> {
    const n = this.index.count;
    await this.data.seek(n === 0 ? this.firstPosition : this.index.position(n - 1));
    let last: Uint8Array | undefined;
    for (;;) {
      const raw = await this.data.nextRaw();
      if (raw === null) break;
      last = raw.key;
    }
    const result = last?.slice();
    await this.reset();
    return result;
  }

  async finalKey(): Promise<K | undefined> {
    const k = await this.finalKeyRaw();
    return k === undefined ? undefined : this.decodeRaw(this.keyType, k);
  }

  /** Release the data file. Idempotent; lookups afterwards are a UsageError. */
  async close(): Promise<void> {
    this.pending = null;
    await this.data.close();
  }

  /** `await using map = await MapFileReader.open(dir)` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Scan from the last index entry whose key is below `key` (so duplicates of
   * an indexed key are found from their first copy) to the first key >= `key`.
   */
  private async closestRaw(key: Uint8Array, before: boolean): Promise<RawEntry | undefined> {
    this.pending = null;
    const at = this.index.lowerBound(key, this.compare) - 1;
    await this.data.seek(at < 0 ? this.firstPosition : this.index.position(at));
    let prev: RawEntry | undefined;
    let found: RawEntry | undefined;
    // synchronous within each read-ahead chunk: one await per chunk, not per record scanned
    await this.data.forEachRaw((raw) => {
      const c = this.compare(raw.key, key);
      // BLOCK data: a block's first key is below the probe, so binary-search the rest of the block
      if (c < 0 && raw.indexInBlock === 0) this.data.skipKeysBelow(key, this.compare);
      if (c === 0 || (c > 0 && !before)) {
        found = copyEntry(raw);
        return false;
      }
      if (c > 0) {
        found = prev;
        return false;
      }
      if (before) prev = copyEntry(raw, prev);
      return true;
    });
    // the data ended before a key at or after the probe
    return found ?? (before ? prev : undefined);
  }

  /** Decode serialized bytes of the key or value class. */
  decodeRaw<T>(type: WritableType<T>, bytes: Uint8Array): T {
    const r = this.decodeReader;
    r.reset(bytes, 0, bytes.length);
    try {
      return type.read(r, this.ctx);
    } catch (err) {
      const e = overReadError(err, 'bytes', type.className, bytes.length, this.data.name, undefined);
      if (e instanceof HadoopIOError) throw e.locate(this.data.name);
      throw new CorruptFileError(`cannot decode ${type.className}: ${(e as Error).message}`, { file: this.data.name, cause: e });
    }
  }
}

/** Copy a record's key and (decompressed) value out of the reader's reused buffers. */
function copyEntry(raw: RawRecord, reuse?: RawEntry): RawEntry {
  const key = raw.key;
  const value = raw.value;
  if (reuse && reuse.key.buffer.byteLength >= key.length && reuse.value.buffer.byteLength >= value.length) {
    const k = new Uint8Array(reuse.key.buffer, 0, key.length);
    const v = new Uint8Array(reuse.value.buffer, 0, value.length);
    k.set(key);
    v.set(value);
    return { key: k, value: v };
  }
  return { key: key.slice(), value: value.slice() };
}

export interface MapParts<K, V> {
  data: SequenceFileReader<K, V>;
  index: MapIndex;
  compare: RawComparator;
}

/** Open `data` and load `index`, with a clear message when the index is missing. */
export async function openParts<K, V>(dir: string, opts: MapFileReaderOptions): Promise<MapParts<K, V>> {
  const st = await stat(dir).catch(() => undefined);
  if (!st) throw new IOFailureError('no such file or directory', { file: dir });
  if (!st.isDirectory()) throw new UsageError('not a MapFile directory (expected a directory holding data and index)', { file: dir });
  // Lookups read a few records after a seek: small read-ahead unless asked otherwise.
  const data = await SequenceFileReader.open<K, V>(dataPath(dir), { bufferSize: LOOKUP_BUFFER_SIZE, ...opts });
  try {
    const compare = keyComparator(data.keyType, opts.compare);
    const ip = indexPath(dir);
    if (!(await stat(ip).catch(() => undefined))) {
      throw new CorruptFileError(`MapFile has no index file; rebuild it with \`seqcat fix ${dir}\``, { file: dir });
    }
    const dataLength = (await stat(dataPath(dir))).size;
    const index = await MapIndex.load(ip, {
      ...opts,
      name: undefined,
      keyClassName: data.keyType.className,
      dataLength,
      firstPosition: data.header.headerLength,
      compare,
      skip: opts.indexSkip ?? 0,
    });
    return { data, index, compare };
  } catch (e) {
    await data.close().catch(() => {});
    throw e;
  }
}
