// seqcat on MapFile-family directories: dump DIR, get, fix, and a directory that lost its index.
import { cpSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAP, cleanup, seqcat, tmp } from './helpers.js';

afterAll(cleanup);

const DUMP_TYPES = new Set(['dir', 'header', 'record', 'indexEntry', 'midKey', 'finalKey', 'bloom']);

function expectedLines(name: string): Record<string, unknown>[] {
  return readFileSync(join(MAP, `${name}.expected.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('seqcat on map directories', () => {
  it('dump DIR prints the dir, data, index, indexEntry, midKey, finalKey and bloom lines Hadoop printed', async () => {
    const name = 'bloommap-int-jenkins-block';
    const r = await seqcat(['dump', join(MAP, name)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const want = readFileSync(join(MAP, `${name}.expected.jsonl`), 'utf8')
      .split('\n')
      .filter((l) => l && DUMP_TYPES.has((JSON.parse(l) as { type: string }).type));
    expect(r.stdout.split('\n').filter((l) => l)).toEqual(want);
  });

  it('get prints one JSON line per key, found or not, with Hadoop\'s values', async () => {
    const name = 'mapfile-int-block-default';
    const gets = expectedLines(name).filter((l) => l.type === 'get').slice(0, 5);
    const keys = gets.map((g) => String(Buffer.from(g.keyHex as string, 'hex').readInt32BE()));
    // negative keys follow '--', or they would read as options
    const r = await seqcat(['get', join(MAP, name), '--', ...keys, '12345678']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.query, l.found, l.keyHex, l.valueHex])).toEqual([
      ...gets.map((g, i) => [keys[i], true, g.keyHex, g.valueHex]),
      ['12345678', false, '00bc614e', undefined],
    ]);
  });

  it('get --closest --before and --key-hex answer like the corpus', async () => {
    const name = 'mapfile-text-interval4';
    const closest = expectedLines(name).filter((l) => l.type === 'closest' && l.before === true && l.found === true);
    const c = closest[3]!;
    const r = await seqcat(['get', '--closest', '--before', '--key-hex', join(MAP, name), c.probeHex as string]);
    expect(JSON.parse(r.stdout)).toMatchObject({ found: true, keyHex: c.keyHex, valueHex: c.valueHex });
  });

  it('a directory without index: one line saying how to fix it, exit 1; fix rebuilds it and get works again', async () => {
    const dir = join(tmp(), 'm');
    cpSync(join(MAP, 'mapfile-text-interval4'), dir, { recursive: true });
    unlinkSync(join(dir, 'index'));
    const bad = await seqcat(['get', dir, 'key0002']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`seqcat: ${dir}: MapFile has no index file; rebuild it with \`seqcat fix ${dir}\`\n`);
    const fixed = await seqcat(['fix', '--index-interval', '4', dir]);
    expect(fixed.stdout).toBe(`${dir}: rebuilt index with 50 entries for 200 records\n`);
    expect(readFileSync(join(dir, 'index')).length).toBeGreaterThan(100);
    const again = await seqcat(['fix', dir]);
    expect(again.stdout).toMatch(/index present, nothing to do/);
    const ok = await seqcat(['get', dir, 'key0002']);
    expect(JSON.parse(ok.stdout)).toMatchObject({ found: true, value: 'value 1' });
  });

  it('get with a key that is not of the key class is a usage error', async () => {
    const r = await seqcat(['get', join(MAP, 'mapfile-int-block-default'), 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^seqcat: get: 'abc' is not an? IntWritable key/);
  });
});
