import type { JsonOptions, WritableType } from '../writable/types.js';

/**
 * A record field as a natural JSON value through the type's `toJSON`:
 * strings, numbers, 64-bit integers as decimal strings, bytes as base64 or
 * hex, maps and arrays as JSON arrays. Types without `toJSON` fall back to
 * the value itself with bigints and bytes made JSON-safe.
 */
export function jsonValue(type: WritableType, value: unknown, opts: JsonOptions): unknown {
  if (type.toJSON) return type.toJSON(value as never, opts);
  return safe(value, opts);
}

function safe(v: unknown, opts: JsonOptions): unknown {
  if (typeof v === 'bigint') return String(v);
  if (v instanceof Uint8Array) return opts.bytes === 'hex' ? Buffer.from(v).toString('hex') : Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map((x) => safe(x, opts));
  if (v instanceof Map) return [...v].map(([k, x]) => [safe(k, opts), safe(x, opts)]);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, safe(x, opts)]));
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

/** JSON.stringify that never throws on a stray bigint. */
export function stringify(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x));
}

/** JSON text of one record field as `seqcat json` prints it; -0 keeps its sign (JSON.stringify would print 0) so Float/Double round-trip. */
export function jsonField(x: unknown): string {
  return Object.is(x, -0) ? '-0' : stringify(x);
}
