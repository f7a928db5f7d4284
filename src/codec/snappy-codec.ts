import { createRequire } from 'node:module';
import { CorruptFileError, LimitExceededError, UnsupportedFormatError } from '../io/errors.js';
import { snappyCompressInto, snappyCompressSmall, snappyDecompressJs, snappyMaxCompressedLength } from './snappy-js.js';
import { frameBlocks, unframeBlocks, type RawBlockCompressor } from './block-framing.js';
import type { CompressionCodec } from './types.js';

/** io.compression.codec.snappy.buffersize (256 KiB) less Hadoop's overhead allowance (size/6 + 32). */
export const SNAPPY_MAX_INPUT = 256 * 1024 - (Math.floor((256 * 1024) / 6) + 32);

const require = createRequire(import.meta.url);

/** Below this many bytes a call into the native addon costs more than snappy in TypeScript. */
const SMALL_INPUT = 2048;

/** Snappy raw blocks from the native `snappy` package (napi-rs), loaded on first use. */
function snappyLib(): RawBlockCompressor {
  let lib: {
    compressSync(b: Uint8Array, o?: { copyOutputData: boolean }): Buffer;
    uncompressSync(b: Uint8Array, o?: { asBuffer: boolean; copyOutputData: boolean }): Buffer | string;
  };
  try {
    lib = require('snappy');
  } catch (e) {
    throw new UnsupportedFormatError(`SnappyCodec needs the 'snappy' package, which failed to load: ${(e as Error).message}`);
  }
  return {
    // copyOutputData: the output is copied into a V8 buffer rather than wrapped as an external one;
    // wrapped outputs are not given back to the OS on glibc (snappy#323: RSS grows with every
    // read), and the copy is cheaper than wrapping
    compress: (input) => (input.length <= SMALL_INPUT ? snappyCompressSmall(input) : lib.compressSync(input, { copyOutputData: true })),
    compressInto: (input, out, at) => (input.length <= SMALL_INPUT ? snappyCompressInto(input, out, at) : -1),
    maxCompressed: snappyMaxCompressedLength,
    decompress(input, capacity) {
      // the raw format starts with the uncompressed length as a varint: check it before allocating
      const declared = snappyLength(input);
      if (declared > capacity) throw new LimitExceededError(`snappy chunk declares ${declared} bytes, more than its block's ${capacity}`);
      // no snappy element makes more than 64 bytes from 3 (a 2-byte-offset copy): a larger claim is
      // forged, and both decoders would allocate it before finding out
      if (declared > Math.ceil((input.length * 64) / 3)) {
        throw new CorruptFileError(`bad snappy data: ${input.length} bytes cannot hold the ${declared} bytes the chunk declares`);
      }
      if (input.length <= SMALL_INPUT) return snappyDecompressJs(input, capacity);
      try {
        return lib.uncompressSync(input, { asBuffer: true, copyOutputData: true }) as Buffer;
      } catch (e) {
        throw new CorruptFileError(`bad snappy data: ${(e as Error).message}`, { cause: e });
      }
    },
  };
}

function snappyLength(b: Uint8Array): number {
  let v = 0;
  for (let i = 0, shift = 0; i < 5 && i < b.length; i++, shift += 7) {
    const x = b[i]!;
    v += (x & 0x7f) * 2 ** shift;
    if (x < 0x80) return v;
  }
  throw new CorruptFileError('bad snappy data: no length header');
}

/** SnappyCodec in Hadoop's block framing. */
export function snappyCodec(): CompressionCodec {
  let raw: RawBlockCompressor | null = null;
  const lib = (): RawBlockCompressor => (raw ??= snappyLib());
  return {
    className: 'org.apache.hadoop.io.compress.SnappyCodec',
    name: 'snappy',
    blockFramed: true,
    compress: (input, writes) => frameBlocks(input, writes, SNAPPY_MAX_INPUT, lib()),
    decompress: (input, max) => unframeBlocks(input, max, lib(), 'snappy'),
  };
}
