/**
 * Java's `Double.toString` and `Float.toString`, as printed by the JDKs
 * Hadoop 3.4 runs on (8–17). Formatting: plain decimal with at least one
 * fraction digit for 1e-3 <= |v| < 1e7, otherwise `d.dddE±n`.
 *
 * Digits: the shortest decimal that reads back to the same value, except
 * where those JDKs' FloatingDecimal prints more: for a significand that is an
 * exact power of two it accepts only decimals within half of the smaller
 * (lower) gap on both sides, so `Float.MIN_NORMAL` prints `1.17549435E-38`
 * (not `1.1754944E-38`); and in E-form it always develops a second digit,
 * so `Double.MIN_VALUE` prints `4.9E-324` (not `5.0E-324`). JDK 19+ prints
 * the shortest form; the corpus was written by an older JDK. Other rare
 * non-shortest outputs of those JDKs (JDK-4511638) are not reproduced.
 */

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function javaDoubleToString(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  f64[0] = v;
  const bits = u64[0]!;
  const expField = Number((bits >> 52n) & 0x7ffn);
  const mantissa = bits & 0xfffffffffffffn;
  const { digits, exp } = javaDigits(Math.abs(v), expField, mantissa === 0n && expField > 1, 52, 1075, 17);
  return (v < 0 ? '-' : '') + layout(digits, exp);
}

export function javaFloatToString(v: number): string {
  v = Math.fround(v);
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  f32[0] = v;
  const bits = u32[0]!;
  const expField = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  const { digits, exp } = javaDigits(Math.abs(v), expField, mantissa === 0 && expField > 0, 23, 150, 9, true);
  return (v < 0 ? '-' : '') + layout(digits, exp);
}

/**
 * Shortest digits (as a string without dot) and the decimal exponent of the
 * first digit, accepting a candidate only if it lies within the acceptance
 * interval; exact arithmetic with BigInt.
 */
function javaDigits(
  abs: number,
  expField: number,
  powerOfTwo: boolean,
  mantBits: number,
  bias: number,
  maxDigits: number,
  isFloat = false,
): { digits: string; exp: number } {
  // abs = m * 2^e exactly
  let m: bigint;
  let e: number;
  if (expField === 0) {
    m = isFloat ? BigInt(bitsOfFloat(abs) & 0x7fffff) : mantissaOfDouble(abs);
    e = 1 - bias;
  } else {
    m = (isFloat ? BigInt((bitsOfFloat(abs) & 0x7fffff) | 0x800000) : mantissaOfDouble(abs) | (1n << BigInt(mantBits)));
    e = expField - bias;
  }
  // half-gaps in units of 2^(e-2): upper gap is 2^e, lower is 2^e (or 2^(e-1) at a power of two)
  // scaled: value V = 4m, half upper = 2, half lower = 2 or 1
  const halfUp = powerOfTwo ? 1n : 2n;
  const halfDown = powerOfTwo ? 1n : 2n;
  const V = 4n * m;
  const shift = e - 2; // V * 2^shift is the value
  for (let p = 1; p <= maxDigits; p++) {
    const s = abs.toExponential(p - 1);
    const [mant, ex] = s.split('e') as [string, string];
    const digits = mant.replace('.', '');
    const exp10 = Number(ex);
    // FloatingDecimal always develops a second digit in E-form (decExp < -3 or >= 8)
    if (p === 1 && (exp10 < -4 || exp10 >= 7)) continue;
    if (within(BigInt(digits), exp10 - (p - 1), V, shift, halfUp, halfDown) || p === maxDigits) {
      return { digits: stripZeros(digits), exp: exp10 };
    }
  }
  throw new Error('unreachable');
}

/** Is d * 10^k within (V - halfDown, V + halfUp) * 2^shift? */
function within(d: bigint, k: number, V: bigint, shift: number, halfUp: bigint, halfDown: bigint): boolean {
  // compare d*10^k*2^-shift with V, scaling everything to integers
  let left = d;
  let right = V;
  let hu = halfUp;
  let hd = halfDown;
  if (k >= 0) left *= 10n ** BigInt(k);
  else {
    const s = 10n ** BigInt(-k);
    right *= s;
    hu *= s;
    hd *= s;
  }
  if (shift >= 0) {
    const s = 1n << BigInt(shift);
    right *= s;
    hu *= s;
    hd *= s;
  } else left <<= BigInt(-shift);
  const diff = left - right;
  return diff >= 0n ? diff < hu : -diff < hd;
}

function stripZeros(d: string): string {
  const t = d.replace(/0+$/, '');
  return t.length === 0 ? '0' : t;
}

function bitsOfFloat(v: number): number {
  f32[0] = v;
  return u32[0]!;
}

function mantissaOfDouble(v: number): bigint {
  f64[0] = v;
  return u64[0]! & 0xfffffffffffffn;
}

/** Java's layout of digits d1d2... with first-digit exponent `exp`. */
function layout(digits: string, exp: number): string {
  if (exp >= -3 && exp < 7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1);
      return `${intPart}.${frac.length ? frac : '0'}`;
    }
    return `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return `${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}E${exp}`;
}
