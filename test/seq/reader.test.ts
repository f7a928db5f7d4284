import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAll } from '../fixtures-helpers/read-all.js';
import {
  CorruptFileError,
  LimitExceededError,
  MemorySink,
  SequenceFileReader,
  SequenceFileWriter,
  TruncatedFileError,
  UnsupportedFormatError,
  readSplit,
  splitRanges,
  type CompressionType,
} from '../../src/index.js';
import { HADOOP_DIR } from '../../interop/fixtures.js';

const TEXT = 'org.apache.hadoop.io.Text';
const LONG = 'org.apache.hadoop.io.LongWritable';
const fixture = (p: string): Uint8Array => new Uint8Array(readFileSync(join(HADOOP_DIR, p)));


async function build(compression: CompressionType, n: number, opts: { syncInterval?: number; blockSize?: number } = {}): Promise<Uint8Array> {
  const sink = new MemorySink();
  const w = await SequenceFileWriter.create(sink, { keyClass: TEXT, valueClass: LONG, compression, ...opts });
  for (let i = 0; i < n; i++) await w.append(`key-${i}`, BigInt(i * i));
  await w.close();
  return sink.bytes();
}

describe('SequenceFileReader', () => {
  it('reads the header of a Hadoop file', async () => {
    const r = await SequenceFileReader.open(fixture('seq/codec/record-default.seq'));
    expect(r.header).toMatchObject({
      version: 6,
      keyClassName: TEXT,
      valueClassName: TEXT,
      compression: 'RECORD',
      codecClassName: 'org.apache.hadoop.io.compress.DefaultCodec',
      metadata: [
        ['codec', 'org.apache.hadoop.io.compress.DefaultCodec'],
        ['created-by', 'hadoop-oracle Gen'],
        ['seed', '1'],
      ],
    });
    await r.close();
  });

  it('rejects a file that is not a SequenceFile, naming file and offset', async () => {
    const err = await SequenceFileReader.open(new TextEncoder().encode('hello world, not a sequence file')).catch((e) => e);
    expect(err).toBeInstanceOf(CorruptFileError);
    expect(err.message).toMatch(/not a SequenceFile/);
    expect(err.offset).toBe(0);
  });

  it('rejects unknown versions', async () => {
    const bytes = fixture('seq/codec/none.seq').slice();
    bytes[3] = 9;
    const err = await SequenceFileReader.open(bytes).catch((e) => e);
    expect(err).toBeInstanceOf(UnsupportedFormatError);
    expect(err.offset).toBe(3);
  });

  it('gives a typed error for a file cut anywhere in the header', async () => {
    const bytes = fixture('seq/codec/none.seq');
    for (let cut = 0; cut < 125; cut += 7) {
      const err = await SequenceFileReader.open(bytes.subarray(0, cut)).catch((e) => e);
      expect(err, `cut at ${cut}`).toBeInstanceOf(TruncatedFileError);
    }
  });

  for (const mode of ['NONE', 'RECORD', 'BLOCK'] as const) {
    it(`${mode}: a file cut mid-record ends in TruncatedFileError after the whole records`, async () => {
      const bytes = await build(mode, 300, { blockSize: 2000 });
      const whole = await readAll(bytes);
      const cut = bytes.subarray(0, bytes.length - 7);
      const r = await SequenceFileReader.open(cut);
      const got: unknown[] = [];
      const err = await (async () => {
        for await (const kv of r) got.push(kv);
      })().catch((e) => e);
      expect(err).toBeInstanceOf(TruncatedFileError);
      expect(err.file).toBe('<bytes>');
      expect(got).toEqual(whole.slice(0, got.length));
      expect(got.length).toBeGreaterThan(mode === 'BLOCK' ? 200 : 290);
    });
  }

  it('reports a forged record length as a limit error, not an allocation', async () => {
    const bytes = fixture('seq/codec/none.seq').slice();
    new DataView(bytes.buffer).setInt32(125, 0x7ffffff0);
    const err = await readAll(bytes).catch((e) => e);
    expect(err).toBeInstanceOf(LimitExceededError);
    expect(err.offset).toBe(125);
  });

  it('reports a damaged sync marker', async () => {
    const bytes = fixture('seq/many/none-sync500.seq').slice();
    const first = JSON.parse(readFileSync(join(HADOOP_DIR, 'seq/many/none-sync500.seq.expected.jsonl'), 'utf8').split('\n')[0]!).syncOffsets[0];
    bytes[first + 4] ^= 0xff;
    const err = await readAll(bytes).catch((e) => e);
    expect(err).toBeInstanceOf(CorruptFileError);
    expect(err.message).toMatch(/sync marker mismatch/);
    expect(err.offset).toBe(first);
  });

  it('seeks to a recorded position and syncs to the next marker', async () => {
    const bytes = await build('NONE', 2000, { syncInterval: 1000 });
    const r = await SequenceFileReader.open(bytes);
    const positions: number[] = [];
    // the manual API: iterators close the reader as they end, and this one is used on
    await r.forEachRaw((raw) => void positions.push(raw.position));
    await r.seek(positions[1234]!);
    expect((await r.next())?.key).toBe('key-1234');
    await r.sync(positions[1234]! + 1);
    const raw = await r.nextRaw();
    expect(raw!.syncBefore).toBe(true);
    expect(raw!.position).toBeGreaterThan(positions[1234]!);
    await r.sync(bytes.length - 3);
    expect(await r.nextRaw()).toBeNull();
    await r.close();
  });

  for (const mode of ['NONE', 'RECORD', 'BLOCK'] as const) {
    it(`${mode}: splits of any size cover every record exactly once`, async () => {
      const bytes = await build(mode, 3000, { syncInterval: 2000, blockSize: 3000 });
      const all = (await readAll(bytes)).map((kv) => kv.key);
      for (const size of [97, 1000, 4096, 30000, bytes.length]) {
        const keys: unknown[] = [];
        for (const range of splitRanges(bytes.length, size)) {
          for await (const kv of readSplit(bytes, range)) keys.push(kv.key);
        }
        expect(keys, `split size ${size}`).toEqual(all);
      }
    });
  }

  it('reads in batches', async () => {
    const bytes = await build('BLOCK', 10000, { blockSize: 5000 });
    const r = await SequenceFileReader.open(bytes);
    let n = 0;
    for await (const batch of r.batches(1000)) {
      expect(batch.length).toBeLessThanOrEqual(1000);
      n += batch.length;
    }
    expect(n).toBe(10000);
  });
});

describe('BLOCK values are decompressed only when asked for', () => {
  it('whichever record of a block asks first, every value is right; keys-only scans never decompress values', async () => {
    const { SequenceFileReader: R, SequenceFileWriter: W, MemorySink: M, createCodecRegistry } = await import('../../src/index.js');
    const sink = new M();
    const w = await W.create(sink, { keyClass: 'org.apache.hadoop.io.Text', valueClass: 'org.apache.hadoop.io.Text', compression: 'BLOCK', blockSize: 200 });
    for (let i = 0; i < 100; i++) await w.append(`k${i}`, `value number ${i}`);
    await w.close();
    const r = await R.open(sink.bytes());
    for (let i = 0; ; i++) {
      const raw = await r.nextRaw();
      if (raw === null) break;
      if (i % 3 === 2) expect(r.decodeValue(raw)).toBe(`value number ${i}`);
    }
    // count the codec calls of a keys-only pass
    const codecs = createCodecRegistry();
    const inner = codecs.require('default');
    let calls = 0;
    codecs.register({ ...inner, decompress: (b, max) => (calls++, inner.decompress(b, max)) });
    const keysOnly = await R.open(sink.bytes(), { codecs });
    let n = 0;
    for await (const raw of keysOnly.raw()) n += raw.key.length > 0 ? 1 : 0;
    expect(n).toBe(100);
    expect(calls).toBe(3 * keysOnly.blockCount);
  });
});
