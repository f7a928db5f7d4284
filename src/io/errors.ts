/**
 * Typed errors. Every error raised while reading or writing a Hadoop file is a
 * `HadoopIOError`, carrying the file (when known), the byte offset (when known)
 * and a short reason. `message` is `<file>: <reason> (at byte N)`, ready to print.
 */
export class HadoopIOError extends Error {
  override name = 'HadoopIOError';
  /** Path or label of the file, when known. */
  file: string | undefined;
  /** Absolute byte offset in the file where the problem was found, when known. */
  offset: number | undefined;
  /** What was wrong, without file and offset. */
  readonly reason: string;

  constructor(reason: string, opts: { file?: string; offset?: number; cause?: unknown } = {}) {
    super(reason, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.reason = reason;
    this.file = opts.file;
    this.offset = opts.offset;
    this.message = this.format();
  }

  /** Fill in the file and/or offset if they were not known where the error was raised. */
  locate(file?: string, offset?: number): this {
    if (this.file === undefined && file !== undefined) this.file = file;
    if (this.offset === undefined && offset !== undefined) this.offset = offset;
    this.message = this.format();
    return this;
  }

  private format(): string {
    let m = this.reason;
    if (this.file !== undefined) m = `${this.file}: ${m}`;
    if (this.offset !== undefined) m += ` (at byte ${this.offset})`;
    return m;
  }
}

/** The bytes are not what the format requires (bad magic, bad sync marker, impossible value). */
export class CorruptFileError extends HadoopIOError {
  override name = 'CorruptFileError';
}

/** The data ended before a complete header, record or block. */
export class TruncatedFileError extends CorruptFileError {
  override name = 'TruncatedFileError';
}

/** A length in the file asks for more than the configured limit (a forged or corrupt length). */
export class LimitExceededError extends CorruptFileError {
  override name = 'LimitExceededError';
}

/** A class, codec or version we cannot handle. */
export class UnsupportedFormatError extends HadoopIOError {
  override name = 'UnsupportedFormatError';
}

/** Wrong use of the API: keys out of order, writing after close, bad option. */
export class UsageError extends HadoopIOError {
  override name = 'UsageError';
}

/** The underlying source or sink failed (EIO, ENOSPC, EPIPE...). */
export class IOFailureError extends HadoopIOError {
  override name = 'IOFailureError';
}
