/**
 * `Symbol.asyncDispose`, for `await using`. Node 20 has it; the registered
 * symbol is what polyfills (and TypeScript's `using` helpers) fall back to.
 */
export const asyncDispose: typeof Symbol.asyncDispose = (Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose')) as typeof Symbol.asyncDispose;
