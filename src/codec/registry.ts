import { UnsupportedFormatError } from '../io/errors.js';
import type { CodecLookup, CompressionCodec } from './types.js';
import { gzipCodec, zlibCodec } from './zlib-codecs.js';
import { exactZlibCodec } from './exact-zlib.js';
import { snappyCodec } from './snappy-codec.js';
import { lz4Codec } from './lz4-codec.js';
import { zstdCodec } from './zstd-codec.js';
import { bzip2Codec } from './bzip2-codec.js';

/**
 * Hadoop codec class name (or short name) → codec. Users plug in others
 * (LZO, a vendor codec) by class name with `register`.
 */
export class CodecRegistry implements CodecLookup {
  private readonly byName = new Map<string, CompressionCodec>();

  /** Register under its class name, its short name and any aliases (case-insensitive short names). */
  register(codec: CompressionCodec, ...aliases: string[]): this {
    this.byName.set(codec.className, codec);
    for (const a of [codec.name, ...aliases]) this.byName.set(a.toLowerCase(), codec);
    return this;
  }

  get(name: string): CompressionCodec | undefined {
    return this.byName.get(name) ?? this.byName.get(name.toLowerCase());
  }

  require(name: string): CompressionCodec {
    const c = this.get(name);
    if (c) return c;
    throw new UnsupportedFormatError(`unknown compression codec ${name}; available: ${this.classNames().join(', ')}`);
  }

  /** Class names of the registered codecs. */
  classNames(): string[] {
    return [...new Set([...this.byName.values()].map((c) => c.className))];
  }

  clone(): CodecRegistry {
    const r = new CodecRegistry();
    for (const [k, v] of this.byName) r.byName.set(k, v);
    return r;
  }
}

export interface CodecRegistryOptions {
  /** Compress zlib/gzip with stock-zlib bytes (identical to Hadoop native), several times slower. */
  exactZlib?: boolean;
}

/** A registry with every codec Hadoop ships. */
export function createCodecRegistry(opts: CodecRegistryOptions = {}): CodecRegistry {
  const wrap = (c: CompressionCodec): CompressionCodec => (opts.exactZlib ? exactZlibCodec(c) : c);
  return new CodecRegistry()
    .register(wrap(zlibCodec('org.apache.hadoop.io.compress.DefaultCodec', 'default')), 'zlib')
    .register(wrap(zlibCodec('org.apache.hadoop.io.compress.DeflateCodec', 'deflate')))
    .register(wrap(gzipCodec()), 'gz')
    .register(bzip2Codec(), 'bz2')
    .register(snappyCodec())
    .register(lz4Codec())
    .register(zstdCodec(), 'zstandard', 'zst');
}

/** The codecs readers and writers use unless given another registry. */
export const defaultCodecs: CodecRegistry = createCodecRegistry();
