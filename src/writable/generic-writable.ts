import { UnsupportedFormatError, UsageError } from '../io/errors.js';
import type { WritableType } from './types.js';
import { nestedStable, nestedToString, requireType, typedValue, typeOfValue, type TypedValue } from './typed-value.js';

/**
 * A subclass of `GenericWritable` with its `getTypes()` list: one byte, the
 * index of the instance's class in that list, then the instance.
 * toString is Java's `GW[class=X,value=...]`.
 */
export function genericWritableType(className: string, types: string[]): WritableType<TypedValue> {
  return {
    className,
    read(r, ctx) {
      const at = r.pos;
      const i = r.readUint8();
      const c = types[i];
      if (c === undefined) r.corrupt(`${className} type index ${i} is outside its ${types.length} types`, at);
      const t = ctx.registry.get(c);
      if (!t) throw new UnsupportedFormatError(`${className} holds ${c}, which is not registered`);
      r.enter(className);
      try {
        return typedValue(t, t.read(r, ctx));
      } finally {
        r.leave();
      }
    },
    write(w, v, ctx) {
      const i = types.indexOf(v.className);
      if (i < 0) throw new UsageError(`${className} cannot hold ${v.className}; its types are ${types.join(', ')}`);
      const t = requireType(v, ctx, className);
      w.writeUint8(i);
      t.write(w, t.coerce ? t.coerce(v.value) : v.value, ctx);
    },
    toString: (v) => `GW[class=${v.className},value=${nestedToString(v)}]`,
    isToStringStable: (v) => nestedStable(v),
    javaHashCode: () => undefined,
    toJSON: (v, o) => {
      const t = typeOfValue(v);
      return t?.toJSON ? t.toJSON(v.value, o) : v.value;
    },
  };
}
