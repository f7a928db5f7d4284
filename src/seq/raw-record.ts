import type { CompressionCodec } from '../codec/types.js';

/**
 * One record as stored: serialized key and value bytes, without decoding.
 * The reader reuses a single instance and its buffers: copy what you keep
 * (`key.slice()`) before asking for the next record.
 */
export class RawRecord {
  /** Serialized key bytes. */
  key: Uint8Array = new Uint8Array(0);
  /** Value bytes as stored in the file: compressed for RECORD files, otherwise the serialized value. */
  storedValue: Uint8Array = new Uint8Array(0);
  /**
   * NONE/RECORD: offset of the record's length field. BLOCK: offset of its
   * block's sync escape (the position to `seek` to).
   */
  position = 0;
  /** A sync marker immediately precedes this record (NONE/RECORD). */
  syncBefore = false;
  /** BLOCK: index of the block, counted from the start of the file or the last seek/sync, else -1. */
  block = -1;
  /** BLOCK: index of the record within its block, else -1. */
  indexInBlock = -1;

  private codec: CompressionCodec | null = null;
  private maxOutput = 0;
  private decoded: Uint8Array | null = null;

  /** @internal */
  setValue(stored: Uint8Array, codec: CompressionCodec | null, maxOutput: number): void {
    this.storedValue = stored;
    this.codec = codec;
    this.maxOutput = maxOutput;
    this.decoded = null;
  }

  /** Serialized (uncompressed) value bytes; RECORD values are decompressed on first access. */
  get value(): Uint8Array {
    if (this.codec === null) return this.storedValue;
    if (this.decoded === null) this.decoded = this.codec.decompress(this.storedValue, this.maxOutput);
    return this.decoded;
  }
}
