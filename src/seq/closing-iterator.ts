/**
 * An iterator over a generator that releases a resource however iteration
 * stops. The generator's own `finally` covers the end and errors; this also
 * closes on `return()` / `throw()` before the first `next()`, where a
 * generator's `finally` never runs. `next` is the generator's own: no
 * extra promise per item.
 */
export function closingIterator<T>(gen: AsyncGenerator<T, void, undefined>, close: () => Promise<void>): AsyncIterableIterator<T> & AsyncDisposable {
  const it: AsyncIterableIterator<T> & AsyncDisposable = {
    next: () => gen.next(),
    async return(value?: unknown) {
      try {
        return await gen.return(value as undefined);
      } finally {
        await close();
      }
    },
    async throw(e?: unknown) {
      try {
        return await gen.throw(e);
      } finally {
        await close().catch(() => {}); // the error thrown in matters more than a failed close
      }
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
