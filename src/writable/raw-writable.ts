import type { RawWritable, WritableType } from './types.js';
import { bytesOf, bytesToJson, toHex } from './coerce.js';

/**
 * The fallback for a class we cannot decode: the record's serialized bytes,
 * kept whole (SequenceFile records always know their length), printed as hex.
 */
export function rawWritableType(className: string): WritableType<RawWritable> {
  return {
    className,
    read: (r) => ({ className, bytes: r.readBytes(r.remaining).slice() }),
    write: (w, v) => w.writeBytes(v.bytes),
    toString: (v) => toHex(v.bytes),
    coerce: (v) => {
      if (v && typeof v === 'object' && 'bytes' in v) return { className, bytes: bytesOf(className, (v as RawWritable).bytes) };
      return { className, bytes: bytesOf(className, v) };
    },
    toJSON: (v, o) => ({ class: className, bytes: bytesToJson(v.bytes, o.bytes) }),
  };
}

/** True for values produced by the raw fallback. */
export function isRawWritable(v: unknown): v is RawWritable {
  return typeof v === 'object' && v !== null && 'className' in v && 'bytes' in v && (v as RawWritable).bytes instanceof Uint8Array;
}
