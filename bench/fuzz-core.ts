// The fuzzing engine shared by `npm run fuzz` (bench/fuzz.ts) and test/fuzz/fuzz.test.ts.
//
// Every input is a pure function of (seed, index): a corpus file and a stack of mutations drawn
// from a PRNG seeded with both, so any input can be rebuilt from its seed and index alone.
// Mutations: truncation, bit flips, byte overwrites, forged length/count fields (found by scanning
// the original file's structure), forged fields inside compressed values and block buffers
// (decompress, change, recompress), and splices within and across files.
//
// Each mutant is read fully, in memory, four ways: decoded (every key and value, plus toString),
// raw (every key and value's bytes, RECORD values decompressed), decoded with recover:true, and
// as three input splits (readSplit: sync-marker search and seeks).
// Bloom files go through DynamicBloomFilter.fromBytes and a few membership tests. A read must end
// with records or an error that is `instanceof HadoopIOError`; anything else is a finding.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ByteReader,
  DEFAULT_LIMITS,
  HadoopIOError,
  SequenceFileReader,
  arrayWritableType,
  defaultCodecs,
  defaultRegistry,
  isNeed,
  readBlockFrame,
  readSplit,
  splitRanges,
  writeVLongInto,
  type CompressionCodec,
  type ReadLimits,
} from '../src/index.js';
import { DynamicBloomFilter } from '../src/map/bloom/dynamic-bloom-filter.js';

// ---------------------------------------------------------------------------------------------
// PRNG: splitmix32 to seed, sfc32 to draw. Deterministic on every platform.

function splitmix32(a: number): () => number {
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number, stream = 0) {
    const sm = splitmix32((seed ^ Math.imul(stream + 1, 0x27d4eb2d)) | 0);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm() ^ stream;
    for (let i = 0; i < 12; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : Math.floor((this.u32() / 4294967296) * n);
  }
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

// ---------------------------------------------------------------------------------------------
// Corpus: every Hadoop-written file, with the offsets of its length and count fields.

export type FieldEncoding = 'i32' | 'vint' | 'i8' | 'u16';

/** A numeric field of the original file: where it is, how it is encoded, what it says. */
export interface Field {
  what: string;
  off: number;
  enc: FieldEncoding;
  /** Encoded size in bytes. */
  size: number;
  value: number;
}

/** A compressed unit that inner mutations decompress, change and recompress. */
export interface Region {
  kind: 'record-value' | 'block-buffer';
  /** record-value: offset of the record; block-buffer: offset of the buffer's length VInt. */
  start: number;
  /** Where the compressed bytes begin and end. */
  dataStart: number;
  dataEnd: number;
  /** record-value: the key bytes' range, to rebuild the record. */
  keyStart: number;
  keyEnd: number;
  /** block-buffer: 0 key lengths, 1 keys, 2 value lengths, 3 values. */
  which: number;
  /** block-buffer: the four buffers of its block (data ranges), to find object boundaries. */
  block: [number, number][];
}

export interface CorpusFile {
  /** Path relative to the corpus folder, e.g. `seq/codec/none.seq`, `map/bloommap-empty/bloom`. */
  name: string;
  kind: 'seq' | 'bloom';
  bytes: Uint8Array;
  fields: Field[];
  regions: Region[];
  /** Offsets of records (NONE/RECORD) or blocks (BLOCK): natural cut and splice points. */
  boundaries: number[];
  keyClass: string;
  valueClass: string;
  codec: CompressionCodec | null;
  headerLength: number;
}

/** The corpus folder, found from this module whether it runs from bench/ or dist/bench/. */
export function findCorpusDir(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const c = join(d, 'interop', 'fixtures', 'hadoop');
    if (existsSync(join(c, 'FORMAT.md'))) return c;
    d = dirname(d);
  }
  throw new Error('cannot find interop/fixtures/hadoop');
}

/** The corpus' one user class, registered as a user would. */
export function registerCorpusClasses(): void {
  if (!defaultRegistry.get('fixtures.TextArrayWritable')) {
    defaultRegistry.register(arrayWritableType('fixtures.TextArrayWritable', 'org.apache.hadoop.io.Text'));
  }
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** Load the corpus: seq/**.seq, map/<dir>/{data,index,bloom}. Files larger than maxFileBytes are left out. */
export function loadCorpus(opts: { dir?: string; maxFileBytes?: number } = {}): CorpusFile[] {
  registerCorpusClasses();
  const dir = opts.dir ?? findCorpusDir();
  const max = opts.maxFileBytes ?? Number.POSITIVE_INFINITY;
  const out: CorpusFile[] = [];
  for (const p of walk(dir)) {
    const name = relative(dir, p).split(sep).join('/');
    const base = name.slice(name.lastIndexOf('/') + 1);
    let kind: 'seq' | 'bloom';
    if (name.startsWith('seq/') && name.endsWith('.seq')) kind = 'seq';
    else if (name.startsWith('map/') && (base === 'data' || base === 'index')) kind = 'seq';
    else if (name.startsWith('map/') && base === 'bloom') kind = 'bloom';
    else continue;
    const bytes = new Uint8Array(readFileSync(p));
    if (bytes.length > max) continue;
    out.push(kind === 'seq' ? scanSeq(name, bytes) : scanBloom(name, bytes));
  }
  takeCodecSamples(out);
  return out;
}

/** Structure of a valid SequenceFile: header fields, record/block fields, compressed regions. */
export function scanSeq(name: string, bytes: Uint8Array): CorpusFile {
  const fields: Field[] = [];
  const regions: Region[] = [];
  const boundaries: number[] = [];
  const r = new ByteReader(bytes, { limits: { ...DEFAULT_LIMITS, maxBufferBytes: 0x7fffffff } });
  const vint = (what: string): number => {
    const off = r.pos;
    const value = r.readVInt();
    fields.push({ what, off, enc: 'vint', size: r.pos - off, value });
    return value;
  };
  const i32 = (what: string): number => {
    const off = r.pos;
    const value = r.readInt32();
    fields.push({ what, off, enc: 'i32', size: 4, value });
    return value;
  };
  r.skip(3);
  fields.push({ what: 'version', off: 3, enc: 'i8', size: 1, value: r.readUint8() });
  const text = (what: string): string => r.readUtf8(vint(what));
  const keyClass = text('key class-name length');
  const valueClass = text('value class-name length');
  fields.push({ what: 'compressed flag', off: r.pos, enc: 'i8', size: 1, value: bytes[r.pos]! });
  const compressed = r.readBoolean();
  fields.push({ what: 'block-compressed flag', off: r.pos, enc: 'i8', size: 1, value: bytes[r.pos]! });
  const blockCompressed = r.readBoolean();
  const codecName = compressed ? text('codec class-name length') : null;
  const codec = codecName === null ? null : defaultCodecs.require(codecName);
  const count = i32('metadata count');
  for (let i = 0; i < count; i++) {
    text('metadata key length');
    text('metadata value length');
  }
  r.skip(16);
  const headerLength = r.pos;
  if (!blockCompressed) {
    while (r.pos + 4 <= bytes.length) {
      const at = r.pos;
      const len = r.readInt32();
      if (len === -1) {
        fields.push({ what: 'sync escape', off: at, enc: 'i32', size: 4, value: -1 });
        boundaries.push(at);
        r.skip(16);
        continue;
      }
      fields.push({ what: 'record length', off: at, enc: 'i32', size: 4, value: len });
      boundaries.push(at);
      const keyLen = i32('key length');
      const keyStart = r.pos;
      const keyEnd = keyStart + keyLen;
      const end = at + 8 + len;
      fields.push(...objectFields(keyClass, bytes, keyStart, keyEnd, 0, 'key'));
      if (codec === null) fields.push(...objectFields(valueClass, bytes, keyEnd, end, 0, 'value'));
      else regions.push({ kind: 'record-value', start: at, dataStart: keyEnd, dataEnd: end, keyStart, keyEnd, which: -1, block: [] });
      r.pos = end;
    }
  } else {
    // the block decoder's framing, with limits that let every valid corpus block through
    const sync = bytes.subarray(headerLength - 16, headerLength);
    const limits = { ...DEFAULT_LIMITS, maxBufferBytes: 0x7fffffff, maxElements: 0x7fffffff };
    let at = headerLength;
    while (at < bytes.length) {
      const f = readBlockFrame(bytes, at, bytes.length, sync, limits);
      if (isNeed(f)) throw new Error(`${name}: corpus file ends inside the block at ${at}`);
      fields.push({ what: 'block sync escape', off: at, enc: 'i32', size: 4, value: -1 });
      boundaries.push(at);
      fields.push({ what: 'block record count', off: f.countAt, enc: 'vint', size: f.sizeAt[0] - f.countAt, value: f.records });
      const block: [number, number][] = f.dataAt.map((d, k): [number, number] => [d, d + f.buffers[k]!.length]);
      for (let k = 0; k < 4; k++) {
        const size = f.buffers[k]!.length;
        fields.push({ what: `block ${BUFFER_NAMES[k]} buffer length`, off: f.sizeAt[k]!, enc: 'vint', size: f.dataAt[k]! - f.sizeAt[k]!, value: size });
      }
      for (let k = 0; k < 4; k++) {
        regions.push({ kind: 'block-buffer', start: f.sizeAt[k]!, dataStart: block[k]![0], dataEnd: block[k]![1], keyStart: 0, keyEnd: 0, which: k, block });
      }
      at = f.end;
    }
  }
  return { name, kind: 'seq', bytes, fields, regions, boundaries, keyClass, valueClass, codec, headerLength };
}

const BUFFER_NAMES = ['key-lengths', 'keys', 'value-lengths', 'values'];

/**
 * Length and count fields inside one serialized object of a known class, at [start, end) of
 * `bytes` (offsets reported + base). Best effort: stops at anything unexpected.
 */
export function objectFields(cls: string, bytes: Uint8Array, start: number, end: number, base: number, what: string): Field[] {
  const out: Field[] = [];
  const r = new ByteReader(bytes, { start, end, limits: { ...DEFAULT_LIMITS, maxBufferBytes: 0x7fffffff } });
  const add = (w: string, enc: FieldEncoding, read: () => number): number => {
    const off = r.pos;
    const value = read();
    out.push({ what: `${what} ${w}`, off: base + off, enc, size: r.pos - off, value });
    return value;
  };
  try {
    switch (cls) {
      case 'org.apache.hadoop.io.Text':
        add('Text length', 'vint', () => r.readVInt());
        break;
      case 'org.apache.hadoop.io.BytesWritable':
        add('BytesWritable length', 'i32', () => r.readInt32());
        break;
      case 'fixtures.TextArrayWritable': {
        const n = add('ArrayWritable count', 'i32', () => r.readInt32());
        for (let i = 0; i < n && i < 4; i++) r.skip(add(`ArrayWritable[${i}] Text length`, 'vint', () => r.readVInt()));
        break;
      }
      case 'org.apache.hadoop.io.MapWritable':
      case 'org.apache.hadoop.io.SortedMapWritable': {
        const classes = add('MapWritable class count', 'i8', () => r.readInt8());
        for (let i = 0; i < classes; i++) {
          add('MapWritable class id', 'i8', () => r.readInt8());
          r.skip(add('MapWritable class-name length', 'u16', () => r.readUint16()));
        }
        add('MapWritable size', 'i32', () => r.readInt32());
        add('MapWritable first key class id', 'i8', () => r.readInt8());
        break;
      }
      case 'org.apache.hadoop.io.ObjectWritable': {
        const n = add('ObjectWritable class-name length', 'u16', () => r.readUint16());
        const declared = new TextDecoder().decode(r.readBytes(n));
        if (declared.startsWith('[')) add('ObjectWritable array length', 'i32', () => r.readInt32());
        else if (declared.includes('.') && declared !== 'java.lang.String') add('ObjectWritable instance class-name length', 'u16', () => r.readUint16());
        break;
      }
      default:
        break;
    }
  } catch {
    // a short or odd object: keep what was found
  }
  return out;
}

/** Structure of a bloom file: the filter header and each row's header. */
export function scanBloom(name: string, bytes: Uint8Array): CorpusFile {
  const fields: Field[] = [];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = (at: number, p: string): void => {
    fields.push({ what: `${p}version`, off: at, enc: 'i32', size: 4, value: v.getInt32(at) });
    fields.push({ what: `${p}nbHash`, off: at + 4, enc: 'i32', size: 4, value: v.getInt32(at + 4) });
    fields.push({ what: `${p}hashType`, off: at + 8, enc: 'i8', size: 1, value: v.getInt8(at + 8) });
    fields.push({ what: `${p}vectorSize`, off: at + 9, enc: 'i32', size: 4, value: v.getInt32(at + 9) });
  };
  header(0, 'bloom ');
  fields.push({ what: 'bloom nr', off: 13, enc: 'i32', size: 4, value: v.getInt32(13) });
  fields.push({ what: 'bloom currentNbRecord', off: 17, enc: 'i32', size: 4, value: v.getInt32(17) });
  const rows = v.getInt32(21);
  fields.push({ what: 'bloom rows', off: 21, enc: 'i32', size: 4, value: rows });
  const rowSize = 13 + Math.floor((v.getInt32(9) + 7) / 8);
  const boundaries: number[] = [];
  for (let i = 0; i < rows; i++) {
    boundaries.push(25 + i * rowSize);
    header(25 + i * rowSize, `bloom row ${i} `);
  }
  return { name, kind: 'bloom', bytes, fields, regions: [], boundaries, keyClass: '', valueClass: '', codec: null, headerLength: 25 };
}

// ---------------------------------------------------------------------------------------------
// Mutations

export interface Mutant {
  index: number;
  file: CorpusFile;
  bytes: Uint8Array;
  /** The mutations applied, in order, each with where and what. */
  mutation: string;
}

const MiB = 1024 * 1024;

function splice(b: Uint8Array, start: number, end: number, ins: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length - (end - start) + ins.length);
  out.set(b.subarray(0, start), 0);
  out.set(ins, start);
  out.set(b.subarray(end), start + ins.length);
  return out;
}

function vlongBytes(v: bigint): Uint8Array {
  const out = new Uint8Array(9);
  return out.slice(0, writeVLongInto(out, 0, v));
}

function int32Bytes(v: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, v | 0);
  return out;
}

/** Values worth forging into a 32-bit length or count. */
function forgedInt32(rng: Rng, v: number, fileLength: number): number {
  const xs = [
    0x7fffffff, -0x80000000, -1, -2, 0, 1, v + 1, v - 1, v * 2 + 1, v + 4096, 64 * MiB, 64 * MiB + 1, 16 * MiB + 1,
    0x00ffffff, 0x01000000, fileLength, fileLength * 4, rng.u32() | 0, rng.range(0, 0xffff),
  ];
  return rng.pick(xs) | 0;
}

/** Values worth forging into a VInt/VLong (including ones that do not fit in an int). */
function forgedVLong(rng: Rng, v: number): bigint {
  const xs: bigint[] = [
    0n, 1n, -1n, -112n, -113n, 127n, 128n, 255n, 256n, 0x7fffffffn, 0x80000000n, -0x80000000n, -0x80000001n, 1n << 32n,
    1n << 62n, -(1n << 63n), (1n << 63n) - 1n, BigInt(v + 1), BigInt(v - 1), BigInt(v * 2 + 1), BigInt(v + 4096),
    BigInt(64 * MiB + 1), BigInt(16 * MiB + 1), BigInt(rng.u32() | 0), BigInt(rng.range(0, 0xffff)),
  ];
  return rng.pick(xs);
}

/** Overwrite (or re-encode, for VInts) one field with a forged value. */
function forgeField(rng: Rng, b: Uint8Array, f: Field, base = 0): [Uint8Array, string] {
  const off = f.off + base;
  if (off + f.size > b.length) return [b, `forge ${f.what}@${off} (past the end, skipped)`];
  switch (f.enc) {
    case 'i32': {
      const v = forgedInt32(rng, f.value, b.length);
      return [splice(b, off, off + 4, int32Bytes(v)), `forge ${f.what}@${off} ${f.value} -> ${v}`];
    }
    case 'vint': {
      if (rng.chance(0.2)) {
        // keep the width: only the first byte (sign and size) changes
        const out = b.slice();
        out[off] = rng.pick([0x8f, 0x88, 0x87, 0x80, 0x8c, 0x84, 0x7f, 0x90, rng.int(256)]);
        return [out, `forge ${f.what}@${off} first byte -> 0x${out[off]!.toString(16)}`];
      }
      const v = forgedVLong(rng, f.value);
      return [splice(b, off, off + f.size, vlongBytes(v)), `forge ${f.what}@${off} ${f.value} -> ${v} (vint)`];
    }
    case 'i8': {
      const v = rng.pick([0, 1, 2, 127, -128, -1, f.value + 1, f.value - 1, rng.range(-128, 127)]);
      const out = b.slice();
      out[off] = v & 0xff;
      return [out, `forge ${f.what}@${off} ${f.value} -> ${(v << 24) >> 24}`];
    }
    case 'u16': {
      const v = rng.pick([0, 1, 0xffff, 0x8000, f.value + 1, f.value - 1, f.value * 2, rng.range(0, 0xffff)]) & 0xffff;
      const out = b.slice();
      out[off] = v >> 8;
      out[off + 1] = v & 0xff;
      return [out, `forge ${f.what}@${off} ${f.value} -> ${v}`];
    }
  }
}

/** A cut, flip or overwrite offset: uniform, near a structural field, or near the end. */
function pickOffset(rng: Rng, b: Uint8Array, file: CorpusFile): number {
  const x = rng.int(10);
  if (x < 4 || file.fields.length === 0) return rng.int(b.length);
  if (x < 8) return Math.max(0, Math.min(b.length - 1, rng.pick(file.fields).off + rng.range(-2, 8)));
  return Math.max(0, b.length - rng.range(1, 64));
}

function truncate(rng: Rng, b: Uint8Array, file: CorpusFile): [Uint8Array, string] {
  const at = b.length === 0 ? 0 : pickOffset(rng, b, file);
  return [b.slice(0, at), `truncate@${at}`];
}

function bitFlips(rng: Rng, b: Uint8Array, file: CorpusFile): [Uint8Array, string] {
  if (b.length === 0) return [b, 'bitflip (empty)'];
  const out = b.slice();
  const n = rng.chance(0.5) ? 1 : rng.range(2, 8);
  const at: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = rng.chance(0.3) ? pickOffset(rng, out, file) : rng.int(out.length);
    const bit = rng.int(8);
    out[p]! ^= 1 << bit;
    at.push(`${p}.${bit}`);
  }
  return [out, `bitflip ${at.join(',')}`];
}

function overwrite(rng: Rng, b: Uint8Array, file: CorpusFile): [Uint8Array, string] {
  if (b.length === 0) return [b, 'overwrite (empty)'];
  const out = b.slice();
  const p = pickOffset(rng, out, file);
  const n = Math.min(out.length - p, rng.chance(0.6) ? 1 : rng.range(2, 8));
  const vals: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = rng.chance(0.6) ? rng.pick([0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe, 0x8f, 0x88]) : rng.int(256);
    out[p + i] = v;
    vals.push(v);
  }
  return [out, `overwrite@${p} ${vals.map((v) => v.toString(16).padStart(2, '0')).join('')}`];
}

function spliceMutation(rng: Rng, b: Uint8Array, file: CorpusFile, corpus: readonly CorpusFile[]): [Uint8Array, string] {
  const point = (bytes: Uint8Array, f: CorpusFile): number =>
    f.boundaries.length > 0 && rng.chance(0.5) ? Math.min(bytes.length, rng.pick(f.boundaries)) : rng.int(bytes.length + 1);
  switch (rng.int(5)) {
    case 0: {
      // crossover: this file's head, another file's tail
      const other = rng.pick(corpus);
      const i = point(b, file);
      const j = point(other.bytes, other);
      return [splice(b, i, b.length, other.bytes.subarray(j)), `splice head@${i} + ${other.name} tail@${j}`];
    }
    case 1: {
      // repeat a range (a record, a block, or arbitrary bytes)
      const s = point(b, file);
      const e = Math.min(b.length, s + rng.range(1, 4096));
      const at = point(b, file);
      return [splice(b, at, at, b.slice(s, e)), `splice copy [${s},${e}) to ${at}`];
    }
    case 2: {
      const s = point(b, file);
      const e = Math.min(b.length, s + rng.range(1, 2048));
      return [splice(b, s, e, new Uint8Array(0)), `splice delete [${s},${e})`];
    }
    case 3: {
      const at = point(b, file);
      const ins = new Uint8Array(rng.range(1, 64));
      for (let i = 0; i < ins.length; i++) ins[i] = rng.int(256);
      return [splice(b, at, at, ins), `splice insert ${ins.length} random bytes at ${at}`];
    }
    default: {
      // overwrite a range with bytes from another file
      const other = rng.pick(corpus);
      const s = point(other.bytes, other);
      const src = other.bytes.subarray(s, s + rng.range(1, 512));
      const at = point(b, file);
      return [splice(b, at, Math.min(b.length, at + src.length), src), `splice ${src.length} bytes of ${other.name}@${s} over ${at}`];
    }
  }
}

/** The VInts of a decompressed length buffer, as fields. */
function vintFields(buf: Uint8Array, what: string): Field[] {
  const out: Field[] = [];
  const r = new ByteReader(buf);
  try {
    while (!r.atEnd() && out.length < 4096) {
      const off = r.pos;
      const value = r.readVInt();
      out.push({ what: `${what}[${out.length}]`, off, enc: 'vint', size: r.pos - off, value });
    }
  } catch {
    // odd bytes: keep what was found
  }
  return out;
}

/** Change a decompressed unit: forge one of its fields, flip bits, overwrite, cut or extend it. */
function mutateInner(rng: Rng, raw: Uint8Array, fields: Field[]): [Uint8Array, string] {
  const x = rng.int(10);
  if (x < 5 && fields.length > 0) return forgeField(rng, raw, rng.pick(fields));
  if (raw.length === 0 || x === 9) {
    const ins = new Uint8Array(rng.range(1, 16));
    for (let i = 0; i < ins.length; i++) ins[i] = rng.int(256);
    const at = rng.int(raw.length + 1);
    return [splice(raw, at, at, ins), `insert ${ins.length} bytes at ${at}`];
  }
  if (x < 7) {
    const out = raw.slice();
    const p = rng.int(out.length);
    const bit = rng.int(8);
    out[p]! ^= 1 << bit;
    return [out, `bitflip ${p}.${bit}`];
  }
  if (x < 8) {
    const out = raw.slice();
    const p = rng.int(out.length);
    out[p] = rng.pick([0, 0xff, 0x7f, 0x80, rng.int(256)]);
    return [out, `overwrite@${p} ${out[p]!.toString(16)}`];
  }
  const at = rng.int(raw.length);
  return [raw.slice(0, at), `truncate@${at}`];
}

/** Decompress a RECORD value or a BLOCK buffer, change it, recompress, and rebuild the file around it. */
function innerMutation(rng: Rng, b: Uint8Array, file: CorpusFile): [Uint8Array, string] | null {
  const codec = file.codec;
  // not bzip2: its compressor is a native addon that loads in one thread only, so recompressing
  // would work in one worker and not the other, and the same (seed, index) would differ by worker
  if (codec === null || codec.name === 'bzip2' || file.regions.length === 0) return null;
  const reg = rng.pick(file.regions);
  const max = 64 * MiB;
  let raw: Uint8Array;
  try {
    raw = codec.decompress(file.bytes.subarray(reg.dataStart, reg.dataEnd), max);
  } catch {
    return null;
  }
  let fields: Field[];
  let where: string;
  if (reg.kind === 'record-value') {
    fields = objectFields(file.valueClass, raw, 0, raw.length, 0, 'value');
    where = `record@${reg.start} value`;
  } else {
    where = `block buffer ${BUFFER_NAMES[reg.which]}@${reg.start}`;
    if (reg.which === 0 || reg.which === 2) fields = vintFields(raw, BUFFER_NAMES[reg.which]!);
    else {
      // object boundaries from the matching lengths buffer
      fields = [];
      try {
        const [ls, le] = reg.block[reg.which - 1]!;
        const lens = vintFields(codec.decompress(file.bytes.subarray(ls, le), max), 'len');
        const cls = reg.which === 1 ? file.keyClass : file.valueClass;
        let p = 0;
        for (const l of lens) {
          if (fields.length < 256) fields.push(...objectFields(cls, raw, p, p + l.value, 0, `${reg.which === 1 ? 'key' : 'value'}@+${p}`));
          p += l.value;
        }
      } catch {
        // no boundaries: byte-level changes only
      }
    }
  }
  const [changed, desc] = mutateInner(rng, raw, fields);
  let z: Uint8Array;
  try {
    z = codec.compress(changed);
  } catch {
    return null;
  }
  return [replaceRegion(b, reg, z), `inner ${where}: ${desc} (recompressed ${codec.name})`];
}

/**
 * Put new compressed bytes in place of a RECORD value (the record's lengths follow) or a BLOCK
 * buffer (its length VInt follows). `b` must still have the original file's layout up to the region.
 */
export function replaceRegion(b: Uint8Array, reg: Region, z: Uint8Array): Uint8Array {
  if (reg.kind === 'record-value') {
    const keyLen = reg.keyEnd - reg.keyStart;
    const rec = new Uint8Array(8 + keyLen + z.length);
    const v = new DataView(rec.buffer);
    v.setInt32(0, keyLen + z.length);
    v.setInt32(4, keyLen);
    rec.set(b.subarray(reg.keyStart, reg.keyEnd), 8);
    rec.set(z, 8 + keyLen);
    return splice(b, reg.start, reg.dataEnd, rec);
  }
  const len = vlongBytes(BigInt(z.length));
  const rep = new Uint8Array(len.length + z.length);
  rep.set(len, 0);
  rep.set(z, len.length);
  return splice(b, reg.start, reg.dataEnd, rep);
}

/** Class names a header can be switched to: every registered class, the corpus' own, an unknown one. */
let retypeNames: string[] | null = null;

/** Decode the records as another class: replace the key or value class name in the header. */
function retype(rng: Rng, b: Uint8Array, file: CorpusFile): [Uint8Array, string] | null {
  const f = file.fields.find((x) => x.what === (rng.chance(0.5) ? 'key' : 'value') + ' class-name length');
  if (!f) return null;
  retypeNames ??= [...defaultRegistry.classNames(), 'com.example.NotRegistered'].sort();
  const name = rng.pick(retypeNames);
  const enc = new TextEncoder().encode(name);
  const rep = new Uint8Array(9 + enc.length);
  const n = writeVLongInto(rep, 0, BigInt(enc.length));
  rep.set(enc, n);
  return [splice(b, f.off, f.off + f.size + f.value, rep.subarray(0, n + enc.length)), `retype ${f.what.split(' ')[0]} class -> ${name}`];
}

/** Build input `index` of the run seeded `seed`. */
export function makeMutant(corpus: readonly CorpusFile[], seed: number, index: number): Mutant {
  const rng = new Rng(seed, index);
  const file = rng.pick(corpus);
  let b = file.bytes;
  const descs: string[] = [];
  const stack = rng.chance(0.15) ? rng.range(2, 4) : 1;
  for (let k = 0; k < stack; k++) {
    // inner and forged-field mutations refer to the original layout: use them first only
    const fresh = k === 0;
    const x = rng.int(100);
    let res: [Uint8Array, string] | null = null;
    if (x < 14) res = truncate(rng, b, file);
    else if (x < 32) res = bitFlips(rng, b, file);
    else if (x < 46) res = overwrite(rng, b, file);
    else if (x < 72 && fresh && file.fields.length > 0) res = forgeField(rng, b, rng.pick(file.fields));
    else if (x < 80 && fresh) res = innerMutation(rng, b, file);
    else if (x < 86 && fresh && file.kind === 'seq') res = retype(rng, b, file);
    else if (x >= 86) res = spliceMutation(rng, b, file, corpus);
    res ??= bitFlips(rng, b, file);
    b = res[0];
    descs.push(res[1]);
  }
  return { index, file, bytes: b, mutation: descs.join('; ') };
}

// ---------------------------------------------------------------------------------------------
// Reading and checking

export type ReadMode = 'decode' | 'raw' | 'recover' | 'split' | 'bloom';

export interface ReadOutcome {
  mode: ReadMode;
  /** Records read (or bloom rows), before the end or the error. */
  records: number;
  /** Constructor name of the error the read ended with, or null if it ended cleanly. */
  error: string | null;
  ms: number;
}

export type FindingKind = 'untyped-error' | 'wrapped-internal-error' | 'hang' | 'rss' | 'alloc' | 'codec-state';

export interface Finding {
  kind: FindingKind;
  index: number;
  seed: number;
  file: string;
  mutation: string;
  mode: ReadMode;
  /** Error class and message, or what was exceeded. */
  message: string;
  stack?: string;
}

export interface InputResult {
  index: number;
  file: string;
  mutation: string;
  reads: ReadOutcome[];
  findings: Finding[];
}

export interface CheckOptions {
  seed: number;
  limits?: Partial<ReadLimits>;
  /** A read slower than this is a finding (a hang, when it never ends, is the watchdog's). Default 2000. */
  hangMs?: number;
  /** Growth of the process RSS during one input beyond this is a finding. Default 512 MiB. */
  maxRssGrowth?: number;
  /** ArrayBuffer memory still held right after one read beyond this is a finding. Default 512 MiB. */
  maxAllocGrowth?: number;
  /** Called before each read starts (the watchdog's heartbeat). */
  onRead?: (mode: ReadMode) => void;
}

const ENGINE_ERRORS = new Set(['RangeError', 'TypeError', 'ReferenceError', 'SyntaxError', 'EvalError', 'URIError']);

/** A JS engine error (a bug in our code) hidden as the cause of a typed error. */
function internalCause(e: HadoopIOError): Error | undefined {
  let c: unknown = e.cause;
  for (let depth = 0; c !== undefined && depth < 8; depth++) {
    if (c instanceof Error && ENGINE_ERRORS.has(c.name) && !isNativeLibraryError(c)) return c;
    c = c instanceof Error ? c.cause : undefined;
  }
  return undefined;
}

/** Errors the native codec bindings raise with an engine error class (none known): kept as a hook. */
function isNativeLibraryError(_e: Error): boolean {
  return false;
}

async function readSeq(bytes: Uint8Array, name: string, mode: ReadMode, limits: Partial<ReadLimits> | undefined, count: { n: number }): Promise<void> {
  if (mode === 'split') {
    // three input splits: each finds its first sync marker (reader.sync) and stops after its end
    for (const range of splitRanges(bytes.length, Math.max(1, Math.ceil(bytes.length / 3)))) {
      for await (const { key, value } of readSplit(bytes, { ...range, name, ...(limits ? { limits } : {}) })) {
        void key;
        void value;
        count.n++;
      }
    }
    return;
  }
  const r = await SequenceFileReader.open(bytes, { name, recover: mode === 'recover', ...(limits ? { limits } : {}) });
  try {
    if (mode === 'raw') {
      for await (const raw of r.raw()) {
        // touch every field: RECORD values decompress and BLOCK values load on access
        void raw.key;
        void raw.storedValue;
        void raw.value;
        count.n++;
      }
    } else {
      for await (const { key, value } of r) {
        r.keyType.toString(key);
        r.valueType.toString(value);
        count.n++;
      }
    }
  } finally {
    await r.close();
  }
}

/** Per codec, one compressed unit of the corpus and its bytes, taken when the corpus is loaded. */
let codecSamples: { codec: CompressionCodec; plain: Uint8Array; z: Uint8Array }[] = [];

/**
 * Samples from the corpus rather than compressed here: compressing may need a native addon that
 * loads in one thread only (node-bzip2 is not context-aware).
 */
function takeCodecSamples(corpus: readonly CorpusFile[]): void {
  const byCodec = new Map<CompressionCodec, { codec: CompressionCodec; plain: Uint8Array; z: Uint8Array }>();
  for (const f of corpus) {
    if (f.codec === null || byCodec.has(f.codec)) continue;
    for (const reg of f.regions) {
      const z = f.bytes.slice(reg.dataStart, reg.dataEnd);
      try {
        const plain = f.codec.decompress(z, 1 << 24).slice();
        if (plain.length >= 16) {
          byCodec.set(f.codec, { codec: f.codec, plain, z });
          break;
        }
      } catch {
        // not a sample
      }
    }
  }
  codecSamples = [...byCodec.values()];
}

/** Every codec of the corpus still decodes a known sample to its known bytes; else what went wrong. */
export function codecStateCheck(): string | null {
  for (const { codec, plain, z } of codecSamples) {
    let out: Uint8Array;
    try {
      out = codec.decompress(z, 1 << 24);
    } catch (e) {
      return `${codec.name} no longer decodes a valid stream: ${(e as Error).message}`;
    }
    if (out.length !== plain.length || !out.every((v, i) => v === plain[i])) return `${codec.name} decodes a valid stream to wrong bytes`;
  }
  return null;
}

const PROBES = [Uint8Array.of(1), Uint8Array.of(0, 0, 0, 7), new TextEncoder().encode('\u0005hello'), new Uint8Array(64).fill(0xa5)];

function readBloom(bytes: Uint8Array, name: string, count: { n: number }): void {
  const f = DynamicBloomFilter.fromBytes(bytes, name);
  count.n = f.rows;
  for (const p of PROBES) f.membershipTest(p);
}

/** Read one mutant every way and check each outcome. */
export async function checkMutant(m: Mutant, opts: CheckOptions): Promise<InputResult> {
  const hangMs = opts.hangMs ?? 2000;
  const maxRss = opts.maxRssGrowth ?? 512 * MiB;
  const maxAlloc = opts.maxAllocGrowth ?? 512 * MiB;
  const name = `${m.file.name}#${m.index}`;
  const modes: ReadMode[] = m.file.kind === 'bloom' ? ['bloom'] : ['decode', 'raw', 'recover', 'split'];
  const reads: ReadOutcome[] = [];
  const findings: Finding[] = [];
  const finding = (kind: FindingKind, mode: ReadMode, message: string, stack?: string): void => {
    findings.push({ kind, index: m.index, seed: opts.seed, file: m.file.name, mutation: m.mutation, mode, message, ...(stack ? { stack } : {}) });
  };
  const rssBefore = process.memoryUsage.rss();
  const read = async (mode: ReadMode): Promise<{ n: number; e: unknown; failed: boolean; ms: number }> => {
    const count = { n: 0 };
    const t0 = performance.now();
    try {
      if (mode === 'bloom') readBloom(m.bytes, name, count);
      else await readSeq(m.bytes, name, mode, opts.limits, count);
      return { n: count.n, e: undefined, failed: false, ms: performance.now() - t0 };
    } catch (e) {
      return { n: count.n, e, failed: true, ms: performance.now() - t0 };
    }
  };
  for (const mode of modes) {
    opts.onRead?.(mode);
    const abBefore = process.memoryUsage().arrayBuffers;
    const { n, e, failed, ms: first } = await read(mode);
    const grown = process.memoryUsage().arrayBuffers - abBefore;
    let error: string | null = null;
    if (failed) {
      error = e instanceof Error ? e.constructor.name : typeof e;
      if (!(e instanceof HadoopIOError)) {
        finding('untyped-error', mode, `${error}: ${(e as Error)?.message ?? String(e)}`, (e as Error)?.stack);
      } else {
        const inner = internalCause(e);
        if (inner) finding('wrapped-internal-error', mode, `${error} wrapping ${inner.name}: ${inner.message}`, inner.stack);
      }
    }
    let ms = first;
    // a slow read is timed again: on a busy machine one slow run proves nothing
    if (ms > hangMs) {
      opts.onRead?.(mode);
      ms = Math.min(ms, (await read(mode)).ms);
      if (ms > hangMs) finding('hang', mode, `read took ${ms.toFixed(0)} ms, twice (limit ${hangMs} ms)`);
    }
    reads.push({ mode, records: n, error, ms });
    if (grown > maxAlloc) finding('alloc', mode, `${(grown / MiB).toFixed(0)} MiB of ArrayBuffers held after the read`);
  }
  // the codecs are shared singletons (reused native streams): a hostile input must not leave one broken
  const broken = codecStateCheck();
  if (broken) finding('codec-state', modes[modes.length - 1]!, broken);
  const rssGrowth = process.memoryUsage.rss() - rssBefore;
  if (rssGrowth > maxRss) finding('rss', modes[modes.length - 1]!, `RSS grew by ${(rssGrowth / MiB).toFixed(0)} MiB during the input`);
  return { index: m.index, file: m.file.name, mutation: m.mutation, reads, findings };
}

// ---------------------------------------------------------------------------------------------
// Tallies

export interface Slowest {
  index: number;
  file: string;
  mutation: string;
  mode: ReadMode;
  ms: number;
}

export class Tally {
  inputs = 0;
  reads = 0;
  /** Reads that ended with records and no error. */
  clean = 0;
  readonly errors = new Map<string, number>();
  readonly byMode = new Map<ReadMode, Map<string, number>>();
  slowest: Slowest | null = null;
  readonly findings: Finding[] = [];

  add(r: InputResult): void {
    this.inputs++;
    for (const o of r.reads) {
      this.reads++;
      const key = o.error ?? 'ok';
      if (o.error === null) this.clean++;
      else this.errors.set(o.error, (this.errors.get(o.error) ?? 0) + 1);
      let m = this.byMode.get(o.mode);
      if (!m) this.byMode.set(o.mode, (m = new Map()));
      m.set(key, (m.get(key) ?? 0) + 1);
      if (this.slowest === null || o.ms > this.slowest.ms) this.slowest = { index: r.index, file: r.file, mutation: r.mutation, mode: o.mode, ms: o.ms };
    }
    this.findings.push(...r.findings);
  }

  /** Findings grouped by kind + message shape (numbers stripped), first occurrence kept. */
  uniqueFindings(): { finding: Finding; count: number }[] {
    const groups = new Map<string, { finding: Finding; count: number }>();
    for (const f of this.findings) {
      const sig = `${f.kind}|${f.mode === 'bloom' ? 'bloom' : 'seq'}|${f.message.replace(/\d+/g, 'N').slice(0, 160)}`;
      const g = groups.get(sig);
      if (g) g.count++;
      else groups.set(sig, { finding: f, count: 1 });
    }
    return [...groups.values()];
  }
}

export function sortedCounts(m: Map<string, number>): string {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
