/**
 * Test oracles for the built-in Writables: a fast-check arbitrary of values
 * for each class, and an independent serializer written from the format's
 * description (big-endian fixed width, WritableUtils VInt/VLong, Text as a
 * VInt byte length + UTF-8, ...). The library's own serializers are not used
 * here, so a round trip through the writer and reader is checked against
 * bytes computed another way.
 */
import fc from 'fast-check';
import { arrayWritableType, createRegistry, typed, type WritableRegistry } from '../../src/index.js';

const IO = 'org.apache.hadoop.io.';
export const TEXT = IO + 'Text';
export const TEXT_ARRAY = 'test.hadoopio.TextArrayWritable';
export const INT_ARRAY = 'test.hadoopio.IntArrayWritable';

/** The built-ins plus two ArrayWritable subclasses (Hadoop needs one per element class). */
export function testRegistry(): WritableRegistry {
  const r = createRegistry();
  r.register(arrayWritableType(TEXT_ARRAY, TEXT));
  r.register(arrayWritableType(INT_ARRAY, IO + 'IntWritable'));
  return r;
}

// ---------------------------------------------------------------- encoders

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function fixed(size: number, set: (v: DataView) => void): Uint8Array {
  const b = new Uint8Array(size);
  set(new DataView(b.buffer));
  return b;
}

export const encInt8 = (v: number): Uint8Array => fixed(1, (d) => d.setInt8(0, v));
export const encInt16 = (v: number): Uint8Array => fixed(2, (d) => d.setInt16(0, v, false));
export const encInt32 = (v: number): Uint8Array => fixed(4, (d) => d.setInt32(0, v, false));
export const encInt64 = (v: bigint): Uint8Array => fixed(8, (d) => d.setBigInt64(0, v, false));
/** Java's writeFloat/writeDouble use floatToIntBits/doubleToLongBits: one canonical NaN. */
export const encFloat32 = (v: number): Uint8Array => (Number.isNaN(v) ? encInt32(0x7fc00000) : fixed(4, (d) => d.setFloat32(0, v, false)));
export const encFloat64 = (v: number): Uint8Array =>
  Number.isNaN(v) ? encInt64(0x7ff8000000000000n) : fixed(8, (d) => d.setFloat64(0, v, false));

/**
 * WritableUtils' variable-length long: -112..127 in one byte; otherwise a
 * marker byte that says the sign and how many magnitude bytes follow (1..8),
 * then those bytes big-endian; negatives store the one's complement.
 */
export function encVLong(value: bigint | number): Uint8Array {
  const v = BigInt(value);
  if (v >= -112n && v <= 127n) return encInt8(Number(v));
  const negative = v < 0n;
  const magnitude = negative ? -v - 1n : v;
  const bytes: number[] = [];
  for (let m = magnitude; m > 0n; m >>= 8n) bytes.unshift(Number(m & 0xffn));
  const marker = (negative ? -120 : -112) - bytes.length;
  return new Uint8Array([marker & 0xff, ...bytes]);
}

/** What Java's UTF-8 encoder (Text.set) makes of a JS string: unpaired surrogates become '?'. */
export function javaWellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '?');
}

export function encText(s: string): Uint8Array {
  const utf8 = new Uint8Array(Buffer.from(javaWellFormed(s), 'utf8'));
  return concat([encVLong(utf8.length), utf8]);
}

export const encBytesWritable = (b: Uint8Array): Uint8Array => concat([encInt32(b.length), b]);

/** DataOutput.writeUTF for ASCII class names. */
function encUTF(s: string): Uint8Array {
  const b = new Uint8Array(Buffer.from(s, 'latin1'));
  return concat([fixed(2, (d) => d.setUint16(0, b.length, false)), b]);
}

// ---------------------------------------------------------------- cases

/** One Writable class under test. `expected` is what the reader should decode (default: the value). */
export interface WritableCase {
  readonly name: string;
  readonly className: string;
  readonly arb: fc.Arbitrary<unknown>;
  encode(v: unknown): Uint8Array;
  expected?(v: unknown): unknown;
}

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
/** Well-formed strings over every plane, plus a bias towards short ASCII and edge characters. */
const unicodeText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ maxLength: 24 }),
  fc.constantFrom('', '\u0000', '\uFFFD', '\u{10FFFF}', 'é', '日本語', '\u{1F600}'),
);
/** Strings that may hold unpaired surrogates (Java writes each as '?'). */
const surrogateText = fc.string({
  unit: fc.oneof(fc.integer({ min: 0xd7f0, max: 0xe00f }).map((c) => String.fromCharCode(c)), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  maxLength: 16,
});

/** Map entry classes: all predefined in AbstractMapWritable, plus one extra class (written in the class table). */
const mapMember: fc.Arbitrary<{ className: string; value: unknown }> = fc.oneof(
  unicodeText.map((v) => ({ className: TEXT, value: v })),
  int32.map((v) => ({ className: IO + 'IntWritable', value: v })),
  int64.map((v) => ({ className: IO + 'LongWritable', value: v })),
  fc.boolean().map((v) => ({ className: IO + 'BooleanWritable', value: v })),
  fc.uint8Array({ maxLength: 12 }).map((v) => ({ className: IO + 'BytesWritable', value: v })),
  fc.constant({ className: IO + 'NullWritable', value: null }),
  int32.map((v) => ({ className: IO + 'VIntWritable', value: v })),
  fc.array(unicodeText, { maxLength: 3 }).map((v) => ({ className: TEXT_ARRAY, value: { valueClass: TEXT, values: v } })),
);

const PREDEFINED_IDS: Record<string, number> = {
  [IO + 'BooleanWritable']: -126,
  [IO + 'BytesWritable']: -125,
  [IO + 'IntWritable']: -123,
  [IO + 'LongWritable']: -122,
  [IO + 'NullWritable']: -119,
  [TEXT]: -116,
  [IO + 'VIntWritable']: -114,
};

function encMember(m: { className: string; value: unknown }): Uint8Array {
  const c = byClass.get(m.className);
  if (!c) throw new Error(`no case for ${m.className}`);
  return c.encode(m.value);
}

function encMap(v: unknown): Uint8Array {
  const entries = (v as { entries: [{ className: string; value: unknown }, { className: string; value: unknown }][] }).entries;
  const extra: string[] = [];
  const id = (c: string): number => {
    if (PREDEFINED_IDS[c] !== undefined) return PREDEFINED_IDS[c]!;
    let i = extra.indexOf(c);
    if (i < 0) i = extra.push(c) - 1;
    return i + 1;
  };
  for (const [k, x] of entries) {
    id(k.className);
    id(x.className);
  }
  const parts: Uint8Array[] = [encInt8(extra.length)];
  extra.forEach((c, i) => parts.push(encInt8(i + 1), encUTF(c)));
  parts.push(encInt32(entries.length));
  for (const [k, x] of entries) parts.push(encInt8(id(k.className)), encMember(k), encInt8(id(x.className)), encMember(x));
  return concat(parts);
}

export const CASES: readonly WritableCase[] = [
  { name: 'Boolean', className: IO + 'BooleanWritable', arb: fc.boolean(), encode: (v) => new Uint8Array([v ? 1 : 0]) },
  { name: 'Byte', className: IO + 'ByteWritable', arb: fc.integer({ min: -128, max: 127 }), encode: (v) => encInt8(v as number) },
  { name: 'Short', className: IO + 'ShortWritable', arb: fc.integer({ min: -32768, max: 32767 }), encode: (v) => encInt16(v as number) },
  { name: 'Int', className: IO + 'IntWritable', arb: int32, encode: (v) => encInt32(v as number) },
  { name: 'Long', className: IO + 'LongWritable', arb: int64, encode: (v) => encInt64(v as bigint) },
  { name: 'Float', className: IO + 'FloatWritable', arb: fc.float(), encode: (v) => encFloat32(v as number) },
  { name: 'Double', className: IO + 'DoubleWritable', arb: fc.double(), encode: (v) => encFloat64(v as number) },
  {
    name: 'VInt',
    className: IO + 'VIntWritable',
    arb: fc.oneof(int32, fc.integer({ min: -300, max: 300 })),
    encode: (v) => encVLong(v as number),
  },
  {
    name: 'VLong',
    className: IO + 'VLongWritable',
    arb: fc.oneof(int64, fc.bigInt({ min: -300n, max: 300n })),
    encode: (v) => encVLong(v as bigint),
  },
  { name: 'Text', className: TEXT, arb: unicodeText, encode: (v) => encText(v as string) },
  {
    name: 'Text (unpaired surrogates)',
    className: TEXT,
    arb: surrogateText,
    encode: (v) => encText(v as string),
    expected: (v) => javaWellFormed(v as string),
  },
  { name: 'Bytes', className: IO + 'BytesWritable', arb: fc.uint8Array({ maxLength: 48 }), encode: (v) => encBytesWritable(v as Uint8Array) },
  { name: 'Null', className: IO + 'NullWritable', arb: fc.constant(null), encode: () => new Uint8Array(0) },
  { name: 'MD5', className: IO + 'MD5Hash', arb: fc.uint8Array({ minLength: 16, maxLength: 16 }), encode: (v) => (v as Uint8Array).slice() },
  {
    name: 'TextArray',
    className: TEXT_ARRAY,
    arb: fc.array(unicodeText, { maxLength: 5 }).map((values) => ({ valueClass: TEXT, values })),
    encode: (v) => {
      const values = (v as { values: string[] }).values;
      return concat([encInt32(values.length), ...values.map(encText)]);
    },
  },
  {
    name: 'IntArray',
    className: INT_ARRAY,
    arb: fc.array(int32, { maxLength: 6 }).map((values) => ({ valueClass: IO + 'IntWritable', values })),
    encode: (v) => {
      const values = (v as { values: number[] }).values;
      return concat([encInt32(values.length), ...values.map(encInt32)]);
    },
  },
  {
    name: 'Map',
    className: IO + 'MapWritable',
    arb: fc
      .array(fc.tuple(mapMember, mapMember), { maxLength: 4 })
      .map((pairs) => ({ entries: pairs.map(([k, x]) => [typed(k.className, k.value), typed(x.className, x.value)]) })),
    encode: encMap,
  },
];

const byClass = new Map<string, WritableCase>();
for (const c of CASES) if (!byClass.has(c.className)) byClass.set(c.className, c);

export const expectedValue = (c: WritableCase, v: unknown): unknown => (c.expected ? c.expected(v) : v);
