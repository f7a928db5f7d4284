import { deflate, gzip } from 'pako';
import type { CompressionCodec } from './types.js';

/**
 * Zlib codecs whose compressed bytes are identical to Hadoop's with native
 * libz: pako is a faithful port of stock zlib, where Node's bundled zlib is
 * Chromium's faster fork with different (equally valid) output. About 5x
 * slower to compress than Node's: use it when you need Hadoop's exact bytes
 * (checksums compared across tools, golden files), not for throughput.
 * Decompression is the regular native one.
 */
export function exactZlibCodec(base: CompressionCodec): CompressionCodec {
  const isGzip = base.name === 'gzip';
  return {
    className: base.className,
    name: base.name,
    // pako writes the same gzip header as native zlib (mtime 0, OS 03)
    compress: (input) => (isGzip ? gzip(input) : deflate(input)),
    decompress: base.decompress,
  };
}
