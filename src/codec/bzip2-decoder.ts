import { CorruptFileError, LimitExceededError, TruncatedFileError, UnsupportedFormatError } from '../io/errors.js';

/**
 * A bzip2 decoder of our own. Native bindings decode faster but loop forever
 * on a truncated stream and grow their output without bound; this one stops
 * with a typed error on every malformed input, never produces more than
 * `maxOutput` bytes, checks every block CRC and the stream CRC, and decodes
 * concatenated streams (`BZh9…` `BZh9…`) as Hadoop's BZip2Codec does.
 */

const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const EOS_MAGIC_HI = 0x177245;
const EOS_MAGIC_LO = 0x385090;
const MAX_GROUPS = 6;
const MAX_ALPHA = 258;
const MAX_CODE_LEN = 20;
const GROUP_SIZE = 50;
const MAX_SELECTORS = 18002;

/** bzip2's CRC32: polynomial 0x04c11db7, most significant bit first. */
const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c;
  }
  return t;
})();

class BitReader {
  private buf = 0;
  private count = 0;
  constructor(
    private readonly input: Uint8Array,
    public pos: number,
  ) {}

  /** Up to 24 bits, most significant first. */
  bits(n: number): number {
    while (this.count < n) {
      if (this.pos >= this.input.length) throw new TruncatedFileError('bzip2 stream ends early');
      this.buf = (this.buf << 8) | this.input[this.pos++]!;
      this.count += 8;
    }
    this.count -= n;
    return (this.buf >>> this.count) & ((1 << n) - 1);
  }

  bit(): number {
    if (this.count === 0) {
      if (this.pos >= this.input.length) throw new TruncatedFileError('bzip2 stream ends early');
      this.buf = this.input[this.pos++]!;
      this.count = 8;
    }
    return (this.buf >>> --this.count) & 1;
  }

  /** Drop the bits left in the current byte (streams end byte-aligned). */
  alignToByte(): void {
    this.count -= this.count & 7;
  }

  atEnd(): boolean {
    return this.count === 0 && this.pos >= this.input.length;
  }
}

/** Canonical Huffman table in bzip2's limit/base/perm form. */
interface HuffTable {
  minLen: number;
  limit: Int32Array;
  base: Int32Array;
  perm: Int32Array;
}

function newTable(): HuffTable {
  return { minLen: 0, limit: new Int32Array(MAX_CODE_LEN + 2), base: new Int32Array(MAX_CODE_LEN + 2), perm: new Int32Array(MAX_ALPHA) };
}

/** Work areas reused by every block: a RECORD file decodes one tiny stream per value. */
const scratch = {
  seqToUnseq: new Uint8Array(256),
  selectors: new Uint8Array(MAX_SELECTORS),
  lengths: new Uint8Array(MAX_ALPHA),
  tables: Array.from({ length: MAX_GROUPS }, newTable),
  count: new Int32Array(MAX_CODE_LEN + 2),
  mtf: new Uint8Array(256),
  unzftab: new Int32Array(256),
  cftab: new Int32Array(256),
};

function buildTable(t: HuffTable, lengths: Uint8Array, alphaSize: number): HuffTable {
  let minLen = 32;
  let maxLen = 0;
  for (let i = 0; i < alphaSize; i++) {
    const l = lengths[i]!;
    if (l > maxLen) maxLen = l;
    if (l < minLen) minLen = l;
  }
  const { perm, limit, base } = t;
  let pp = 0;
  for (let len = minLen; len <= maxLen; len++) {
    for (let s = 0; s < alphaSize; s++) if (lengths[s] === len) perm[pp++] = s;
  }
  const count = scratch.count.fill(0);
  for (let s = 0; s < alphaSize; s++) count[lengths[s]!]++;
  limit.fill(-1);
  let code = 0;
  let index = 0;
  for (let len = 1; len <= MAX_CODE_LEN; len++) {
    // Codes of this length run from `code` to code + count - 1; perm index = code - base.
    base[len] = code - index;
    code += count[len]!;
    index += count[len]!;
    limit[len] = code - 1;
    code <<= 1;
  }
  t.minLen = minLen;
  return t;
}

class OutputBuffer {
  buf: Uint8Array;
  length = 0;
  constructor(
    initial: number,
    private readonly max: number,
  ) {
    this.buf = new Uint8Array(Math.max(64, Math.min(initial, max + 1)));
  }

  /** Make room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.length) return;
    if (need > this.max) throw new LimitExceededError(`bzip2 data exceeds the limit of ${this.max} bytes`);
    const next = new Uint8Array(Math.min(Math.max(need, this.buf.length * 2), this.max));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
}

/** The BWT work area (up to 900k words), kept between calls: RECORD files decode one small stream per value. */
let sharedTt = new Int32Array(0);

/** Decode one or more concatenated bzip2 streams. */
export function bzip2Decompress(input: Uint8Array, maxOutput: number): Uint8Array {
  const out = new OutputBuffer(input.length * 4, maxOutput);
  const r = new BitReader(input, 0);
  while (!r.atEnd()) {
    const start = r.pos;
    decodeStream(r, out);
    if (r.pos === start) break;
  }
  return out.buf.subarray(0, out.length);
}

function decodeStream(r: BitReader, out: OutputBuffer): void {
  if (r.bits(8) !== 0x42 || r.bits(8) !== 0x5a || r.bits(8) !== 0x68) throw new CorruptFileError('not a bzip2 stream (no BZh)');
  const level = r.bits(8) - 0x30;
  if (level < 1 || level > 9) throw new CorruptFileError(`bad bzip2 block size '${level}'`);
  const maxBlock = level * 100000;
  if (sharedTt.length < maxBlock) sharedTt = new Int32Array(maxBlock);
  let combinedCrc = 0;
  for (;;) {
    const hi = r.bits(24);
    const lo = r.bits(24);
    if (hi === EOS_MAGIC_HI && lo === EOS_MAGIC_LO) {
      const storedCrc = (r.bits(16) << 16) | r.bits(16);
      if (storedCrc !== combinedCrc) throw new CorruptFileError('bzip2 stream CRC mismatch');
      r.alignToByte();
      return;
    }
    if (hi !== BLOCK_MAGIC_HI || lo !== BLOCK_MAGIC_LO) throw new CorruptFileError('bad bzip2 block magic');
    const storedCrc = (r.bits(16) << 16) | r.bits(16);
    const crc = decodeBlock(r, out, sharedTt, maxBlock);
    if (crc !== storedCrc) throw new CorruptFileError('bzip2 block CRC mismatch');
    combinedCrc = ((combinedCrc << 1) | (combinedCrc >>> 31)) ^ crc;
  }
}

/** Decode one block into `out`; returns its CRC. */
function decodeBlock(r: BitReader, out: OutputBuffer, tt: Int32Array, maxBlock: number): number {
  if (r.bit()) throw new UnsupportedFormatError('randomised bzip2 blocks (bzip2 < 0.9.5) are not supported');
  const origPtr = r.bits(24);

  // Symbol map: which byte values occur in the block.
  const seqToUnseq = scratch.seqToUnseq;
  let nInUse = 0;
  const used16 = r.bits(16);
  for (let i = 0; i < 16; i++) {
    if (!(used16 & (0x8000 >>> i))) continue;
    const bitsUsed = r.bits(16);
    for (let j = 0; j < 16; j++) if (bitsUsed & (0x8000 >>> j)) seqToUnseq[nInUse++] = i * 16 + j;
  }
  if (nInUse === 0) throw new CorruptFileError('bzip2 block uses no symbols');
  const alphaSize = nInUse + 2;

  const nGroups = r.bits(3);
  if (nGroups < 2 || nGroups > MAX_GROUPS) throw new CorruptFileError(`bad bzip2 Huffman group count ${nGroups}`);
  const nSelectors = r.bits(15);
  if (nSelectors < 1) throw new CorruptFileError('bzip2 block has no selectors');
  const selectors = scratch.selectors;
  const selectorCount = Math.min(nSelectors, MAX_SELECTORS);
  const mtfGroups = [0, 1, 2, 3, 4, 5];
  for (let i = 0; i < nSelectors; i++) {
    let j = 0;
    while (r.bit()) if (++j >= nGroups) throw new CorruptFileError('bad bzip2 selector');
    const v = mtfGroups[j]!;
    for (; j > 0; j--) mtfGroups[j] = mtfGroups[j - 1]!;
    mtfGroups[0] = v;
    if (i < MAX_SELECTORS) selectors[i] = v;
  }

  const tables = scratch.tables;
  const lengths = scratch.lengths;
  for (let g = 0; g < nGroups; g++) {
    let len = r.bits(5);
    for (let s = 0; s < alphaSize; s++) {
      for (;;) {
        if (len < 1 || len > MAX_CODE_LEN) throw new CorruptFileError('bad bzip2 code length');
        if (!r.bit()) break;
        len += r.bit() ? -1 : 1;
      }
      lengths[s] = len;
    }
    buildTable(tables[g]!, lengths, alphaSize);
  }

  // Huffman + MTF + RUNA/RUNB decoding into tt (low 8 bits = byte).
  const mtf = scratch.mtf;
  for (let i = 0; i < 256; i++) mtf[i] = i;
  const unzftab = scratch.unzftab.fill(0);
  const eob = nInUse + 1;
  let count = 0;
  let groupIndex = -1;
  let groupLeft = 0;
  let table = tables[0]!;
  let runLength = 0;
  let runWeight = 1;
  for (;;) {
    if (groupLeft === 0) {
      if (++groupIndex >= selectorCount) throw new CorruptFileError('bzip2 block runs past its selectors');
      table = tables[selectors[groupIndex]!]!;
      groupLeft = GROUP_SIZE;
    }
    groupLeft--;
    let n = table.minLen;
    let code = r.bits(n);
    while (code > table.limit[n]!) {
      if (++n > MAX_CODE_LEN) throw new CorruptFileError('bad bzip2 Huffman code');
      code = (code << 1) | r.bit();
    }
    const idx = code - table.base[n]!;
    if (idx < 0 || idx >= alphaSize) throw new CorruptFileError('bad bzip2 Huffman code');
    const sym = table.perm[idx]!;
    if (sym <= 1) {
      // RUNA (1) / RUNB (2) digits of a bijective base-2 run length of the front byte.
      runLength += (sym + 1) * runWeight;
      runWeight <<= 1;
      if (runLength > maxBlock) throw new CorruptFileError('bzip2 run exceeds the block size');
      continue;
    }
    if (runLength > 0) {
      if (count + runLength > maxBlock) throw new CorruptFileError('bzip2 block exceeds its declared size');
      const b = seqToUnseq[mtf[0]!]!;
      unzftab[b] += runLength;
      tt.fill(b, count, count + runLength);
      count += runLength;
      runLength = 0;
      runWeight = 1;
    }
    if (sym === eob) break;
    if (count >= maxBlock) throw new CorruptFileError('bzip2 block exceeds its declared size');
    // Move-to-front: symbol k (>= 2) is position k - 1.
    let k = sym - 1;
    const v = mtf[k]!;
    for (; k > 0; k--) mtf[k] = mtf[k - 1]!;
    mtf[0] = v;
    const b = seqToUnseq[v]!;
    unzftab[b]++;
    tt[count++] = b;
  }
  if (origPtr >= count) throw new CorruptFileError('bzip2 origPtr outside the block');

  // Inverse BWT: link each position to its successor in the high 24 bits.
  const cftab = scratch.cftab;
  for (let i = 0, sum = 0; i < 256; i++) {
    cftab[i] = sum;
    sum += unzftab[i]!;
  }
  for (let i = 0; i < count; i++) {
    const b = tt[i]! & 0xff;
    tt[cftab[b]!]! |= i << 8;
    cftab[b]++;
  }

  return emitBlock(tt, origPtr, count, out);
}

/**
 * Walk the BWT chain from origPtr, undoing the initial run-length step (4
 * equal bytes + a count), into `out`; returns the block CRC. Kept apart from
 * decodeBlock so V8 optimises this hot loop on its own.
 */
function emitBlock(tt: Int32Array, origPtr: number, count: number, out: OutputBuffer): number {
  let crc = -1;
  let pos = tt[origPtr]! >>> 8;
  let last = -1;
  let same = 0;
  out.reserve(count);
  let buf = out.buf;
  let o = out.length;
  for (let i = 0; i < count; i++) {
    const w = tt[pos]!;
    const b = w & 0xff;
    pos = w >>> 8;
    if (same === 4) {
      if (b > 0) {
        out.length = o;
        out.reserve(b + (count - i));
        buf = out.buf;
        for (let k = 0; k < b; k++) {
          buf[o++] = last;
          crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ last) & 0xff]!;
        }
      }
      same = 0;
      last = -1;
      continue;
    }
    same = b === last ? same + 1 : 1;
    last = b;
    buf[o++] = b;
    crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!;
  }
  out.length = o;
  return ~crc;
}
