import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { defaultCodecs } from '../codec/registry.js';
import { UsageError } from '../io/errors.js';

/** Parquet page compression. */
export type ParquetCompression = 'snappy' | 'zstd' | 'none';

export const PARQUET_COMPRESSIONS: readonly ParquetCompression[] = ['snappy', 'zstd', 'none'];

const require = createRequire(import.meta.url);

type Compressor = (input: Uint8Array) => Uint8Array;

/**
 * The codec name hyparquet-writer writes and the native compressor for it.
 * Parquet wants raw snappy blocks and plain zstd frames: the native `snappy`
 * package gives the first (Hadoop's SnappyCodec frames its blocks, so it
 * does not fit), our ZStandardCodec the second. Without native snappy,
 * hyparquet-writer's own snappy is used.
 */
export function parquetCompressor(c: ParquetCompression): { codec: 'SNAPPY' | 'ZSTD' | 'UNCOMPRESSED'; compressors: { SNAPPY?: Compressor; ZSTD?: Compressor } } {
  switch (c) {
    case 'snappy': {
      let lib: { compressSync(b: Uint8Array, o?: { copyOutputData: boolean }): Buffer } | undefined;
      try {
        lib = require('snappy');
      } catch {
        lib = undefined;
      }
      // copyOutputData: a V8-owned copy, which glibc gives back (see snappy-codec.ts)
      return { codec: 'SNAPPY', compressors: lib ? { SNAPPY: (b) => lib.compressSync(b, { copyOutputData: true }) } : {} };
    }
    case 'zstd': {
      const zstd = defaultCodecs.require('zstd');
      return { codec: 'ZSTD', compressors: { ZSTD: (b) => zstd.compress(b) } };
    }
    case 'none':
      return { codec: 'UNCOMPRESSED', compressors: {} };
    default:
      throw new UsageError(`Parquet compression must be ${PARQUET_COMPRESSIONS.join(', ')}, got '${String(c)}'`);
  }
}

type Decompressor = (input: Uint8Array, outputLength: number) => Uint8Array;

/**
 * Page decompressors for reading Parquet beyond hyparquet's built-in snappy:
 * zstd (what `--parquet-codec zstd`, DuckDB and Spark write) with our bounded
 * zstd codec, gzip with node:zlib. Each stops at the page's declared size.
 */
export function parquetDecompressors(): { ZSTD: Decompressor; GZIP: Decompressor } {
  const zstd = defaultCodecs.require('zstd');
  return {
    ZSTD: (input, outputLength) => zstd.decompress(input, outputLength),
    GZIP: (input, outputLength) => new Uint8Array(gunzipSync(input, { maxOutputLength: Math.max(1, outputLength) })),
  };
}
