import * as zlib from 'node:zlib';
import { CorruptFileError, HadoopIOError } from '../io/errors.js';
import { sealBytes } from '../io/byte-reader.js';
import type { CompressionCodec } from './types.js';
import { ZlibHandle } from './zlib-handle.js';

const UNLIMITED = 0x7fffffff;

/**
 * DefaultCodec and DeflateCodec (both zlib streams, `78 9c`) and GzipCodec
 * (one gzip member per stream, header `1f 8b 08 00 00 00 00 00 00 03`), on
 * Node's native zlib. Decoding accepts what Hadoop's pure-Java compressors
 * write too (gzip OS byte 00) and concatenated gzip members.
 *
 * Node's bundled zlib (Chromium's fork) compresses to different, equally
 * valid bytes than the stock zlib Hadoop's native library uses; pass
 * `{ exact: true }` (see `exact-zlib.ts`) for byte-identical output.
 */
export function zlibCodec(className: string, name: string): CompressionCodec {
  const deflate = new ZlibHandle(() => zlib.createDeflate(), (i) => zlib.deflateSync(i));
  const inflate = new ZlibHandle(() => zlib.createInflate(), (i, max) => zlib.inflateSync(i, { maxOutputLength: max }));
  return {
    className,
    name,
    compress: (input) => deflate.run(input, UNLIMITED),
    decompress: (input, max) => decoded(() => inflate.run(input, max), name),
  };
}

export function gzipCodec(): CompressionCodec {
  const gzip = new ZlibHandle(() => zlib.createGzip(), (i) => zlib.gzipSync(i));
  const gunzip = new ZlibHandle(() => zlib.createGunzip(), (i, max) => zlib.gunzipSync(i, { maxOutputLength: max }));
  return {
    className: 'org.apache.hadoop.io.compress.GzipCodec',
    name: 'gzip',
    compress: (input) => gzip.run(input, UNLIMITED),
    decompress: (input, max) => decoded(() => gunzip.run(input, max), 'gzip'),
  };
}

/** Library errors become CorruptFileError; our own typed errors pass through. The output is sealed (`sealBytes`). */
export function decoded(f: () => Uint8Array, codec: string): Uint8Array {
  try {
    return sealBytes(f());
  } catch (e) {
    if (e instanceof HadoopIOError) throw e;
    throw new CorruptFileError(`bad ${codec} data: ${(e as Error).message}`, { cause: e });
  }
}
