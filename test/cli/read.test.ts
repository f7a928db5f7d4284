// seqcat's reading commands (cat, head, tail, count, info, json, dump) against the Hadoop-written corpus.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAP, SEQ, catText, cleanup, errLines, expected, seqcat, shell, tmp } from './helpers.js';

afterAll(cleanup);

// a spread of compressions, codecs, classes, block layouts and sync placements
const FILES = [
  'codec/none.seq',
  'codec/record-snappy.seq',
  'codec/block-zstd.seq',
  'codec/block-bzip2.seq',
  'many/block-default-bs1024.seq',
  'many/none-sync500.seq',
  'many/record-default-sync1000.seq',
  'sync/explicit-record.seq',
  'append/append-block-default.seq',
  'combo/long-text-block-default.seq',
  'edge/unicode-record.seq',
  'edge/emptykv-text-none-none.seq',
  'edge/empty-block-default.seq',
];

describe.concurrent('seqcat cat', () => {
  it('prints key<TAB>value for every record of every file, as Hadoop\'s toString()', async () => {
    const r = await seqcat(['cat', ...FILES.map((f) => join(SEQ, f))]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // file by file, so a failure names the file
    let at = 0;
    for (const f of FILES) {
      const want = catText(expected(f).records);
      expect(r.stdout.slice(at, at + want.length), f).toBe(want);
      at += want.length;
    }
    expect(at).toBe(r.stdout.length);
  });

  it('is the default command, and prints several files one after another', async () => {
    const a = 'codec/none.seq';
    const b = 'types/IntWritable-block.seq';
    const r = await seqcat([join(SEQ, a), join(SEQ, b)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(catText(expected(a).records) + catText(expected(b).records));
  });

  it('takes a glob expanded by the shell', async () => {
    const dir = tmp();
    copyFileSync(join(SEQ, 'edge/single-none-none.seq'), join(dir, 'part-00000'));
    copyFileSync(join(SEQ, 'edge/single-block-zstd.seq'), join(dir, 'part-00001'));
    const r = await shell(`seqcat cat "${dir}"/part-*`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(catText(expected('edge/single-none-none.seq').records) + catText(expected('edge/single-block-zstd.seq').records));
  });

  it('reads a MapFile directory through DIR/data', async () => {
    const r = await seqcat(['cat', join(MAP, 'mapfile-text-interval4')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(catText(expected('mapfile-text-interval4', MAP).records));
  });

  it('reads stdin as `-`', async () => {
    const f = 'codec/block-default.seq';
    const r = await seqcat(['cat', '-'], { input: readFileSync(join(SEQ, f)) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(catText(expected(f).records));
  });

  it('goes on with the other files when one cannot be read, and exits 1', async () => {
    const a = 'edge/single-none-none.seq';
    const r = await seqcat(['cat', join(SEQ, a), '/nonexistent/x.seq', join(SEQ, a)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(catText(expected(a).records).repeat(2));
    expect(errLines(r)).toEqual(['seqcat: /nonexistent/x.seq: no such file or directory']);
  });
});

describe.concurrent('seqcat head', () => {
  it('-n 3 prints the first 3 records', async () => {
    const f = 'codec/record-zstd.seq';
    const r = await seqcat(['head', '-n', '3', join(SEQ, f)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(catText(expected(f).records.slice(0, 3)));
  });

  it('prints 10 by default, 0 with -n 0, all of a short file', async () => {
    const f = 'many/block-snappy-bs1024.seq';
    expect((await seqcat(['head', join(SEQ, f)])).stdout).toBe(catText(expected(f).records.slice(0, 10)));
    expect((await seqcat(['head', '-n', '0', join(SEQ, f)])).stdout).toBe('');
    const s = 'edge/single-record-snappy.seq';
    expect((await seqcat(['head', '-n', '5', join(SEQ, s)])).stdout).toBe(catText(expected(s).records));
  });
});

describe.concurrent('seqcat tail', () => {
  it('-n 3 prints the last 3 records of each file', async () => {
    const files = ['codec/none.seq', 'codec/record-gzip.seq', 'codec/block-lz4.seq', 'many/none-sync0.seq', 'many/block-zstd-bs1024.seq', 'sync/explicit-none.seq', 'append/append-record-gzip.seq'];
    const r = await seqcat(['tail', '-n', '3', ...files.map((f) => join(SEQ, f))]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(files.map((f) => catText(expected(f).records.slice(-3))).join(''));
  });

  it('prints 10 by default, everything when N exceeds the count, nothing for an empty file', async () => {
    const f = 'many/record-default-sync1000.seq';
    expect((await seqcat(['tail', join(SEQ, f)])).stdout).toBe(catText(expected(f).records.slice(-10)));
    const all = 'many/block-default-bs1024.seq';
    expect((await seqcat(['tail', '-n', '5000', join(SEQ, all)])).stdout).toBe(catText(expected(all).records));
    const r = await seqcat(['tail', join(SEQ, 'edge/empty-record-default.seq')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('seeks near the end through sync markers instead of scanning the whole file', async () => {
    // 406 KB with a sync marker every 100 KiB
    const f = 'many/none-default-sync.seq';
    const r = await seqcat(['tail', '-n', '3', join(SEQ, f)], { env: { SEQCAT_DEBUG_TAIL: '1' } });
    expect(r.stdout).toBe(catText(expected(f).records.slice(-3)));
    const stats = JSON.parse(errLines(r)[0]!.replace('seqcat: tail: ', ''));
    expect(stats.fullScan).toBe(false);
    expect(stats.windows).toBeGreaterThan(1); // backed off at least once: no marker in the last 64 KiB
    expect(stats.scannedBytes).toBeLessThan(expected(f).header.fileLength / 2);
  });

  it('falls back to a scan when no sync marker is in range, and reads stdin', async () => {
    // 84 KB with no sync marker at all
    const f = 'large/text-record-snappy.seq';
    const r = await seqcat(['tail', '-n', '2', join(SEQ, f)], { env: { SEQCAT_DEBUG_TAIL: '1' } });
    expect(r.stdout).toBe(catText(expected(f).records.slice(-2)));
    expect(JSON.parse(errLines(r)[0]!.replace('seqcat: tail: ', '')).fullScan).toBe(true);
    const g = 'codec/block-deflate.seq';
    const s = await seqcat(['tail', '-n', '4', '-'], { input: readFileSync(join(SEQ, g)) });
    expect(s.stdout).toBe(catText(expected(g).records.slice(-4)));
  });
});

describe.concurrent('seqcat count', () => {
  it('counts the records of every kind of file', async () => {
    const files = ['codec/none.seq', 'codec/record-bzip2.seq', 'codec/block-snappy.seq', 'many/block-default-bs1024.seq', 'many/none-sync0.seq', 'edge/empty-none-meta.seq'];
    const r = await seqcat(['count', ...files.map((f) => join(SEQ, f))]);
    expect(r.code).toBe(0);
    const counts = files.map((f) => expected(f).records.length);
    expect(r.stdout).toBe(files.map((f, i) => `${counts[i]}\t${join(SEQ, f)}\n`).join('') + `${counts.reduce((a, b) => a + b)}\ttotal\n`);
  });

  it('prints just the number for one file, BLOCK files included', async () => {
    const f = 'many/block-zstd-bs1024.seq';
    expect((await seqcat(['count', join(SEQ, f)])).stdout).toBe(`${expected(f).records.length}\n`);
  });
});

describe.concurrent('seqcat info', () => {
  it('--json reports the header, sync offsets and blocks as Hadoop saw them', async () => {
    for (const f of ['many/block-default-bs1024.seq', 'many/none-sync500.seq', 'meta/many-pairs.seq']) {
      const r = await seqcat(['info', '--json', join(SEQ, f)]);
      expect(r.code).toBe(0);
      const info = JSON.parse(r.stdout);
      const h = expected(f).header;
      expect(info).toMatchObject({
        version: h.version,
        keyClass: h.keyClass,
        valueClass: h.valueClass,
        compression: h.compression,
        codec: h.codec,
        metadata: Object.fromEntries(h.metadata),
        sync: h.sync,
        headerLength: h.headerLength,
        fileLength: h.fileLength,
        records: h.records,
        syncOffsets: h.syncOffsets,
      });
      if (h.compression === 'BLOCK') {
        expect(info.blocks).toEqual(h.blocks.map((b: any) => ({ offset: b.offset, records: b.records, bytes: b.end - b.offset })));
        expect(info.compressionRatio).toBeGreaterThan(1);
      }
    }
  });

  it('prints a table with classes, codec, metadata, sync marker, counts, block sizes and ratio', async () => {
    const f = 'codec/block-default.seq';
    const r = await seqcat(['info', join(SEQ, f)]);
    const h = expected(f).header;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('key class:         org.apache.hadoop.io.Text\n');
    expect(r.stdout).toContain('compression:       BLOCK\n');
    expect(r.stdout).toContain(`codec:             ${h.codec}\n`);
    expect(r.stdout).toContain(`sync marker:       ${h.sync}\n`);
    expect(r.stdout).toContain(`records:           ${h.records}\n`);
    expect(r.stdout).toContain(`sync markers:      ${h.syncOffsets.length} at ${h.syncOffsets.join(', ')}\n`);
    expect(r.stdout).toContain(`blocks:            ${h.blocks.length}\n`);
    expect(r.stdout).toContain(`block sizes:       ${h.blocks.map((b: any) => b.end - b.offset).join(', ')} bytes`);
    expect(r.stdout).toMatch(/compression ratio: \d+\.\d+\n/);
    for (const [k, v] of h.metadata) expect(r.stdout).toContain(`${k} = ${v}\n`);
  });
});

describe.concurrent('seqcat json', () => {
  it('prints Text as strings', async () => {
    const f = 'codec/record-lz4.seq';
    const r = await seqcat(['json', join(SEQ, f)]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual(expected(f).records.map((e) => ({ key: e.key, value: e.value })));
  });

  it('prints numbers as numbers, longs as strings, bytes as base64 or hex', async () => {
    const ints = (await seqcat(['json', join(SEQ, 'types/IntWritable-none.seq')])).stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(ints.map((o) => o.key)).toEqual(expected('types/IntWritable-none.seq').records.map((e) => Number(e.key)));
    const longs = (await seqcat(['json', join(SEQ, 'types/LongWritable-block.seq')])).stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(longs.map((o) => o.value)).toEqual(expected('types/LongWritable-block.seq').records.map((e) => e.value));
    const f = 'types/BytesWritable-record.seq';
    const bytes = expected(f).records.map((e) => Buffer.from(e.valueHex!, 'hex').subarray(4)); // past the int32 length
    const b64 = (await seqcat(['json', '--fields', 'value', join(SEQ, f)])).stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(b64).toEqual(bytes.map((b) => ({ value: b.toString('base64') })));
    const hex = (await seqcat(['json', '--fields', 'value', '--bytes', 'hex', join(SEQ, f)])).stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(hex).toEqual(bytes.map((b) => ({ value: b.toString('hex') })));
  });

  it('--fields key prints only keys', async () => {
    const f = 'edge/unicode-block.seq';
    const r = await seqcat(['json', '--fields', 'key', join(SEQ, f)]);
    expect(r.stdout).toBe(expected(f).records.map((e) => JSON.stringify({ key: e.key }) + '\n').join(''));
  });
});

describe.concurrent('seqcat dump', () => {
  for (const f of ['codec/record-default.seq', 'many/block-default-bs1024.seq', 'edge/text-invalid-utf8-none.seq']) {
    it(`${f}: the interop JSON Lines, identical to Hadoop's`, async () => {
      const r = await seqcat(['dump', join(SEQ, f)]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(readFileSync(join(SEQ, f + '.expected.jsonl'), 'utf8'));
    });
  }

  it('--full spells out fields over 64 KiB', async () => {
    const f = 'large/none.seq';
    const r = await seqcat(['dump', '--full', join(SEQ, f)]);
    expect(r.code).toBe(0);
    const recs = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l)).filter((o) => o.type === 'record');
    expect(recs.length).toBe(expected(f).records.length);
    for (const [i, o] of recs.entries()) {
      expect(o.valueHex).toMatch(/^([0-9a-f]{2})+$/);
      expect(o.valueHex.length / 2).toBe(o.valueLength);
      expect(o.valueSha256).toBeUndefined();
      const e = expected(f).records[i]!;
      if (e.valueHex !== null) expect(o.valueHex).toBe(e.valueHex);
    }
  });
});
