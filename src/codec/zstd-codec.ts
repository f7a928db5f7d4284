import { createRequire } from 'node:module';
import { CorruptFileError, LimitExceededError, UnsupportedFormatError } from '../io/errors.js';
import type { CompressionCodec } from './types.js';
import { sealBytes } from '../io/byte-reader.js';
import { copyOfRange } from './small-bytes.js';

/** Where small frames are decompressed before the copy out (grown buffers are not kept). */
const scratch = Buffer.allocUnsafe(64 * 1024);

const require = createRequire(import.meta.url);

interface ZstdBinding {
  CCtx: new () => { compress(dst: Uint8Array, src: Uint8Array, level: number): number };
  DCtx: new () => { decompressStream(dst: Uint8Array, src: Uint8Array): [number, number, number]; reset(directive: number): void };
  compressBound(n: number): number;
}

/**
 * ZStandardCodec: each stream is a plain zstd frame (`28 b5 2f fd`), level 3
 * as Hadoop's `io.compression.codec.zstd.level` default. Native zstd from
 * `zstd-napi`; decompression is streamed into our own buffer so a frame can
 * never expand past the limit.
 */
export function zstdCodec(level = 3): CompressionCodec {
  let z: { b: ZstdBinding; c: InstanceType<ZstdBinding['CCtx']>; d: InstanceType<ZstdBinding['DCtx']> } | null = null;
  const lib = (): NonNullable<typeof z> => {
    if (z) return z;
    let b: ZstdBinding;
    try {
      b = require('zstd-napi/binding');
    } catch (e) {
      throw new UnsupportedFormatError(`ZStandardCodec needs the 'zstd-napi' package, which failed to load: ${(e as Error).message}`);
    }
    return (z = { b, c: new b.CCtx(), d: new b.DCtx() });
  };
  return {
    className: 'org.apache.hadoop.io.compress.ZStandardCodec',
    name: 'zstd',
    compress(input) {
      const { b, c } = lib();
      const out = Buffer.allocUnsafe(b.compressBound(input.length));
      const n = c.compress(out, input, level);
      return new Uint8Array(out.buffer, out.byteOffset, n);
    },
    decompress(input, max) {
      const { d } = lib();
      d.reset(1); // ZSTD_reset_session_only
      // small frames (RECORD values) decode into a kept buffer and are copied out
      const first = scratch.subarray(0, Math.min(scratch.length, max + 1));
      let out = input.length * 4 > first.length ? Buffer.allocUnsafe(Math.min(input.length * 4, max + 1)) : first;
      let produced = 0;
      let consumed = 0;
      try {
        for (;;) {
          const [ret, wrote, read] = d.decompressStream(out.subarray(produced), input.subarray(consumed));
          produced += wrote;
          consumed += read;
          if (ret === 0 && consumed >= input.length) break; // frame(s) complete
          if (produced > max) throw new LimitExceededError(`zstd data exceeds the limit of ${max} bytes`);
          if (produced === out.length) {
            if (out.length > max) throw new LimitExceededError(`zstd data exceeds the limit of ${max} bytes`);
            const next = Buffer.allocUnsafe(Math.min(out.length * 2, max + 1));
            out.copy(next, 0, 0, produced);
            out = next;
          } else if (read === 0 && wrote === 0) {
            throw new CorruptFileError('zstd stream ends inside a frame');
          }
        }
      } catch (e) {
        if (e instanceof LimitExceededError || e instanceof CorruptFileError) throw e;
        throw new CorruptFileError(`bad zstd data: ${(e as Error).message}`, { cause: e });
      }
      if (produced > max) throw new LimitExceededError(`zstd data exceeds the limit of ${max} bytes`);
      if (out === first) return sealBytes(copyOfRange(out, 0, produced));
      return sealBytes(new Uint8Array(out.buffer, out.byteOffset, produced));
    },
  };
}
