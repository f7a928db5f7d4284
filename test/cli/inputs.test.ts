// What seqcat takes as input: job output directories, globs it expands itself, stdin by default, and text
// or gzip-compressed text printed as text, like `hadoop fs -text`.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { SequenceFileWriter } from '../../src/index.js';
import { MAP, SEQ, catText, cleanup, errLines, expected, seqcat, shell, tmp } from './helpers.js';

afterAll(cleanup);

const none = catText(expected('codec/none.seq').records);
const mapData = catText(expected('mapfile-text-interval4', MAP).records);
const ints = catText(expected('combo/text-int-none.seq').records);

/** A job output directory as Hadoop leaves it. */
async function jobDir(): Promise<{ out: string; checked: string }> {
  const out = join(tmp(), 'out');
  mkdirSync(join(out, '_logs', 'history'), { recursive: true });
  cpSync(join(SEQ, 'codec/none.seq'), join(out, 'part-r-00000'));
  writeFileSync(join(out, 'part-r-00001'), ''); // an idle reducer
  cpSync(join(MAP, 'mapfile-text-interval4'), join(out, 'part-r-00002'), { recursive: true });
  // a part with its .crc side file beside it, as LocalFileSystem writes it
  const w = await SequenceFileWriter.create(join(out, 'part-r-00003'), { keyClass: 'org.apache.hadoop.io.Text', valueClass: 'org.apache.hadoop.io.Text', compression: 'NONE', writeChecksum: true });
  await w.append('last', 'part');
  await w.close();
  writeFileSync(join(out, '_SUCCESS'), '');
  writeFileSync(join(out, '._SUCCESS.crc'), Buffer.from([0x63, 0x72, 0x63, 0, 0, 0, 2, 0]));
  // data that is not output: must not be read
  cpSync(join(SEQ, 'combo/text-int-none.seq'), join(out, '_logs', 'history', 'part-00000'));
  cpSync(join(SEQ, 'combo/text-int-none.seq'), join(out, '.part-r-00009'));
  cpSync(join(SEQ, 'combo/text-int-none.seq'), join(out, '_part-r-00008'));
  return { out, checked: join(out, 'part-r-00003') };
}

describe.concurrent('job output directories', () => {
  it('cat out/ reads the part files in name order, skipping _SUCCESS, _logs, hidden, .crc and empty files', async () => {
    const { out } = await jobDir();
    const r = await seqcat(['cat', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(none + mapData + 'last\tpart\n');
    // the default command too
    expect((await seqcat([out + '/'])).stdout).toBe(r.stdout);
  });

  it('count, json, verify and head take one too, per part file', async () => {
    const { out } = await jobDir();
    const c = await seqcat(['count', out]);
    expect(c.stdout).toBe(`150\t${join(out, 'part-r-00000')}\n200\t${join(out, 'part-r-00002')}\n1\t${join(out, 'part-r-00003')}\n351\ttotal\n`);
    expect((await seqcat(['json', out])).stdout.split('\n').filter((l) => l)).toHaveLength(351);
    const v = await seqcat(['verify', out]);
    expect(v.code).toBe(0);
    expect(v.stdout.split('\n').filter((l) => l)).toHaveLength(3);
    expect((await seqcat(['head', '-n', '1', out])).stdout.split('\n').filter((l) => l)).toHaveLength(3);
  });

  it('a single-file command needs the directory to hold one part', async () => {
    const { out } = await jobDir();
    const r = await seqcat(['info', out]);
    expect(r.code).toBe(2);
    expect(errLines(r)[0]).toMatch(/info: .*out names 3 files; give one/);
    const one = join(tmp(), 'one');
    mkdirSync(one);
    cpSync(join(SEQ, 'codec/none.seq'), join(one, 'part-00000'));
    writeFileSync(join(one, '_SUCCESS'), '');
    expect((await seqcat(['info', one])).stdout).toContain('records:           150');
  });

  it('a directory with no part files and no _SUCCESS is an error; an empty job prints nothing', async () => {
    const d = tmp();
    const r = await seqcat(['cat', d]);
    expect(r.code).toBe(2);
    expect(errLines(r)[0]).toMatch(/is a directory without part-\* files or a MapFile data file/);
    writeFileSync(join(d, '_SUCCESS'), '');
    writeFileSync(join(d, 'part-00000'), '');
    const empty = await seqcat(['cat', d]);
    expect(empty).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});

describe.concurrent('globs seqcat expands itself', () => {
  it("'out/part-*', ?, [...] match in name order; a pattern that matches nothing is an error", async () => {
    const { out } = await jobDir();
    const star = await seqcat(['cat', join(out, 'part-*')]);
    expect(star.stderr).toBe('');
    expect(star.stdout).toBe(none + mapData + 'last\tpart\n');
    expect((await seqcat(['count', join(out, 'part-r-0000?')])).stdout).toMatch(/351\ttotal\n$/);
    const cls = await seqcat(['cat', join(out, 'part-r-0000[03]')]);
    expect(cls.stdout).toBe(none + 'last\tpart\n');
    expect((await seqcat(['cat', join(out, 'part-r-0000[!0-2]')])).stdout).toBe('last\tpart\n');
    // a wildcard does not match a leading dot
    expect((await seqcat(['cat', join(out, '*part-r-0000[09]')])).stdout).toBe(none);
    const none0 = await seqcat(['cat', join(out, 'nothing-*'), join(out, 'part-r-00003')]);
    expect(none0.code).toBe(1);
    expect(errLines(none0)).toEqual([`seqcat: ${join(out, 'nothing-*')}: no such file (the pattern matches nothing)`]);
    expect(none0.stdout).toBe('last\tpart\n');
  });

  it('globs in the middle of a path', async () => {
    const d = tmp();
    for (const day of ['2024-01-01', '2024-01-02']) {
      mkdirSync(join(d, day));
      cpSync(join(SEQ, 'combo/text-int-none.seq'), join(d, day, 'part-00000'));
    }
    const r = await seqcat(['count', join(d, '2024-*', 'part-*')]);
    expect(r.stdout).toBe(`100\t${join(d, '2024-01-01', 'part-00000')}\n100\t${join(d, '2024-01-02', 'part-00000')}\n200\ttotal\n`);
  });
});

describe.concurrent('stdin when no file is given', () => {
  const f = join(SEQ, 'combo/text-int-none.seq');
  it('cat, head, tail, count, json and the bare `seqcat` read stdin when it is not a terminal', async () => {
    const input = readFileSync(f);
    expect((await seqcat(['cat'], { input })).stdout).toBe(ints);
    expect((await seqcat([], { input })).stdout).toBe(ints);
    expect((await seqcat(['head', '-n', '2'], { input })).stdout).toBe(ints.split('\n').slice(0, 2).join('\n') + '\n');
    expect((await seqcat(['tail', '-n', '1'], { input })).stdout).toBe(ints.split('\n').slice(-2).join('\n'));
    expect((await seqcat(['count'], { input })).stdout).toBe('100\n');
    expect((await seqcat(['json'], { input })).stdout.split('\n').filter((l) => l)).toHaveLength(100);
  });

  it('FIFOs and process substitution are read as streams, SequenceFile or text', async () => {
    const r = await shell(`seqcat count <(cat "${f}"); seqcat tail -n 1 <(cat "${f}"); seqcat cat <(cat "${join(SEQ, 'codec/none.seq')}") | wc -l`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`100\n${ints.split('\n').slice(-2).join('\n')}150\n`);
    const g = await shell(`seqcat cat <(printf 'a\\tb\\n' | gzip -c)`);
    expect(g.stdout).toBe('a\tb\n');
  });

  it('with stdin a terminal, no file is a usage error', async () => {
    // `script` gives the command a terminal for stdin
    const r = await shell(`script -qec "$SEQCAT_NODE $SEQCAT_CLI tail" /dev/null < /dev/null`);
    expect(r.stdout).toMatch(/^seqcat: tail: no input files \(and stdin is a terminal\) \(see 'seqcat tail --help'\)/);
  });
});

describe.concurrent('text and gzip-compressed text, like `hadoop fs -text`', () => {
  const d = tmp();
  const text = 'alpha\tone\nbravo\ttwo\ndonnées 日本\nlast line without newline';
  const plain = join(d, 'part-00000.txt');
  const gz = join(d, 'part-00000.gz');
  const multi = join(d, 'multi.gz');
  writeFileSync(plain, text);
  writeFileSync(gz, gzipSync(text));
  // a concatenated gzip (several members), as `cat a.gz b.gz` makes
  writeFileSync(multi, Buffer.concat([gzipSync('first\n'), gzipSync('second\n')]));
  const binary = join(d, 'binary.bin');
  writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));

  it('cat prints a text file as it is and a gzip file decompressed', async () => {
    expect(await seqcat(['cat', plain])).toMatchObject({ code: 0, stdout: text, stderr: '' });
    expect(await seqcat(['cat', gz])).toMatchObject({ code: 0, stdout: text, stderr: '' });
    expect((await seqcat(['cat', multi])).stdout).toBe('first\nsecond\n');
    // mixed with SequenceFiles, in order
    expect((await seqcat([plain, join(SEQ, 'combo/text-int-none.seq'), multi])).stdout).toBe(text + ints + 'first\nsecond\n');
  });

  it('head and tail count lines', async () => {
    expect((await seqcat(['head', '-n', '2', gz])).stdout).toBe('alpha\tone\nbravo\ttwo\n');
    expect((await seqcat(['tail', '-n', '2', plain])).stdout).toBe('données 日本\nlast line without newline');
    expect((await seqcat(['head', '-n', '1', multi])).stdout).toBe('first\n');
  });

  it('from stdin too', async () => {
    expect((await seqcat(['cat', '-'], { input: gzipSync(text) })).stdout).toBe(text);
    expect((await seqcat([], { input: text })).stdout).toBe(text);
  });

  it('corrupt gzip is one error line', async () => {
    const bad = join(tmp(), 'bad.gz');
    writeFileSync(bad, Buffer.concat([gzipSync(text).subarray(0, 20), Buffer.from('garbage garbage')]));
    const r = await seqcat(['cat', bad]);
    expect(r.code).toBe(1);
    expect(errLines(r)).toHaveLength(1);
    expect(errLines(r)[0]).toMatch(/^seqcat: \S*bad\.gz: not valid gzip data: /);
  });

  it('commands that need records, and binary data, still say "not a SequenceFile"', async () => {
    for (const args of [['json', plain], ['count', gz], ['info', plain], ['verify', plain], ['cat', binary], ['head', binary]]) {
      const r = await seqcat(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(errLines(r), args.join(' ')).toEqual([`seqcat: ${args[1]}: not a SequenceFile (no SEQ magic) (at byte 0)`]);
    }
  });
});
