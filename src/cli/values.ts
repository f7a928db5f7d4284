import { UsageError } from '../io/errors.js';
import type { WritableType } from '../writable/types.js';

/**
 * Turn text input (a TSV field, or a JSON value as `seqcat json` prints it)
 * into what a Writable type's `coerce` accepts. Classes whose values have no
 * obvious text or JSON form (MapWritable, ObjectWritable...) are refused.
 */
const IO = 'org.apache.hadoop.io.';
const TEXTS = new Set([IO + 'Text', IO + 'UTF8']);
const INTS = new Set([IO + 'ByteWritable', IO + 'ShortWritable', IO + 'IntWritable', IO + 'VIntWritable']);
const LONGS = new Set([IO + 'LongWritable', IO + 'VLongWritable']);
const FLOATS = new Set([IO + 'FloatWritable', IO + 'DoubleWritable']);
const BYTES = IO + 'BytesWritable';
const MD5 = IO + 'MD5Hash';
const BOOLEAN = IO + 'BooleanWritable';
const NULL = IO + 'NullWritable';

/** Classes `seqcat create --key-class/--value-class` can build from text. */
export function supportsText(type: WritableType): boolean {
  const c = type.className;
  return TEXTS.has(c) || INTS.has(c) || LONGS.has(c) || FLOATS.has(c) || c === BYTES || c === MD5 || c === BOOLEAN || c === NULL;
}

const short = (c: string): string => c.slice(c.lastIndexOf('.') + 1);

/** A TSV field: Text as is, numbers in decimal (NaN, Infinity), booleans, bytes in hex (spaces allowed), NullWritable ignores it. */
export function fromText(type: WritableType, s: string): unknown {
  const c = type.className;
  if (TEXTS.has(c)) return s;
  if (INTS.has(c)) return /^[-+]?\d+$/.test(s.trim()) ? Number(s) : fail(c, s, 'a decimal integer');
  if (LONGS.has(c)) return /^[-+]?\d+$/.test(s.trim()) ? s.trim().replace(/^\+/, '') : fail(c, s, 'a decimal integer');
  if (FLOATS.has(c)) return number(c, s);
  if (c === BOOLEAN) return s === 'true' ? true : s === 'false' ? false : fail(c, s, 'true or false');
  if (c === BYTES || c === MD5) return hexBytes(c, s);
  if (c === NULL) return null;
  throw new UsageError(`${short(c)} values cannot be read from text`);
}

/** A JSON value as `seqcat json` prints it (bytes as base64 or hex as given). */
export function fromJson(type: WritableType, v: unknown, bytes: 'base64' | 'hex'): unknown {
  const c = type.className;
  if (TEXTS.has(c)) return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : fail(c, v, 'a string');
  if (INTS.has(c) || LONGS.has(c)) return typeof v === 'string' ? fromText(type, v) : v;
  if (FLOATS.has(c)) return typeof v === 'string' ? number(c, v) : v;
  if (c === BOOLEAN) return typeof v === 'string' ? fromText(type, v) : v;
  if (c === BYTES || c === MD5) {
    if (typeof v !== 'string') return fail(c, v, `a ${bytes} string`);
    if (bytes === 'hex') return hexBytes(c, v);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v)) return fail(c, v, 'a base64 string');
    return new Uint8Array(Buffer.from(v, 'base64'));
  }
  if (c === NULL) return null;
  throw new UsageError(`${short(c)} values cannot be read from JSON`);
}

function number(c: string, s: string): number {
  const t = s.trim();
  if (t === 'NaN') return NaN;
  if (t === 'Infinity' || t === '+Infinity') return Infinity;
  if (t === '-Infinity') return -Infinity;
  const n = t === '' ? NaN : Number(t);
  return Number.isNaN(n) ? fail(c, s, 'a number') : n;
}

function hexBytes(c: string, s: string): Uint8Array {
  const h = s.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(h)) return fail(c, s, 'hex bytes');
  return new Uint8Array(Buffer.from(h, 'hex'));
}

function fail(c: string, v: unknown, want: string): never {
  const shown = typeof v === 'string' ? JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v) : JSON.stringify(v);
  throw new UsageError(`${short(c)} needs ${want}, got ${shown}`);
}
