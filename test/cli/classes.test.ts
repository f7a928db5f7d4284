// seqcat --classes / SEQCAT_CLASSES: user Writable classes from a JSON declaration or an ES module.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SequenceFileReader, createRegistry, genericWritableType } from '../../src/index.js';
import { HADOOP_DIR, expectedLines, seqEntries } from '../../interop/fixtures.js';
import { SEQ, catText, cleanup, errLines, expected, seqcat, shell, tmp } from './helpers.js';

afterAll(cleanup);

const dir = tmp();
/** The one user class of the Hadoop corpus, declared the way the issue asks. */
const CLASSES = join(dir, 'classes.json');
writeFileSync(CLASSES, JSON.stringify({ 'fixtures.TextArrayWritable': { arrayOf: 'org.apache.hadoop.io.Text' } }));

/** The corpus files that hold fixtures.TextArrayWritable (as the record class or inside a MapWritable/SortedMapWritable). */
const HOLDERS = seqEntries.filter((e) => readFileSync(join(HADOOP_DIR, e.path)).includes('fixtures.TextArrayWritable')).map((e) => e.path);

async function raw(path: string): Promise<{ key: string; value: string }[]> {
  const r = await SequenceFileReader.open(path);
  const out: { key: string; value: string }[] = [];
  for await (const x of r.raw()) out.push({ key: Buffer.from(x.key).toString('hex'), value: Buffer.from(x.value).toString('hex') });
  await r.close();
  return out;
}

describe('the corpus with { "fixtures.TextArrayWritable": { "arrayOf": "org.apache.hadoop.io.Text" } }', () => {
  it('finds the files holding the class, maps included', () => {
    expect(HOLDERS).toEqual(
      expect.arrayContaining([
        'seq/types/TextArrayWritable-none.seq',
        'seq/types/MapWritable-none.seq',
        'seq/types/SortedMapWritable-record.seq',
        'seq/combo/bytes-textarray-block-deflate.seq',
      ]),
    );
    expect(HOLDERS).toHaveLength(8);
  });

  describe.concurrent('without it, they do not dump as Hadoop did', () => {
    for (const path of HOLDERS) {
      it(path, async () => {
        const r = await seqcat(['dump', join(HADOOP_DIR, path)]);
        const lines = r.stdout.split('\n').filter((l) => l.length > 0);
        expect(lines).not.toEqual(expectedLines({ expected: path + '.expected.jsonl' }));
        // a bare array prints as raw hex; a map holding one cannot be decoded at all
        if (r.code !== 0) expect(errLines(r)[0]).toMatch(/fixtures\.TextArrayWritable, which is not registered.*--classes FILE/);
      });
    }
  });

  describe.concurrent('every file dumps exactly as Hadoop read it, and dump --full | create --from-dump - rebuilds it', () => {
    for (const e of seqEntries) {
      it(e.path, async () => {
        const d = tmp();
        const out = join(d, 'rebuilt.seq');
        const dumped = join(d, 'dump.jsonl');
        const file = join(HADOOP_DIR, e.path);
        const r = await shell(`seqcat dump --full "${file}" | tee "${dumped}" | seqcat create "${out}" --from-dump -`, { env: { SEQCAT_CLASSES: CLASSES } });
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(await raw(out)).toEqual(await raw(file));
        const want = expectedLines(e);
        // --full differs from the plain dump only where Hadoop's output summarises a field over 64 KiB
        let ours = readFileSync(dumped, 'utf8').split('\n').filter((l) => l.length > 0);
        if (want.some((l) => l.includes('Hex":null'))) {
          const plain = await seqcat(['dump', '--classes', CLASSES, file]);
          expect(plain.code).toBe(0);
          ours = plain.stdout.split('\n').filter((l) => l.length > 0);
        }
        for (let i = 0; i < Math.max(ours.length, want.length); i++) expect(ours[i], `line ${i + 1}`).toEqual(want[i]);
      });
    }
  });
});

describe.concurrent('class files', () => {
  const arrays = 'types/TextArrayWritable-block.seq';
  const want = catText(expected(arrays).records);

  it('--classes works on every reading command', async () => {
    const f = join(SEQ, arrays);
    expect((await seqcat(['cat', '--classes', CLASSES, f])).stdout).toBe(want);
    expect((await seqcat(['head', '-n', '2', '--classes', CLASSES, f])).stdout).toBe(want.split('\n').slice(0, 2).join('\n') + '\n');
    expect((await seqcat(['tail', '-n', '1', '--classes', CLASSES, f])).stdout).toBe(want.split('\n').slice(-2).join('\n'));
    const json = await seqcat(['json', '--classes', CLASSES, f]);
    expect(JSON.parse(json.stdout.split('\n')[1]!)).toEqual({ key: ['a'], value: ['x', '', '日本', '😀'] });
    for (const cmd of [['count'], ['info'], ['verify']]) {
      const r = await seqcat([...cmd, '--classes', CLASSES, f]);
      expect(r.code, cmd[0]).toBe(0);
    }
    const conv = join(tmp(), 'conv.seq');
    expect((await seqcat(['convert', '--classes', CLASSES, '--compression', 'NONE', f, conv])).code).toBe(0);
    expect((await seqcat(['cat', '--classes', CLASSES, conv])).stdout).toBe(want);
    const rec = join(tmp(), 'rec.seq');
    expect((await seqcat(['recover', '--classes', CLASSES, f, rec])).code).toBe(0);
    expect((await seqcat(['cat', '--classes', CLASSES, rec])).stdout).toBe(want);
  });

  it('get decodes a MapFile of user classes', async () => {
    // a MapFile whose values are a user's GenericWritable
    const registry = createRegistry().register(genericWritableType('com.example.MyGeneric', ['org.apache.hadoop.io.Text', 'org.apache.hadoop.io.IntWritable']));
    const { MapFileWriter } = await import('../../src/index.js');
    const map = join(tmp(), 'generic.map');
    const w = await MapFileWriter.create(map, { keyClass: 'org.apache.hadoop.io.Text', valueClass: 'com.example.MyGeneric', registry, compression: 'NONE' });
    await w.append('a', { className: 'org.apache.hadoop.io.Text', value: 'alpha' });
    await w.append('b', { className: 'org.apache.hadoop.io.IntWritable', value: 7 });
    await w.close();
    const decl = join(tmp(), 'generic.json');
    writeFileSync(decl, JSON.stringify({ 'com.example.MyGeneric': { genericOf: ['Text', 'IntWritable'] } }));
    const r = await seqcat(['get', '--classes', decl, map, 'b']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).value).toBe('GW[class=org.apache.hadoop.io.IntWritable,value=7]');
    const cat = await seqcat(['cat', '--classes', decl, map]);
    expect(cat.stdout).toBe('a\tGW[class=org.apache.hadoop.io.Text,value=alpha]\nb\tGW[class=org.apache.hadoop.io.IntWritable,value=7]\n');
    // without the declaration the values are raw bytes
    expect((await seqcat(['cat', map])).stdout).not.toContain('GW[');
  });

  it('an ES module gets { registry, codecs, lib } and needs no import', async () => {
    const mod = join(tmp(), 'classes.mjs');
    writeFileSync(
      mod,
      `export default function ({ registry, codecs, lib }) {
        if (typeof codecs.get !== 'function' || !codecs.get('gzip')) throw new Error('no codecs');
        registry.register(lib.arrayWritableType('fixtures.TextArrayWritable', 'org.apache.hadoop.io.Text'));
      }\n`,
    );
    const r = await seqcat(['cat', '--classes', mod, join(SEQ, arrays)]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(want);
    const m = await seqcat(['dump', '--classes', mod, join(SEQ, 'types/MapWritable-record.seq')]);
    expect(m.stdout.split('\n').filter((l) => l)).toEqual(expectedLines({ expected: 'seq/types/MapWritable-record.seq.expected.jsonl' }));
  });

  it('SEQCAT_CLASSES is a :-separated list of class files, loaded before --classes', async () => {
    const a = join(tmp(), 'a.json');
    const b = join(tmp(), 'b.json');
    writeFileSync(a, JSON.stringify({ 'x.Unused': { arrayOf: 'IntWritable' } }));
    // short names inside: Text is org.apache.hadoop.io.Text
    writeFileSync(b, JSON.stringify({ 'fixtures.TextArrayWritable': { arrayOf: 'Text' } }));
    const r = await seqcat(['cat', join(SEQ, arrays)], { env: { SEQCAT_CLASSES: `${a}:${b}` } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(want);
    // a reference to a class another file declares
    const c = join(tmp(), 'c.json');
    writeFileSync(c, JSON.stringify({ 'x.Generic': { genericOf: ['TextArrayWritable', 'x.Unused'] } }));
    expect((await seqcat(['count', '--classes', c, join(SEQ, arrays)], { env: { SEQCAT_CLASSES: `${a}:${b}` } })).code).toBe(0);
  });

  it('a bad class file is one usage line naming the file and what is wrong, exit 2', async () => {
    const d = tmp();
    const cases: [string, string, RegExp][] = [
      ['missing.json', '', /--classes \S*missing\.json: no such file/],
      ['broken.json', '{ "a": ', /--classes \S*broken\.json: not valid JSON/],
      ['list.json', '[1, 2]', /--classes \S*list\.json: must be a JSON object/],
      ['unknown-key.json', '{ "x.A": { "listOf": "Text" } }', /--classes \S*unknown-key\.json: x\.A: needs exactly one of "arrayOf" or "genericOf", got "listOf"/],
      ['unknown-class.json', '{ "x.A": { "arrayOf": "NoSuchWritable" } }', /--classes \S*unknown-class\.json: x\.A: arrayOf 'NoSuchWritable' is not a known class/],
      ['empty-generic.json', '{ "x.G": { "genericOf": [] } }', /--classes \S*empty-generic\.json: x\.G: genericOf must be a list of 1 to 256 class names/],
      ['no-default.mjs', 'export const x = 1;\n', /--classes \S*no-default\.mjs: an ES module whose default export is a function/],
      ['throws.mjs', 'export default () => { throw new Error("boom"); };\n', /--classes \S*throws\.mjs: its default export failed: boom/],
      ['syntax.mjs', 'export default (;\n', /--classes \S*syntax\.mjs: cannot load: /],
    ];
    for (const [name, text, line] of cases) {
      const p = join(d, name);
      if (text) writeFileSync(p, text);
      const r = await seqcat(['cat', '--classes', p, join(SEQ, arrays)]);
      expect(r.code, name).toBe(2);
      expect(errLines(r), name).toHaveLength(1);
      expect(errLines(r)[0], name).toMatch(line);
      expect(r.stdout, name).toBe('');
    }
    const env = await seqcat(['count', join(SEQ, arrays)], { env: { SEQCAT_CLASSES: join(d, 'broken.json') } });
    expect(env.code).toBe(2);
    expect(errLines(env)[0]).toMatch(/^seqcat: count: --classes \S*broken\.json: not valid JSON/);
  });
});
