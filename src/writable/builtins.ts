import { WritableRegistry } from './registry.js';
import { textType } from './text.js';
import { bytesWritableType } from './bytes-writable.js';
import { nullWritableType } from './null-writable.js';
import { md5HashType } from './md5-hash.js';
import { mapWritableType, sortedMapWritableType } from './map-writable.js';
import { objectWritableType } from './object-writable.js';
import { utf8WritableType } from './utf8-writable.js';
import { enumSetWritableType } from './enum-set-writable.js';
import {
  booleanWritableType,
  byteWritableType,
  doubleWritableType,
  floatWritableType,
  intWritableType,
  longWritableType,
  shortWritableType,
  vintWritableType,
  vlongWritableType,
} from './primitive-writables.js';

/** Register every built-in Writable (and the old WritableName aliases) into `r`. */
export function registerBuiltins(r: WritableRegistry): WritableRegistry {
  r.register(textType);
  r.register(bytesWritableType);
  r.register(nullWritableType);
  r.register(md5HashType);
  r.register(booleanWritableType);
  r.register(byteWritableType);
  r.register(shortWritableType);
  r.register(intWritableType);
  // Hadoop 0.x files (version 3) name LongWritable by its WritableName alias "long"
  r.register(longWritableType, 'long');
  r.register(floatWritableType);
  r.register(doubleWritableType);
  r.register(vintWritableType);
  r.register(vlongWritableType);
  r.register(mapWritableType);
  r.register(sortedMapWritableType);
  r.register(objectWritableType);
  // old files name UTF8 by its WritableName alias "UTF8"
  r.register(utf8WritableType, 'UTF8');
  r.register(enumSetWritableType);
  return r;
}

/** The registry readers and writers use unless given another. Register your classes here or in a clone. */
export const defaultRegistry: WritableRegistry = registerBuiltins(new WritableRegistry());

/** A fresh registry with the built-ins, independent of `defaultRegistry`. */
export function createRegistry(): WritableRegistry {
  return registerBuiltins(new WritableRegistry());
}
