import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SequenceFileReader, type SequenceFileReaderOptions } from '../seq/reader.js';
import { UsageError } from '../io/errors.js';

export type ReaderFactory = () => Promise<SequenceFileReader>;

/**
 * What a path names: a SequenceFile, or a MapFile-style directory (`data` +
 * `index`), which is read through its `data` file.
 */
export async function resolveInput(path: string): Promise<{ kind: 'file' | 'dir'; dataPath: string }> {
  let st;
  try {
    st = await stat(path);
  } catch {
    // let the reader produce the usual "no such file" error
    return { kind: 'file', dataPath: path };
  }
  if (st.isDirectory()) {
    const data = join(path, 'data');
    const ok = await stat(data).then((s) => s.isFile(), () => false);
    if (!ok) throw new UsageError('is a directory without a MapFile data file', { file: path });
    return { kind: 'dir', dataPath: data };
  }
  return { kind: 'file', dataPath: path };
}

export function readerFor(path: string, opts: SequenceFileReaderOptions = {}): ReaderFactory {
  return async () => SequenceFileReader.open(path, opts);
}
