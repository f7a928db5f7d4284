import { CliUsageError, EXIT_OK, describeError, locateError } from '../errors.js';
import type { Input } from '../inputs.js';
import type { LineOutput } from '../output.js';
import { ChecksumError } from '../../io/checksum-file.js';
import type { SequenceFileReader } from '../../seq/reader.js';
import type { RawRecord } from '../../seq/raw-record.js';

/**
 * Run `fn` for each input like `cat` does: a file that fails (or an argument
 * that named none) gets its one error line on stderr and the others still
 * run; the exit code is the worst seen. Usage errors stop everything.
 */
export async function eachInput(inputs: Input[], out: LineOutput, fn: (file: string) => Promise<void>): Promise<number> {
  let code = EXIT_OK;
  for (const { path: f, error } of inputs) {
    if (out.closed) break;
    try {
      if (error !== undefined) throw error;
      await fn(f);
    } catch (e) {
      if (e instanceof CliUsageError) throw e;
      await out.flush().catch(() => {});
      const d = describeError(locateError(e, f));
      process.stderr.write(d.line + '\n');
      code = Math.max(code, d.code);
    }
  }
  return code;
}

/**
 * Call `fn` for every remaining record (up to `limit`) at full speed — one
 * await per read-ahead chunk, not per record — flushing the output whenever
 * `fn` says a flush is due and stopping when the consumer has gone.
 */
export async function pumpRecords(reader: SequenceFileReader, out: LineOutput, fn: (raw: RawRecord) => boolean, limit = Number.POSITIVE_INFINITY): Promise<number> {
  let n = 0;
  while (n < limit && !out.closed) {
    let flush = false;
    let more = false;
    await reader.forEachRaw((raw) => {
      n++;
      flush = fn(raw);
      if (flush || n >= limit) {
        more = true;
        return false;
      }
      return true;
    });
    if (flush) await out.flush();
    if (!more) break;
  }
  return n;
}

/**
 * `pumpRecords` over a whole input, keeping the records before a checksum
 * error: the reader verifies a read-ahead chunk at a time, so a bad chunk
 * late in the file would otherwise fail before the good records sharing its
 * chunk are printed. On a ChecksumError the file is read again without
 * verification, and the records that end before the bad chunk (for BLOCK
 * files: whose block does) are printed; then the error is raised, unless
 * `limit` records were printed before reaching it.
 */
export async function pumpChecked(
  open: (verify: boolean) => Promise<SequenceFileReader>,
  out: LineOutput,
  line: (reader: SequenceFileReader) => (raw: RawRecord) => boolean,
  limit = Number.POSITIVE_INFINITY,
): Promise<void> {
  let done = 0;
  let failure: ChecksumError;
  let first: SequenceFileReader | null = null;
  try {
    // opening reads the first chunk, which may already hold the bad one
    first = await open(true);
    const fn = line(first);
    await pumpRecords(first, out, (raw) => (done++, fn(raw)), limit);
    return;
  } catch (e) {
    if (!(e instanceof ChecksumError) || e.offset === undefined) throw e;
    failure = e;
  } finally {
    await first?.close();
  }
  const bad = failure.offset!;
  const again = await open(false);
  try {
    const fn = line(again);
    for (let i = 0; i < done; i++) if ((await again.nextRaw()) === null) break;
    for (;;) {
      // stopped before the bad chunk (head -n, a closed pipe): what was asked for was all good
      if (done >= limit || out.closed) return;
      const raw = await again.nextRaw();
      if (raw === null || again.position > bad) break;
      done++;
      if (fn(raw)) await out.flush();
    }
  } finally {
    await again.close();
  }
  throw failure;
}
