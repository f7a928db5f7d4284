import { UnsupportedFormatError } from '../io/errors.js';
import type { WritableContext, WritableType } from './types.js';
import { bad } from './coerce.js';
import { elementTypeOf, withElementType } from './typed-value.js';

/** An ArrayWritable's elements with their declared class. */
export interface ArrayValue {
  valueClass: string;
  values: unknown[];
}

/**
 * A subclass of `ArrayWritable` bound to one element class (Hadoop needs a
 * subclass to read arrays: `class TextArrayWritable extends ArrayWritable {
 * TextArrayWritable() { super(Text.class); } }`): int32 count, then each
 * element's bytes. Register one per subclass in your files.
 */
export function arrayWritableType(className: string, valueClass: string): WritableType<ArrayValue> {
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
      // every element takes at least one byte, except NullWritable
      if (n < 0 || n > r.limits.maxElements || (t.className !== 'org.apache.hadoop.io.NullWritable' && n > r.remaining)) {
        r.corrupt(`invalid ArrayWritable length ${n}`, at);
      }
      r.countElements(n, className, at);
      const values = new Array<unknown>(n);
      r.enter(className);
      try {
        for (let i = 0; i < n; i++) values[i] = t.read(r, ctx);
      } finally {
        r.leave();
      }
      return withElementType({ valueClass, values }, t);
    },
    write(w, v, ctx) {
      const t = elem(ctx);
      w.writeInt32(v.values.length);
      for (const x of v.values) t.write(w, t.coerce ? t.coerce(x) : x, ctx);
    },
    toString: (v) => arrayToString(v),
    // ArrayWritable keeps Object.hashCode: an identity hash
    javaHashCode: () => undefined,
    coerce(v) {
      if (Array.isArray(v)) return { valueClass, values: v };
      if (v && typeof v === 'object' && Array.isArray((v as ArrayValue).values)) return { valueClass, values: (v as ArrayValue).values };
      return bad(className, v, 'an array');
    },
    toJSON: (v, o) => {
      const t = elementTypeOf(v);
      return v.values.map((x) => (t?.toJSON ? t.toJSON(x, o) : typeof x === 'bigint' ? String(x) : x));
    },
  };
}

/** Hadoop 3's ArrayWritable.toString: `ArrayWritable [valueClass=class X, values=[a, b]]`. */
export function arrayToString(v: ArrayValue): string {
  const t = elementTypeOf(v);
  const strs = v.values.map((x) => (t ? t.toString(x) : String(x)));
  return `ArrayWritable [valueClass=class ${v.valueClass}, values=[${strs.join(', ')}]]`;
}
