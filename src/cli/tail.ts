import type { SequenceFileReader } from '../seq/reader.js';

/** Where one record starts: its position (block offset for BLOCK files) and index within the block. */
export interface RecordStart {
  position: number;
  index: number;
}

/** Fixed-size ring keeping the last `n` items pushed, in order. */
export class Ring<T> {
  private readonly items: T[] = [];
  private next = 0;
  constructor(private readonly n: number) {}
  push(x: T): void {
    if (this.items.length < this.n) this.items.push(x);
    else {
      this.items[this.next] = x;
      this.next = (this.next + 1) % this.n;
    }
  }
  toArray(): T[] {
    return [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
  }
}

/** How the last records were found: for tests and the curious (`SEQCAT_DEBUG_TAIL`). */
export interface TailStats {
  /** Windows tried, each twice as large as the one before. */
  windows: number;
  /** Bytes of the file the scans covered (from each sync point to where the previous scan started). */
  scannedBytes: number;
  /** True when the search fell back to reading from the first record. */
  fullScan: boolean;
}

const FIRST_WINDOW = 64 * 1024;

/**
 * Find where the last `n` records of a seekable file start without reading
 * the whole file: jump to the first sync point in the last 64 KiB
 * (`reader.sync`), note every record start from there up to where the
 * previous jump landed, and double the window until `n` records are known or
 * the window reaches the first record. Files without sync markers (version 1)
 * or without markers in range fall back to a scan from the first record.
 * Leaves the reader's end limit at `size`.
 */
export async function findLastRecords(reader: SequenceFileReader, size: number, n: number): Promise<{ starts: RecordStart[]; stats: TailStats }> {
  const h = reader.header;
  const isBlock = h.compression === 'BLOCK';
  const stats: TailStats = { windows: 0, scannedBytes: 0, fullScan: false };
  if (n <= 0) return { starts: [], stats };
  let found: RecordStart[] = [];
  let stop = size;
  let window = Math.max(FIRST_WINDOW, n * 128);
  for (;;) {
    stats.windows++;
    let start: number;
    if (h.sync === null || size - window <= h.headerLength) {
      start = h.headerLength;
      stats.fullScan = true;
      await reader.seek(start);
    } else {
      await reader.sync(size - window);
      start = reader.position;
    }
    if (start < stop) {
      reader.setEnd(stop);
      const ring = new Ring<RecordStart>(n);
      await reader.forEachRaw((raw) => {
        ring.push({ position: raw.position, index: isBlock ? raw.indexInBlock : 0 });
      });
      stats.scannedBytes += stop - start;
      found = [...ring.toArray(), ...found].slice(-n);
      stop = start;
    }
    if (found.length >= n || start <= h.headerLength) break;
    window *= 2;
  }
  reader.setEnd(size);
  return { starts: found, stats };
}

/** Position the reader at the first of `starts` (which must run to the end of the file). */
export async function seekTo(reader: SequenceFileReader, first: RecordStart): Promise<void> {
  await reader.seek(first.position);
  for (let i = 0; i < first.index; i++) await reader.nextRaw();
}
