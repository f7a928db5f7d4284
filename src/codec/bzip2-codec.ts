import { createRequire } from 'node:module';
import { UnsupportedFormatError } from '../io/errors.js';
import { bzip2Decompress } from './bzip2-decoder.js';
import type { CompressionCodec } from './types.js';
import { sealBytes } from '../io/byte-reader.js';

const require = createRequire(import.meta.url);

/** libbz2 refuses empty input; an empty stream is the header, the end-of-stream magic and CRC 0. */
const EMPTY_STREAM = Uint8Array.from([0x42, 0x5a, 0x68, 0x39, 0x17, 0x72, 0x45, 0x38, 0x50, 0x90, 0, 0, 0, 0]);

type Compress = (data: Uint8Array, options: { level: number; buffering: 'never' }) => Uint8Array;

/**
 * BZip2Codec: each stream is a plain bzip2 stream starting `BZh9`, as both of
 * Hadoop's bzip2 implementations write. Compression is native libbz2 (the
 * `node-bzip2` package, built from source); decompression is our own decoder
 * (bzip2-decoder.ts), which, unlike the native binding, is bounded and fails
 * cleanly on truncated or corrupt input, and reads concatenated streams.
 */
export function bzip2Codec(): CompressionCodec {
  let compressNative: Compress | null = null;
  const load = (): Compress => {
    if (compressNative) return compressNative;
    try {
      compressNative = (require('node-bzip2') as { compress: Compress }).compress;
    } catch (e) {
      throw new UnsupportedFormatError(`writing BZip2Codec needs the 'node-bzip2' package, which failed to load: ${(e as Error).message}`);
    }
    return compressNative;
  };
  return {
    className: 'org.apache.hadoop.io.compress.BZip2Codec',
    name: 'bzip2',
    compress(input) {
      if (input.length === 0) return EMPTY_STREAM.slice();
      const out = load()(input, { level: 9, buffering: 'never' });
      return new Uint8Array(out.buffer, out.byteOffset, out.length);
    },
    decompress: (input, max) => sealBytes(bzip2Decompress(input, max)),
  };
}
