// Files from public projects (../shared/fixtures/wild, read in place, never copied here; skipped when
// absent): every record the manifest counts is read, decoded where the classes are known, and printed;
// the intentionally broken ones give a typed error.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HadoopIOError, SequenceFileReader } from '../src/index.js';
import { MapFileReader } from '../src/map/index.js';

const WILD = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'fixtures', 'wild');
const manifest = join(WILD, 'MANIFEST.md');

interface WildFile {
  path: string;
  records: number | null;
  note: string;
}

function wildFiles(): WildFile[] {
  if (!existsSync(manifest)) return [];
  const out: WildFile[] = [];
  for (const line of readFileSync(manifest, 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 16 || !cells[1]!.startsWith('`')) continue;
    const path = cells[1]!.replace(/`/g, '');
    const m = /^(\d+) \(/.exec(cells[14]!);
    out.push({ path, records: m ? Number(m[1]) : null, note: `${cells[14]} ${cells[15]}` });
  }
  return out;
}

const files = wildFiles();

describe.skipIf(files.length === 0)('wild SequenceFiles from public projects', () => {
  it('the manifest lists the files', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  for (const f of files) {
    const path = join(WILD, f.path);
    it(`${f.path}: ${f.records === null ? 'a typed error' : `${f.records} records`}`, async () => {
      const read = async (): Promise<number> => {
        const r = await SequenceFileReader.open(path);
        let n = 0;
        try {
          for await (const raw of r.raw()) {
            // known classes decode and print; unknown ones stay raw bytes
            const t = r.keyType;
            t.toString(r.decodeKey(raw));
            n++;
          }
        } finally {
          await r.close();
        }
        return n;
      };
      if (f.records === null) {
        await expect(read()).rejects.toBeInstanceOf(HadoopIOError);
        return;
      }
      expect(await read()).toBe(f.records);
      if (f.path.endsWith('/data') && existsSync(join(dirname(path), 'index'))) {
        // a MapFile: its index loads and the first key is found through it (when its key class has an order)
        const r = await SequenceFileReader.open(path);
        const first = await r.nextRaw();
        const firstKey = first?.key.slice();
        await r.close();
        const map = await MapFileReader.open(dirname(path)).catch((e: unknown) => e);
        if (map instanceof MapFileReader) {
          if (firstKey) expect(await map.getRaw(firstKey)).toBeDefined();
          await map.close();
        } else {
          expect(String(map)).toMatch(/no comparator for key class/);
        }
      }
    });
  }
});
