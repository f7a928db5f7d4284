// seqcat count walks BLOCK files by their block headers (no decompression); on a truncated file it
// must report the same damage, at the same offset, as the reader that decompresses every block.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanBlockHeaders } from '../../src/cli/block-scan.js';
import { HadoopIOError, SequenceFileReader } from '../../src/index.js';
import { SEQ } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hadoop-io-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readerError(path: string): Promise<HadoopIOError | null> {
  const r = await SequenceFileReader.open(path, { verifyChecksum: false });
  try {
    await r.forEachRaw(() => {});
    return null;
  } catch (e) {
    return e as HadoopIOError;
  } finally {
    await r.close();
  }
}

describe('block header scan', () => {
  for (const name of ['codec/block-zstd.seq', 'many/block-default-bs1024.seq']) {
    it(`${name}: every cut gives the reader's count, or the reader's error at the reader's offset`, async () => {
      const bytes = readFileSync(join(SEQ, name));
      const header = (await SequenceFileReader.open(bytes)).header;
      const cuts = new Set<number>();
      for (let c = header.headerLength + 1; c < bytes.length; c += 97) cuts.add(c);
      for (let c = header.headerLength; c < header.headerLength + 40; c++) cuts.add(c);
      cuts.add(bytes.length);
      for (const cut of cuts) {
        const path = join(dir, `cut-${cut}.seq`);
        writeFileSync(path, bytes.subarray(0, cut));
        const expected = await readerError(path);
        let records = 0;
        const scan = await scanBlockHeaders(path, header, (b) => void (records += b.records)).then(
          () => null,
          (e: unknown) => e as HadoopIOError,
        );
        if (expected === null) {
          expect(scan, `cut at ${cut}`).toBeNull();
          let n = 0;
          for await (const _ of await SequenceFileReader.open(path, { verifyChecksum: false })) n++;
          expect(records).toBe(n);
        } else {
          expect([scan?.name, scan?.reason, scan?.offset], `cut at ${cut}`).toEqual([expected.name, expected.reason, expected.offset]);
        }
      }
    });
  }
});
