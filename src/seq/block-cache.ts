import { UsageError } from '../io/errors.js';

/** A BLOCK-compressed block as the reader uses it once decompressed. */
export interface CachedBlock {
  /** File offset just past the block. */
  end: number;
  records: number;
  keyLengths: Int32Array;
  keys: Uint8Array;
  valueLengths: Int32Array;
  valuesTotal: number;
  /** The values, compressed, until a reader decompresses them; then `values`. */
  valuesZ: Uint8Array | null;
  values: Uint8Array | null;
  /** Compressed sizes of the four buffers (for `ReaderObserver.onBlock`). */
  sizes: readonly number[];
  /** Where each key and value starts, once a lookup has needed them. */
  starts?: { keys: Int32Array; values: Int32Array };
}

export interface BlockCacheStats {
  hits: number;
  misses: number;
  evictions: number;
  /** Bytes held now (decompressed keys, values and lengths, compressed values not yet decompressed). */
  bytes: number;
  entries: number;
}

/**
 * Decompressed blocks of BLOCK-compressed files, bounded in bytes, least
 * recently used first out, shared by every reader given it (MapFile lookups
 * decompress one block per `get` without it). Entries are keyed by the
 * source's identity (device, inode, size and mtime of a local file; ETag of an
 * HTTP resource), the file's sync marker and the block's offset, so a file
 * replaced or appended to is read afresh, never from the old version's blocks.
 */
export class BlockCache {
  private readonly entries = new Map<string, { block: CachedBlock; bytes: number }>();
  private held = 0;
  private counts = { hits: 0, misses: 0, evictions: 0 };

  constructor(readonly maxBytes: number) {
    if (!(Number.isSafeInteger(maxBytes) && maxBytes > 0)) throw new UsageError(`maxBytes must be a positive whole number of bytes, got ${String(maxBytes)}`);
  }

  get(key: string): CachedBlock | undefined {
    const e = this.entries.get(key);
    if (e === undefined) {
      this.counts.misses++;
      return undefined;
    }
    this.counts.hits++;
    // most recently used last
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.block;
  }

  /** Add a block, or account for one that grew (its values were decompressed); evicts past `maxBytes`. */
  set(key: string, block: CachedBlock): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.held -= old.bytes;
      this.entries.delete(key);
    }
    const bytes = sizeOf(block);
    if (bytes > this.maxBytes) return; // would evict everything and still not fit
    this.entries.set(key, { block, bytes });
    this.held += bytes;
    for (const [k, e] of this.entries) {
      if (this.held <= this.maxBytes) break;
      this.entries.delete(k);
      this.held -= e.bytes;
      this.counts.evictions++;
    }
  }

  get stats(): BlockCacheStats {
    return { ...this.counts, bytes: this.held, entries: this.entries.size };
  }

  clear(): void {
    this.entries.clear();
    this.held = 0;
  }
}

function sizeOf(b: CachedBlock): number {
  const starts = b.starts === undefined ? 0 : b.starts.keys.byteLength + b.starts.values.byteLength;
  return b.keys.byteLength + b.keyLengths.byteLength + b.valueLengths.byteLength + (b.values?.byteLength ?? b.valuesZ?.byteLength ?? 0) + starts;
}

/** A block cache of at most `maxBytes`, for `blockCache` in the reader and MapFile reader options. */
export function createBlockCache(opts: { maxBytes: number }): BlockCache {
  return new BlockCache(opts.maxBytes);
}
