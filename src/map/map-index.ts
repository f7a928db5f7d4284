import { CorruptFileError, LimitExceededError } from '../io/errors.js';
import { resolveLimits } from '../io/limits.js';
import { SequenceFileReader, type SequenceFileReaderOptions } from '../seq/reader.js';
import type { RawComparator } from './key-order.js';
import { LONG_WRITABLE } from './map-files.js';

export interface MapIndexLoadOptions extends SequenceFileReaderOptions {
  /** The data file's (resolved) key class: the index must use the same one. */
  keyClassName: string;
  /** Data file length: every indexed position must fall inside it. */
  dataLength: number;
  /** First record offset in the data file (its header length). */
  firstPosition: number;
  compare: RawComparator;
  /** Keep one entry in `skip + 1` (Hadoop's `io.map.index.skip`), to save memory on huge indexes. */
  skip?: number;
}

/**
 * A MapFile `index` held in memory as Hadoop's reader holds it, but packed:
 * all keys in one byte array with start offsets, positions in a Float64Array.
 * Loading checks what Hadoop trusts: key order, positions inside the data
 * file and never going backwards, the classes.
 */
export class MapIndex {
  private constructor(
    private readonly keyBytes: Uint8Array,
    private readonly keyStarts: Int32Array,
    private readonly positions: Float64Array,
    /** Number of entries. */
    readonly count: number,
  ) {}

  key(i: number): Uint8Array {
    return this.keyBytes.subarray(this.keyStarts[i]!, this.keyStarts[i + 1]!);
  }

  position(i: number): number {
    return this.positions[i]!;
  }

  /** How many entries have a key strictly less than `probe`. */
  lowerBound(probe: Uint8Array, compare: RawComparator): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(this.key(mid), probe) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  static empty(): MapIndex {
    return new MapIndex(new Uint8Array(0), new Int32Array(1), new Float64Array(0), 0);
  }

  static async load(path: string, opts: MapIndexLoadOptions): Promise<MapIndex> {
    const reader = await SequenceFileReader.open(path, opts);
    const name = reader.name;
    try {
      const h = reader.header;
      // compare resolved classes: old files name them by WritableName aliases ("UTF8", "long")
      if (reader.keyType.className !== opts.keyClassName) {
        throw new CorruptFileError(`index key class ${h.keyClassName} differs from the data file's ${opts.keyClassName}`, { file: name });
      }
      if (reader.valueType.className !== LONG_WRITABLE) {
        throw new CorruptFileError(`index value class is ${h.valueClassName}, expected ${LONG_WRITABLE}`, { file: name });
      }
      const limits = resolveLimits(opts.limits);
      const maxEntries = limits.maxElements;
      const maxKeyBytes = limits.maxDecompressedBytes;
      let keyBytes: Uint8Array = new Uint8Array(4096);
      let keyStarts: Int32Array = new Int32Array(257);
      let positions: Float64Array = new Float64Array(256);
      let count = 0;
      let used = 0;
      let skip = opts.skip ?? 0;
      let lastPos = -1;
      // The previous entry's key, kept even when skipped, to check the order.
      let prevKey: Uint8Array = new Uint8Array(256);
      let prevLen = -1;
      for (;;) {
        const raw = await reader.nextRaw();
        if (raw === null) break;
        const key = raw.key;
        const value = raw.value;
        const where = { file: name, offset: raw.position };
        if (value.length !== 8) throw new CorruptFileError(`index position has ${value.length} bytes, expected 8`, where);
        const pos = Number(new DataView(value.buffer, value.byteOffset, 8).getBigInt64(0));
        if (pos < opts.firstPosition || pos >= Math.max(opts.dataLength, opts.firstPosition + 1)) {
          throw new CorruptFileError(`index position ${pos} is outside the data file (records are at ${opts.firstPosition}..${opts.dataLength})`, where);
        }
        if (pos < lastPos) throw new CorruptFileError(`index position ${pos} goes back from ${lastPos}`, where);
        lastPos = pos;
        if (prevLen >= 0 && opts.compare(prevKey.subarray(0, prevLen), key) > 0) {
          throw new CorruptFileError('index keys are out of order', where);
        }
        prevKey = grow(prevKey, key.length);
        prevKey.set(key);
        prevLen = key.length;
        if (skip > 0) {
          skip--;
          continue;
        }
        skip = opts.skip ?? 0;
        if (count >= maxEntries) throw new LimitExceededError(`index has more than ${maxEntries} entries`, where);
        if (used + key.length > maxKeyBytes) throw new LimitExceededError(`index keys exceed ${maxKeyBytes} bytes`, where);
        keyBytes = grow(keyBytes, used + key.length);
        keyBytes.set(key, used);
        if (count + 2 > keyStarts.length) keyStarts = growInt(keyStarts, count + 2);
        if (count + 1 > positions.length) positions = growFloat(positions, count + 1);
        keyStarts[count] = used;
        used += key.length;
        keyStarts[count + 1] = used;
        positions[count] = pos;
        count++;
      }
      return new MapIndex(keyBytes.subarray(0, used), keyStarts, positions, count);
    } finally {
      await reader.close();
    }
  }
}

function grow(a: Uint8Array, need: number): Uint8Array {
  if (need <= a.length) return a;
  const b = new Uint8Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

function growInt(a: Int32Array, need: number): Int32Array {
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

function growFloat(a: Float64Array, need: number): Float64Array {
  const b = new Float64Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}
