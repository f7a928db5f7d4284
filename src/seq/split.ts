import type { SourceInput } from '../io/source.js';
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
  const reader = await SequenceFileReader.open<K, V>(input, opts);
  try {
    const end = opts.start + opts.length;
    if (opts.start > reader.header.headerLength) await reader.sync(opts.start);
    if (reader.position >= end) return;
    for (;;) {
      const pos = reader.position;
      const raw = await reader.nextRaw();
      if (raw === null) return;
      if (pos >= end && reader.syncSeen) return;
      yield { key: reader.decodeKey(raw), value: reader.decodeValue(raw) };
    }
  } finally {
    await reader.close();
  }
}

/** Split boundaries for a file of `size` bytes in pieces of `splitSize` (the last one may be shorter). */
export function splitRanges(size: number, splitSize: number): { start: number; length: number }[] {
  const out: { start: number; length: number }[] = [];
  for (let start = 0; start < size; start += splitSize) out.push({ start, length: Math.min(splitSize, size - start) });
  return out;
}
