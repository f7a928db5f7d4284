// Options every reading command takes (limits, .crc checks), cat's layout options, and what
// info and count print for a damaged file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SequenceFileReader, SequenceFileWriter } from '../../src/index.js';
import { SEQ, catText, cleanup, errLines, expected, seqcat, tmp } from './helpers.js';

afterAll(cleanup);

const dir = tmp();
const TEXT = 'org.apache.hadoop.io.Text';

/** Two records, the second with a 300,000-byte value, in each compression. */
const big = (c: string): string => join(dir, `big-${c}.seq`);
const bigValue = 'x'.repeat(300_000);

/** 2000 records with a .crc side file, then one byte of a late value changed (still valid structure). */
const checked = join(dir, 'checked.seq');
const checkedBlock = join(dir, 'checked-block.seq');
let checkedLines: string[] = [];
let checkedBlockLines: string[] = [];
let badChunk = 0;

/** Keys and values that need quoting in CSV. */
const awkward = join(dir, 'awkward.seq');
const AWKWARD: [string, string][] = [
  ['plain', 'value'],
  ['with,comma', 'say "hi"'],
  ['multi\nline', 'tab\there'],
];

async function write(path: string, opts: { compression: 'NONE' | 'RECORD' | 'BLOCK'; writeChecksum?: boolean; blockSize?: number }, records: [string, string][]): Promise<void> {
  const w = await SequenceFileWriter.create(path, { keyClass: TEXT, valueClass: TEXT, ...opts });
  for (const [k, v] of records) await w.append(k, v);
  await w.close();
}

beforeAll(async () => {
  for (const c of ['NONE', 'RECORD', 'BLOCK'] as const) await write(big(c), { compression: c }, [['small', 'v'], ['big', bigValue]]);
  const records: [string, string][] = Array.from({ length: 2000 }, (_, i) => [`k${i}`, `value-${i}`.padEnd(40, 'x')]);
  await write(checked, { compression: 'NONE', writeChecksum: true }, records);
  await write(checkedBlock, { compression: 'BLOCK', writeChecksum: true, blockSize: 4096 }, records);
  checkedLines = records.map(([k, v]) => `${k}\t${v}`);
  checkedBlockLines = checkedLines;
  // where each record ends, to know which lie wholly before the damaged 512-byte chunk
  const bytes = readFileSync(checked);
  const at = bytes.lastIndexOf(Buffer.from('value-1995'));
  const target = at + 20; // an 'x' of record 1995's value
  expect(bytes[target]).toBe(0x78);
  badChunk = Math.floor(target / 512) * 512;
  const ends: number[] = [];
  const r = await SequenceFileReader.open(checked);
  while (await r.nextRaw()) ends.push(r.position);
  await r.close();
  checkedLines = checkedLines.slice(0, ends.filter((e) => e <= badChunk).length);
  bytes[target] = 0x79;
  writeFileSync(checked, bytes);
  const block = readFileSync(checkedBlock);
  block[block.length - 10] ^= 0xff;
  writeFileSync(checkedBlock, block);
  await write(awkward, { compression: 'NONE' }, AWKWARD);
});

describe.concurrent('limits from the command line', () => {
  it('an error that hits a limit names the option that raises it, and the option raises it', async () => {
    for (const c of ['NONE', 'RECORD', 'BLOCK']) {
      const low = await seqcat(['cat', '--max-buffer', '100k', big(c)]);
      expect(low.code, c).toBe(1);
      expect(errLines(low), c).toHaveLength(1);
      expect(errLines(low)[0], c).toMatch(/exceeds the limit of 102400 bytes \(at byte \d+\) \(raise with --max-buffer\)$/);
      const ok = await seqcat(['cat', '--max-buffer', '1m', big(c)]);
      expect(ok.code, c).toBe(0);
      expect(ok.stdout, c).toBe(`small\tv\nbig\t${bigValue}\n`);
    }
    for (const c of ['RECORD', 'BLOCK']) {
      const r = await seqcat(['json', '--max-decompressed', '100k', big(c)]);
      expect(errLines(r)[0], c).toMatch(/decompressed data exceeds the limit of 102400 bytes .*\(raise with --max-decompressed\)$/);
    }
  });

  it('--max-elements: a collection over the limit says so', async () => {
    const f = join(SEQ, 'types/MapWritable-none.seq');
    const low = await seqcat(['cat', '--max-elements', '4', f]);
    expect(low.code).toBe(1);
    expect(errLines(low)[0]).toMatch(/invalid MapWritable size 13 .*\(over the limit of 4 elements\? raise with --max-elements\)$/);
  });

  it('sizes take k, m, g suffixes; a bad size is a usage error', async () => {
    for (const size of ['1m', '1M', '1048576', '1_048_576', '1mb', '0.5m', '1g']) {
      expect((await seqcat(['count', '--max-buffer', size, big('NONE')])).stdout, size).toBe('2\n');
    }
    for (const size of ['lots', '0', '1x', '=5']) {
      const r = await seqcat(['cat', '--max-buffer', size, big('NONE')]);
      expect(r.code, size).toBe(2);
      expect(errLines(r)[0]).toMatch(/--max-buffer needs a size such as 65536, 64m or 1g/);
    }
  });
});

describe.concurrent('.crc checksums', () => {
  it('a checksum error in the middle of cat prints the records before it, then the one error line', async () => {
    const r = await seqcat(['cat', checked]);
    expect(r.code).toBe(1);
    expect(errLines(r)).toHaveLength(1);
    expect(errLines(r)[0]).toMatch(new RegExp(`^seqcat: \\S*checked\\.seq: checksum error: chunk at byte ${badChunk} has CRC32 0x[0-9a-f]{8}, \\S*\\.checked\\.seq\\.crc says 0x[0-9a-f]{8} \\(at byte ${badChunk}\\)$`));
    expect(checkedLines.length).toBeGreaterThan(1900);
    expect(r.stdout).toBe(checkedLines.map((l) => l + '\n').join(''));
    const json = await seqcat(['json', checked]);
    expect(json.stdout.split('\n').filter((l) => l)).toHaveLength(checkedLines.length);
    expect(errLines(json)).toHaveLength(1);
  });

  it('BLOCK files print the blocks before the bad chunk', async () => {
    const r = await seqcat(['cat', checkedBlock]);
    expect(r.code).toBe(1);
    expect(errLines(r)[0]).toMatch(/checksum error: chunk at byte \d+/);
    const lines = r.stdout.split('\n').filter((l) => l);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(2000);
    expect(lines).toEqual(checkedBlockLines.slice(0, lines.length));
  });

  it('head stops before the damage: no error', async () => {
    const r = await seqcat(['head', '-n', '3', checked]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(checkedLines.slice(0, 3).join('\n') + '\n');
  });

  it('--skip-crc reads past it', async () => {
    const r = await seqcat(['cat', '--skip-crc', checked]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.split('\n').filter((l) => l)).toHaveLength(2000);
    expect(r.stdout).toContain(`k1995\tvalue-1995${'x'.repeat(10)}y`);
    expect((await seqcat(['count', '--skip-crc', checked])).stdout).toBe('2000\n');
    expect((await seqcat(['verify', checked])).code).toBe(1);
    expect((await seqcat(['verify', '--skip-crc', checked])).code).toBe(0);
  });
});

describe.concurrent('cat layout options', () => {
  const f = join(SEQ, 'combo/text-int-none.seq');
  const recs = expected('combo/text-int-none.seq').records;

  it('--keys-only, --values-only', async () => {
    expect((await seqcat(['cat', '--keys-only', f])).stdout).toBe(recs.map((r) => r.key + '\n').join(''));
    expect((await seqcat(['cat', '--values-only', f])).stdout).toBe(recs.map((r) => r.value + '\n').join(''));
    expect((await seqcat(['head', '-n', '2', '--keys-only', f])).stdout).toBe(recs.slice(0, 2).map((r) => r.key + '\n').join(''));
    expect((await seqcat(['tail', '-n', '2', '--values-only', f])).stdout).toBe(recs.slice(-2).map((r) => r.value + '\n').join(''));
    const both = await seqcat(['cat', '--keys-only', '--values-only', f]);
    expect(both.code).toBe(2);
    expect(errLines(both)[0]).toMatch(/--keys-only and --values-only exclude each other/);
  });

  it('--delimiter, with \\t-style escapes', async () => {
    expect((await seqcat(['cat', '--delimiter', ' | ', f])).stdout).toBe(recs.map((r) => `${r.key} | ${r.value}\n`).join(''));
    expect((await seqcat(['cat', '--delimiter', '\\t', f])).stdout).toBe(catText(recs));
    expect((await seqcat(['head', '-n', '1', '--delimiter', '\\0', f])).stdout).toBe(`${recs[0]!.key}\0${recs[0]!.value}\n`);
  });

  it('--format csv quotes as RFC 4180 says; tsv is the default', async () => {
    const csv = await seqcat(['cat', '--format', 'csv', awkward]);
    expect(csv.stdout).toBe('plain,value\n"with,comma","say ""hi"""\n"multi\nline",tab\there\n');
    expect((await seqcat(['cat', '--format', 'csv', '--delimiter', ';', awkward])).stdout).toBe('plain;value\nwith,comma;"say ""hi"""\n"multi\nline";tab\there\n');
    expect((await seqcat(['tail', '-n', '1', '--format', 'csv', '--keys-only', awkward])).stdout).toBe('"multi\nline"\n');
    expect((await seqcat(['cat', '--format', 'tsv', awkward])).stdout).toBe((await seqcat(['cat', awkward])).stdout);
    for (const bad of [['--format', 'xml'], ['--format', 'csv', '--delimiter', '"'], ['--format', 'csv', '--delimiter', '::']]) {
      const r = await seqcat(['cat', ...bad, awkward]);
      expect(r.code, bad.join(' ')).toBe(2);
    }
  });
});

describe.concurrent('damaged files: info and count say what they could read', () => {
  const d = tmp();
  const truncated = join(d, 'truncated.seq');
  const truncatedBlock = join(d, 'truncated-block.seq');
  writeFileSync(truncated, readFileSync(join(SEQ, 'codec/record-default.seq')).subarray(0, 10_000));
  writeFileSync(truncatedBlock, readFileSync(join(SEQ, 'codec/block-default.seq')).subarray(0, 10_000));

  /** Records a reader gets from the file before it fails. */
  async function before(path: string): Promise<number> {
    const r = await SequenceFileReader.open(path);
    let n = 0;
    try {
      while (await r.nextRaw()) n++;
    } catch {
      /* the damage */
    }
    await r.close();
    return n;
  }

  it('count prints the records before the damage and says so', async () => {
    const n = await before(truncated);
    expect(n).toBeGreaterThan(0);
    const r = await seqcat(['count', truncated]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`${n}\n`);
    expect(errLines(r)).toEqual([expect.stringMatching(new RegExp(`^seqcat: \\S*truncated\\.seq: counted ${n} records before: file ends inside a record: needed \\d+ bytes, \\d+ left \\(at byte \\d+\\)$`))]);
  });

  it('count of a truncated BLOCK file counts the whole blocks before it', async () => {
    const blocks = expected('codec/block-default.seq').header.blocks as { end: number; records: number }[];
    const n = blocks.filter((b) => b.end <= 10_000).reduce((s, b) => s + b.records, 0);
    const r = await seqcat(['count', truncatedBlock]);
    expect(r.stdout).toBe(`${n}\n`);
    expect(errLines(r)[0]).toMatch(new RegExp(`counted ${n} records before: file ends inside a block`));
  });

  it('info prints the header it read, then the one error line', async () => {
    const n = await before(truncated);
    const r = await seqcat(['info', truncated]);
    expect(r.code).toBe(1);
    const h = expected('codec/record-default.seq').header;
    expect(r.stdout).toContain(`key class:         ${h.keyClass}\n`);
    expect(r.stdout).toContain(`compression:       RECORD\n`);
    expect(r.stdout).toContain(`sync marker:       ${h.sync}\n`);
    expect(r.stdout).toContain(`records read:      ${n} before the damage\n`);
    expect(errLines(r)).toHaveLength(1);
    expect(errLines(r)[0]).toMatch(/truncated\.seq: file ends inside a record/);
    const json = await seqcat(['info', '--json', truncated]);
    expect(JSON.parse(json.stdout)).toMatchObject({ keyClass: h.keyClass, sync: h.sync, recordsRead: n, damaged: true });
    expect(json.code).toBe(1);
  });
});
