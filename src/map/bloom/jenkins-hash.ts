/**
 * Hadoop's `org.apache.hadoop.util.hash.JenkinsHash` (hash type 0), bit-exact:
 * Bob Jenkins' lookup3 `hashlittle()` over a byte array (bytes read little-endian,
 * unsigned), initial a = b = c = 0xdeadbeef + length + seed (mod 2^32).
 *
 * All arithmetic is done on 32-bit ints (`| 0`, `>>> 0`-free: only the low 32 bits
 * matter, and the result is returned as Java's signed `int`).
 */

function rot(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * lookup3 hashlittle of all of `bytes` with initval `seed` (a signed or unsigned
 * 32-bit value); the result is a signed 32-bit int, as Hadoop returns it.
 */
export function jenkinsHash(bytes: Uint8Array, seed: number): number {
  let length = bytes.length;
  let a = (0xdeadbeef + length + seed) | 0;
  let b = a;
  let c = a;
  let o = 0;
  while (length > 12) {
    a = (a + (bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24))) | 0;
    b = (b + (bytes[o + 4]! | (bytes[o + 5]! << 8) | (bytes[o + 6]! << 16) | (bytes[o + 7]! << 24))) | 0;
    c = (c + (bytes[o + 8]! | (bytes[o + 9]! << 8) | (bytes[o + 10]! << 16) | (bytes[o + 11]! << 24))) | 0;
    // mix(a, b, c)
    a = (a - c) | 0; a ^= rot(c, 4); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 6); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 8); b = (b + a) | 0;
    a = (a - c) | 0; a ^= rot(c, 16); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 19); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 4); b = (b + a) | 0;
    o += 12;
    length -= 12;
  }
  if (length === 0) return c | 0; // only reachable for an empty input
  // Last 1..12 bytes: add the bytes that exist, little-endian, into a, b, c.
  if (length >= 9) {
    let w = 0;
    for (let i = length - 1; i >= 8; i--) w |= bytes[o + i]! << ((i - 8) << 3);
    c = (c + w) | 0;
  }
  if (length >= 5) {
    let w = 0;
    for (let i = Math.min(length, 8) - 1; i >= 4; i--) w |= bytes[o + i]! << ((i - 4) << 3);
    b = (b + w) | 0;
  }
  {
    let w = 0;
    for (let i = Math.min(length, 4) - 1; i >= 0; i--) w |= bytes[o + i]! << (i << 3);
    a = (a + w) | 0;
  }
  // final(a, b, c)
  c ^= b; c = (c - rot(b, 14)) | 0;
  a ^= c; a = (a - rot(c, 11)) | 0;
  b ^= a; b = (b - rot(a, 25)) | 0;
  c ^= b; c = (c - rot(b, 16)) | 0;
  a ^= c; a = (a - rot(c, 4)) | 0;
  b ^= a; b = (b - rot(a, 14)) | 0;
  c ^= b; c = (c - rot(b, 24)) | 0;
  return c | 0;
}
