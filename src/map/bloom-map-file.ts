import { readFile } from 'node:fs/promises';
import { FileSink } from '../io/sink.js';
import { HadoopIOError, UsageError } from '../io/errors.js';
import { localPath } from '../io/source.js';
import { MapFileReader, openParts, type MapFileReaderOptions } from './map-file-reader.js';
import { MapFileWriter, createParts, type MapFileWriterOptions } from './map-file-writer.js';
import { bloomPath } from './map-files.js';
import { HASH_TYPE_JENKINS, HASH_TYPE_MURMUR, parseHashType } from './bloom/bloom-filter.js';
import { BLOOM_HASH_COUNT, DEFAULT_BLOOM_ERROR_RATE, DEFAULT_BLOOM_SIZE, DynamicBloomFilter, computeVectorSize } from './bloom/dynamic-bloom-filter.js';

export interface BloomMapFileWriterOptions extends MapFileWriterOptions {
  /** Keys per bloom row (Hadoop's `io.mapfile.bloom.size`, default 1,048,576). */
  bloomSize?: number;
  /** Wanted false-positive rate (`io.mapfile.bloom.error.rate`, default 0.005). */
  bloomErrorRate?: number;
  /** Hash function (`hadoop.util.hash.type`, default 'murmur'). */
  hashType?: 'murmur' | 'jenkins';
}

/**
 * Hadoop's BloomMapFile writer: a MapFile plus a `bloom` file holding a
 * DynamicBloomFilter of the serialized keys, bit-identical to Hadoop's.
 */
export class BloomMapFileWriter<K = unknown, V = unknown> extends MapFileWriter<K, V> {
  /** The filter being filled; written to `bloom` on close. */
  bloom!: DynamicBloomFilter;
  private atomic = false;

  static override async create<K = unknown, V = unknown>(dir: string, opts: BloomMapFileWriterOptions): Promise<BloomMapFileWriter<K, V>> {
    const nr = opts.bloomSize ?? DEFAULT_BLOOM_SIZE;
    const hashType = parseHashType(opts.hashType ?? 'murmur');
    if (hashType !== HASH_TYPE_MURMUR && hashType !== HASH_TYPE_JENKINS) throw new UsageError(`unknown hash type ${String(opts.hashType)}`);
    const bloom = new DynamicBloomFilter({
      vectorSize: computeVectorSize(nr, opts.bloomErrorRate ?? DEFAULT_BLOOM_ERROR_RATE, BLOOM_HASH_COUNT),
      nbHash: BLOOM_HASH_COUNT,
      hashType,
      nr,
    });
    const p = await createParts<K, V>(dir, opts);
    const w = new BloomMapFileWriter<K, V>(dir, p.data, p.index, opts);
    w.atomic = !!opts.atomic;
    w.bloom = bloom;
    return w;
  }

  protected override onAppended(key: Uint8Array): void {
    this.bloom.add(key);
  }

  override async close(): Promise<void> {
    await super.close();
    // through FileSink: with `atomic`, temp + rename for a regular file, written through otherwise
    const sink = await FileSink.open(bloomPath(this.dir), { atomic: this.atomic });
    try {
      await sink.write(this.bloom.toBytes());
      await sink.close();
    } catch (e) {
      await sink.abort();
      throw e;
    }
  }
}

export interface BloomMapFileReaderOptions extends MapFileReaderOptions {
  /** Called when the `bloom` file is missing or corrupt and lookups fall back to the index (default: process.emitWarning). */
  onWarning?: (message: string) => void;
}

/**
 * Reads a BloomMapFile: `probablyHasKey` answers from the filter alone, and
 * `get` skips the index and data for keys the filter rules out. A missing or
 * corrupt `bloom` file disables the filter with a warning (as Hadoop does)
 * rather than giving wrong answers.
 */
export class BloomMapFileReader<K = unknown, V = unknown> extends MapFileReader<K, V> {
  /** The filter, or null when it could not be read. */
  bloom: DynamicBloomFilter | null = null;

  static override async open<K = unknown, V = unknown>(dir: string | URL, opts: BloomMapFileReaderOptions = {}): Promise<BloomMapFileReader<K, V>> {
    const path = localPath(dir);
    const p = await openParts<K, V>(path, opts);
    const r = new BloomMapFileReader<K, V>(path, p.data, p.index, p.compare, opts);
    const warn = opts.onWarning ?? ((m: string) => process.emitWarning(m));
    const bloomFile = bloomPath(path);
    try {
      r.bloom = DynamicBloomFilter.fromBytes(new Uint8Array(await readFile(bloomFile)), bloomFile);
    } catch (e) {
      const why = e instanceof HadoopIOError ? e.message : `${bloomFile}: ${(e as Error).message}`;
      warn(`bloom filter disabled, falling back to the index: ${why}`);
    }
    return r;
  }

  /** False only when the key is certainly absent. */
  probablyHasKey(key: K): boolean {
    return this.probablyHasKeyRaw(this.serializeKey(key));
  }

  probablyHasKeyRaw(key: Uint8Array): boolean {
    return this.bloom === null || key.length === 0 || this.bloom.membershipTest(key);
  }

  override async getRaw(key: Uint8Array): Promise<Uint8Array | undefined> {
    if (!this.probablyHasKeyRaw(key)) return undefined;
    return super.getRaw(key);
  }
}
