import { UnsupportedFormatError } from '../io/errors.js';
import type { WritableType } from '../writable/types.js';

/** Compares two serialized keys; negative, zero or positive like Java's `compare`. */
export type RawComparator = (a: Uint8Array, b: Uint8Array) => number;

/**
 * The order MapFile keys are sorted in: the key type's Hadoop comparator
 * (raw bytes for Text and BytesWritable, numeric for numbers), or the
 * caller's. A class without one cannot be searched: guessing an order would
 * give wrong answers, so we say what to register instead.
 */
export function keyComparator(type: WritableType, override?: RawComparator): RawComparator {
  if (override) return override;
  const cmp = type.compareRaw;
  if (!cmp) {
    throw new UnsupportedFormatError(
      `no comparator for key class ${type.className}: register it with a compare function (registry.registerClass) or pass { compare } to order its keys`,
    );
  }
  return cmp;
}
