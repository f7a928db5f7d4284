// The README's examples run as written (against the built package, imported by its name).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (name: string): string => execFileSync(process.execPath, [join(__dirname, '..', 'examples', name)], { encoding: 'utf8' });

describe('examples/', () => {
  it('custom-writable.mjs reads, writes and looks up a user class', () => {
    expect(run('custom-writable.mjs')).toBe("(1, 2) first\n(-3, 4) second\np15 { key: { x: 2, y: 1 }, value: 'p21' }\n");
  });

  it('mapfile.mjs answers get, getClosest, midKey, finalKey and the bloom probe', () => {
    expect(run('mapfile.mjs')).toBe("2n\nundefined\n{ key: 'grace', value: 2n }\n{ key: 'ada', value: 1n }\nada linus\ntrue false\n");
  });
});
