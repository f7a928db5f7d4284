import { UsageError } from '../io/errors.js';
import { MapFileReader, type MapFileReaderOptions, type RawEntry } from './map-file-reader.js';
import { MapFileWriter, type MapFileWriterOptions } from './map-file-writer.js';

export type MergeOptions = MapFileReaderOptions & Partial<MapFileWriterOptions>;

/**
 * Merge sorted MapFiles into one, as Hadoop's `MapFile.Merger`: all inputs
 * must share key and value classes; equal keys are all kept, earlier inputs
 * first. Output options default to the first input's compression and codec.
 * Records are copied as bytes, never decoded.
 */
export async function mergeMapFiles(inputs: readonly string[], output: string, opts: MergeOptions = {}): Promise<number> {
  if (inputs.length === 0) throw new UsageError('nothing to merge');
  const readers: MapFileReader[] = [];
  try {
    for (const dir of inputs) readers.push(await MapFileReader.open(dir, opts));
    const first = readers[0]!.data.header;
    for (const [i, r] of readers.entries()) {
      const h = r.data.header;
      if (h.keyClassName !== first.keyClassName || h.valueClassName !== first.valueClassName) {
        throw new UsageError(`${inputs[i]} holds ${h.keyClassName}/${h.valueClassName}, but ${inputs[0]} holds ${first.keyClassName}/${first.valueClassName}`);
      }
    }
    const writer = await MapFileWriter.create(output, {
      ...opts,
      keyClass: opts.keyClass ?? first.keyClassName,
      valueClass: opts.valueClass ?? first.valueClassName,
      compression: opts.compression ?? first.compression,
      ...(opts.codec ?? first.codecClassName ? { codec: opts.codec ?? first.codecClassName! } : {}),
    });
    const heads: (RawEntry | undefined)[] = [];
    for (const r of readers) heads.push(await r.nextRaw());
    const compare = readers[0]!.compare;
    let n = 0;
    try {
      for (;;) {
        // A linear pick: merges have few inputs, and ties go to the earliest input.
        let best = -1;
        for (let i = 0; i < heads.length; i++) {
          const h = heads[i];
          if (h !== undefined && (best < 0 || compare(h.key, heads[best]!.key) < 0)) best = i;
        }
        if (best < 0) break;
        const e = heads[best]!;
        await writer.appendRaw(e.key, e.value);
        heads[best] = await readers[best]!.nextRaw();
        n++;
      }
      await writer.close();
    } catch (e) {
      await writer.abort();
      throw e;
    }
    return n;
  } finally {
    await Promise.allSettled(readers.map((r) => r.close()));
  }
}
