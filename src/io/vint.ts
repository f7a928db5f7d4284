/**
 * Hadoop `WritableUtils` variable-length integers. Values -112..127 take one
 * byte; otherwise the first byte gives the sign and the count (1..8) of
 * big-endian magnitude bytes that follow (the one's complement for negatives).
 */

/** Total encoded size (1..9) given the first byte as a signed value. */
export function decodeVIntSize(first: number): number {
  if (first >= -112) return 1;
  if (first < -120) return -119 - first;
  return -111 - first;
}

export function isNegativeVInt(first: number): boolean {
  return first < -120 || (first >= -112 && first < 0);
}

/** Encoded size of a value. */
export function vintSize(value: number | bigint): number {
  if (typeof value === 'number') {
    if (value >= -112 && value <= 127) return 1;
    if (value >= 0 && value <= 0x7fffffff) return value <= 0xff ? 2 : value <= 0xffff ? 3 : value <= 0xffffff ? 4 : 5;
  }
  let v = BigInt(value);
  if (v >= -112n && v <= 127n) return 1;
  if (v < 0n) v = ~v;
  let n = 0;
  while (v !== 0n) {
    v >>= 8n;
    n++;
  }
  return n + 1;
}

/** Encode into `out` at `pos`; returns the new position. `out` must have room for 9 bytes. */
export function writeVLongInto(out: Uint8Array, pos: number, value: number | bigint): number {
  if (typeof value === 'number') {
    if (value >= -112 && value <= 127) {
      out[pos] = value & 0xff;
      return pos + 1;
    }
    if (Number.isInteger(value) && value >= -2147483648 && value <= 2147483647) {
      let len = -112;
      let v = value;
      if (v < 0) {
        v = ~v;
        len = -120;
      }
      let nbytes = v > 0xffffff ? 4 : v > 0xffff ? 3 : v > 0xff ? 2 : 1;
      out[pos++] = (len - nbytes) & 0xff;
      while (nbytes > 0) {
        nbytes--;
        out[pos++] = (v >>> (nbytes * 8)) & 0xff;
      }
      return pos;
    }
    value = BigInt(value);
  }
  let v = BigInt.asIntN(64, value);
  if (v >= -112n && v <= 127n) {
    out[pos] = Number(v) & 0xff;
    return pos + 1;
  }
  let len = -112;
  if (v < 0n) {
    v = ~v;
    len = -120;
  }
  let nbytes = 0;
  for (let t = v; t !== 0n; t >>= 8n) nbytes++;
  out[pos++] = (len - nbytes) & 0xff;
  for (let k = nbytes - 1; k >= 0; k--) out[pos++] = Number((v >> BigInt(k * 8)) & 0xffn);
  return pos;
}
