// Text in a NONE file's read window decodes as latin1 while the window is known to be ASCII: the
// knowledge must follow the window as it slides, refills and seeks, and stop at the first byte >= 0x80.
import { describe, expect, it } from 'vitest';
import { MemorySink, SequenceFileReader, SequenceFileWriter } from '../../src/index.js';

async function file(records: [string, string][]): Promise<Uint8Array> {
  const sink = new MemorySink();
  const w = await SequenceFileWriter.create(sink, { keyClass: 'Text', valueClass: 'Text', compression: 'NONE', syncInterval: 300 });
  for (const [k, v] of records) await w.append(k, v);
  await w.close();
  return sink.bytes();
}

describe('ASCII read window', () => {
  const records: [string, string][] = [];
  for (let i = 0; i < 400; i++) {
    // mostly ASCII, with non-ASCII text and a latin1-looking byte sequence now and then
    const odd = i % 37 === 5 ? 'é€😀' : i % 53 === 11 ? '\u00ff\u0080' : '';
    records.push([`key-${i}${odd}`, `value ${'x'.repeat(i % 50)}${i % 41 === 7 ? 'ü' : ''}`]);
  }

  for (const bufferSize of [64, 257, 4096, 1 << 20]) {
    it(`decodes every record as written with a ${bufferSize}-byte window, through refills and seeks`, async () => {
      const bytes = await file(records);
      const r = await SequenceFileReader.open<string, string>(bytes, { bufferSize });
      const got: [string, string][] = [];
      const positions: number[] = [];
      await r.forEachRaw((raw) => {
        positions.push(raw.position);
        got.push([r.decodeKey(raw), r.decodeValue(raw)]);
      });
      expect(got).toEqual(records);
      // back into the middle: the window is refilled from there
      for (const i of [399, 5, 200, 11, 0]) {
        await r.seek(positions[i]!);
        const kv = await r.next();
        expect([kv!.key, kv!.value]).toEqual(records[i]);
      }
      await r.close();
    });
  }
});
