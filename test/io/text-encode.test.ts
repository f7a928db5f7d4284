import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../src/io/byte-writer.js';
import { encodeJavaUtf8 } from '../../src/io/utf8.js';
import { writeVLongInto } from '../../src/io/vint.js';

const unit = fc.constantFrom('a', 'Z', '0', ' ', '\u0000', '\u007f', '\u0080', '\u00e9', '\u20ac', '\ud83d', '\ude00', '\ud83d\ude00');

function expected(s: string): Uint8Array {
  const body = encodeJavaUtf8(s);
  const out = new Uint8Array(9 + body.length);
  const p = writeVLongInto(out, 0, body.length);
  out.set(body, p);
  return out.subarray(0, p + body.length);
}

describe('ByteWriter.writeText', () => {
  it('writes what Java Text.writeString writes, for short and long strings, ASCII or not', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit, maxLength: 60 }), { maxLength: 20 }), (strings) => {
        const w = new ByteWriter(4); // grows as it goes
        const parts: Uint8Array[] = [];
        for (const s of strings) {
          w.writeText(s);
          parts.push(expected(s));
        }
        expect(Buffer.from(w.bytes()).equals(Buffer.concat(parts))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('logs the write calls Java makes: one per VInt byte, one for the bytes', () => {
    for (const s of ['', 'key-0000000001', 'é', 'x'.repeat(24), 'x'.repeat(200)]) {
      const w = new ByteWriter();
      w.calls = [];
      w.writeText(s);
      const n = encodeJavaUtf8(s).length;
      const prefix = w.length - n;
      expect(w.calls).toEqual([...Array<number>(prefix).fill(1), n]);
    }
  });
});
