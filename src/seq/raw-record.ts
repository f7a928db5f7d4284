import type { CompressionCodec } from '../codec/types.js';
import { CorruptFileError, HadoopIOError } from '../io/errors.js';

const EMPTY = new Uint8Array(0);

/**
 * One record as stored: serialized key and value bytes, without decoding.
 * The reader reuses a single instance and its buffers: copy what you keep
 * (`key.slice()`) before asking for the next record.
 */
export class RawRecord {
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

  /** @internal where the key and stored value lie; views are made only on request */
  keyBuf: Uint8Array = EMPTY;
  keyStart = 0;
  keyEnd = 0;
  valueBuf: Uint8Array = EMPTY;
  valueStart = 0;
  valueEnd = 0;

  private codec: CompressionCodec | null = null;
  private maxOutput = 0;
  private decoded: Uint8Array | null = null;
  private lazyValues: (() => Uint8Array) | null = null;

  /** @internal */
  set(keyBuf: Uint8Array, keyStart: number, keyEnd: number, valueBuf: Uint8Array, valueStart: number, valueEnd: number, codec: CompressionCodec | null, maxOutput: number): void {
    this.lazyValues = null;
    this.keyBuf = keyBuf;
    this.keyStart = keyStart;
    this.keyEnd = keyEnd;
    this.valueBuf = valueBuf;
    this.valueStart = valueStart;
    this.valueEnd = valueEnd;
    this.codec = codec;
    this.maxOutput = maxOutput;
    this.decoded = null;
  }

  /** @internal BLOCK records: the block's values, decompressed on first access by any record of the block. */
  setLazyValues(values: () => Uint8Array): void {
    this.lazyValues = values;
  }

  private values(): Uint8Array {
    if (this.lazyValues !== null) {
      this.valueBuf = this.lazyValues();
      this.lazyValues = null;
    }
    return this.valueBuf;
  }

  /** Serialized key bytes (a view into the reader's buffer). */
  get key(): Uint8Array {
    return this.keyBuf.subarray(this.keyStart, this.keyEnd);
  }

  /** Value bytes as stored in the file: compressed for RECORD files, otherwise the serialized value. */
  get storedValue(): Uint8Array {
    return this.values().subarray(this.valueStart, this.valueEnd);
  }

  /** Serialized (uncompressed) value bytes; RECORD values are decompressed on first access. */
  get value(): Uint8Array {
    if (this.codec === null) return this.storedValue;
    if (this.decoded === null) {
      try {
        this.decoded = this.codec.decompress(this.storedValue, this.maxOutput);
      } catch (e) {
        if (e instanceof HadoopIOError) throw e.locate(undefined, this.position);
        throw new CorruptFileError(`cannot decompress record value: ${(e as Error)?.message ?? String(e)}`, { offset: this.position, cause: e });
      }
    }
    return this.decoded;
  }

  /** @internal the uncompressed value as (buffer, start, end) without making a view */
  valueRange(): [Uint8Array, number, number] {
    if (this.codec === null) return [this.values(), this.valueStart, this.valueEnd];
    const v = this.value;
    return [v, 0, v.length];
  }
}
