/**
 * Small codec outputs (a RECORD value, one per record) are views carved out of a shared slab:
 * a typed array of more than 64 bytes made on its own gets a backing store of its own, which
 * costs several times what a view of an existing one does. A view keeps its slab alive, so only
 * small outputs come from it (at most MAX_SMALL bytes each, 64 KiB per slab).
 */
const SLAB_BYTES = 64 * 1024;
const MAX_SMALL = 4096;

let slab = new Uint8Array(SLAB_BYTES);
let used = 0;

/** A new zero-filled array of `n` bytes that no other view shares. */
export function smallBytes(n: number): Uint8Array {
  if (n > MAX_SMALL) return new Uint8Array(n);
  if (used + n > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    used = 0;
  }
  const v = slab.subarray(used, used + n);
  used += (n + 7) & ~7;
  return v;
}

/** A copy of `src[start, end)` (see `smallBytes`). */
export function copyOfRange(src: Uint8Array, start: number, end: number): Uint8Array {
  const n = end - start;
  // not `src.slice`: on a Buffer that is a view, not a copy
  const v = smallBytes(n);
  if (n < 128) for (let i = 0; i < n; i++) v[i] = src[start + i]!;
  else v.set(src.subarray(start, end));
  return v;
}
