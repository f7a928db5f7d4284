// SequenceFiles and MapFiles with Hadoop's .NAME.crc side files: written on request, checked on read.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChecksumError, SequenceFileReader, SequenceFileWriter } from '../../src/index.js';
import { MapFileReader, MapFileWriter } from '../../src/map/index.js';

const dir = mkdtempSync(join(tmpdir(), 'hadoop-io-crc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function write(path: string): Promise<void> {
  const w = await SequenceFileWriter.create(path, { keyClass: 'org.apache.hadoop.io.Text', valueClass: 'org.apache.hadoop.io.IntWritable', compression: 'NONE', writeChecksum: true });
  for (let i = 0; i < 500; i++) await w.append(`key-${i}`, i);
  await w.close();
}

async function count(path: string, opts = {}): Promise<number> {
  const r = await SequenceFileReader.open(path, opts);
  let n = 0;
  try {
    for await (const _ of r.raw()) n++;
  } finally {
    await r.close();
  }
  return n;
}

describe('.crc side files', () => {
  it('writeChecksum writes .NAME.crc with one CRC32 per 512 bytes, and reads check it', async () => {
    const path = join(dir, 'a.seq');
    await write(path);
    const crc = readFileSync(join(dir, '.a.seq.crc'));
    const size = readFileSync(path).length;
    expect(crc.subarray(0, 4).toString('latin1')).toBe('crc\0');
    expect(crc.readInt32BE(4)).toBe(512);
    expect(crc.length).toBe(8 + 4 * Math.ceil(size / 512));
    expect(await count(path)).toBe(500);
  });

  it('a flipped byte is a ChecksumError naming the file and the chunk; verifyChecksum: false and recover read on', async () => {
    const path = join(dir, 'b.seq');
    await write(path);
    const bytes = readFileSync(path);
    const at = bytes.indexOf('key-250') + 4; // a key's text: the structure still parses
    bytes[at] = 0x39; // '2' -> '9'
    writeFileSync(path, bytes);
    const err = await count(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect((err as ChecksumError).file).toBe(path);
    expect((err as ChecksumError).offset).toBe(Math.floor(at / 512) * 512);
    expect(await count(path, { verifyChecksum: false })).toBe(500);
    expect(await count(path, { recover: true })).toBe(500);
  });

  it('MapFiles write checksums for data and index', async () => {
    const m = join(dir, 'map');
    const w = await MapFileWriter.create(m, { keyClass: 'org.apache.hadoop.io.Text', valueClass: 'org.apache.hadoop.io.Text', writeChecksum: true });
    for (let i = 0; i < 300; i++) await w.append(`k${String(i).padStart(4, '0')}`, `v${i}`);
    await w.close();
    expect(existsSync(join(m, '.data.crc'))).toBe(true);
    expect(existsSync(join(m, '.index.crc'))).toBe(true);
    const r = await MapFileReader.open<string, string>(m);
    expect(await r.get('k0150')).toBe('v150');
    await r.close();
  });
});
