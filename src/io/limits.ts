/**
 * Upper bounds applied to every length read from a file before anything is
 * allocated for it, so that a forged length cannot make us allocate gigabytes.
 */
export interface ReadLimits {
  /** Largest single record, key, value or compressed buffer, in bytes. Default 64 MiB. */
  maxBufferBytes: number;
  /** Largest decompressed output of one codec stream, in bytes. Default 256 MiB. */
  maxDecompressedBytes: number;
  /**
   * Largest element count in a collection (array, map, metadata), shared by
   * everything inside one key or value. Default 1 Mi: a forged count of a few
   * bytes per element must not cost gigabytes of heap (16 Mi map entries took
   * 40 s and 2.8 GB); raise it for files that really hold bigger collections.
   */
  maxElements: number;
}

export const DEFAULT_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxBufferBytes: 64 * 1024 * 1024,
  maxDecompressedBytes: 256 * 1024 * 1024,
  maxElements: 1024 * 1024,
});

export function resolveLimits(partial?: Partial<ReadLimits>): ReadLimits {
  return { ...DEFAULT_LIMITS, ...partial };
}
