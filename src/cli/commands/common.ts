import { CliUsageError, EXIT_OK, describeError, locateError } from '../errors.js';
import type { LineOutput } from '../output.js';
import type { SequenceFileReader } from '../../seq/reader.js';
import type { RawRecord } from '../../seq/raw-record.js';

/**
 * Run `fn` for each input like `cat` does: a file that fails gets its one
 * error line on stderr and the others still run; the exit code is the worst
 * seen. Usage errors stop everything.
 */
export async function eachInput(files: string[], out: LineOutput, fn: (file: string) => Promise<void>): Promise<number> {
  let code = EXIT_OK;
  for (const f of files) {
    if (out.closed) break;
    try {
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

/** `key<TAB>value` with Java `toString()`, as `hadoop fs -text` prints. */
export function textLine(reader: SequenceFileReader): (raw: RawRecord) => string {
  const kt = reader.keyType;
  const vt = reader.valueType;
  return (raw) => `${kt.toString(reader.decodeKey(raw))}\t${vt.toString(reader.decodeValue(raw))}`;
}
