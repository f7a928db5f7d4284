import type { ByteReader } from '../io/byte-reader.js';
import type { ByteWriter } from '../io/byte-writer.js';
import { UnsupportedFormatError, UsageError } from '../io/errors.js';
import type { JsonOptions, WritableContext, WritableType } from './types.js';
import { javaDoubleToString, javaFloatToString } from './java-number-format.js';
import { readHadoopUtf8, writeHadoopUtf8 } from './utf8-writable.js';
import { nestedStable, nestedToString, requireType, typedValue, typeOfValue, type TypedValue } from './typed-value.js';

export const OBJECT_WRITABLE = 'org.apache.hadoop.io.ObjectWritable';
const WRITABLE = 'org.apache.hadoop.io.Writable';
const NULL_INSTANCE = 'org.apache.hadoop.io.ObjectWritable$NullInstance';
const STRING = 'java.lang.String';
const INTERFACES = new Set([WRITABLE, 'org.apache.hadoop.io.WritableComparable']);
const PRIMITIVES = new Set(['boolean', 'byte', 'char', 'short', 'int', 'long', 'float', 'double', 'void']);

/**
 * What an ObjectWritable holds: its declared class (as Java names it: `int`,
 * `java.lang.String`, `[I`, `org.apache.hadoop.io.Text`...) and the instance:
 * a number/bigint/boolean/char string for primitives, a string, an enum
 * constant name, a typed Writable, an array of ObjectValues, or null.
 */
export interface ObjectValue {
  declaredClass: string;
  kind: 'primitive' | 'string' | 'enum' | 'writable' | 'array' | 'null';
  value: unknown;
}

export const objectWritableType: WritableType<ObjectValue> = {
  className: OBJECT_WRITABLE,
  read: (r, ctx) => readObject(r, ctx),
  write: (w, v, ctx) => writeObject(w, v, ctx),
  toString: (v) => `OW[class=${classToString(v.declaredClass)},value=${instanceToString(v)}]`,
  isToStringStable: (v) => stable(v),
  // ObjectWritable keeps Object.hashCode: an identity hash
  javaHashCode: () => undefined,
  coerce: (v) => {
    if (v && typeof v === 'object' && 'declaredClass' in v && 'kind' in v) return v as ObjectValue;
    throw new UsageError('ObjectWritable needs { declaredClass, kind, value }');
  },
  toJSON: (v, o) => objectToJson(v, o),
};

function readObject(r: ByteReader, ctx: WritableContext): ObjectValue {
  const declared = readHadoopUtf8(r);
  if (PRIMITIVES.has(declared)) return { declaredClass: declared, kind: 'primitive', value: readPrimitive(r, declared) };
  if (declared.startsWith('[')) {
    const at = r.pos;
    const n = r.readInt32();
    // each element is at least a 2-byte class name
    if (n < 0 || n > r.limits.maxElements || n * 2 > r.remaining) r.corrupt(`invalid ObjectWritable array length ${n}`, at);
    r.countElements(n, 'ObjectWritable array', at);
    const values: ObjectValue[] = new Array(n);
    r.enter(OBJECT_WRITABLE);
    try {
      for (let i = 0; i < n; i++) values[i] = readObject(r, ctx);
    } finally {
      r.leave();
    }
    return { declaredClass: declared, kind: 'array', value: values };
  }
  if (declared === STRING) return { declaredClass: declared, kind: 'string', value: readHadoopUtf8(r) };
  const next = readHadoopUtf8(r);
  const known = ctx.registry.get(declared);
  // Writables name their instance class next; enums their constant (an identifier, no dots)
  if (!known && !INTERFACES.has(declared) && !/[.$]/.test(next)) return { declaredClass: declared, kind: 'enum', value: next };
  if (next === NULL_INSTANCE) return { declaredClass: readHadoopUtf8(r), kind: 'null', value: null };
  const t = ctx.registry.get(next);
  if (!t) throw new UnsupportedFormatError(`ObjectWritable holds ${next}, which is not registered: its length is unknown, so it cannot be skipped`);
  r.enter(OBJECT_WRITABLE);
  try {
    return { declaredClass: declared, kind: 'writable', value: typedValue(t, t.read(r, ctx)) };
  } finally {
    r.leave();
  }
}

function readPrimitive(r: ByteReader, c: string): unknown {
  switch (c) {
    case 'boolean':
      return r.readBoolean();
    case 'byte':
      return r.readInt8();
    case 'char':
      return String.fromCharCode(r.readUint16());
    case 'short':
      return r.readInt16();
    case 'int':
      return r.readInt32();
    case 'long':
      return r.readInt64();
    case 'float':
      return r.readFloat32();
    case 'double':
      return r.readFloat64();
    default:
      return null; // void
  }
}

function writeObject(w: ByteWriter, v: ObjectValue, ctx: WritableContext): void {
  switch (v.kind) {
    case 'null':
      writeHadoopUtf8(w, WRITABLE);
      writeHadoopUtf8(w, NULL_INSTANCE);
      writeHadoopUtf8(w, v.declaredClass);
      return;
    case 'primitive':
      writeHadoopUtf8(w, v.declaredClass);
      writePrimitive(w, v.declaredClass, v.value);
      return;
    case 'array': {
      writeHadoopUtf8(w, v.declaredClass);
      const items = v.value as ObjectValue[];
      w.writeInt32(items.length);
      for (const x of items) writeObject(w, x, ctx);
      return;
    }
    case 'string':
    case 'enum':
      writeHadoopUtf8(w, v.declaredClass);
      writeHadoopUtf8(w, String(v.value));
      return;
    case 'writable': {
      const tv = v.value as TypedValue;
      const t = requireType(tv, ctx, 'ObjectWritable');
      writeHadoopUtf8(w, v.declaredClass);
      writeHadoopUtf8(w, tv.className);
      t.write(w, t.coerce ? t.coerce(tv.value) : tv.value, ctx);
      return;
    }
  }
}

function writePrimitive(w: ByteWriter, c: string, x: unknown): void {
  switch (c) {
    case 'boolean':
      return w.writeBoolean(Boolean(x));
    case 'byte':
      return w.writeInt8(Number(x));
    case 'char':
      return w.writeUint16(String(x).charCodeAt(0));
    case 'short':
      return w.writeInt16(Number(x));
    case 'int':
      return w.writeInt32(Number(x));
    case 'long':
      return w.writeInt64(BigInt(x as bigint));
    case 'float':
      return w.writeFloat32(Number(x));
    case 'double':
      return w.writeFloat64(Number(x));
  }
}

/** `Class.toString()`: primitives bare, interfaces `interface X`, others `class X`. */
function classToString(c: string): string {
  if (PRIMITIVES.has(c)) return c;
  return `${INTERFACES.has(c) ? 'interface' : 'class'} ${c}`;
}

function instanceToString(v: ObjectValue): string {
  switch (v.kind) {
    case 'null':
      return 'null';
    case 'string':
    case 'enum':
      return String(v.value);
    case 'writable':
      return nestedToString(v.value as TypedValue);
    case 'array':
      return `[${v.declaredClass.slice(1)}@identity`; // Java prints an identity hash: not a function of the bytes
    case 'primitive':
      if (v.declaredClass === 'float') return javaFloatToString(v.value as number);
      if (v.declaredClass === 'double') return javaDoubleToString(v.value as number);
      return String(v.value);
  }
}

function stable(v: ObjectValue): boolean {
  if (v.kind === 'array') return false;
  if (v.kind === 'writable') return nestedStable(v.value as TypedValue);
  return true;
}

function objectToJson(v: ObjectValue, o: JsonOptions): unknown {
  switch (v.kind) {
    case 'array':
      return (v.value as ObjectValue[]).map((x) => objectToJson(x, o));
    case 'writable': {
      const tv = v.value as TypedValue;
      const t = typeOfValue(tv);
      return t?.toJSON ? t.toJSON(tv.value, o) : tv.value;
    }
    default:
      return typeof v.value === 'bigint' ? String(v.value) : v.value;
  }
}
