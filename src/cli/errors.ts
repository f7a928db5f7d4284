import { CorruptFileError, HadoopIOError, LimitExceededError, UsageError } from '../io/errors.js';
import { DEFAULT_LIMITS, type ReadLimits } from '../io/limits.js';

/** Exit codes: 0 ok, 1 bad data or I/O failure, 2 usage. */
export const EXIT_OK = 0;
export const EXIT_BAD_DATA = 1;
export const EXIT_USAGE = 2;

/** The limits this run reads with, so an error can tell a count over the limit from a corrupt one. */
let runLimits: Readonly<ReadLimits> = DEFAULT_LIMITS;

export function setRunLimits(limits: Partial<ReadLimits>): void {
  runLimits = { ...DEFAULT_LIMITS, ...limits };
}

/** A mistake on the command line. `command` names the command whose help to point at. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

/** One line for stderr, `seqcat: <file>: <what> (at byte N)`, and the exit code. */
export function describeError(e: unknown): { line: string; code: number } {
  if (e instanceof CliUsageError) {
    const help = e.command ? `seqcat ${e.command} --help` : 'seqcat --help';
    return { line: `seqcat: ${oneLine(e.message)} (see '${help}')`, code: EXIT_USAGE };
  }
  if (e instanceof UsageError) return { line: `seqcat: ${oneLine(e.message)}`, code: EXIT_USAGE };
  if (e instanceof LimitExceededError) {
    const flag = limitFlag(e.reason);
    return { line: `seqcat: ${oneLine(e.message)}${flag ? ` (raise with ${flag})` : ''}`, code: EXIT_BAD_DATA };
  }
  if (e instanceof CorruptFileError) {
    // collections check their count against maxElements and call a larger one invalid
    const count = /^invalid .*(?:size|length|count) (\d+)$/.exec(e.reason);
    const over = count !== null && Number(count[1]) > runLimits.maxElements;
    return { line: `seqcat: ${oneLine(e.message)}${over ? ` (over the limit of ${runLimits.maxElements} elements? raise with --max-elements)` : ''}`, code: EXIT_BAD_DATA };
  }
  if (e instanceof HadoopIOError) {
    const hint = /which is not registered/.test(e.reason) ? ' (declare the class with --classes FILE)' : '';
    return { line: `seqcat: ${oneLine(e.message)}${hint}`, code: EXIT_BAD_DATA };
  }
  if (e instanceof RangeError || e instanceof TypeError) {
    // should not happen: a bug, still reported on one line
    return { line: `seqcat: internal error: ${oneLine(String(e.message))}`, code: EXIT_BAD_DATA };
  }
  const err = e as NodeJS.ErrnoException;
  return { line: `seqcat: ${oneLine(String(err?.message ?? e))}`, code: EXIT_BAD_DATA };
}

/** Fill in the file name of a typed error raised without one. */
export function locateError(e: unknown, file: string): unknown {
  return e instanceof HadoopIOError ? e.locate(file) : e;
}

/** The option that raises the limit a LimitExceededError hit, from its reason (see src/io/limits.ts). */
export function limitFlag(reason: string): string | undefined {
  if (/elements, over the limit/.test(reason)) return '--max-elements';
  if (/decompressed|data exceeds the limit|block claims \d+ bytes, over the limit/.test(reason)) return '--max-decompressed';
  if (/exceeds the limit of \d+ bytes/.test(reason)) return '--max-buffer';
  return undefined;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}

export { CorruptFileError };
