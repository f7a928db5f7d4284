import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SequenceFileReader, type SequenceFileReaderOptions } from '../seq/reader.js';
import { streamSource } from '../io/source.js';
import { UsageError } from '../io/errors.js';

/** The name `-` means standard input (or output). */
export const STDIO = '-';

/**
 * What a path names: a SequenceFile, a MapFile-style directory (`data` +
 * `index`), which is read through its `data` file, or `-` for stdin.
 */
export async function resolveInput(path: string): Promise<{ kind: 'file' | 'dir' | 'stdin'; dataPath: string; size: number | undefined }> {
  if (path === STDIO) return { kind: 'stdin', dataPath: path, size: undefined };
  let st;
  try {
    st = await stat(path);
  } catch {
    // let the reader produce the usual "no such file" error
    return { kind: 'file', dataPath: path, size: undefined };
  }
  if (st.isDirectory()) {
    const data = join(path, 'data');
    const ds = await stat(data).catch(() => null);
    if (!ds?.isFile()) throw new UsageError('is a directory without a MapFile data file', { file: path });
    return { kind: 'dir', dataPath: data, size: ds.size };
  }
  return { kind: 'file', dataPath: path, size: st.size };
}

/** Open a file, a MapFile directory's data file, or stdin (`-`). */
export async function openInput(path: string, opts: SequenceFileReaderOptions = {}): Promise<{ reader: SequenceFileReader; size: number | undefined; dataPath: string }> {
  const { kind, dataPath, size } = await resolveInput(path);
  if (kind === 'stdin') {
    const reader = await SequenceFileReader.open(streamSource(process.stdin, '<stdin>'), opts);
    return { reader, size, dataPath };
  }
  const reader = await SequenceFileReader.open(dataPath, opts);
  return { reader, size, dataPath };
}

/** Whether a path exists (for telling a mistyped command from a missing file). */
export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
