import { stat } from 'node:fs/promises';
import { SequenceFileReader, type SequenceFileReaderOptions } from '../seq/reader.js';
import { SequenceFileWriter } from '../seq/writer.js';
import { SYNC_SIZE } from '../seq/constants.js';
import { DEFAULT_INDEX_INTERVAL, LONG_WRITABLE, dataPath, indexPath } from './map-files.js';

export interface FixIndexOptions extends SequenceFileReaderOptions {
  /** Index interval to rebuild with (default 128). */
  indexInterval?: number;
  /** Rebuild even when an index exists (default: leave it alone, as Hadoop's `MapFile.fix`). */
  force?: boolean;
  /** Count what would be written without writing. */
  dryRun?: boolean;
  /** Sync marker of the new index (default: random). */
  indexSyncMarker?: Uint8Array;
}

export interface FixIndexResult {
  /** False when an index was already there and `force` was not given. */
  rebuilt: boolean;
  records: number;
  indexEntries: number;
}

/**
 * Rebuild a MapFile's `index` from its `data`, choosing the same entries
 * `MapFile.Writer` would have written (first key, then every `indexInterval`
 * keys where the data position moved; block starts in BLOCK files), so a lost
 * index comes back identical. Hadoop's own `MapFile.fix` indexes every
 * interval-th record at the position after its predecessor, which in BLOCK
 * files points into the wrong block; we do not copy that. The index is
 * written to a temporary name and renamed, so a crash leaves no half index.
 */
export async function fixMapFileIndex(dir: string, opts: FixIndexOptions = {}): Promise<FixIndexResult> {
  const exists = await stat(indexPath(dir)).then(() => true, () => false);
  if (exists && !opts.force && !opts.dryRun) return { rebuilt: false, records: 0, indexEntries: 0 };
  const interval = opts.indexInterval ?? DEFAULT_INDEX_INTERVAL;
  const data = await SequenceFileReader.open(dataPath(dir), opts);
  const index = opts.dryRun
    ? null
    : await SequenceFileWriter.create(indexPath(dir), {
        keyClass: data.keyType,
        valueClass: LONG_WRITABLE,
        compression: 'BLOCK',
        codec: 'org.apache.hadoop.io.compress.DefaultCodec',
        atomic: true,
        ...(opts.indexSyncMarker ? { syncMarker: opts.indexSyncMarker } : {}),
        ...(opts.registry ? { registry: opts.registry } : {}),
        ...(opts.codecs ? { codecs: opts.codecs } : {}),
      });
  const posBytes = new Uint8Array(8);
  const view = new DataView(posBytes.buffer);
  let records = 0;
  let entries = 0;
  let lastIndexPos = -1;
  let lastIndexCount = Number.NEGATIVE_INFINITY;
  try {
    const blocks = data.header.compression === 'BLOCK';
    for (;;) {
      const raw = await data.nextRaw();
      if (raw === null) break;
      // Where the writer stood before appending: before the sync marker it wrote first, if any.
      const pos = !blocks && raw.syncBefore ? raw.position - SYNC_SIZE : raw.position;
      if (records >= lastIndexCount + interval && pos > lastIndexPos) {
        view.setBigInt64(0, BigInt(pos));
        if (index) await index.appendRaw(raw.key, posBytes);
        lastIndexPos = pos;
        lastIndexCount = records;
        entries++;
      }
      records++;
    }
    await index?.close();
  } catch (e) {
    await index?.abort();
    throw e;
  } finally {
    await data.close();
  }
  return { rebuilt: !opts.dryRun, records, indexEntries: entries };
}
