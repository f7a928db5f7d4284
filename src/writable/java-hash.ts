/**
 * Java `hashCode()` of Writable values, where it is a function of the value:
 * HashMap iteration order (MapWritable.toString) and `Object.toString()`
 * identity strings (`SortedMapWritable@1f`) depend on it.
 */

/** WritableComparator.hashBytes: 31-based over signed bytes, starting at 1. */
export function hashBytes(b: Uint8Array, start = 0, end = b.length): number {
  let h = 1;
  for (let i = start; i < end; i++) h = (Math.imul(31, h) + ((b[i]! << 24) >> 24)) | 0;
  return h;
}

/** (int)(v ^ (v >>> 32)) */
export function hashLong(v: bigint): number {
  const u = BigInt.asUintN(64, v);
  return Number(BigInt.asIntN(32, u ^ (u >> 32n)));
}

/** Java's String.hashCode over UTF-16 units. */
export function hashString(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Integer.toHexString */
export function javaHex(h: number): string {
  return (h >>> 0).toString(16);
}
