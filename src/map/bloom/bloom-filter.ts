/**
 * Hadoop's `org.apache.hadoop.util.bloom.HashFunction` and `BloomFilter`, bit-exact
 * with Hadoop 3.4 (the row type inside a BloomMapFile's `bloom` file).
 *
 * Serialized BloomFilter (big-endian, `Filter.write` + bit vector):
 *   int32 version (-1), int32 nbHash, byte hashType, int32 vectorSize,
 *   then ceil(vectorSize / 8) bytes; bit i lives in byte i >> 3 under mask 1 << (i & 7).
 */
import { CorruptFileError, TruncatedFileError, UsageError } from '../../io/errors.js';
import { jenkinsHash } from './jenkins-hash.js';
import { murmurHash } from './murmur-hash.js';

/** `Hash.JENKINS_HASH`. */
export const HASH_TYPE_JENKINS = 0;
/** `Hash.MURMUR_HASH` (Hadoop's default `hadoop.util.hash.type`). */
export const HASH_TYPE_MURMUR = 1;
export type HadoopHashType = typeof HASH_TYPE_JENKINS | typeof HASH_TYPE_MURMUR;

/** `Filter.VERSION`: the only serialized filter version we read and write. */
export const FILTER_VERSION = -1;
/** Bytes of a serialized Filter header (version, nbHash, hashType, vectorSize). */
export const FILTER_HEADER_BYTES = 13;
/** Largest nbHash accepted (Hadoop has no bound; BloomMapFile always uses 5). */
export const MAX_NB_HASH = 64;

/** `Hash.parseHashType`: "jenkins" / "murmur" (case-insensitive), else -1. */
export function parseHashType(name: string): HadoopHashType | -1 {
  const n = name.toLowerCase();
  if (n === 'jenkins') return HASH_TYPE_JENKINS;
  if (n === 'murmur') return HASH_TYPE_MURMUR;
  return -1;
}

/** The Hadoop hash function for a hash type: (bytes, seed) -> signed int32. */
export function hadoopHash(hashType: number): (bytes: Uint8Array, seed: number) => number {
  if (hashType === HASH_TYPE_MURMUR) return murmurHash;
  if (hashType === HASH_TYPE_JENKINS) return jenkinsHash;
  throw new UsageError(`unknown hash type ${hashType} (0 = jenkins, 1 = murmur)`);
}

/** Number of bytes holding a vector of `vectorSize` bits: ceil(vectorSize / 8). */
export function bitVectorBytes(vectorSize: number): number {
  return Math.floor((vectorSize + 7) / 8);
}

function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff;
}

/** Throws UsageError unless (vectorSize, nbHash, hashType) is a valid filter shape. */
export function checkFilterParams(vectorSize: number, nbHash: number, hashType: number): void {
  if (!isInt32(vectorSize) || vectorSize <= 0) throw new UsageError(`bloom vectorSize must be a positive int32, got ${vectorSize}`);
  if (!Number.isInteger(nbHash) || nbHash < 1 || nbHash > MAX_NB_HASH) throw new UsageError(`bloom nbHash must be 1..${MAX_NB_HASH}, got ${nbHash}`);
  if (hashType !== HASH_TYPE_JENKINS && hashType !== HASH_TYPE_MURMUR) throw new UsageError(`unknown hash type ${hashType} (0 = jenkins, 1 = murmur)`);
}

/**
 * `org.apache.hadoop.util.bloom.HashFunction`: maps a key to nbHash bit positions.
 * h_0 = hash(key, 0), h_i = hash(key, h_{i-1}); position_i = |h_i % vectorSize|
 * with Java's signed 32-bit remainder.
 */
export class HadoopHashFunction {
  readonly vectorSize: number;
  readonly nbHash: number;
  readonly hashType: HadoopHashType;
  private readonly fn: (bytes: Uint8Array, seed: number) => number;

  constructor(vectorSize: number, nbHash: number, hashType: number) {
    checkFilterParams(vectorSize, nbHash, hashType);
    this.vectorSize = vectorSize;
    this.nbHash = nbHash;
    this.hashType = hashType as HadoopHashType;
    this.fn = hadoopHash(hashType);
  }

  /**
   * The nbHash bit positions of `key` (the serialized key bytes). Writes into `out`
   * when given (must hold at least nbHash entries), else into a new array.
   * Like Hadoop, an empty key is rejected.
   */
  positions(key: Uint8Array, out?: Int32Array): Int32Array {
    if (key.length === 0) throw new UsageError('bloom filter key length must be > 0');
    const nb = this.nbHash;
    const res = out ?? new Int32Array(nb);
    if (res.length < nb) throw new UsageError(`positions output array holds ${res.length} entries, need ${nb}`);
    const fn = this.fn;
    const size = this.vectorSize;
    let h = 0;
    for (let i = 0; i < nb; i++) {
      h = fn(key, h);
      res[i] = Math.abs(h % size);
    }
    return res;
  }
}

/** Parsed 13-byte Filter header. */
export interface FilterHeader {
  version: number;
  nbHash: number;
  hashType: HadoopHashType;
  vectorSize: number;
}

/**
 * Reads and validates a Filter header at `offset` (caller guarantees 13 bytes are
 * there). Throws CorruptFileError on an unsupported version or impossible value.
 */
export function readFilterHeader(view: DataView, offset: number, file?: string): FilterHeader {
  const version = view.getInt32(offset);
  if (version !== FILTER_VERSION) {
    const why = version > 0 ? ' (pre-versioned filter format is not supported)' : '';
    throw new CorruptFileError(`bloom filter: unsupported version ${version}${why}`, { file, offset });
  }
  const nbHash = view.getInt32(offset + 4);
  if (nbHash < 1 || nbHash > MAX_NB_HASH) {
    throw new CorruptFileError(`bloom filter: nbHash ${nbHash} out of range 1..${MAX_NB_HASH}`, { file, offset: offset + 4 });
  }
  const hashType = view.getInt8(offset + 8);
  if (hashType !== HASH_TYPE_JENKINS && hashType !== HASH_TYPE_MURMUR) {
    throw new CorruptFileError(`bloom filter: unknown hash type ${hashType}`, { file, offset: offset + 8 });
  }
  const vectorSize = view.getInt32(offset + 9);
  if (vectorSize <= 0) {
    throw new CorruptFileError(`bloom filter: vectorSize ${vectorSize} must be > 0`, { file, offset: offset + 9 });
  }
  return { version, nbHash, hashType, vectorSize };
}

/** Writes a Filter header at `offset`; returns the offset after it. */
export function writeFilterHeader(view: DataView, offset: number, nbHash: number, hashType: number, vectorSize: number): number {
  view.setInt32(offset, FILTER_VERSION);
  view.setInt32(offset + 4, nbHash);
  view.setInt8(offset + 8, hashType);
  view.setInt32(offset + 9, vectorSize);
  return offset + FILTER_HEADER_BYTES;
}

/** `org.apache.hadoop.util.bloom.BloomFilter`: one bit vector of vectorSize bits. */
export class BloomFilter {
  readonly vectorSize: number;
  readonly nbHash: number;
  readonly hashType: HadoopHashType;
  /** ceil(vectorSize / 8) bytes, bit i at byte i >> 3, mask 1 << (i & 7). */
  readonly bits: Uint8Array;
  readonly hash: HadoopHashFunction;
  private readonly scratch: Int32Array;

  /** An empty filter; `bits`, when given, is adopted (must be ceil(vectorSize/8) bytes). */
  constructor(vectorSize: number, nbHash: number, hashType: number, bits?: Uint8Array) {
    this.hash = new HadoopHashFunction(vectorSize, nbHash, hashType);
    this.vectorSize = vectorSize;
    this.nbHash = nbHash;
    this.hashType = hashType as HadoopHashType;
    const n = bitVectorBytes(vectorSize);
    if (bits !== undefined && bits.length !== n) throw new UsageError(`bloom bit vector must be ${n} bytes, got ${bits.length}`);
    this.bits = bits ?? new Uint8Array(n);
    this.scratch = new Int32Array(nbHash);
  }

  /** Serialized size: 13-byte header + bit vector. */
  get byteLength(): number {
    return FILTER_HEADER_BYTES + this.bits.length;
  }

  /** Sets the given bit positions (each in 0..vectorSize-1). */
  setPositions(pos: ArrayLike<number>, count = pos.length): void {
    const bits = this.bits;
    for (let i = 0; i < count; i++) {
      const p = pos[i]!;
      bits[p >> 3] |= 1 << (p & 7);
    }
  }

  /** True when every one of the given bit positions is set. */
  hasPositions(pos: ArrayLike<number>, count = pos.length): boolean {
    const bits = this.bits;
    for (let i = 0; i < count; i++) {
      const p = pos[i]!;
      if ((bits[p >> 3]! & (1 << (p & 7))) === 0) return false;
    }
    return true;
  }

  /** `BloomFilter.add`: sets the key's nbHash bits. */
  add(key: Uint8Array): void {
    this.setPositions(this.hash.positions(key, this.scratch), this.nbHash);
  }

  /** `BloomFilter.membershipTest`: all of the key's bits are set. */
  test(key: Uint8Array): boolean {
    return this.hasPositions(this.hash.positions(key, this.scratch), this.nbHash);
  }

  /** Writes the serialized filter into `out` at `offset`; returns the offset after it. */
  write(out: Uint8Array, offset = 0): number {
    const end = offset + this.byteLength;
    if (end > out.length) throw new UsageError(`bloom filter needs ${this.byteLength} bytes at ${offset}, buffer holds ${out.length}`);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const p = writeFilterHeader(view, offset, this.nbHash, this.hashType, this.vectorSize);
    out.set(this.bits, p);
    return end;
  }

  /** The serialized filter as Hadoop's `write(DataOutput)` produces it. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    this.write(out, 0);
    return out;
  }

  /**
   * Reads one serialized BloomFilter at `offset` (trailing bytes after it are left
   * alone). Bits past vectorSize in the last byte are dropped, as Hadoop's
   * readFields does. Throws CorruptFileError (TruncatedFileError when short).
   */
  static read(bytes: Uint8Array, offset = 0, file?: string): { filter: BloomFilter; end: number } {
    if (offset < 0 || bytes.length - offset < FILTER_HEADER_BYTES) {
      throw new TruncatedFileError('bloom filter: truncated header', { file, offset });
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const h = readFilterHeader(view, offset, file);
    const n = bitVectorBytes(h.vectorSize);
    const start = offset + FILTER_HEADER_BYTES;
    if (bytes.length - start < n) {
      throw new TruncatedFileError(`bloom filter: bit vector needs ${n} bytes, ${bytes.length - start} left`, { file, offset: start });
    }
    const bits = bytes.slice(start, start + n);
    const tail = h.vectorSize & 7;
    if (tail !== 0) bits[n - 1] = bits[n - 1]! & ((1 << tail) - 1);
    return { filter: new BloomFilter(h.vectorSize, h.nbHash, h.hashType, bits), end: start + n };
  }
}
