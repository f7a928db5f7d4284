import { MapFileReader, type MapFileReaderOptions } from './map-file-reader.js';
import { MapFileWriter, type MapFileWriterOptions } from './map-file-writer.js';
import { NULL_WRITABLE } from './map-files.js';

/** Hadoop's SetFile: a MapFile of keys whose values are all NullWritable. */
export class SetFileWriter<K = unknown> {
  private constructor(private readonly map: MapFileWriter<K, null>) {}

  static async create<K = unknown>(dir: string, opts: Omit<MapFileWriterOptions, 'valueClass'>): Promise<SetFileWriter<K>> {
    return new SetFileWriter<K>(await MapFileWriter.create<K, null>(dir, { ...opts, valueClass: NULL_WRITABLE }));
  }

  get count(): number {
    return this.map.count;
  }

  append(key: K): Promise<void> {
    return this.map.append(key, null);
  }

  close(): Promise<void> {
    return this.map.close();
  }

  /** Give up writing: close the files without finishing them. */
  abort(): Promise<void> {
    return this.map.abort();
  }

  /** For `await using`: as MapFileWriter's. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.map[Symbol.asyncDispose]();
  }
}

/** Reads a SetFile: `has(key)`, `seek(key)` then `nextKey()` to walk keys in order. */
export class SetFileReader<K = unknown> implements AsyncDisposable {
  private constructor(readonly map: MapFileReader<K, null>) {}

  static async open<K = unknown>(dir: string | URL, opts: MapFileReaderOptions = {}): Promise<SetFileReader<K>> {
    return new SetFileReader<K>(await MapFileReader.open<K, null>(dir, opts));
  }

  /** Whether `key` is in the set. */
  async has(key: K): Promise<boolean> {
    return (await this.map.getRaw(this.map.serializeKey(key))) !== undefined;
  }

  /** Position so that `nextKey()` returns the first key at or after `key`; true if `key` is in the set. */
  seek(key: K): Promise<boolean> {
    return this.map.seek(key);
  }

  async nextKey(): Promise<K | undefined> {
    return (await this.map.next())?.key;
  }

  /** Release the data file. Idempotent. */
  close(): Promise<void> {
    return this.map.close();
  }

  /** `await using` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.map.close();
  }
}
