import { MapFileReader, type MapFileReaderOptions } from './map-file-reader.js';
import { MapFileWriter, type MapFileWriterOptions } from './map-file-writer.js';
import { LONG_WRITABLE } from './map-files.js';

/** Hadoop's ArrayFile: values keyed by their index 0, 1, 2… (LongWritable). */
export class ArrayFileWriter<V = unknown> {
  private constructor(private readonly map: MapFileWriter<bigint, V>) {}

  static async create<V = unknown>(dir: string, opts: Omit<MapFileWriterOptions, 'keyClass'>): Promise<ArrayFileWriter<V>> {
    return new ArrayFileWriter<V>(await MapFileWriter.create<bigint, V>(dir, { ...opts, keyClass: LONG_WRITABLE }));
  }

  get count(): number {
    return this.map.count;
  }

  /** Append the value for the next index. */
  append(value: V): Promise<void> {
    return this.map.append(BigInt(this.map.count), value);
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

/** Reads an ArrayFile: `get(n)`, `seek(n)` then `next()`, and `key()` for the index last read. */
export class ArrayFileReader<V = unknown> implements AsyncDisposable {
  private current = -1n;

  private constructor(readonly map: MapFileReader<bigint, V>) {}

  static async open<V = unknown>(dir: string | URL, opts: MapFileReaderOptions = {}): Promise<ArrayFileReader<V>> {
    return new ArrayFileReader<V>(await MapFileReader.open<bigint, V>(dir, opts));
  }

  /** The value at index `n`, or undefined past the end. */
  get(n: number | bigint): Promise<V | undefined> {
    return this.map.get(BigInt(n));
  }

  /** Position so that `next()` returns the value at `n`; false past the end. */
  seek(n: number | bigint): Promise<boolean> {
    return this.map.seek(BigInt(n));
  }

  /** The next value, or undefined at the end. */
  async next(): Promise<V | undefined> {
    const e = await this.map.next();
    if (e === undefined) return undefined;
    this.current = e.key;
    return e.value;
  }

  /** Index of the value last returned by `next()` (-1n before any). */
  key(): bigint {
    return this.current;
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
