import { CorruptFileError, TruncatedFileError } from '../io/errors.js';

/**
 * A field's reader is bounded by the field's serialized bytes, all of which are
 * in memory: running out inside a type's `read` means the read consumed more
 * than the record holds (a custom class reading too much, or bytes that are not
 * of that class), not that the file ends. Other errors pass through unchanged.
 */
export function overReadError(e: unknown, what: string, className: string, length: number, file: string, offset: number | undefined): unknown {
  if (!(e instanceof TruncatedFileError)) return e;
  return new CorruptFileError(`${what} of class ${className} read past its ${length} bytes (its read consumed more than the record holds)`, {
    file,
    ...(offset === undefined ? {} : { offset }),
    cause: e,
  });
}
