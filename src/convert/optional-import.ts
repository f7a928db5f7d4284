import { UnsupportedFormatError } from '../io/errors.js';

/**
 * Import a package that only conversions need, so the core install does not
 * carry it: a missing package is an UnsupportedFormatError saying what to install.
 */
export async function optionalImport<T>(name: string, purpose: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    throw new UnsupportedFormatError(
      missing ? `install ${name} to ${purpose} (npm install ${name})` : `${name}, needed to ${purpose}, failed to load: ${(e as Error)?.message ?? String(e)}`,
      { cause: e },
    );
  }
}
