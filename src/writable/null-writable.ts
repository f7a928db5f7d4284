import type { WritableType } from './types.js';

export const NULL = 'org.apache.hadoop.io.NullWritable';

/** `NullWritable`: no bytes; prints `(null)`. */
export const nullWritableType: WritableType<null> = {
  className: NULL,
  read: () => null,
  write: () => {},
  toString: () => '(null)',
  coerce: () => null,
  toJSON: () => null,
  javaHashCode: () => 0,
  compareRaw: () => 0,
};
