// seqcat's writing commands (create, convert, recover) and verify: real files in, real files out.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SEQ, catText, cleanup, errLines, expected, seqcat, shell, tmp } from './helpers.js';

afterAll(cleanup);

const same = (a: string, b: string): boolean => readFileSync(a).equals(readFileSync(b));

/** `seqcat dump [--full] IN | seqcat create OUT --from-dump - [...extra]`, through a real pipe. */
async function roundTrip(rel: string, extra: string[] = [], full = false): Promise<string> {
  const out = join(tmp(), 'out.seq');
  const r = await shell(`seqcat dump ${full ? '--full ' : ''}"${join(SEQ, rel)}" | seqcat create "${out}" --from-dump - ${extra.join(' ')}`);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return out;
}

/** The dump of a file we wrote: its header line and the hex of every record. */
async function dumpOf(path: string): Promise<{ header: Record<string, any>; records: { keyHex: string; valueHex: string }[] }> {
  const r = await seqcat(['dump', '--full', path]);
  expect(r.code).toBe(0);
  const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
  return { header: lines[0], records: lines.slice(1).map((o) => ({ keyHex: o.keyHex, valueHex: o.valueHex })) };
}

/** The corpus file's records as hex. */
function expectedHex(rel: string): { keyHex: string | null; valueHex: string | null }[] {
  return expected(rel).records.map((e) => ({ keyHex: e.keyHex, valueHex: e.valueHex }));
}

describe.concurrent('seqcat create --from-dump', () => {
  for (const f of ['codec/none.seq', 'many/none-sync500.seq', 'append/append-none-none.seq']) {
    it(`dump | create gives ${f} back byte for byte`, async () => {
      expect(same(await roundTrip(f), join(SEQ, f))).toBe(true);
    });
  }

  it('dump --full | create rebuilds records over 64 KiB byte for byte', async () => {
    expect(same(await roundTrip('large/none.seq', [], true), join(SEQ, 'large/none.seq'))).toBe(true);
  });

  for (const f of ['codec/record-default.seq', 'codec/block-gzip.seq', 'many/block-default-bs1024.seq']) {
    it(`with --exact-zlib, ${f} comes back byte for byte`, async () => {
      expect(same(await roundTrip(f, ['--exact-zlib']), join(SEQ, f))).toBe(true);
    });
  }

  for (const f of ['codec/record-snappy.seq', 'combo/bytes-textarray-block-deflate.seq']) {
    it(`${f} comes back with the same records, classes, metadata, marker and blocks`, async () => {
      const { header, records } = await dumpOf(await roundTrip(f));
      const h = expected(f).header;
      expect(records).toEqual(expectedHex(f));
      expect(header).toMatchObject({ keyClass: h.keyClass, valueClass: h.valueClass, compression: h.compression, codec: h.codec, sync: h.sync, metadata: h.metadata });
      if (h.blocks) expect(header.blocks.map((b: any) => b.records)).toEqual(h.blocks.map((b: any) => b.records));
    });
  }

  it('refuses a cut-off dump and leaves no output file', async () => {
    const dir = tmp();
    const dump = readFileSync(join(SEQ, 'codec/none.seq.expected.jsonl'), 'utf8').split('\n').slice(0, 20).join('\n');
    const r = await seqcat(['create', join(dir, 'out.seq'), '--from-dump', '-'], { input: dump });
    expect(r.code).toBe(1);
    expect(errLines(r)).toEqual(['seqcat: <stdin>: the dump has 19 records but its header says 150 (a cut-off dump?)']);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe.concurrent('seqcat create from TSV and JSON Lines', () => {
  it('writes key<TAB>value lines with the classes, compression, codec and metadata asked for', async () => {
    const out = join(tmp(), 'counts.seq');
    const r = await seqcat(['create', out, '--key-class', 'Text', '--value-class', 'LongWritable', '--compression', 'BLOCK', '--codec', 'zstd', '--metadata', 'source=test'], {
      input: 'alpha\t1\nbravo\t-9007199254740993\nwith space\t0\n',
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = await shell(`seqcat cat "${out}" && seqcat info --json "${out}"`);
    const [a, b, c, info] = s.stdout.trimEnd().split('\n');
    expect([a, b, c]).toEqual(['alpha\t1', 'bravo\t-9007199254740993', 'with space\t0']);
    expect(JSON.parse(info!)).toMatchObject({ keyClass: 'org.apache.hadoop.io.Text', valueClass: 'org.apache.hadoop.io.LongWritable', compression: 'BLOCK', codec: 'org.apache.hadoop.io.compress.ZStandardCodec', metadata: { source: 'test' } });
  });

  for (const c of ['IntWritable', 'DoubleWritable', 'BytesWritable']) {
    it(`seqcat json | create --format jsonl round-trips ${c}`, async () => {
      const f = `types/${c}-record.seq`;
      const out = join(tmp(), 'out.seq');
      const r = await shell(`seqcat json "${join(SEQ, f)}" | seqcat create "${out}" --format jsonl --key-class ${c} --value-class ${c} && seqcat cat "${out}"`);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(catText(expected(f).records));
    });
  }

  it('a bad line: one error line naming it, exit 1, no output file', async () => {
    const dir = tmp();
    const r = await seqcat(['create', join(dir, 'x.seq'), '--value-class', 'IntWritable'], { input: 'a\t1\nb\tnot a number\n' });
    expect(r.code).toBe(1);
    expect(errLines(r)).toEqual(['seqcat: <stdin>: line 2: IntWritable needs a decimal integer, got "not a number"']);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe.concurrent('seqcat convert', () => {
  for (const [from, args] of [
    ['codec/record-snappy.seq', ['--compression', 'BLOCK', '--codec', 'zstd']],
    ['codec/block-default.seq', ['--compression', 'NONE']],
    ['many/none-sync0.seq', ['--compression', 'RECORD', '--codec', 'gzip']],
    ['combo/bytes-textarray-block-deflate.seq', ['--compression', 'BLOCK', '--codec', 'snappy', '--block-size', '100']],
  ] as const) {
    it(`${from} ${args.join(' ')}: same records, classes and metadata, new layout`, async () => {
      const out = join(tmp(), 'out.seq');
      const r = await seqcat(['convert', ...args, join(SEQ, from), out]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const { header, records } = await dumpOf(out);
      const h = expected(from).header;
      expect(records).toEqual(expectedHex(from));
      expect(header).toMatchObject({ keyClass: h.keyClass, valueClass: h.valueClass, compression: args[1], metadata: h.metadata });
      if (args[1] !== 'NONE') expect(header.codec).toMatch(new RegExp(args[3] === 'zstd' ? 'ZStandardCodec' : args[3] === 'gzip' ? 'GzipCodec' : 'SnappyCodec'));
      if (args.includes('--block-size')) expect(header.blocks.length).toBeGreaterThan(h.blocks.length);
      expect(header.sync).not.toBe(h.sync); // a fresh marker unless --keep-sync
    });
  }

  it('RECORD to RECORD with the same codec copies the compressed values: with --keep-sync, the same bytes', async () => {
    const f = 'codec/record-bzip2.seq';
    const out = join(tmp(), 'out.seq');
    expect((await seqcat(['convert', '--keep-sync', join(SEQ, f), out])).code).toBe(0);
    expect(same(out, join(SEQ, f))).toBe(true);
  });

  it('writes to stdout with `-`', async () => {
    const r = await shell(`seqcat convert --compression BLOCK "${join(SEQ, 'codec/none.seq')}" - | seqcat count -`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('150\n');
  });
});

/** A copy of a corpus file with 40 bytes flipped at `at`. */
function damaged(rel: string, at: number): string {
  const b = readFileSync(join(SEQ, rel));
  for (let i = 0; i < 40; i++) b[at + i] ^= 0x5a;
  const p = join(tmp(), 'damaged.seq');
  writeFileSync(p, b);
  return p;
}

describe.concurrent('seqcat verify and recover', () => {
  it('verify: one OK line per intact file, exit 0', async () => {
    const files = ['codec/none.seq', 'codec/record-zstd.seq', 'many/block-snappy-bs1024.seq', 'edge/empty-block-snappy.seq'];
    const r = await seqcat(['verify', ...files.map((f) => join(SEQ, f))]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(files.length);
    for (const [i, f] of files.entries()) expect(lines[i]).toMatch(new RegExp(`^${join(SEQ, f)}: OK: ${expected(f).records.length} records, `));
    expect(lines[2]).toContain(`${expected(files[2]!).header.blocks.length} blocks, `);
  });

  it('verify: a damaged file gets one error line with its offset, the others their OK line, exit 1', async () => {
    const bad = damaged('many/block-default-bs1024.seq', 5000);
    const good = join(SEQ, 'codec/none.seq');
    const r = await seqcat(['verify', bad, good]);
    expect(r.code).toBe(1);
    expect(errLines(r)).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^seqcat: ${bad}: .* \\(at byte \\d+\\)\\n$`));
    expect(r.stdout).toMatch(/codec\/none\.seq: OK: 150 records/);
  });

  for (const f of ['many/none-sync500.seq', 'many/record-default-sync1000.seq', 'many/block-default-bs1024.seq']) {
    it(`recover ${f}: skips the damage to the next sync marker, keeps the rest`, async () => {
      const bad = damaged(f, 5000);
      const out = join(tmp(), 'recovered.seq');
      const r = await shell(`seqcat recover "${bad}" "${out}" && seqcat verify "${out}" >&2 && seqcat json --fields key "${out}"`);
      expect(r.code).toBe(0);
      const lines = errLines(r);
      const ok = lines.pop()!;
      expect(lines.length).toBeGreaterThanOrEqual(2);
      for (const l of lines) expect(l.startsWith(`seqcat: ${bad}: `)).toBe(true);
      expect(lines[0]).toMatch(/skipped (bytes \d+-\d+|the record at byte \d+): /);
      expect(lines.at(-1)).toMatch(/recovered \d+ records into .*recovered\.seq, skipped \d+ damaged regions?$/);
      expect(ok).toMatch(/recovered\.seq: OK: \d+ records/);
      const all = expected(f).records;
      const keys = r.stdout.trimEnd().split('\n').map((l) => String(JSON.parse(l).key));
      expect(keys.length).toBeLessThan(all.length);
      expect(keys.length).toBeGreaterThan(all.length * 0.8);
      // the survivors are original records, in order
      let j = 0;
      for (const k of keys) {
        while (j < all.length && all[j]!.key !== k) j++;
        expect(j).toBeLessThan(all.length);
      }
    });
  }

  it('recover: a truncated file keeps every complete record', async () => {
    const f = 'codec/none.seq';
    const cut = join(tmp(), 'cut.seq');
    writeFileSync(cut, readFileSync(join(SEQ, f)).subarray(0, 15000));
    const out = join(tmp(), 'out.seq');
    const r = await shell(`seqcat recover "${cut}" "${out}" && seqcat cat "${out}"`);
    expect(r.code).toBe(0);
    expect(errLines(r)[0]).toMatch(/skipped bytes \d+-15000: file ends inside a record/);
    type Rec = { pos: number; keyLength: number; valueLength: number };
    const whole = expected(f).records.filter((e) => {
      const x = e as unknown as Rec;
      return x.pos + 8 + x.keyLength + x.valueLength <= 15000;
    });
    expect(r.stdout).toBe(catText(whole));
  });
});
