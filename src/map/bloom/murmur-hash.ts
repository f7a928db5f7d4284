/**
 * Hadoop's `org.apache.hadoop.util.hash.MurmurHash` (hash type 1), bit-exact.
 *
 * It is MurmurHash2, 32-bit (m = 0x5bd1e995, r = 24, h = seed ^ length) with two
 * Hadoop-specific deviations from the reference C code, both of which change the
 * result and therefore the bloom bits Hadoop writes:
 *
 * - the 1-3 trailing bytes are folded in "reversed": with 3 left, the first of them
 *   goes to bits 16-23 and the last one unshifted (the reference does the opposite);
 * - those trailing bytes are Java `byte`s, i.e. sign-extended, so a byte >= 0x80
 *   also flips every higher bit of `h`.
 *
 * The 4-byte body blocks are plain little-endian words (the sign extension of the
 * top byte is shifted out), as in the reference.
 */

const M = 0x5bd1e995;

/** Sign-extend a byte the way Java's `(int) byteValue` does. */
function sx(b: number): number {
  return (b << 24) >> 24;
}

/**
 * MurmurHash of all of `bytes` with the given seed, as Hadoop computes it.
 * `seed` is taken as a signed 32-bit int; the result is a signed 32-bit int.
 */
export function murmurHash(bytes: Uint8Array, seed: number): number {
  const length = bytes.length;
  let h = (seed ^ length) | 0;
  const blocks = length >>> 2;
  let p = 0;
  for (let i = 0; i < blocks; i++, p += 4) {
    let k = bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const left = length - p;
  if (left !== 0) {
    if (left >= 3) h ^= sx(bytes[length - 3]!) << 16;
    if (left >= 2) h ^= sx(bytes[length - 2]!) << 8;
    h ^= sx(bytes[length - 1]!);
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
