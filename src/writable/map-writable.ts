import type { ByteReader } from '../io/byte-reader.js';
import type { ByteWriter } from '../io/byte-writer.js';
import { UnsupportedFormatError } from '../io/errors.js';
import type { JsonOptions, WritableContext, WritableType } from './types.js';
import { bad } from './coerce.js';
import { javaHex } from './java-hash.js';
import {
  isTypedValue,
  nestedHash,
  nestedStable,
  nestedToString,
  requireType,
  typedValue,
  typeOfValue,
  type TypedValue,
} from './typed-value.js';

export const MAP_WRITABLE = 'org.apache.hadoop.io.MapWritable';
export const SORTED_MAP_WRITABLE = 'org.apache.hadoop.io.SortedMapWritable';

/** AbstractMapWritable's predefined class ids. */
const PREDEFINED: [number, string][] = [
  [-127, 'org.apache.hadoop.io.ArrayWritable'],
  [-126, 'org.apache.hadoop.io.BooleanWritable'],
  [-125, 'org.apache.hadoop.io.BytesWritable'],
  [-124, 'org.apache.hadoop.io.FloatWritable'],
  [-123, 'org.apache.hadoop.io.IntWritable'],
  [-122, 'org.apache.hadoop.io.LongWritable'],
  [-121, MAP_WRITABLE],
  [-120, 'org.apache.hadoop.io.MD5Hash'],
  [-119, 'org.apache.hadoop.io.NullWritable'],
  [-118, 'org.apache.hadoop.io.ObjectWritable'],
  [-117, SORTED_MAP_WRITABLE],
  [-116, 'org.apache.hadoop.io.Text'],
  [-115, 'org.apache.hadoop.io.TwoDArrayWritable'],
  [-114, 'org.apache.hadoop.io.VIntWritable'],
  [-113, 'org.apache.hadoop.io.VLongWritable'],
];
const ID_OF = new Map(PREDEFINED.map(([id, c]) => [c, id]));
const CLASS_OF = new Map(PREDEFINED);

/** A MapWritable or SortedMapWritable: entries in file order, each key and value with its class. */
export interface MapValue {
  entries: [TypedValue, TypedValue][];
}

/**
 * MapWritable / SortedMapWritable (AbstractMapWritable): byte count of extra
 * classes, each as (byte id, writeUTF name); int32 size; per entry a class id
 * byte + key bytes and a class id byte + value bytes. Extra class ids belong
 * to one record only (the corpus has records reusing id 1 for different classes).
 */
function abstractMapType(className: string, sorted: boolean): WritableType<MapValue> {
  return {
    className,
    read(r, ctx) {
      const classes = readClassTable(r);
      const at = r.pos;
      const n = r.readInt32();
      // each entry takes at least two id bytes
      if (n < 0 || n > r.limits.maxElements || n * 2 > r.remaining) r.corrupt(`invalid ${short(className)} size ${n}`, at);
      r.countElements(2 * n, short(className), at); // a key and a value per entry
      const entries: [TypedValue, TypedValue][] = new Array(n);
      r.enter(className);
      try {
        for (let i = 0; i < n; i++) {
          const k = readTyped(r, ctx, classes, className);
          const v = readTyped(r, ctx, classes, className);
          entries[i] = [k, v];
        }
      } finally {
        r.leave();
      }
      return { entries };
    },
    write(w, v, ctx) {
      // extra classes get ids 1.. in order of first appearance
      const extra: string[] = [];
      const idOf = (c: string): number => {
        const p = ID_OF.get(c);
        if (p !== undefined) return p;
        let i = extra.indexOf(c);
        if (i < 0) i = extra.push(c) - 1;
        return i + 1;
      };
      for (const [k, x] of v.entries) {
        idOf(k.className);
        idOf(x.className);
      }
      if (extra.length > 127) throw new UnsupportedFormatError(`${short(className)} can hold at most 127 extra classes`);
      w.writeInt8(extra.length);
      extra.forEach((c, i) => {
        w.writeInt8(i + 1);
        w.writeUTF(c);
      });
      w.writeInt32(v.entries.length);
      for (const [k, x] of v.entries) {
        writeTyped(w, k, idOf(k.className), ctx, className);
        writeTyped(w, x, idOf(x.className), ctx, className);
      }
    },
    toString: (v) => (sorted ? `${className}@${javaHex(mapHash(v) ?? 0)}` : hashMapToString(v)),
    isToStringStable: (v) => (sorted ? mapHash(v) !== undefined : v.entries.every(([k, x]) => nestedStable(k) && nestedStable(x) && nestedHash(k) !== undefined)),
    javaHashCode: (v) => {
      const h = mapHash(v);
      if (h === undefined) return undefined;
      return sorted ? h : (1 + h) | 0;
    },
    coerce: (v) => coerceMap(v, className),
    toJSON: (v, o) => mapToJson(v, o),
  };
}

export const mapWritableType = abstractMapType(MAP_WRITABLE, false);
export const sortedMapWritableType = abstractMapType(SORTED_MAP_WRITABLE, true);

function short(c: string): string {
  return c.slice(c.lastIndexOf('.') + 1);
}

function readClassTable(r: ByteReader): Map<number, string> {
  const classes = new Map<number, string>();
  const at = r.pos;
  const count = r.readInt8();
  if (count < 0) r.corrupt(`invalid extra class count ${count}`, at);
  for (let i = 0; i < count; i++) {
    const id = r.readInt8();
    classes.set(id, r.readUTF());
  }
  return classes;
}

function readTyped(r: ByteReader, ctx: WritableContext, classes: Map<number, string>, where: string): TypedValue {
  const at = r.pos;
  const id = r.readInt8();
  const c = classes.get(id) ?? CLASS_OF.get(id);
  if (c === undefined) r.corrupt(`${short(where)} uses undefined class id ${id}`, at);
  const t = ctx.registry.get(c);
  if (!t) throw new UnsupportedFormatError(`${short(where)} holds ${c}, which is not registered: its length is unknown, so it cannot be skipped`);
  return typedValue(t, t.read(r, ctx));
}

function writeTyped(w: ByteWriter, tv: TypedValue, id: number, ctx: WritableContext, where: string): void {
  const t = requireType(tv, ctx, short(where));
  w.writeInt8(id);
  t.write(w, t.coerce ? t.coerce(tv.value) : tv.value, ctx);
}

/** AbstractMap.hashCode: sum of (key hash ^ value hash); undefined if any is an identity hash. */
function mapHash(v: MapValue): number | undefined {
  let h = 0;
  for (const [k, x] of v.entries) {
    const a = nestedHash(k);
    const b = nestedHash(x);
    if (a === undefined || b === undefined) return undefined;
    h = (h + (a ^ b)) | 0;
  }
  return h;
}

/**
 * HashMap.toString order: bucket index of the spread hash in a table sized for
 * the entry count (16, doubling past 0.75 load), insertion order within a bucket.
 */
function hashMapToString(v: MapValue): string {
  const n = v.entries.length;
  let cap = 16;
  while (n > cap * 0.75) cap *= 2;
  const order = v.entries.map(([k], i) => {
    const h = nestedHash(k) ?? 0;
    return { i, bucket: (h ^ (h >>> 16)) & (cap - 1) };
  });
  order.sort((a, b) => a.bucket - b.bucket || a.i - b.i);
  const parts = order.map(({ i }) => {
    const [k, x] = v.entries[i]!;
    return `${nestedToString(k)}=${nestedToString(x)}`;
  });
  return `{${parts.join(', ')}}`;
}

function coerceMap(v: unknown, className: string): MapValue {
  if (v && typeof v === 'object' && Array.isArray((v as MapValue).entries)) return v as MapValue;
  if (v instanceof Map) {
    const entries: [TypedValue, TypedValue][] = [];
    for (const [k, x] of v) {
      if (!isTypedValue(k) || !isTypedValue(x)) bad(className, v, 'a Map of typed values (typed(className, value))');
      entries.push([k, x]);
    }
    return { entries };
  }
  return bad(className, v, '{ entries: [[typed key, typed value], ...] } or a Map of typed values');
}

function mapToJson(v: MapValue, o: JsonOptions): unknown {
  const json = (tv: TypedValue): unknown => {
    const t = typeOfValue(tv);
    return t?.toJSON ? t.toJSON(tv.value, o) : typeof tv.value === 'bigint' ? String(tv.value) : tv.value;
  };
  return v.entries.map(([k, x]) => [json(k), json(x)]);
}
