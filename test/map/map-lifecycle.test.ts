import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/index.js';
import { ArrayFileReader, BloomMapFileReader, MapFileReader, SetFileReader } from '../../src/map/index.js';

const MAP = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'interop', 'fixtures', 'hadoop', 'map');
const TEXT_MAP = join(MAP, 'mapfile-text-interval4');
const openFds = (): number => readdirSync('/proc/self/fd').length;

function dataKeys(name: string): string[] {
  return readFileSync(join(MAP, `${name}.expected.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"type":"record"') && l.includes('"part":"data"'))
    .map((l) => JSON.parse(l).key as string);
}

describe('map-family readers release their files', () => {
  it('for await over a MapFileReader closes it at the end, after break and after a throw', async () => {
    const before = openFds();
    for (let i = 0; i < 20; i++) {
      const keys: string[] = [];
      for await (const { key } of await MapFileReader.open<string, string>(TEXT_MAP)) keys.push(key);
      expect(keys).toEqual(dataKeys('mapfile-text-interval4'));
      for await (const _ of await MapFileReader.open(TEXT_MAP)) break;
      await (async () => {
        for await (const _ of await BloomMapFileReader.open(join(MAP, 'bloommap-text-small'))) throw new Error('boom');
      })().catch(() => {});
    }
    expect(openFds()).toBe(before);
  });

  it('await using closes MapFile, BloomMapFile, SetFile and ArrayFile readers', async () => {
    const before = openFds();
    let map: MapFileReader<string, string>;
    {
      await using m = await MapFileReader.open<string, string>(TEXT_MAP);
      map = m;
      expect(await m.get('key0006')).toBe('value 3');
      await using b = await BloomMapFileReader.open(join(MAP, 'bloommap-text-small'));
      await using s = await SetFileReader.open<string>(join(MAP, 'setfile-text'));
      await using a = await ArrayFileReader.open<string>(join(MAP, 'arrayfile-text'));
      expect(b.bloom).not.toBeNull();
      expect(await s.has(dataKeys('setfile-text')[0]!)).toBe(true);
      expect(await a.get(0)).toBeDefined();
      expect(openFds()).toBeGreaterThan(before);
    }
    expect(openFds()).toBe(before);
    const e = await map.get('key0006').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toBe(`${join(TEXT_MAP, 'data')}: reader is closed`);
  });

  it('lookups and next() after close are a UsageError; close is idempotent', async () => {
    const m = await MapFileReader.open<string, string>(TEXT_MAP);
    expect(await m.seek('key0002')).toBe(true); // next() would hand out the entry found
    await m.close();
    await m.close();
    for (const call of [() => m.next(), () => m.get('key0001'), () => m.seek('key0001'), () => m.finalKey(), () => m.reset()]) {
      await expect(call()).rejects.toThrow(/reader is closed/);
    }
  });

  it('a MapFile directory as a file: URL', async () => {
    const m = await MapFileReader.open<string, string>(pathToFileURL(TEXT_MAP));
    expect(m.dir).toBe(TEXT_MAP);
    expect(await m.get('key0014')).toBe('value 7');
    await m.close();
    await expect(MapFileReader.open(new URL('http://example.com/map'))).rejects.toThrow(/scheme http: not supported/);
  });
});
