import { createRequire } from 'node:module';
import { CorruptFileError, UnsupportedFormatError } from '../io/errors.js';
import { frameBlocks, unframeBlocks, type RawBlockCompressor } from './block-framing.js';
import type { CompressionCodec } from './types.js';

/** io.compression.codec.lz4.buffersize (256 KiB) less Hadoop's overhead allowance (size/255 + 16). */
export const LZ4_MAX_INPUT = 256 * 1024 - (Math.floor((256 * 1024) / 255) + 16);

const require = createRequire(import.meta.url);

/** Raw LZ4 blocks from `lz4-napi` (lz4_flex), whose format prefixes a little-endian size we add and strip. */
function lz4Lib(): RawBlockCompressor {
  let lib: { compressSync(b: Buffer): Buffer; uncompressSync(b: Uint8Array): Buffer };
  try {
    lib = require('lz4-napi');
  } catch (e) {
    throw new UnsupportedFormatError(`Lz4Codec needs the 'lz4-napi' package, which failed to load: ${(e as Error).message}`);
  }
  return {
    compress: (input) => lib.compressSync(Buffer.from(input.buffer, input.byteOffset, input.byteLength)).subarray(4),
    decompress(input, capacity) {
      // the binding allocates the whole capacity up front: bound it by what the input can make (an
      // LZ4 sequence makes at most 255 bytes per byte, a length extension byte), not by the block
      // length the frame claims
      const prefixed = Buffer.allocUnsafe(input.length + 4);
      prefixed.writeUInt32LE(Math.min(capacity, input.length * 255 + 16), 0);
      prefixed.set(input, 4);
      try {
        return lib.uncompressSync(prefixed);
      } catch (e) {
        throw new CorruptFileError(`bad lz4 data: ${(e as Error).message}`, { cause: e });
      }
    },
  };
}

/** Lz4Codec in Hadoop's block framing. */
export function lz4Codec(): CompressionCodec {
  let raw: RawBlockCompressor | null = null;
  const lib = (): RawBlockCompressor => (raw ??= lz4Lib());
  return {
    className: 'org.apache.hadoop.io.compress.Lz4Codec',
    name: 'lz4',
    blockFramed: true,
    compress: (input, writes) => frameBlocks(input, writes, LZ4_MAX_INPUT, lib()),
    decompress: (input, max) => unframeBlocks(input, max, lib(), 'lz4'),
  };
}
