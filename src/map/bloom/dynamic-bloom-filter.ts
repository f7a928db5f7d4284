/**
 * Hadoop's `org.apache.hadoop.util.bloom.DynamicBloomFilter`, bit-exact with Hadoop
 * 3.4, as stored in a BloomMapFile's `bloom` file.
 *
 * Serialized form (big-endian):
 *   int32 version (-1), int32 nbHash, byte hashType, int32 vectorSize   (Filter header)
 *   int32 nr, int32 currentNbRecord, int32 rows
 *   rows x BloomFilter (same 13-byte header + ceil(vectorSize / 8) bytes)
 *
 * add(): when the current (last) row already holds nr keys, a new empty row is
 * appended and the count restarts; membershipTest(): any row has all the key's bits.
 */
import { CorruptFileError, TruncatedFileError, UsageError } from '../../io/errors.js';
import {
  BloomFilter,
  FILTER_HEADER_BYTES,
  FILTER_VERSION,
  HASH_TYPE_MURMUR,
  HadoopHashFunction,
  bitVectorBytes,
  checkFilterParams,
  readFilterHeader,
  writeFilterHeader,
  type HadoopHashType,
} from './bloom-filter.js';

/** Bytes before the first row: Filter header + nr + currentNbRecord + rows. */
export const DYNAMIC_BLOOM_HEADER_BYTES = FILTER_HEADER_BYTES + 12;
/** `BloomMapFile.HASH_COUNT`. */
export const BLOOM_HASH_COUNT = 5;
/** `io.mapfile.bloom.size` default. */
export const DEFAULT_BLOOM_SIZE = 1048576;
/** `io.mapfile.bloom.error.rate` default. */
export const DEFAULT_BLOOM_ERROR_RATE = 0.005;

/**
 * The vectorSize BloomMapFile.Writer.initBloomFilter derives from
 * `io.mapfile.bloom.size` (nr) and `io.mapfile.bloom.error.rate`, with Java's
 * arithmetic: the error rate is a float (conf.getFloat), `-nbHash * nr` is an int
 * multiplication (wraps), the rest is double, and the final (int) cast saturates
 * (NaN -> 0). Defaults give 12321010.
 */
export function computeVectorSize(nr: number = DEFAULT_BLOOM_SIZE, errorRate: number = DEFAULT_BLOOM_ERROR_RATE, nbHash: number = BLOOM_HASH_COUNT): number {
  const numerator = Math.imul(-nbHash | 0, nr | 0);
  const e = Math.fround(errorRate);
  const v = Math.ceil(numerator / Math.log(1.0 - Math.pow(e, 1.0 / nbHash)));
  if (Number.isNaN(v)) return 0;
  if (v >= 0x7fffffff) return 0x7fffffff;
  if (v <= -0x80000000) return -0x80000000;
  return v | 0; // also turns -0 into 0
}

export interface DynamicBloomFilterOptions {
  /** Bits per row (positive int32). */
  vectorSize: number;
  /** Number of hash positions per key; BloomMapFile uses 5 (default). */
  nbHash?: number;
  /** 0 = jenkins, 1 = murmur (default, Hadoop's default hadoop.util.hash.type). */
  hashType?: number;
  /** Keys per row before a new row is started (`io.mapfile.bloom.size`). */
  nr: number;
}

/** Set only while fromBytes constructs an instance: skip allocating the initial row. */
let constructingFromBytes = false;

function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff;
}

export class DynamicBloomFilter {
  readonly vectorSize: number;
  readonly nbHash: number;
  readonly hashType: HadoopHashType;
  /** Threshold of keys per row. */
  readonly nr: number;
  private _currentNbRecord = 0;
  private readonly _rows: BloomFilter[];
  private readonly hashFn: HadoopHashFunction;
  private readonly scratch: Int32Array;

  constructor(opts: DynamicBloomFilterOptions) {
    const nbHash = opts.nbHash ?? BLOOM_HASH_COUNT;
    const hashType = opts.hashType ?? HASH_TYPE_MURMUR;
    checkFilterParams(opts.vectorSize, nbHash, hashType);
    if (!isInt32(opts.nr)) throw new UsageError(`bloom nr must be an int32, got ${opts.nr}`);
    this.vectorSize = opts.vectorSize;
    this.nbHash = nbHash;
    this.hashType = hashType as HadoopHashType;
    this.nr = opts.nr;
    this.hashFn = new HadoopHashFunction(this.vectorSize, nbHash, hashType);
    this.scratch = new Int32Array(nbHash);
    // Hadoop starts with one empty row; fromBytes supplies the rows itself (and must
    // not allocate a vectorSize-bit row the input does not contain).
    this._rows = constructingFromBytes ? [] : [new BloomFilter(this.vectorSize, nbHash, hashType)];
  }

  /** Always -1 (Filter.VERSION). */
  get version(): number {
    return FILTER_VERSION;
  }

  /** Keys recorded in the current (last) row. */
  get currentNbRecord(): number {
    return this._currentNbRecord;
  }

  /** Number of rows (BloomFilters) in the matrix. */
  get rows(): number {
    return this._rows.length;
  }

  /** Bytes of each row's bit vector: ceil(vectorSize / 8). */
  get rowBytes(): number {
    return bitVectorBytes(this.vectorSize);
  }

  /** The rows, oldest first. */
  get matrix(): readonly BloomFilter[] {
    return this._rows;
  }

  /** The nbHash bit positions Hadoop's HashFunction computes for the key bytes. */
  hashes(key: Uint8Array): number[] {
    return Array.from(this.hashFn.positions(key, this.scratch));
  }

  /** `DynamicBloomFilter.add` for serialized key bytes. */
  add(key: Uint8Array): void {
    const pos = this.hashFn.positions(key, this.scratch);
    if (this._currentNbRecord >= this.nr || this._rows.length === 0) {
      this._rows.push(new BloomFilter(this.vectorSize, this.nbHash, this.hashType));
      this._currentNbRecord = 0;
    }
    this._rows[this._rows.length - 1]!.setPositions(pos, this.nbHash);
    this._currentNbRecord = (this._currentNbRecord + 1) | 0;
  }

  /** `DynamicBloomFilter.membershipTest`: true if any row has all of the key's bits. */
  membershipTest(key: Uint8Array): boolean {
    const rows = this._rows;
    if (rows.length === 0) return false;
    const pos = this.hashFn.positions(key, this.scratch);
    for (let i = 0; i < rows.length; i++) {
      if (rows[i]!.hasPositions(pos, this.nbHash)) return true;
    }
    return false;
  }

  /** Serialized size in bytes. */
  get byteLength(): number {
    return DYNAMIC_BLOOM_HEADER_BYTES + this._rows.length * (FILTER_HEADER_BYTES + this.rowBytes);
  }

  /** The bytes Hadoop's `DynamicBloomFilter.write` produces (the `bloom` file). */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    let p = writeFilterHeader(view, 0, this.nbHash, this.hashType, this.vectorSize);
    view.setInt32(p, this.nr);
    view.setInt32(p + 4, this._currentNbRecord);
    view.setInt32(p + 8, this._rows.length);
    p += 12;
    for (const row of this._rows) p = row.write(out, p);
    return out;
  }

  /**
   * Parses a `bloom` file. All lengths are checked against the input before
   * anything is allocated; every row must repeat the outer header. Bits past
   * vectorSize in each row's last byte are ignored (dropped), as in Hadoop.
   * Throws CorruptFileError (TruncatedFileError when the input is too short).
   */
  static fromBytes(bytes: Uint8Array, file?: string): DynamicBloomFilter {
    if (bytes.length < DYNAMIC_BLOOM_HEADER_BYTES) {
      throw new TruncatedFileError(`bloom filter: ${bytes.length} bytes, header needs ${DYNAMIC_BLOOM_HEADER_BYTES}`, { file, offset: 0 });
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const h = readFilterHeader(view, 0, file);
    const nr = view.getInt32(FILTER_HEADER_BYTES);
    const current = view.getInt32(FILTER_HEADER_BYTES + 4);
    const rows = view.getInt32(FILTER_HEADER_BYTES + 8);
    if (rows < 0) {
      throw new CorruptFileError(`bloom filter: negative row count ${rows}`, { file, offset: FILTER_HEADER_BYTES + 8 });
    }
    const rowBytes = bitVectorBytes(h.vectorSize);
    const rowSize = FILTER_HEADER_BYTES + rowBytes;
    const expected = DYNAMIC_BLOOM_HEADER_BYTES + rows * rowSize;
    if (bytes.length < expected) {
      throw new TruncatedFileError(
        `bloom filter: ${rows} rows of ${h.vectorSize} bits need ${expected} bytes, have ${bytes.length}`,
        { file, offset: bytes.length },
      );
    }
    if (bytes.length > expected) {
      throw new CorruptFileError(`bloom filter: ${bytes.length - expected} unexpected bytes after ${rows} rows`, { file, offset: expected });
    }

    let dbf: DynamicBloomFilter;
    constructingFromBytes = true;
    try {
      dbf = new DynamicBloomFilter({ vectorSize: h.vectorSize, nbHash: h.nbHash, hashType: h.hashType, nr });
    } finally {
      constructingFromBytes = false;
    }
    dbf._currentNbRecord = current;
    let p = DYNAMIC_BLOOM_HEADER_BYTES;
    for (let r = 0; r < rows; r++) {
      const rh = readFilterHeader(view, p, file);
      if (rh.nbHash !== h.nbHash || rh.hashType !== h.hashType || rh.vectorSize !== h.vectorSize) {
        throw new CorruptFileError(
          `bloom filter: row ${r} header (nbHash ${rh.nbHash}, hashType ${rh.hashType}, vectorSize ${rh.vectorSize}) differs from the filter's`,
          { file, offset: p },
        );
      }
      const { filter, end } = BloomFilter.read(bytes, p, file);
      dbf._rows.push(filter);
      p = end;
    }
    return dbf;
  }
}
