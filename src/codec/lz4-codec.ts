import { createRequire } from 'node:module';
import { CorruptFileError, UnsupportedFormatError } from '../io/errors.js';
import { frameBlocks, unframeBlocks, type RawBlockCompressor } from './block-framing.js';
import { lz4CompressInto, lz4DecompressJs, lz4MaxCompressedLength } from './lz4-js.js';
import type { CompressionCodec } from './types.js';

/** io.compression.codec.lz4.buffersize (256 KiB) less Hadoop's overhead allowance (size/255 + 16). */
export const LZ4_MAX_INPUT = 256 * 1024 - (Math.floor((256 * 1024) / 255) + 16);

const require = createRequire(import.meta.url);

/** Below this many bytes a call into the native addon costs more than LZ4 in TypeScript. */
const SMALL_INPUT = 2048;
/** The TypeScript decoder decodes into a scratch buffer of up to this many bytes. */
const SMALL_OUTPUT = 64 * 1024;

/** Raw LZ4 blocks from `lz4-napi` (lz4_flex), whose format prefixes a little-endian size we add and strip. */
function lz4Lib(): RawBlockCompressor {
  let lib: { compressSync(b: Buffer): Buffer; uncompressSync(b: Uint8Array): Buffer };
  try {
    lib = require('lz4-napi');
  } catch (e) {
    throw new UnsupportedFormatError(`Lz4Codec needs the 'lz4-napi' package, which failed to load: ${(e as Error).message}`);
  }
  return {
    compress(input) {
      if (input.length <= SMALL_INPUT) {
        const out = new Uint8Array(lz4MaxCompressedLength(input.length));
        return out.subarray(0, lz4CompressInto(input, out, 0));
      }
      return lib.compressSync(Buffer.from(input.buffer, input.byteOffset, input.byteLength)).subarray(4);
    },
    compressInto: (input, out, at) => (input.length <= SMALL_INPUT ? lz4CompressInto(input, out, at) : -1),
    maxCompressed: lz4MaxCompressedLength,
    decompress(input, capacity) {
      if (input.length <= SMALL_INPUT && capacity <= SMALL_OUTPUT) return lz4DecompressJs(input, capacity);
      // the binding allocates the whole capacity up front: bound it by what the input can make (an
      // LZ4 sequence makes at most 255 bytes per byte, a length extension byte), not by the block
      // length the frame claims
      const prefixed = Buffer.allocUnsafe(input.length + 4);
      prefixed.writeUInt32LE(Math.min(capacity, input.length * 255 + 16), 0);
      prefixed.set(input, 4);
      try {
        const out = lib.uncompressSync(prefixed);
        // a plain Uint8Array, whose slice() copies as callers expect (a Buffer's is a view)
        return new Uint8Array(out.buffer, out.byteOffset, out.length);
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
