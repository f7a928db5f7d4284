/**
 * Hadoop ChecksumFileSystem (LocalFileSystem) side files.
 *
 * For a data file `dir/NAME`, Hadoop keeps `dir/.NAME.crc`:
 *
 *   bytes 0..3  'c' 'r' 'c' 0
 *   bytes 4..7  bytesPerChecksum, int32 big-endian (`file.bytes-per-checksum`, default 512)
 *   then        one CRC32 (the zlib / java.util.zip.CRC32 polynomial), uint32 big-endian,
 *               per bytesPerChecksum-sized chunk of the data; the last chunk may be shorter.
 *
 * So the side file is `8 + 4 * ceil(dataLength / bytesPerChecksum)` bytes long.
 */
import * as zlib from 'node:zlib';
import { CorruptFileError, UsageError } from './errors.js';

/** The four bytes a checksum file starts with. */
export const CHECKSUM_MAGIC: readonly number[] = Object.freeze([0x63, 0x72, 0x63, 0x00]);
/** Magic plus the bytesPerChecksum int. */
export const CHECKSUM_HEADER_LENGTH = 8;
/** Size of one stored checksum. */
export const CHECKSUM_SIZE = 4;
/** Hadoop's `file.bytes-per-checksum` default. */
export const DEFAULT_BYTES_PER_CHECKSUM = 512;
/** Largest bytesPerChecksum we accept, from a file or an option (a forged value must not make us read huge chunks). */
export const MAX_BYTES_PER_CHECKSUM = 16 * 1024 * 1024;

/** A data chunk does not match its stored CRC32. `offset` is the start of the bad chunk in the data file. */
export class ChecksumError extends CorruptFileError {
  override name = 'ChecksumError';
  /** The `.crc` file the expected value came from, when known. */
  readonly checksumFile: string | undefined;
  /** Index of the bad chunk (offset / bytesPerChecksum). */
  readonly chunk: number;
  /** CRC32 stored in the checksum file. */
  readonly expected: number;
  /** CRC32 of the data read; undefined when the chunk could not be read in full. */
  readonly actual: number | undefined;

  constructor(
    reason: string,
    opts: { file?: string; offset?: number; checksumFile?: string; chunk: number; expected: number; actual?: number; cause?: unknown },
  ) {
    super(reason, opts);
    this.checksumFile = opts.checksumFile;
    this.chunk = opts.chunk;
    this.expected = opts.expected;
    this.actual = opts.actual;
  }
}

// ---------------------------------------------------------------------------
// CRC32

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** Table-driven CRC32 (used when node:zlib has no crc32, i.e. Node < 20.15). */
export function crc32Fallback(data: Uint8Array, value = 0): number {
  const t = crcTable();
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC32 (zlib, java.util.zip.CRC32) of `data`, continuing from `value` (the CRC of the preceding bytes). */
export const crc32: (data: Uint8Array, value?: number) => number =
  typeof nativeCrc32 === 'function' ? (data, value = 0) => nativeCrc32(data, value) >>> 0 : crc32Fallback;

/**
 * CRC32 is linear: crc(A ‖ B) = Z(crc(A)) ^ crc(B), where Z is the (linear)
 * effect of running |B| zero bytes through the raw CRC register. For a fixed
 * |B| (the chunk size), Z is a 32×32 matrix over GF(2), applied here as four
 * 256-entry tables. This lets a verifier check a run of chunks with one native
 * CRC over the run plus four lookups per stored CRC, instead of one CRC call
 * per chunk.
 */
const shiftTables = new Map<number, Uint32Array>();

function matTimes(mat: Uint32Array, vec: number): number {
  let sum = 0;
  for (let i = 0; vec !== 0; i++, vec >>>= 1) if (vec & 1) sum ^= mat[i]!;
  return sum >>> 0;
}

/** Composition: (a ∘ b)(v) = a(b(v)). */
function matCompose(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(32);
  for (let j = 0; j < 32; j++) out[j] = matTimes(a, b[j]!);
  return out;
}

/** Tables for Z over `n` zero bytes: Z(v) = t[v & 255] ^ t[256 + (v >>> 8 & 255)] ^ t[512 + ...] ^ t[768 + (v >>> 24)]. */
function shiftTable(n: number): Uint32Array {
  let t = shiftTables.get(n);
  if (t) return t;
  const ct = crcTable();
  let step: Uint32Array = new Uint32Array(32); // one zero byte
  for (let j = 0; j < 32; j++) {
    const c = (1 << j) >>> 0;
    step[j] = (ct[c & 0xff]! ^ (c >>> 8)) >>> 0;
  }
  let acc: Uint32Array | undefined;
  for (let k = n; k > 0; k >>>= 1) {
    if (k & 1) acc = acc ? matCompose(step, acc) : step;
    if (k > 1) step = matCompose(step, step);
  }
  t = new Uint32Array(1024);
  for (let k = 0; k < 4; k++) for (let b = 0; b < 256; b++) t[k * 256 + b] = acc ? matTimes(acc, (b << (8 * k)) >>> 0) : (b << (8 * k)) >>> 0;
  if (shiftTables.size > 16) shiftTables.clear();
  shiftTables.set(n, t);
  return t;
}

/** crc(A ‖ B) from crc(A), crc(B) and |B| (zlib's crc32_combine). */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  const t = shiftTable(lengthB);
  return (t[crcA & 0xff]! ^ t[256 + ((crcA >>> 8) & 0xff)]! ^ t[512 + ((crcA >>> 16) & 0xff)]! ^ t[768 + (crcA >>> 24)]! ^ crcB) >>> 0;
}

// ---------------------------------------------------------------------------
// Paths, lengths, header

/** `dir/NAME` → `dir/.NAME.crc` (Hadoop's `ChecksumFileSystem.getChecksumFile`). The directory part is kept as given. */
export function checksumPathFor(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), process.platform === 'win32' ? path.lastIndexOf('\\') : -1);
  const name = path.slice(cut + 1);
  if (name === '' || name === '.' || name === '..') throw new UsageError(`no file name in ${JSON.stringify(path)}`, { file: path });
  return `${path.slice(0, cut + 1)}.${name}.crc`;
}

/** True when a path's last component looks like a checksum file (`.X.crc`). */
export function isChecksumPath(path: string): boolean {
  const cut = Math.max(path.lastIndexOf('/'), process.platform === 'win32' ? path.lastIndexOf('\\') : -1);
  const name = path.slice(cut + 1);
  return name.startsWith('.') && name.endsWith('.crc');
}

/** Length of the checksum file for `dataLength` bytes of data. */
export function checksumFileLength(dataLength: number, bytesPerChecksum = DEFAULT_BYTES_PER_CHECKSUM): number {
  return CHECKSUM_HEADER_LENGTH + CHECKSUM_SIZE * Math.ceil(dataLength / bytesPerChecksum);
}

/** Throws UsageError unless `n` is a usable bytesPerChecksum. */
export function checkBytesPerChecksum(n: number): number {
  if (!Number.isSafeInteger(n) || n <= 0 || n > MAX_BYTES_PER_CHECKSUM) {
    throw new UsageError(`bytesPerChecksum must be an integer in 1..${MAX_BYTES_PER_CHECKSUM}, got ${String(n)}`);
  }
  return n;
}

/** The 8-byte header: magic and bytesPerChecksum. */
export function encodeChecksumHeader(bytesPerChecksum = DEFAULT_BYTES_PER_CHECKSUM): Uint8Array {
  checkBytesPerChecksum(bytesPerChecksum);
  const h = new Uint8Array(CHECKSUM_HEADER_LENGTH);
  h.set(CHECKSUM_MAGIC, 0);
  new DataView(h.buffer).setInt32(4, bytesPerChecksum, false);
  return h;
}

export interface ChecksumHeader {
  bytesPerChecksum: number;
}

/**
 * Parse the first 8 bytes of a checksum file. Throws CorruptFileError naming
 * `checksumFile` on a short header, bad magic, or a bytesPerChecksum that is
 * not in 1..MAX_BYTES_PER_CHECKSUM.
 */
export function parseChecksumHeader(bytes: Uint8Array, checksumFile?: string): ChecksumHeader {
  const at = checksumFile === undefined ? {} : { file: checksumFile };
  if (bytes.length < CHECKSUM_HEADER_LENGTH) {
    throw new CorruptFileError(`checksum file header is ${bytes.length} bytes, expected ${CHECKSUM_HEADER_LENGTH}`, { ...at, offset: 0 });
  }
  for (let i = 0; i < CHECKSUM_MAGIC.length; i++) {
    if (bytes[i] !== CHECKSUM_MAGIC[i]) throw new CorruptFileError('not a checksum file (bad magic)', { ...at, offset: 0 });
  }
  const bytesPerChecksum = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(4, false);
  if (bytesPerChecksum <= 0 || bytesPerChecksum > MAX_BYTES_PER_CHECKSUM) {
    throw new CorruptFileError(`bad bytesPerChecksum ${bytesPerChecksum} (must be 1..${MAX_BYTES_PER_CHECKSUM})`, { ...at, offset: 4 });
  }
  return { bytesPerChecksum };
}

/** Throws CorruptFileError naming `checksumFile` unless its length fits `dataLength` bytes of data. */
export function checkChecksumFileLength(crcLength: number, dataLength: number, bytesPerChecksum: number, checksumFile?: string): void {
  const want = checksumFileLength(dataLength, bytesPerChecksum);
  if (crcLength !== want) {
    throw new CorruptFileError(
      `checksum file is ${crcLength} bytes, expected ${want} for ${dataLength} bytes of data at ${bytesPerChecksum} bytes per checksum`,
      checksumFile === undefined ? {} : { file: checksumFile },
    );
  }
}

function putUint32BE(into: Uint8Array, at: number, v: number): void {
  into[at] = v >>> 24;
  into[at + 1] = (v >>> 16) & 0xff;
  into[at + 2] = (v >>> 8) & 0xff;
  into[at + 3] = v & 0xff;
}

function getUint32BE(from: Uint8Array, at: number): number {
  return ((from[at]! << 24) | (from[at + 1]! << 16) | (from[at + 2]! << 8) | from[at + 3]!) >>> 0;
}

// ---------------------------------------------------------------------------
// Writing

/**
 * Computes checksum-file bytes incrementally. Feed data of any size with
 * `update`; each call returns the CRCs of the chunks it completed. The partial
 * last chunk is kept as a running CRC (no bytes are copied) and comes out of
 * `finish` (or, provisionally, `pending`).
 */
export class ChecksumWriter {
  readonly bytesPerChecksum: number;
  private total = 0;
  /** Bytes in the current partial chunk. */
  private partialLen = 0;
  /** Running CRC of the current partial chunk. */
  private partialCrc = 0;
  private finished = false;

  constructor(bytesPerChecksum = DEFAULT_BYTES_PER_CHECKSUM) {
    this.bytesPerChecksum = checkBytesPerChecksum(bytesPerChecksum);
  }

  /**
   * Continue a checksum file whose data is `dataLength` bytes long, given the
   * data's last partial chunk (`dataLength % bytesPerChecksum` bytes, empty
   * when the data ends on a chunk boundary). The CRCs of the full chunks are
   * already in the file; the partial chunk's CRC is recomputed, so the caller
   * must cut the file to `checksumFileLength(dataLength - tail.length)`.
   */
  static resume(bytesPerChecksum: number, dataLength: number, tail: Uint8Array): ChecksumWriter {
    const w = new ChecksumWriter(bytesPerChecksum);
    if (tail.length !== dataLength % w.bytesPerChecksum) {
      throw new UsageError(`resume needs the last ${dataLength % w.bytesPerChecksum} bytes of the data, got ${tail.length}`);
    }
    w.total = dataLength - tail.length;
    w.update(tail);
    return w;
  }

  /** The 8-byte header for this writer's chunk size. */
  header(): Uint8Array {
    return encodeChecksumHeader(this.bytesPerChecksum);
  }

  /** Data bytes fed so far. */
  get dataLength(): number {
    return this.total;
  }

  /** Bytes of the checksum file covering the full chunks fed so far (header included). */
  get completedLength(): number {
    return CHECKSUM_HEADER_LENGTH + CHECKSUM_SIZE * Math.floor(this.total / this.bytesPerChecksum);
  }

  /** Feed data; returns the 4-byte CRCs of the chunks completed by it (possibly none). */
  update(data: Uint8Array): Uint8Array {
    if (this.finished) throw new UsageError('ChecksumWriter already finished');
    const bpc = this.bytesPerChecksum;
    const n = data.length;
    if (n === 0) return new Uint8Array(0);
    const completes = Math.floor((this.partialLen + n) / bpc);
    const out = new Uint8Array(completes * CHECKSUM_SIZE);
    let i = 0;
    let o = 0;
    if (this.partialLen > 0) {
      const take = Math.min(bpc - this.partialLen, n);
      this.partialCrc = crc32(data.subarray(0, take), this.partialCrc);
      this.partialLen += take;
      i = take;
      if (this.partialLen === bpc) {
        putUint32BE(out, o, this.partialCrc);
        o += CHECKSUM_SIZE;
        this.partialLen = 0;
        this.partialCrc = 0;
      }
    }
    while (n - i >= bpc) {
      putUint32BE(out, o, crc32(data.subarray(i, i + bpc)));
      o += CHECKSUM_SIZE;
      i += bpc;
    }
    if (i < n) {
      this.partialCrc = crc32(data.subarray(i), this.partialCrc);
      this.partialLen += n - i;
    }
    this.total += n;
    return out;
  }

  /** CRC of the current partial chunk (4 bytes), or nothing on a chunk boundary. Does not change the state. */
  pending(): Uint8Array {
    if (this.partialLen === 0) return new Uint8Array(0);
    const out = new Uint8Array(CHECKSUM_SIZE);
    putUint32BE(out, 0, this.partialCrc);
    return out;
  }

  /** End of data: the partial chunk's CRC (4 bytes), or nothing. No more updates after this. */
  finish(): Uint8Array {
    const out = this.pending();
    this.finished = true;
    return out;
  }
}

/** The complete checksum file (header included) for data given whole or as chunks. */
export function computeChecksumFile(data: Uint8Array | Iterable<Uint8Array>, bytesPerChecksum = DEFAULT_BYTES_PER_CHECKSUM): Uint8Array {
  const w = new ChecksumWriter(bytesPerChecksum);
  const parts: Uint8Array[] = [w.header()];
  for (const chunk of data instanceof Uint8Array ? [data] : data) parts.push(w.update(chunk));
  parts.push(w.finish());
  const out = new Uint8Array(checksumFileLength(w.dataLength, bytesPerChecksum));
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Verifying

/** Sorted, merged, disjoint half-open ranges of chunk indexes. */
class ChunkRanges {
  private starts: number[] = [];
  private ends: number[] = [];

  /** Index of the last range starting at or before `i`, or -1. */
  private find(i: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= i) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  has(i: number): boolean {
    const k = this.find(i);
    return k >= 0 && i < this.ends[k]!;
  }

  /** True when every chunk in [a, b) is in the set. */
  covers(a: number, b: number): boolean {
    const k = this.find(a);
    return k >= 0 && b <= this.ends[k]!;
  }

  /** First index >= i not in the set. */
  nextMissing(i: number): number {
    const k = this.find(i);
    return k >= 0 && i < this.ends[k]! ? this.ends[k]! : i;
  }

  /** First index >= i in the set (Infinity if none); `i` itself must not be in the set. */
  nextPresent(i: number): number {
    const k = this.find(i) + 1;
    return k < this.starts.length ? this.starts[k]! : Number.POSITIVE_INFINITY;
  }

  /** Add [a, b), merging with neighbours. */
  add(a: number, b: number): void {
    if (a >= b) return;
    let k = this.find(a);
    // merge with a range that ends at or after a
    if (k >= 0 && this.ends[k]! >= a) {
      a = this.starts[k]!;
      b = Math.max(b, this.ends[k]!);
    } else {
      k += 1; // insertion point
    }
    let j = k;
    while (j < this.starts.length && this.starts[j]! <= b) {
      b = Math.max(b, this.ends[j]!);
      j++;
    }
    this.starts.splice(k, j - k, a);
    this.ends.splice(k, j - k, b);
  }

  get count(): number {
    return this.starts.length;
  }
}

/** Reads `length` bytes of the data at `position` into `into[offset..]`; resolves to the count (short only at the end). */
export type PositionedRead = (position: number, into: Uint8Array, offset: number, length: number) => Promise<number>;

export interface ChecksumVerifierOptions {
  /** Data file name for ChecksumError. */
  file?: string;
  /** Checksum file name for CorruptFileError / ChecksumError. */
  checksumFile?: string;
}

/**
 * Verifies data against a checksum file. Reads go through `read`, which
 * widens each request to whole chunks, checks every chunk not checked before,
 * and remembers the verified chunk ranges, so a chunk is checked once however
 * often it is read (sequential reading costs one CRC pass over the data).
 *
 * Build it from the complete `.crc` bytes (constructor) or from an open
 * `.crc` file read on demand (`ChecksumVerifier.lazy`), which keeps memory
 * flat for huge files.
 */
export class ChecksumVerifier {
  readonly bytesPerChecksum: number;
  readonly dataLength: number;
  readonly chunkCount: number;
  readonly file: string | undefined;
  readonly checksumFile: string | undefined;
  private readonly verified = new ChunkRanges();
  private scratch = new Uint8Array(0);
  private scratchBusy = false;
  /** The whole checksum file in memory, or a reader over it. */
  private readonly sums: Uint8Array | LazySums;

  /**
   * @param crc the whole checksum file, header included
   * @param dataLength the data file's length
   * Throws CorruptFileError (naming the checksum file) when the header is bad
   * or the length does not fit `dataLength`.
   */
  constructor(crc: Uint8Array, dataLength: number, opts?: ChecksumVerifierOptions);
  constructor(crc: Uint8Array | LazySums, dataLength: number, opts: ChecksumVerifierOptions = {}) {
    this.file = opts.file;
    this.checksumFile = opts.checksumFile;
    this.dataLength = dataLength;
    if (crc instanceof Uint8Array) {
      this.bytesPerChecksum = parseChecksumHeader(crc, opts.checksumFile).bytesPerChecksum;
      checkChecksumFileLength(crc.length, dataLength, this.bytesPerChecksum, opts.checksumFile);
      this.sums = crc;
    } else {
      this.bytesPerChecksum = crc.bytesPerChecksum;
      this.sums = crc;
    }
    this.chunkCount = Math.ceil(dataLength / this.bytesPerChecksum);
  }

  /**
   * A verifier reading CRCs from the checksum file on demand (one extra
   * positioned read per batch of not-yet-verified chunks).
   * `readChecksumFile` reads the checksum file; `checksumFileLen` is its size.
   */
  static async lazy(
    readChecksumFile: PositionedRead,
    checksumFileLen: number,
    dataLength: number,
    opts: ChecksumVerifierOptions = {},
  ): Promise<ChecksumVerifier> {
    const head = new Uint8Array(CHECKSUM_HEADER_LENGTH);
    const n = await readChecksumFile(0, head, 0, head.length);
    const { bytesPerChecksum } = parseChecksumHeader(head.subarray(0, n), opts.checksumFile);
    checkChecksumFileLength(checksumFileLen, dataLength, bytesPerChecksum, opts.checksumFile);
    const sums: LazySums = { bytesPerChecksum, read: readChecksumFile };
    return new (ChecksumVerifier as unknown as new (s: LazySums, d: number, o: ChecksumVerifierOptions) => ChecksumVerifier)(
      sums,
      dataLength,
      opts,
    );
  }

  /** True when every chunk overlapping [position, position + length) has been verified. */
  isVerified(position: number, length: number): boolean {
    const end = Math.min(position + length, this.dataLength);
    if (end <= position) return true;
    return this.verified.covers(Math.floor(position / this.bytesPerChecksum), Math.floor((end - 1) / this.bytesPerChecksum) + 1);
  }

  /** Number of disjoint verified ranges kept (for tests and diagnostics). */
  get verifiedRangeCount(): number {
    return this.verified.count;
  }

  /** The stored CRCs of chunks [first, first + count), 4 bytes each. */
  private async sumsFor(first: number, count: number): Promise<Uint8Array> {
    const at = CHECKSUM_HEADER_LENGTH + CHECKSUM_SIZE * first;
    const len = CHECKSUM_SIZE * count;
    if (this.sums instanceof Uint8Array) return this.sums.subarray(at, at + len);
    const out = new Uint8Array(len);
    const n = await this.sums.read(at, out, 0, len);
    if (n < len) {
      throw new CorruptFileError(`checksum file ended early (read ${n} of ${len} bytes)`, {
        ...(this.checksumFile === undefined ? {} : { file: this.checksumFile }),
        offset: at + n,
      });
    }
    return out;
  }

  private checkChunk(chunk: number, data: Uint8Array, sums: Uint8Array, sumAt: number): void {
    const expected = getUint32BE(sums, sumAt);
    const start = chunk * this.bytesPerChecksum;
    const want = Math.min(this.bytesPerChecksum, this.dataLength - start);
    if (data.length < want) {
      throw new ChecksumError(`checksum error: chunk at byte ${start} could not be read in full (${data.length} of ${want} bytes)`, {
        ...this.names(),
        offset: start,
        chunk,
        expected,
      });
    }
    const actual = crc32(data);
    if (actual !== expected) {
      throw new ChecksumError(
        `checksum error: chunk at byte ${start} has CRC32 ${hex(actual)}, ${this.checksumFile ?? 'the checksum file'} says ${hex(expected)}`,
        { ...this.names(), offset: start, chunk, expected, actual },
      );
    }
  }

  /**
   * Check chunks [c0, c0 + count), whose bytes start at data[0]. Runs of two or
   * more full chunks are checked in one pass (one CRC over the run against
   * the stored CRCs combined); only on a mismatch is each chunk checked alone
   * to find the bad one.
   */
  private checkRun(c0: number, count: number, data: Uint8Array, sums: Uint8Array, sumAt: number): void {
    const bpc = this.bytesPerChecksum;
    const runEnd = Math.min((c0 + count) * bpc, this.dataLength);
    if (data.length === runEnd - c0 * bpc) {
      const full = Math.floor(data.length / bpc);
      if (full >= 2) {
        const t = shiftTable(bpc);
        let acc = getUint32BE(sums, sumAt);
        for (let i = 1; i < full; i++) {
          acc = (t[acc & 0xff]! ^ t[256 + ((acc >>> 8) & 0xff)]! ^ t[512 + ((acc >>> 16) & 0xff)]! ^ t[768 + (acc >>> 24)]! ^ getUint32BE(sums, sumAt + i * CHECKSUM_SIZE)) >>> 0;
        }
        if (crc32(data.subarray(0, full * bpc)) === acc) {
          if (full < count) this.checkChunk(c0 + full, data.subarray(full * bpc), sums, sumAt + full * CHECKSUM_SIZE);
          return;
        }
      }
    }
    for (let i = 0; i < count; i++) {
      this.checkChunk(c0 + i, data.subarray(Math.min(i * bpc, data.length), Math.min((i + 1) * bpc, data.length)), sums, sumAt + i * CHECKSUM_SIZE);
    }
  }

  private names(): { file?: string; checksumFile?: string } {
    return {
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(this.checksumFile === undefined ? {} : { checksumFile: this.checksumFile }),
    };
  }

  /**
   * Verify `data`, which holds the data file's bytes from `position` (a chunk
   * boundary) on, whole chunks only except for the data's last chunk. Every
   * chunk in it is checked and then remembered as verified.
   */
  async verify(position: number, data: Uint8Array): Promise<void> {
    const bpc = this.bytesPerChecksum;
    if (position % bpc !== 0) throw new UsageError(`verify needs a chunk-aligned position, got ${position}`);
    const end = position + data.length;
    if (end > this.dataLength) throw new UsageError(`verify past the end of the data (${end} > ${this.dataLength})`);
    if (end !== this.dataLength && end % bpc !== 0) throw new UsageError(`verify needs whole chunks, got ${data.length} bytes at ${position}`);
    if (data.length === 0) return;
    const first = position / bpc;
    const stop = Math.ceil(end / bpc);
    const sums = await this.sumsFor(first, stop - first);
    this.checkRun(first, stop - first, data, sums, 0);
    this.verified.add(first, stop);
  }

  /**
   * Positioned read through `readData` (the raw data file), verified: chunks
   * overlapping the request that were not verified before are read in full
   * and checked first. Reads stop at `dataLength` (the length the checksum
   * file describes). Throws ChecksumError on a mismatch.
   */
  async read(position: number, into: Uint8Array, offset: number, length: number, readData: PositionedRead): Promise<number> {
    const size = this.dataLength;
    const end = Math.min(position + length, size);
    if (length <= 0 || position >= size) return 0;
    const bpc = this.bytesPerChecksum;
    const first = Math.floor(position / bpc);
    const stop = Math.floor((end - 1) / bpc) + 1; // chunks [first, stop)
    if (this.verified.covers(first, stop)) return readData(position, into, offset, end - position);

    // widen to whole chunks at the ends that are not verified yet
    const spanStart = this.verified.has(first) ? position : first * bpc;
    const spanEnd = this.verified.has(stop - 1) ? end : Math.min(stop * bpc, size);
    const direct = spanStart === position && spanEnd === end;
    const spanLen = spanEnd - spanStart;
    let buf: Uint8Array;
    let borrowed = false;
    if (direct) {
      buf = into.subarray(offset, offset + spanLen);
    } else if (!this.scratchBusy) {
      if (this.scratch.length < spanLen) this.scratch = new Uint8Array(Math.max(spanLen, this.scratch.length * 2));
      buf = this.scratch.subarray(0, spanLen);
      this.scratchBusy = borrowed = true;
    } else {
      buf = new Uint8Array(spanLen); // a concurrent read holds the scratch buffer
    }
    try {
      const got = await readData(spanStart, buf, 0, spanLen);
      const sums = await this.sumsFor(first, stop - first);
      // every unverified chunk in [first, stop) lies wholly inside the span
      for (let c = this.verified.nextMissing(first); c < stop; c = this.verified.nextMissing(c)) {
        const e = Math.min(this.verified.nextPresent(c), stop);
        const from = c * bpc - spanStart;
        const to = Math.min(Math.min(e * bpc, size) - spanStart, got);
        this.checkRun(c, e - c, buf.subarray(Math.min(from, to), to), sums, (c - first) * CHECKSUM_SIZE);
        this.verified.add(c, e);
      }
      const n = Math.max(0, Math.min(got - (position - spanStart), end - position));
      if (!direct) into.set(buf.subarray(position - spanStart, position - spanStart + n), offset);
      return n;
    } finally {
      if (borrowed) this.scratchBusy = false;
    }
  }
}

interface LazySums {
  bytesPerChecksum: number;
  read: PositionedRead;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/**
 * Verify a whole data file held in memory against its checksum file bytes.
 * Throws CorruptFileError for a malformed checksum file, ChecksumError for
 * the first bad chunk.
 */
export async function verifyChecksumFile(data: Uint8Array, crc: Uint8Array, opts: ChecksumVerifierOptions = {}): Promise<void> {
  await new ChecksumVerifier(crc, data.length, opts).verify(0, data);
}
