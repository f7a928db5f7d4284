import { mkdir } from 'node:fs/promises';
import { ByteReader } from '../io/byte-reader.js';
import { ByteWriter } from '../io/byte-writer.js';
import { UsageError } from '../io/errors.js';
import type { WritableContext, WritableType } from '../writable/types.js';
import { defaultRegistry } from '../writable/builtins.js';
import { SequenceFileWriter, type SequenceFileWriterOptions } from '../seq/writer.js';
import { keyComparator, type RawComparator } from './key-order.js';
import { DEFAULT_INDEX_INTERVAL, LONG_WRITABLE, dataPath, indexPath } from './map-files.js';

export interface MapFileWriterOptions extends Omit<SequenceFileWriterOptions, 'append'> {
  /**
   * Write each file (`data`, `index`, BloomMapFile's `bloom`) to a temporary
   * name and rename it at close. As for SequenceFileWriter: a symlinked file
   * keeps its link (the target is replaced), a FIFO or device is written through.
   */
  atomic?: boolean;
  /** Index every this many keys, at most (Hadoop's `io.map.index.interval`, default 128). */
  indexInterval?: number;
  /** Key order, for key classes without a registered comparator. */
  compare?: RawComparator;
  /** Sync marker of the `index` file (default: random). */
  indexSyncMarker?: Uint8Array;
}

/**
 * Writes a MapFile directory as Hadoop's `MapFile.Writer`: `data` is a
 * SequenceFile with the given options, `index` a BLOCK/DefaultCodec
 * SequenceFile of (key, LongWritable data position). An index entry is
 * written when `indexInterval` keys have passed since the last one and the
 * data position moved (so in BLOCK files only at block starts). Keys must
 * come in order; equal keys are allowed, as in Hadoop.
 */
export class MapFileWriter<K = unknown, V = unknown> {
  readonly keyType: WritableType<K>;
  readonly valueType: WritableType<V>;
  private readonly compare: RawComparator;
  private readonly interval: number;
  private readonly ctx: WritableContext;
  private readonly keyWriter = new ByteWriter(64);
  private readonly posBytes = new Uint8Array(8);
  private lastKey = new Uint8Array(64);
  private lastKeyLength = -1;
  private size = 0;
  private lastIndexPos = -1;
  private lastIndexKeyCount = Number.NEGATIVE_INFINITY;

  protected constructor(
    readonly dir: string,
    readonly data: SequenceFileWriter<K, V>,
    readonly index: SequenceFileWriter<K, bigint>,
    opts: MapFileWriterOptions,
  ) {
    this.keyType = data.keyType;
    this.valueType = data.valueType;
    this.compare = keyComparator(this.keyType, opts.compare);
    this.interval = opts.indexInterval ?? DEFAULT_INDEX_INTERVAL;
    this.ctx = { registry: opts.registry ?? defaultRegistry };
    if (!(this.interval >= 1)) throw new UsageError(`indexInterval must be >= 1, got ${this.interval}`);
  }

  static async create<K = unknown, V = unknown>(dir: string, opts: MapFileWriterOptions): Promise<MapFileWriter<K, V>> {
    const parts = await createParts<K, V>(dir, opts);
    return new MapFileWriter<K, V>(dir, parts.data, parts.index, opts);
  }

  /** Entries appended so far. */
  get count(): number {
    return this.size;
  }

  /** Append an entry; its key must not sort before the previous key. */
  async append(key: K, value: V): Promise<void> {
    const t = this.keyType;
    const k = (t.coerce ? t.coerce(key) : key) as K;
    const w = this.keyWriter;
    w.reset();
    t.write(w, k, this.ctx);
    const kb = w.bytes();
    await this.beforeAppend(kb);
    await this.data.append(k, value);
    this.afterAppend(kb);
  }

  /** Append serialized key and value bytes. */
  async appendRaw(key: Uint8Array, value: Uint8Array): Promise<void> {
    await this.beforeAppend(key);
    await this.data.appendRaw(key, value);
    this.afterAppend(key);
  }

  async close(): Promise<void> {
    try {
      await this.data.close();
    } finally {
      await this.index.close();
    }
  }

  /** Give up writing: close both files without finishing them. */
  async abort(): Promise<void> {
    await Promise.allSettled([this.data.abort(), this.index.abort()]);
  }

  /**
   * For `await using`: close at the end of the scope; if a file has already
   * failed (the caller has seen that error), abort quietly instead, as
   * SequenceFileWriter does.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.data.failure !== null || this.index.failure !== null) return this.abort();
    await this.close();
  }

  private async beforeAppend(key: Uint8Array): Promise<void> {
    if (this.lastKeyLength >= 0 && this.compare(this.lastKey.subarray(0, this.lastKeyLength), key) > 0) {
      throw new UsageError(`key out of order: ${this.show(key)} after ${this.show(this.lastKey.subarray(0, this.lastKeyLength))}`, { file: this.dir });
    }
    const pos = this.data.position;
    // Hadoop's rule: enough keys since the last entry, and the data moved
    // (in BLOCK files the position only moves when a block is written).
    if (this.size >= this.lastIndexKeyCount + this.interval && pos > this.lastIndexPos) {
      new DataView(this.posBytes.buffer).setBigInt64(0, BigInt(pos));
      await this.index.appendRaw(key, this.posBytes);
      this.lastIndexPos = pos;
      this.lastIndexKeyCount = this.size;
    }
  }

  /** Called with each appended key's bytes (BloomMapFile adds them to its filter). */
  protected onAppended(_key: Uint8Array): void {}

  private afterAppend(key: Uint8Array): void {
    this.onAppended(key);
    if (this.lastKey.length < key.length) this.lastKey = new Uint8Array(Math.max(key.length, this.lastKey.length * 2));
    this.lastKey.set(key);
    this.lastKeyLength = key.length;
    this.size++;
  }

  private show(key: Uint8Array): string {
    try {
      return JSON.stringify(this.keyType.toString(this.keyType.read(new ByteReader(key), this.ctx)));
    } catch {
      return Buffer.from(key).toString('hex');
    }
  }
}

export interface WriterParts<K, V> {
  data: SequenceFileWriter<K, V>;
  index: SequenceFileWriter<K, bigint>;
}

/** Create the directory, the data file and the index file (always BLOCK + DefaultCodec, as Hadoop). */
export async function createParts<K, V>(dir: string, opts: MapFileWriterOptions): Promise<WriterParts<K, V>> {
  await mkdir(dir, { recursive: true });
  // the index needs the data file's exact position at each indexed key: compress in this thread
  const data = await SequenceFileWriter.create<K, V>(dataPath(dir), { ...opts, threads: 0 });
  try {
    const index = await SequenceFileWriter.create<K, bigint>(indexPath(dir), {
      keyClass: data.keyType,
      valueClass: LONG_WRITABLE,
      compression: 'BLOCK',
      codec: 'org.apache.hadoop.io.compress.DefaultCodec',
      threads: 0,
      ...(opts.indexSyncMarker ? { syncMarker: opts.indexSyncMarker } : {}),
      ...(opts.atomic ? { atomic: true } : {}),
      ...(opts.writeChecksum ? { writeChecksum: opts.writeChecksum } : {}),
      ...(opts.registry ? { registry: opts.registry } : {}),
      ...(opts.codecs ? { codecs: opts.codecs } : {}),
    });
    return { data, index };
  } catch (e) {
    await data.abort().catch(() => {});
    throw e;
  }
}
