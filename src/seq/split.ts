import { stat } from 'node:fs/promises';
import { IOFailureError, UsageError } from '../io/errors.js';
import type { SourceInput } from '../io/source.js';
import { DEFAULT_SYNC_INTERVAL } from './constants.js';
import { SequenceFileReader, type KeyValue, type SequenceFileReaderOptions } from './reader.js';

export interface SplitOptions extends SequenceFileReaderOptions {
  /** Byte offset where the split starts. */
  start: number;
  /** Length of the split in bytes. */
  length: number;
}

/**
 * The records of one input split, exactly as Hadoop's
 * `SequenceFileRecordReader` assigns them: starting at the first sync point
 * at or after `start` (or the first record if `start` is inside the header),
 * and ending before the first record past `start + length` that follows a sync
 * point. Reading every split of a file, in any order, yields each record once.
 */
export async function* readSplit<K = unknown, V = unknown>(input: SourceInput, opts: SplitOptions): AsyncGenerator<KeyValue<K, V>> {
  const { start, length, ...rest } = opts;
  // the reader's iterator closes it however iteration stops
  yield* await SequenceFileReader.open<K, V>(input, { ...rest, split: { start, length } });
}

/** One input split of a file, as Hadoop's `FileSplit` (without hosts). */
export interface FileSplit {
  file: string;
  start: number;
  length: number;
}

export interface PlanSplitsOptions {
  /** Split size in bytes; when given, it is used as the block size (default: the block size). */
  splitSize?: number;
  /** Smallest split (default SequenceFileInputFormat's: the writer's sync interval, 100 KiB). */
  minSize?: number;
  /** Largest split (default: unbounded). */
  maxSize?: number;
  /** File system block size (default 128 MiB, HDFS's). */
  blockSize?: number;
}

/** HDFS's default `dfs.blocksize`. */
export const DEFAULT_HDFS_BLOCK_SIZE = 128 * 1024 * 1024;
/** FileInputFormat's SPLIT_SLOP: the last split may be up to 10% larger than the others. */
export const SPLIT_SLOP = 1.1;

/**
 * Hadoop's FileInputFormat split plan for one file: splits of
 * `max(minSize, min(maxSize, blockSize))` bytes while more than 1.1 of them
 * remain, the last split taking the rest; a zero-length file gets one
 * zero-length split, as in Hadoop. `input` is a path (stat'ed) or a size
 * (the file name is then `''`).
 */
export async function planSplits(input: string | number, opts: PlanSplitsOptions = {}): Promise<FileSplit[]> {
  let file = '';
  let size: number;
  if (typeof input === 'number') size = input;
  else {
    file = input;
    const st = await stat(input).catch((e: Error) => {
      throw new IOFailureError(`cannot stat: ${e.message}`, { file: input, cause: e });
    });
    if (!st.isFile()) throw new UsageError('is not a regular file, so it has no split plan', { file: input });
    size = st.size;
  }
  if (!Number.isSafeInteger(size) || size < 0) throw new UsageError(`a file size must be a whole number >= 0, got ${size}`, { file });
  const splitSize = computeSplitSize(opts, file);
  return cutRanges(size, splitSize, SPLIT_SLOP).map((r) => ({ file, ...r }));
}

function computeSplitSize(opts: PlanSplitsOptions, file: string): number {
  const blockSize = positive(opts.splitSize ?? opts.blockSize ?? DEFAULT_HDFS_BLOCK_SIZE, 'split or block size', file);
  const minSize = positive(opts.minSize ?? DEFAULT_SYNC_INTERVAL, 'minimum split size', file);
  const maxSize = opts.maxSize === undefined ? Number.POSITIVE_INFINITY : positive(opts.maxSize, 'maximum split size', file);
  return Math.max(minSize, Math.min(maxSize, blockSize));
}

function positive(n: number, what: string, file: string): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`the ${what} must be a whole number >= 1, got ${n}`, { file });
  return n;
}

/**
 * Pieces of `splitSize` bytes while more than `slop` of them remain, then the
 * rest; one empty piece for an empty file.
 */
function cutRanges(size: number, splitSize: number, slop: number): { start: number; length: number }[] {
  if (size === 0) return [{ start: 0, length: 0 }];
  const out: { start: number; length: number }[] = [];
  let remaining = size;
  while (remaining / splitSize > slop) {
    out.push({ start: size - remaining, length: splitSize });
    remaining -= splitSize;
  }
  if (remaining > 0) out.push({ start: size - remaining, length: remaining });
  return out;
}

/** Split boundaries for a file of `size` bytes in pieces of exactly `splitSize` (the last one may be shorter). */
export function splitRanges(size: number, splitSize: number): { start: number; length: number }[] {
  return size === 0 ? [] : cutRanges(size, splitSize, 1);
}
