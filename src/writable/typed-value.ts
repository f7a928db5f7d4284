import { UnsupportedFormatError } from '../io/errors.js';
import type { WritableContext, WritableType } from './types.js';

/**
 * A value inside a composite Writable (MapWritable entry, ObjectWritable
 * instance, GenericWritable) together with its Java class: composites write
 * class ids or names, so each element must keep its class.
 */
export interface TypedValue<T = unknown> {
  readonly className: string;
  readonly value: T;
}

const TYPE = Symbol('hadoop-io.writableType');

/**
 * A typed value as read: its type is kept in a private field, invisible to JSON, keys and
 * equality like a non-enumerable property, but without one `defineProperty` (and a slow
 * dictionary-mode object) per value, which made large MapWritables slow to decode.
 */
class ReadTypedValue<T> implements TypedValue<T> {
  readonly className: string;
  readonly value: T;
  readonly #type: WritableType<T>;

  constructor(type: WritableType<T>, value: T) {
    this.className = type.className;
    this.value = value;
    this.#type = type;
  }

  static typeOf(tv: object): WritableType | undefined {
    return #type in tv ? (tv as ReadTypedValue<unknown>).#type : undefined;
  }
}

/** A typed value that remembers the type it was read with (for toString and hashCode). */
export function typedValue<T>(type: WritableType<T>, value: T): TypedValue<T> {
  return new ReadTypedValue(type, value);
}

/** A typed value for writing: `typed('org.apache.hadoop.io.IntWritable', 5)`. */
export function typed<T>(className: string, value: T): TypedValue<T> {
  return { className, value };
}

/** Attach the element type a composite value was read with (not enumerable: invisible to JSON and equality). */
export function withElementType<T extends object>(obj: T, type: WritableType): T {
  Object.defineProperty(obj, TYPE, { value: type, enumerable: false });
  return obj;
}

export function elementTypeOf(obj: object): WritableType | undefined {
  return (obj as Record<symbol, WritableType>)[TYPE];
}

export function typeOfValue(tv: TypedValue, ctx?: WritableContext): WritableType | undefined {
  return ReadTypedValue.typeOf(tv) ?? ctx?.registry.get(tv.className);
}

/** The type to write a typed value with; a clear error if its class is unknown. */
export function requireType(tv: TypedValue, ctx: WritableContext, where: string): WritableType {
  const t = typeOfValue(tv, ctx);
  if (!t) throw new UnsupportedFormatError(`${where} holds ${tv.className}, which is not registered`);
  return t;
}

/** Java toString of a nested value (its type's toString, or String()). */
export function nestedToString(tv: TypedValue): string {
  const t = typeOfValue(tv);
  return t ? t.toString(tv.value) : String(tv.value);
}

export function nestedHash(tv: TypedValue): number | undefined {
  const t = typeOfValue(tv);
  return t?.javaHashCode ? t.javaHashCode(tv.value) : undefined;
}

export function nestedStable(tv: TypedValue): boolean {
  const t = typeOfValue(tv);
  return t?.isToStringStable ? t.isToStringStable(tv.value) : true;
}

export function isTypedValue(v: unknown): v is TypedValue {
  return typeof v === 'object' && v !== null && typeof (v as TypedValue).className === 'string' && 'value' in v;
}
