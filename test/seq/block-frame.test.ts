import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CorruptFileError,
  DEFAULT_LIMITS,
  LimitExceededError,
  SequenceFileReader,
  checkBlockValues,
  decodeBlock,
  isNeed,
  readBlockBufferSize,
  readBlockFrame,
  readBlockStart,
  type BlockFrame,
  type BlockInfo,
} from '../../src/index.js';
import { HADOOP_DIR, seqEntries } from '../../interop/fixtures.js';

const blockFiles = seqEntries.filter((e) => e.compression === 'BLOCK').map((e) => e.path);

async function open(bytes: Uint8Array) {
  return SequenceFileReader.open(bytes);
}

/** Every block of a whole file, framed from the bytes alone. */
function frames(bytes: Uint8Array, headerLength: number, sync: Uint8Array | null): BlockFrame[] {
  const out: BlockFrame[] = [];
  let at = headerLength;
  while (at < bytes.length) {
    const f = readBlockFrame(bytes, at, bytes.length, sync, DEFAULT_LIMITS);
    if (isNeed(f)) throw new Error(`block at ${at} needs ${f.need} bytes`);
    out.push(f);
    at = f.end;
  }
  return out;
}

/** Sync escape + marker at `at` for a file whose marker is `sync`. */
function damage(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const b = bytes.slice();
  b[at] = value;
  return b;
}

describe('readBlockFrame / decodeBlock: the one parser of BLOCK framing', () => {
  it('the corpus has BLOCK files of several codecs', () => {
    expect(blockFiles.length).toBeGreaterThanOrEqual(8);
  });

  for (const path of blockFiles) {
    it(`${path}: frames every block as the reader does, and decodes to the reader's keys and values`, async () => {
      const bytes = new Uint8Array(readFileSync(join(HADOOP_DIR, path)));
      const reader = await open(bytes);
      const seen: BlockInfo[] = [];
      reader.observer = { onBlock: (b) => seen.push(b) };
      const keyParts: Uint8Array[] = [];
      const valueParts: Uint8Array[] = [];
      await reader.forEachRaw((raw) => {
        keyParts.push(raw.key.slice());
        valueParts.push(raw.value.slice());
      });
      const { headerLength, sync } = reader.header;
      const codec = reader.codec!;
      await reader.close();
      const fs = frames(bytes, headerLength, sync);
      expect(fs.map((f) => [f.offset, f.records, f.end])).toEqual(seen.map((b) => [b.offset, b.records, b.end]));
      expect(fs.map((f) => f.buffers.map((b) => b.length))).toEqual(seen.map((b) => [b.keyLengthsCompressed, b.keysCompressed, b.valueLengthsCompressed, b.valuesCompressed]));
      const gotKeys: Uint8Array[] = [];
      const gotValues: Uint8Array[] = [];
      for (const f of fs) {
        // the buffers are views of the input at the offsets given
        for (let k = 0; k < 4; k++) expect(f.buffers[k]!.byteOffset - bytes.byteOffset).toBe(f.dataAt[k]);
        expect(f.countAt).toBe(f.offset + (sync === null ? 0 : 20));
        const [kl, ks, vl, vs] = f.buffers.map((b) => codec.decompress(b, 1 << 28));
        const d = decodeBlock(kl!, ks!, vl!, vs!, f.records, DEFAULT_LIMITS);
        expect(d.keyLengths.subarray(0, f.records).reduce((a, b) => a + b, 0)).toBe(ks!.length);
        expect(d.valuesTotal).toBe(vs!.length);
        gotKeys.push(ks!);
        gotValues.push(vs!);
      }
      expect(Buffer.concat(gotKeys).equals(Buffer.concat(keyParts))).toBe(true);
      expect(Buffer.concat(gotValues).equals(Buffer.concat(valueParts))).toBe(true);

      // header-only walk: a few bytes at each field, never the buffers
      let at = headerLength;
      const walked: [number, number, number][] = [];
      while (at < bytes.length) {
        const window = (from: number) => bytes.slice(from, from + 29);
        const s = readBlockStart(window(at), 0, 29, sync, DEFAULT_LIMITS, { base: at });
        if (isNeed(s)) throw new Error('short');
        let p = s.next;
        for (let k = 0; k < 4; k++) {
          const n = readBlockBufferSize(window(p), 0, Math.min(9, bytes.length - p), DEFAULT_LIMITS, { base: p });
          if (isNeed(n)) throw new Error('short');
          p = n.next + n.size;
        }
        walked.push([at, s.records, p]);
        at = p;
      }
      expect(walked).toEqual(fs.map((f) => [f.offset, f.records, f.end]));
    });
  }

  it('asks for more bytes, never throws, on every prefix of a valid block', async () => {
    const bytes = new Uint8Array(readFileSync(join(HADOOP_DIR, 'seq/many/block-default-bs1024.seq')));
    const reader = await open(bytes);
    const { headerLength, sync } = reader.header;
    await reader.close();
    const first = readBlockFrame(bytes, headerLength, bytes.length, sync, DEFAULT_LIMITS) as BlockFrame;
    for (let end = headerLength; end < first.end; end++) {
      const r = readBlockFrame(bytes, headerLength, end, sync, DEFAULT_LIMITS);
      expect(isNeed(r), `end ${end}`).toBe(true);
      // what it asks for is more than it had, and no more than the block
      expect(headerLength + (r as { need: number }).need).toBeGreaterThan(end);
      expect(headerLength + (r as { need: number }).need).toBeLessThanOrEqual(first.end + 1);
    }
    // asking again with exactly what it asked for makes progress
    let end = headerLength;
    let steps = 0;
    for (;;) {
      const r = readBlockFrame(bytes, headerLength, end, sync, DEFAULT_LIMITS);
      if (!isNeed(r)) break;
      end = headerLength + r.need;
      steps++;
    }
    expect(end).toBe(first.end);
    // the count, then each buffer's size and bytes
    expect(steps).toBeLessThanOrEqual(9);
  });

  it('names the bad field and its file offset: escape, marker, count, buffer size', async () => {
    const bytes = new Uint8Array(readFileSync(join(HADOOP_DIR, 'seq/many/block-default-bs1024.seq')));
    const reader = await open(bytes);
    const { headerLength: h, sync } = reader.header;
    await reader.close();
    const fs = frames(bytes, h, sync);
    const second = fs[1]!;
    const at = second.offset;
    const where = { file: 'f.seq' };
    const fail = (b: Uint8Array, limits = DEFAULT_LIMITS) => {
      try {
        readBlockFrame(b, at, b.length, sync, limits, where);
      } catch (e) {
        return e as CorruptFileError;
      }
      throw new Error('no error');
    };
    let e = fail(damage(bytes, at, 0x00));
    expect(e).toBeInstanceOf(CorruptFileError);
    expect([e.reason, e.offset, e.file]).toEqual(['expected a sync escape before the block, found 16777215', at, 'f.seq']);
    e = fail(damage(bytes, at + 9, bytes[at + 9]! ^ 1));
    expect([e.reason, e.offset]).toEqual(['sync marker mismatch (file is corrupt)', at]);
    e = fail(bytes, { ...DEFAULT_LIMITS, maxElements: second.records - 1 });
    expect([e.reason, e.offset]).toEqual([`invalid block record count ${second.records}`, second.countAt]);
    e = fail(bytes, { ...DEFAULT_LIMITS, maxBufferBytes: second.buffers[1]!.length - 1 });
    expect(e).toBeInstanceOf(LimitExceededError);
    expect(e.offset).toBe(second.sizeAt[1]);
    // a negative size (0x87: a negative one-byte-magnitude VInt)
    const neg = damage(bytes, second.sizeAt[2], 0x87);
    e = fail(neg);
    expect(e.offset).toBe(second.sizeAt[2]);
    expect(e.reason).toMatch(/negative or invalid compressed block buffer length/);
    // offsets are file offsets when the bytes are a window of the file
    const window = bytes.slice(at - 100);
    expect(() => readBlockFrame(damage(window, 100, 0), 100, window.length, sync, DEFAULT_LIMITS, { base: at - 100 })).toThrow(
      expect.objectContaining({ offset: at }),
    );
    const ok = readBlockFrame(window, 100, window.length, sync, DEFAULT_LIMITS, { base: at - 100 }) as BlockFrame;
    expect([ok.offset, ok.end, ok.sizeAt, ok.dataAt]).toEqual([second.offset, second.end, second.sizeAt, second.dataAt]);
  });

  it('decodeBlock checks counts and lengths as the reader did', () => {
    const lens = (xs: number[]) => Uint8Array.from(xs); // one-byte VInts
    const keys = new Uint8Array(5);
    expect(() => decodeBlock(lens([2, 3]), keys, lens([1]), null, 2, DEFAULT_LIMITS)).toThrow('block claims 2 records but its length buffers are too short');
    expect(() => decodeBlock(lens([2, 2]), keys, lens([1, 1]), null, 2, DEFAULT_LIMITS)).toThrow('key lengths add up to 4 but the block holds 5 bytes');
    expect(() => decodeBlock(lens([2, 0xff]), keys, lens([1, 1]), null, 2, DEFAULT_LIMITS)).toThrow('negative key length -1 in block');
    expect(() => decodeBlock(lens([2, 3]), keys, lens([1, 1]), new Uint8Array(3), 2, DEFAULT_LIMITS)).toThrow('value lengths add up to 2 but the block holds 3 bytes');
    const d = decodeBlock(lens([2, 3]), keys, lens([1, 4]), null, 2, DEFAULT_LIMITS);
    expect([...d.keyLengths.subarray(0, 2), ...d.valueLengths.subarray(0, 2), d.valuesTotal, d.values]).toEqual([2, 3, 1, 4, 5, null]);
    expect(() => checkBlockValues(new Uint8Array(4), 5)).toThrow(CorruptFileError);
  });
});
