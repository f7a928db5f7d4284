/**
 * A Hadoop `CompressionCodec`, reduced to what SequenceFiles need: each
 * RECORD value and each BLOCK buffer is one complete, separately finished
 * codec stream, compressed and decompressed in one call. Synchronous on
 * purpose: native codecs are fast enough that a promise per record would cost
 * more than the work.
 */
export interface CompressionCodec {
  /** Hadoop class name written in file headers, e.g. `org.apache.hadoop.io.compress.DefaultCodec`. */
  readonly className: string;
  /** Short name used by the CLI and options, e.g. `default`, `gzip`, `snappy`. */
  readonly name: string;
  /** True for codecs framed by Hadoop's BlockCompressorStream (Snappy, LZ4): `compress` wants `writes`. */
  readonly blockFramed?: boolean;
  /**
   * One complete stream in Hadoop's framing for this codec. `writes`, when
   * given, are the sizes of the write calls Hadoop's compression stream would
   * receive for this input (they add up to `input.length`): block codecs
   * (Snappy, LZ4) start blocks and chunks at write boundaries, so exact framing
   * of large RECORD values needs them; stream codecs ignore them.
   */
  compress(input: Uint8Array, writes?: readonly number[]): Uint8Array;
  /**
   * Decode one complete stream. Must throw CorruptFileError on malformed input
   * and LimitExceededError rather than produce more than `maxOutput` bytes.
   */
  decompress(input: Uint8Array, maxOutput: number): Uint8Array;
}

/** What readers and writers need from a codec registry. */
export interface CodecLookup {
  /** The codec for a Hadoop class name or short name; throws UnsupportedFormatError naming it and the available ones. */
  require(classNameOrAlias: string): CompressionCodec;
}
