import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SequenceFileReader, type SequenceFileReaderOptions } from '../seq/reader.js';
import { streamSource } from '../io/source.js';
import { isHttpUrl } from '../io/http-source.js';
import { IOFailureError, UsageError } from '../io/errors.js';
import { CliUsageError } from './errors.js';
import { expandGlob, hasGlob } from './glob.js';
import { readerOptions, type ReadContext } from './read-context.js';

/** The name `-` means standard input (or output). */
export const STDIO = '-';

/** One input to read, or the reason an argument gave none (reported in its turn). */
export interface Input {
  path: string;
  error?: unknown;
}

/**
 * The input arguments of a command, or `-` (stdin) when none are given and
 * stdin is not a terminal; a usage error when there is nothing to read.
 */
export function inputArgs(files: string[], command: string): string[] {
  if (files.length > 0) return files;
  if (!process.stdin.isTTY) return [STDIO];
  throw new CliUsageError(`${command}: no input files (and stdin is a terminal)`, command);
}

/**
 * Turn arguments into the files to read, in order: a quoted glob
 * (`'out/part-*'`) becomes its matches (none is an error), a job output
 * directory its `part-*` files in name order; empty files either brings in
 * are left out. Everything else stays as given.
 */
export async function expandInputs(args: string[]): Promise<Input[]> {
  const out: Input[] = [];
  for (const arg of args) {
    if (isHttpUrl(arg)) {
      out.push({ path: arg }); // read with ranged requests; no globs or directories there
      continue;
    }
    let paths = [arg];
    if (arg !== STDIO && hasGlob(arg) && !(await exists(arg))) {
      const matched = await expandGlob(arg);
      if (matched.length === 0) {
        out.push({ path: arg, error: new IOFailureError('no such file (the pattern matches nothing)', { file: arg }) });
        continue;
      }
      // as in a directory, empty files (an idle reducer's part) hold nothing to read
      paths = [];
      for (const p of matched) if (!(await isEmptyFile(p))) paths.push(p);
    }
    for (const p of paths) {
      try {
        const parts = await jobParts(p);
        if (parts === null) out.push({ path: p });
        else out.push(...parts.map((path) => ({ path })));
      } catch (e) {
        out.push({ path: p, error: e });
      }
    }
  }
  return out;
}

/** The one file a single-input command reads: a job directory must hold exactly one part. */
export async function singleInput(arg: string, command: string): Promise<string> {
  const inputs = await expandInputs([arg]);
  if (inputs.length === 1) {
    if (inputs[0]!.error !== undefined) throw inputs[0]!.error;
    return inputs[0]!.path;
  }
  throw new CliUsageError(`${command}: ${arg} names ${inputs.length} files; give one`, command);
}

/** Hadoop's job-output conventions: `_SUCCESS`, `_logs`, `.crc` and other hidden names are not data. */
function isDataName(name: string): boolean {
  return !name.startsWith('_') && !name.startsWith('.') && !name.endsWith('.crc');
}

/**
 * A job output directory's `part-*` files (and MapFile part directories) in
 * name order, without the empty ones (an idle reducer's); null when `path`
 * is not such a directory (a file, stdin, a MapFile directory).
 */
async function jobParts(path: string): Promise<string[] | null> {
  if (path === STDIO) return null;
  const st = await stat(path).catch(() => null);
  if (!st?.isDirectory()) return null;
  if (await isFile(join(path, 'data'))) return null;
  let names: string[];
  try {
    names = await readdir(path);
  } catch (e) {
    throw new IOFailureError(`cannot list directory: ${(e as Error).message}`, { file: path });
  }
  const parts = names.filter((n) => n.startsWith('part-') && isDataName(n)).sort();
  if (parts.length === 0 && !names.includes('_SUCCESS')) {
    throw new UsageError('is a directory without part-* files or a MapFile data file', { file: path });
  }
  const keep: string[] = [];
  for (const n of parts) if (!(await isEmptyFile(join(path, n)))) keep.push(join(path, n));
  return keep;
}

async function isEmptyFile(p: string): Promise<boolean> {
  const s = await stat(p).catch(() => null);
  return !!s?.isFile() && s.size === 0;
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

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
  return { kind: 'file', dataPath: path, size: st.isFile() ? st.size : undefined };
}

/** Open a file, a MapFile directory's data file, or stdin (`-`), with this run's classes, codecs and limits. */
export async function openInput(
  path: string,
  ctx: ReadContext,
  opts: SequenceFileReaderOptions = {},
): Promise<{ reader: SequenceFileReader; size: number | undefined; dataPath: string }> {
  const { kind, dataPath, size } = await resolveInput(path);
  const o = { ...readerOptions(ctx), ...opts };
  if (kind === 'stdin') {
    // a split is a byte range of a file; a stream cannot be entered in the middle
    if (ctx.split) throw new UsageError('--split needs a file, not stdin', { file: '<stdin>' });
    const reader = await SequenceFileReader.open(streamSource(process.stdin, '<stdin>'), o);
    return { reader, size, dataPath };
  }
  // a FIFO, `<(...)` or /dev/stdin is streamed by the reader (its size is not its length)
  const reader = await SequenceFileReader.open(dataPath, o);
  // an http(s) URL: its length comes with the first ranged answer (tail seeks near the end with it)
  return { reader, size: size ?? (isHttpUrl(dataPath) ? reader.size : undefined), dataPath };
}

/** Exists and is neither a regular file nor a directory. */
export async function isSpecial(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => !s.isFile() && !s.isDirectory(),
    () => false,
  );
}

/** Whether a path exists (for telling a mistyped command from a missing file). */
export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
