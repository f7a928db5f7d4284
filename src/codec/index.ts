export * from './types.js';
export * from './registry.js';
export { zlibCodec, gzipCodec } from './zlib-codecs.js';
export { exactZlibCodec } from './exact-zlib.js';
export { snappyCodec, SNAPPY_MAX_INPUT } from './snappy-codec.js';
export { lz4Codec, LZ4_MAX_INPUT } from './lz4-codec.js';
export { zstdCodec } from './zstd-codec.js';
export { bzip2Codec } from './bzip2-codec.js';
export { frameBlocks, unframeBlocks, type RawBlockCompressor } from './block-framing.js';
