import { ByteReader } from '../io/byte-reader.js';
import { CorruptFileError, TruncatedFileError } from '../io/errors.js';
import { FileSource } from '../io/source.js';
import { SYNC_ESCAPE, SYNC_HASH_SIZE, SYNC_SIZE } from '../seq/constants.js';
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
 * nothing and reads a few dozen bytes per block. The reader always
 * decompresses a block to reach the next one, so this lives here.
 */
export async function scanBlockHeaders(path: string, header: SequenceFileHeader, onBlock?: (b: BlockHeader) => void): Promise<{ records: number; blocks: number; size: number }> {
  const src = await FileSource.open(path);
  const buf = new Uint8Array(SYNC_SIZE + 9);
  const r = new ByteReader(buf, { file: path });
  try {
    const size = src.size;
    let pos = header.headerLength;
    let records = 0;
    let blocks = 0;
    /** Read up to `n` bytes at `at` into the small buffer and point `r` at them. */
    const load = async (at: number, n: number): Promise<void> => {
      const got = await src.read(at, buf, 0, Math.min(n, buf.length));
      r.reset(buf, 0, got, at);
    };
    const vintAt = async (at: number): Promise<[number, number]> => {
      await load(at, 9);
      const v = r.readVInt();
      return [v, r.pos];
    };
    while (pos < size) {
      const offset = pos;
      if (header.sync !== null) {
        await load(pos, SYNC_SIZE);
        if (r.remaining < SYNC_SIZE) throw new TruncatedFileError(`file ends inside a block: needed ${SYNC_SIZE} bytes, ${r.remaining} left`, { file: path, offset: pos });
        const escape = r.readInt32();
        if (escape !== SYNC_ESCAPE) throw new CorruptFileError(`expected a sync escape before the block, found ${escape}`, { file: path, offset: pos });
        for (let j = 0; j < SYNC_HASH_SIZE; j++) {
          if (buf[4 + j] !== header.sync[j]) throw new CorruptFileError('sync marker mismatch (file is corrupt)', { file: path, offset: pos });
        }
        pos += SYNC_SIZE;
      }
      const [count, n0] = await vintAt(pos);
      if (count < 0) throw new CorruptFileError(`invalid block record count ${count}`, { file: path, offset: pos });
      pos += n0;
      for (let k = 0; k < 4; k++) {
        const at = pos;
        const [len, n] = await vintAt(pos);
        if (len < 0) throw new CorruptFileError(`negative or invalid compressed block buffer length ${len}`, { file: path, offset: at });
        pos += n + len;
        if (pos > size) {
          throw new TruncatedFileError(`file ends inside a block: needed ${pos - offset} bytes, ${size - offset} left`, { file: path, offset });
        }
      }
      records += count;
      blocks++;
      onBlock?.({ offset, records: count, end: pos });
    }
    return { records, blocks, size };
  } finally {
    await src.close();
  }
}
