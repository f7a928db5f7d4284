import { describe, expect, it } from 'vitest';
import { MemorySink, SequenceFileReader, SequenceFileWriter, streamSource } from '../../src/index.js';

describe('streamSource', () => {
  it('hands records out as their bytes arrive, without waiting for more input', async () => {
    const sink = new MemorySink();
    const w = await SequenceFileWriter.create(sink, { keyClass: 'org.apache.hadoop.io.Text', valueClass: 'org.apache.hadoop.io.Text', compression: 'NONE' });
    await w.append('first', 'a');
    const firstEnd = w.position;
    await w.append('second', 'b');
    await w.close();
    const bytes = sink.bytes();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* slowPipe(): AsyncGenerator<Uint8Array> {
      yield bytes.subarray(0, firstEnd);
      await gate; // the rest arrives only after the first record was read
      yield bytes.subarray(firstEnd);
    }
    const r = await SequenceFileReader.open(streamSource(slowPipe(), '<pipe>'));
    expect(await r.next()).toEqual({ key: 'first', value: 'a' });
    release();
    expect(await r.next()).toEqual({ key: 'second', value: 'b' });
    expect(await r.next()).toBeNull();
  });
});
