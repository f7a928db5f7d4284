import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ioError } from './source.js';

/**
 * What an output path names, which decides how it may be written:
 * - `file`: a regular file or nothing yet. It may be written to a temporary
 *   name beside `path` and renamed onto it; `path` is the symlink's target
 *   when the given path is a symlink, so the link stays a link.
 * - `special`: a FIFO, device, socket, directory, or a name for an open file
 *   descriptor (`/dev/stdout`, `/dev/fd/N`, `/proc/PID/fd/N`). It is opened
 *   and written through: a rename would replace the node itself.
 */
export type OutputTarget = { kind: 'file'; path: string } | { kind: 'special' };

/** Symlinks followed before giving up (Linux's own limit). */
const MAX_LINKS = 40;

export async function outputTarget(path: string): Promise<OutputTarget> {
  if (isDescriptorAlias(resolve(path))) return { kind: 'special' };
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code !== 'ENOENT') throw ioError(path, e);
    return { kind: 'file', path: await danglingTarget(path) };
  }
  if (!st.isFile()) return { kind: 'special' };
  const link = await lstat(path).catch(() => null);
  if (!link?.isSymbolicLink()) return { kind: 'file', path };
  let real: string;
  try {
    real = await realpath(path);
  } catch (e) {
    throw ioError(path, e);
  }
  return isDescriptorAlias(real) ? { kind: 'special' } : { kind: 'file', path: real };
}

/**
 * Where a path that does not exist will be created: itself, or the end of
 * its chain of (dangling) symlinks.
 */
async function danglingTarget(path: string): Promise<string> {
  let at = path;
  for (let i = 0; i < MAX_LINKS; i++) {
    let link;
    try {
      link = await lstat(at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException)?.code === 'ENOENT') return at;
      throw ioError(path, e);
    }
    if (!link.isSymbolicLink()) return at;
    try {
      at = resolve(dirname(at), await readlink(at));
    } catch (e) {
      throw ioError(path, e);
    }
  }
  throw ioError(path, Object.assign(new Error('too many levels of symbolic links'), { code: 'ELOOP' }));
}

/** Names that stand for an already open descriptor: writing through them must reach that descriptor. */
function isDescriptorAlias(abs: string): boolean {
  return /^\/dev\/(std(in|out|err)|fd\/\d+)$/.test(abs) || /^\/proc\/[^/]+\/fd\/\d+$/.test(abs);
}
