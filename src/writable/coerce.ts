import { UsageError } from '../io/errors.js';

/** Shared input checks for `coerce`: loose JS inputs into a type's value, or a clear UsageError. */
export function bad(className: string, value: unknown, want: string): never {
  const shown = typeof value === 'bigint' ? `${value}n` : typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value);
  throw new UsageError(`${short(className)} needs ${want}, got ${typeof value} ${shown}`);
}

export function short(className: string): string {
  return className.slice(className.lastIndexOf('.') + 1);
}

/** An integer in [min, max] from a number or bigint. */
export function intIn(className: string, v: unknown, min: number, max: number): number {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) bad(className, v, `an integer in [${min}, ${max}]`);
  return n;
}

/** A signed 64-bit value from a bigint, a safe integer, or an integer string. */
export function int64(className: string, v: unknown): bigint {
  let b: bigint | undefined;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else if (typeof v === 'string' && /^-?\d+$/.test(v)) b = BigInt(v);
  if (b === undefined || b < -(1n << 63n) || b >= 1n << 63n) bad(className, v, 'a 64-bit integer (bigint, safe integer or digit string)');
  return b;
}

export function bytesOf(className: string, v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return bad(className, v, 'bytes (Uint8Array or Buffer)');
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');

export function toHex(b: Uint8Array, sep = ''): string {
  if (b.length > 64) {
    // long values: one native conversion (string concatenation is ~0.5 s per MiB)
    if (sep === '') return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
    if (sep.length === 1 && sep.charCodeAt(0) < 0x80) {
      const s = sep.charCodeAt(0);
      const out = Buffer.allocUnsafe(b.length * 3 - 1);
      for (let i = 0, p = 0; i < b.length; i++) {
        if (i > 0) out[p++] = s;
        out[p++] = HEX_DIGITS[b[i]! >> 4]!;
        out[p++] = HEX_DIGITS[b[i]! & 15]!;
      }
      return out.toString('latin1');
    }
  }
  let s = '';
  for (let i = 0; i < b.length; i++) s += (i && sep ? sep : '') + HEX[b[i]!];
  return s;
}

export function bytesToJson(b: Uint8Array, bytes: 'base64' | 'hex'): string {
  return bytes === 'hex' ? toHex(b) : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/** Unsigned lexicographic comparison, as WritableComparator.compareBytes. */
export function compareBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let i = 0; i < n; i++) {
    const d = a[as + i]! - b[bs + i]!;
    if (d !== 0) return d;
  }
  return ae - as - (be - bs);
}
