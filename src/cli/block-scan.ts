import { TruncatedFileError } from '../io/errors.js';
import { DEFAULT_LIMITS, type ReadLimits } from '../io/limits.js';
import { FileSource } from '../io/source.js';
import { isNeed, readBlockBufferSize, readBlockStart } from '../seq/block-frame.js';
import { SYNC_SIZE } from '../seq/constants.js';
import type { SequenceFileHeader } from '../seq/header.js';

/** One BLOCK-compressed block as its header describes it. */
export interface BlockHeader {
  /** Offset of its sync escape. */
  offset: number;
  records: number;
  /** Offset just past it. */
  end: number;
}

/**
 * Walk a BLOCK-compressed file block by block, reading only each block's sync
 * marker, record count and the four buffer lengths, and skipping the
 * compressed buffers themselves: counting records this way decompresses
 * nothing and reads a few dozen bytes per block. The framing is the block
 * decoder's (`seq/block-frame.ts`), the reader's own.
 */
export async function scanBlockHeaders(
  path: string,
  header: SequenceFileHeader,
  onBlock?: (b: BlockHeader) => void,
  limits: ReadLimits = DEFAULT_LIMITS,
): Promise<{ records: number; blocks: number; size: number }> {
  const src = await FileSource.open(path);
  // a sync marker and a record count, or one buffer size: the most any step reads
  const buf = new Uint8Array(SYNC_SIZE + 9);
  try {
    const size = src.size;
    let pos = header.headerLength;
    let records = 0;
    let blocks = 0;
    const truncated = (offset: number, needed: number): TruncatedFileError =>
      new TruncatedFileError(`file ends inside a block: needed ${needed} bytes, ${size - offset} left`, { file: path, offset });
    while (pos < size) {
      const offset = pos;
      let got = await src.read(pos, buf, 0, buf.length);
      const start = readBlockStart(buf, 0, got, header.sync, limits, { base: pos, file: path });
      if (isNeed(start)) throw truncated(offset, start.need);
      pos = start.next;
      for (let k = 0; k < 4; k++) {
        got = await src.read(pos, buf, 0, 9);
        const n = readBlockBufferSize(buf, 0, got, limits, { base: pos, file: path });
        if (isNeed(n)) throw truncated(offset, pos - offset + n.need);
        pos = n.next + n.size;
        // as the reader counts it: through this buffer and, before the last, the next size's first byte
        if (pos > size) throw truncated(offset, pos - offset + (k < 3 ? 1 : 0));
      }
      records += start.records;
      blocks++;
      onBlock?.({ offset, records: start.records, end: pos });
    }
    return { records, blocks, size };
  } finally {
    await src.close();
  }
}
