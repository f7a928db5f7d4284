import { ByteReader } from '../io/byte-reader.js';
import type { ByteWriter } from '../io/byte-writer.js';
import { UsageError } from '../io/errors.js';
import type { WritableContext, WritableRegistryLike, WritableType } from './types.js';
import { rawWritableType } from './raw-writable.js';

/** The package a class name without one is looked up in. */
const HADOOP_IO_PACKAGE = 'org.apache.hadoop.io.';

/** What a user supplies to plug in their own Writable class. */
export interface WritableClassDefinition<T> {
  /** The Java class name written in file headers. */
  className: string;
  /** Read one value (as the class's `readFields`). */
  read(r: ByteReader, ctx: WritableContext): T;
  /** Write one value (as the class's `write`). */
  write(w: ByteWriter, value: T, ctx: WritableContext): void;
  /** What Java's `toString()` prints (default: JSON of the value). */
  toString?(value: T): string;
  /** Order of two values, for MapFile keys (as the class's `compareTo`). */
  compare?(a: T, b: T): number;
  coerce?(value: unknown): T;
  toJSON?(value: T): unknown;
}

/**
 * Java class name → Writable type. Readers, writers, MapFiles and seqcat look
 * classes up here; unknown names resolve to a raw fallback that keeps bytes.
 */
export class WritableRegistry implements WritableRegistryLike {
  private readonly types = new Map<string, WritableType>();
  private readonly raw = new Map<string, WritableType>();

  /** Register a type under its class name and any aliases (old WritableName names). */
  register(type: WritableType<any>, ...aliases: string[]): this {
    this.types.set(type.className, type);
    for (const a of aliases) this.types.set(a, type);
    return this;
  }

  /** Register a user's Writable class from read/write/toString (and compare, for MapFile keys). */
  registerClass<T>(def: WritableClassDefinition<T>): WritableType<T> {
    if (!def.className) throw new UsageError('registerClass needs a className');
    const type: WritableType<T> = {
      className: def.className,
      read: def.read,
      write: def.write,
      toString: def.toString ?? ((v) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x))),
      ...(def.coerce ? { coerce: def.coerce } : {}),
      ...(def.toJSON ? { toJSON: (v: T) => def.toJSON!(v) } : {}),
    };
    if (def.compare) {
      const cmp = def.compare;
      const ctx: WritableContext = { registry: this };
      // MapFiles compare serialized keys: decode both and use the user's order
      type.compareRaw = (a, b) => cmp(decodeWith(type, a, ctx), decodeWith(type, b, ctx));
    }
    this.register(type);
    return type;
  }

  /**
   * The type registered under a class name. A name without a package (`Text`,
   * `LongWritable`) means `org.apache.hadoop.io.<name>` when that is
   * registered, as in seqcat; the type's `className` is always the full name.
   */
  get(className: string): WritableType | undefined {
    return this.types.get(className) ?? (className.includes('.') ? undefined : this.types.get(HADOOP_IO_PACKAGE + className));
  }

  has(className: string): boolean {
    return this.get(className) !== undefined;
  }

  resolve(className: string): WritableType {
    const t = this.get(className);
    if (t) return t;
    let r = this.raw.get(className);
    if (!r) this.raw.set(className, (r = rawWritableType(className)));
    return r;
  }

  /** Class names known (aliases included). */
  classNames(): string[] {
    return [...this.types.keys()];
  }

  /** A copy to extend without touching this one. */
  clone(): WritableRegistry {
    const c = new WritableRegistry();
    for (const [k, v] of this.types) c.types.set(k, v);
    return c;
  }
}

const decodeReader = new ByteReader(new Uint8Array(0));
function decodeWith<T>(type: WritableType<T>, bytes: Uint8Array, ctx: WritableContext): T {
  decodeReader.reset(bytes, 0, bytes.length, 0);
  return type.read(decodeReader, ctx);
}
