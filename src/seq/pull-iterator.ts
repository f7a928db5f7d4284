/**
 * An async iterator over a synchronous parser: `pull()` gives the next item,
 * null at the end, or undefined when `fill()` must be awaited first. Only a
 * refill awaits: a record already buffered costs one settled promise, not an
 * async generator's round trip. `close` runs however iteration stops (end,
 * error, `return()`/`throw()`, even before the first `next()`). Calls made
 * while one is pending wait their turn, as a generator's would.
 */
export function pullIterator<T>(
  pull: () => T | null | undefined,
  fill: () => Promise<void>,
  close: () => Promise<void>,
): AsyncIterableIterator<T> & AsyncDisposable {
  /** At the end or after an error a failing close is not reported (as a generator's `finally` would swallow it). */
  const closeQuietly = (): Promise<void> => close().catch(() => {});
  let done = false;
  /** Calls not yet settled: a call waits for the one before it. */
  let pending = 0;
  let tail: Promise<IteratorResult<T>> | null = null;
  const run = async (): Promise<IteratorResult<T>> => {
    try {
      if (done) return { value: undefined, done: true };
      for (;;) {
        const item = pull();
        if (item === undefined) {
          await fill();
          continue;
        }
        if (item === null) {
          done = true;
          await closeQuietly();
          return { value: undefined, done: true };
        }
        return { value: item, done: false };
      }
    } catch (e) {
      if (!done) {
        done = true;
        await closeQuietly(); // the error matters more than a failed close
      }
      throw e;
    } finally {
      pending--;
    }
  };
  const it: AsyncIterableIterator<T> & AsyncDisposable = {
    next() {
      pending++;
      const p = pending === 1 || tail === null ? run() : tail.then(run, run);
      tail = p;
      return p;
    },
    async return(value?: unknown) {
      done = true;
      await close();
      return { value: value as undefined, done: true };
    },
    async throw(e?: unknown) {
      done = true;
      await closeQuietly();
      throw e;
    },
    [Symbol.asyncIterator]() {
      return it;
    },
    async [Symbol.asyncDispose]() {
      await it.return!();
    },
  };
  return it;
}
