import { UnsupportedFormatError } from '../io/errors.js';
import type { WritableContext, WritableType } from './types.js';
import { bad } from './coerce.js';
import { elementTypeOf, withElementType } from './typed-value.js';

export interface TwoDArrayValue {
  valueClass: string;
  rows: unknown[][];
}

/**
 * A subclass of `TwoDArrayWritable` bound to one element class: int32 row
 * count, each row's int32 length, then every element row by row.
 * TwoDArrayWritable has no toString: Java prints an identity hash.
 */
export function twoDArrayWritableType(className: string, valueClass: string): WritableType<TwoDArrayValue> {
  const elem = (ctx: WritableContext): WritableType => {
    const t = ctx.registry.get(valueClass);
    if (!t) throw new UnsupportedFormatError(`${className} holds ${valueClass}, which is not registered`);
    return t;
  };
  return {
    className,
    read(r, ctx) {
      const t = elem(ctx);
      const at = r.pos;
      const n = r.readInt32();
      if (n < 0 || n > r.limits.maxElements || n * 4 > r.remaining) r.corrupt(`invalid TwoDArrayWritable row count ${n}`, at);
      const lengths: number[] = [];
      let total = 0;
      for (let i = 0; i < n; i++) {
        const lat = r.pos;
        const m = r.readInt32();
        total += m;
        if (m < 0 || total > r.limits.maxElements) r.corrupt(`invalid TwoDArrayWritable row length ${m}`, lat);
        lengths.push(m);
      }
      r.countElements(n + total, className, at);
      r.enter(className);
      try {
        const rows = lengths.map((m) => {
          const row = new Array<unknown>(m);
          for (let j = 0; j < m; j++) row[j] = t.read(r, ctx);
          return row;
        });
        return withElementType({ valueClass, rows }, t);
      } finally {
        r.leave();
      }
    },
    write(w, v, ctx) {
      const t = elem(ctx);
      w.writeInt32(v.rows.length);
      for (const row of v.rows) w.writeInt32(row.length);
      for (const row of v.rows) for (const x of row) t.write(w, t.coerce ? t.coerce(x) : x, ctx);
    },
    toString: () => `${className}@identity`,
    isToStringStable: () => false,
    javaHashCode: () => undefined,
    coerce(v) {
      if (Array.isArray(v) && v.every(Array.isArray)) return { valueClass, rows: v as unknown[][] };
      if (v && typeof v === 'object' && Array.isArray((v as TwoDArrayValue).rows)) return v as TwoDArrayValue;
      return bad(className, v, 'an array of arrays');
    },
    toJSON: (v, o) => {
      const t = elementTypeOf(v);
      return v.rows.map((row) => row.map((x) => (t?.toJSON ? t.toJSON(x, o) : typeof x === 'bigint' ? String(x) : x)));
    },
  };
}
