import { FileSink, type ByteSink } from '../io/sink.js';

/**
 * Run `write` against a conversion's output: a path (written to a temporary
 * name and renamed when complete, through `FileSink`'s rules for symlinks and
 * FIFOs) or the caller's sink. The output is closed when `write` returns and
 * aborted when it, or the close, fails, so no partial file is left.
 */
export async function writeOutput<T>(output: string | ByteSink, write: (sink: ByteSink) => Promise<T>): Promise<T> {
  const sink = typeof output === 'string' ? await FileSink.open(output, { atomic: true }) : output;
  try {
    const result = await write(sink);
    await sink.close();
    return result;
  } catch (e) {
    await sink.abort?.();
    throw e;
  }
}
