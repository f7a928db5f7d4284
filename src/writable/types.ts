import type { ByteReader } from '../io/byte-reader.js';
import type { ByteWriter } from '../io/byte-writer.js';

/**
 * How one Java `Writable` class is read, written and printed. Types are plain
 * objects (like avsc's types): stateless, reusable, no per-record allocation
 * beyond the decoded value itself.
 *
 * Values are natural JS values where one exists (Text → string, IntWritable →
 * number, LongWritable → bigint, BytesWritable → Uint8Array, NullWritable →
 * null) and small objects for composite types.
 */
export interface WritableType<T = unknown> {
  /** Java class name as written in file headers, e.g. `org.apache.hadoop.io.Text`. */
  readonly className: string;
  /**
   * Deserialize one value. The reader is bounded to exactly the serialized
   * value when the container knows its length (SequenceFile records always do);
   * types that cannot tell their own length (unknown classes) consume the rest.
   */
  read(r: ByteReader, ctx: WritableContext): T;
  /** Serialize one value (as `Writable.write`). */
  write(w: ByteWriter, value: T, ctx: WritableContext): void;
  /** What Java's `toString()` prints for the value. */
  toString(value: T): string;
  /**
   * False when Java's `toString()` of this value is not a function of its
   * bytes (it prints an identity hash, e.g. `[I@1b6d3586` for an int[] inside
   * ObjectWritable, or ArrayWritable's default `Object.toString()`). The
   * interop dump then prints `"key": null, "keyToStringUnstable": true`.
   * Absent means always stable.
   */
  isToStringStable?(value: T): boolean;
  /**
   * Java's `hashCode()` of the value, or undefined where Java uses the
   * identity hash (not a function of the bytes). MapWritable prints in
   * HashMap order, which depends on it.
   */
  javaHashCode?(value: T): number | undefined;
  /** Turn a loosely typed input (e.g. a number for LongWritable) into `T`; throws UsageError if impossible. */
  coerce?(value: unknown): T;
  /** A JSON-friendly form for `seqcat json` (bigint → string, bytes → hex/base64...). */
  toJSON?(value: T, opts: JsonOptions): unknown;
  /**
   * Compare two serialized values as Hadoop's registered `WritableComparator`
   * does (raw bytes for Text/BytesWritable, numeric for numbers). Absent for
   * classes that are not `WritableComparable`.
   */
  compareRaw?(a: Uint8Array, b: Uint8Array): number;
}

export interface JsonOptions {
  /** How byte arrays appear in JSON. Default 'base64'. */
  bytes: 'base64' | 'hex';
}

/** What a type may need while reading or writing: the registry to resolve nested class names. */
export interface WritableContext {
  readonly registry: WritableRegistryLike;
}

export interface WritableRegistryLike {
  /** The type for a Java class name, or undefined when unknown. */
  get(className: string): WritableType | undefined;
  /** The type for a Java class name; unknown names give a raw fallback type. */
  resolve(className: string): WritableType;
}

/** A value of a class we cannot decode: its class name and serialized bytes. */
export interface RawWritable {
  readonly className: string;
  readonly bytes: Uint8Array;
}
