// Metadata goes into a writer as an object or as pairs and comes out of a reader as pairs, which a
// writer takes back unchanged: copying a header's metadata gives the same header bytes.
import { describe, expect, it } from 'vitest';
import { MemorySink, SequenceFileReader, SequenceFileWriter } from '../../src/index.js';

const MARKER = new Uint8Array(16).fill(7);

async function write(metadata: Record<string, string> | Iterable<[string, string]>): Promise<Uint8Array> {
  const sink = new MemorySink();
  const w = await SequenceFileWriter.create(sink, { keyClass: 'Text', valueClass: 'Text', compression: 'NONE', metadata, syncMarker: MARKER });
  await w.close();
  return sink.bytes();
}

describe('metadata', () => {
  it('an object in, sorted pairs out, and the pairs back in give the same bytes', async () => {
    const fromObject = await write({ zeta: '1', alpha: '2', 'é': '3' });
    const r = await SequenceFileReader.open(fromObject);
    expect(r.header.metadata).toEqual([
      ['alpha', '2'],
      ['zeta', '1'],
      ['é', '3'],
    ]);
    expect(Object.fromEntries(r.header.metadata)).toEqual({ zeta: '1', alpha: '2', 'é': '3' });
    const fromPairs = await write(r.header.metadata);
    await r.close();
    expect(fromPairs).toEqual(fromObject);
    expect(await write(new Map(Object.entries({ 'é': '3', zeta: '1', alpha: '2' })))).toEqual(fromObject);
  });
});
