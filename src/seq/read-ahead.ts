import type { CompressionCodec } from '../codec/types.js';
import type { BlockFrame } from './block-frame.js';
import type { CodecPool } from './codec-pool.js';

/**
 * Turns compressed buffers into bytes, in order, possibly in another thread
 * (`CodecPool` is one). Inputs may be detached by the call (moved to a
 * worker): give it buffers nobody else holds. Failures reject with the
 * codec's error (a typed one, or an Error with the codec's message).
 */
export interface BlockDecompressor {
  decompress(className: string, buffers: readonly Uint8Array[], maxOutput: number): Promise<Uint8Array[]>;
  /**
   * Optional: a promise to await at a block boundary while the decompressor
   * needs the event loop to turn (a worker's start-up message is an event, and
   * a read through buffered bytes otherwise never yields to it).
   */
  poll?(): Promise<void> | undefined;
}

/** Decompresses in the caller's thread with the reader's own codec (settled before it returns). */
export function inThreadDecompressor(codec: CompressionCodec): BlockDecompressor {
  return {
    decompress(_className, buffers, maxOutput) {
      try {
        return Promise.resolve(buffers.map((b) => codec.decompress(b, maxOutput)));
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };
}

/**
 * Decompresses in `pool`'s workers once one is up, in this thread until then
 * (starting a worker takes longer than reading a few blocks).
 */
export function poolDecompressor(pool: CodecPool, codec: CompressionCodec): BlockDecompressor {
  const local = inThreadDecompressor(codec);
  let up = pool.warm();
  return {
    decompress(className, buffers, maxOutput) {
      if (!up) up = pool.warm();
      return up ? pool.decompress(className, buffers, maxOutput) : local.decompress(className, buffers, maxOutput);
    },
    poll() {
      return up ? undefined : new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}

/**
 * A block framed ahead of the caller: its buffers copied out of the read
 * window (which slides on the next refill) and handed to a decompressor.
 * The copies are the only memory held per block in flight, and they can be
 * moved to a worker without a second copy.
 */
export class PendingBlock {
  readonly offset: number;
  readonly records: number;
  readonly end: number;
  readonly sizes: [number, number, number, number];
  /** Decompressed key lengths, keys, value lengths, once settled without failure. */
  head: Uint8Array[] | null = null;
  headFailed = false;
  headError: unknown = undefined;
  /** Decompressed values, when they were asked for with the rest. */
  values: Uint8Array | null = null;
  valuesFailed = false;
  valuesError: unknown = undefined;
  /** Compressed values, when they were not sent (decompressed in-thread if a value is wanted). */
  valuesZ: Uint8Array | null;
  settled = false;
  /** Resolves (never rejects) once everything sent has come back. */
  readonly ready: Promise<void>;

  constructor(frame: BlockFrame, decompressor: BlockDecompressor, className: string, maxOutput: number, withValues: boolean) {
    this.offset = frame.offset;
    this.records = frame.records;
    this.end = frame.end;
    const [kl, k, vl, v] = frame.buffers;
    this.sizes = [kl.length, k.length, vl.length, v.length];
    const copy = new Uint8Array(kl.length + k.length + vl.length);
    copy.set(kl, 0);
    copy.set(k, kl.length);
    copy.set(vl, kl.length + k.length);
    const head = [copy.subarray(0, kl.length), copy.subarray(kl.length, kl.length + k.length), copy.subarray(kl.length + k.length)];
    const valuesZ = v.slice();
    this.valuesZ = withValues ? null : valuesZ;
    const headDone = decompressor.decompress(className, head, maxOutput).then(
      (out) => {
        this.head = out;
      },
      (e: unknown) => {
        this.headFailed = true;
        this.headError = e;
      },
    );
    const valuesDone = !withValues
      ? null
      : decompressor.decompress(className, [valuesZ], maxOutput).then(
          (out) => {
            this.values = out[0]!;
          },
          (e: unknown) => {
            this.valuesFailed = true;
            this.valuesError = e;
          },
        );
    this.ready = (valuesDone === null ? headDone : Promise.all([headDone, valuesDone])).then(() => {
      this.settled = true;
    });
  }
}
