// seqcat splits and --split: the outputs of all splits, concatenated, are the single-process output.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SEQ, cleanup, expected, seqcat, shell, tmp } from './helpers.js';

afterAll(cleanup);

interface Split {
  file: string;
  start: number;
  length: number;
}

async function splits(args: string[]): Promise<Split[]> {
  const r = await seqcat(['splits', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Split);
}

async function eachSplit(command: string[], plan: Split[]): Promise<string[]> {
  return Promise.all(
    plan.map(async (s) => {
      const r = await seqcat([...command, '--split', `${s.start}:${s.length}`, s.file]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return r.stdout;
    }),
  );
}

const recordLines = (dump: string): string[] =>
  dump
    .split('\n')
    .filter((l) => l.startsWith('{"type":"record"'))
    .map((l) => {
      const o = JSON.parse(l) as { keyHex: string; valueHex: string };
      return `${o.keyHex} ${o.valueHex}`;
    });

describe.concurrent('seqcat splits', () => {
  for (const name of ['many/none-sync500.seq', 'many/record-default-sync1000.seq', 'many/block-default-bs1024.seq']) {
    it(`${name}: cat, json, dump and count of every split add up to the whole file`, async () => {
      const file = join(SEQ, name);
      const plan = await splits([file, '--size', '6k', '--min-size', '1']);
      expect(plan.length).toBeGreaterThan(3);
      expect(plan.every((s) => s.file === file)).toBe(true);
      // contiguous, covering the file
      for (let i = 1; i < plan.length; i++) expect(plan[i]!.start).toBe(plan[i - 1]!.start + plan[i - 1]!.length);
      const records = expected(name).records;
      const parts = await eachSplit(['cat'], plan);
      // some splits hold no sync point and so no records; the others hold some
      expect(parts.filter((p) => p !== '').length).toBeGreaterThan(1);
      const whole = await seqcat(['cat', file]);
      expect(parts.join('')).toBe(whole.stdout);
      expect(whole.stdout.split('\n').length - 1).toBe(records.length);

      expect((await eachSplit(['json'], plan)).join('')).toBe((await seqcat(['json', file])).stdout);
      expect((await eachSplit(['dump'], plan)).flatMap(recordLines)).toEqual(recordLines((await seqcat(['dump', file])).stdout));
      const counts = (await eachSplit(['count'], plan)).map(Number);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(records.length);
      // head: the first records of the split
      const busy = plan[parts.findIndex((p) => p.split('\n').length > 3)]!;
      const head = await seqcat(['head', '-n', '2', '--split', `${busy.start}:${busy.length}`, file]);
      expect(head.stdout).toBe(parts[plan.indexOf(busy)]!.split('\n').slice(0, 2).join('\n') + '\n');
    });
  }

  it('plans by Hadoop\'s rule: 128 MiB by default, the 100 KiB sync-interval floor, the 1.1 slop', async () => {
    const file = join(SEQ, 'many/none-default-sync.seq'); // 405,983 bytes
    expect(await splits([file])).toEqual([{ file, start: 0, length: 405_983 }]);
    // --size 64k is below the floor: 100 KiB splits, and 98,783 bytes left (0.96 of one) make the last
    expect((await splits([file, '--size', '64k'])).map((s) => s.length)).toEqual([102_400, 102_400, 102_400, 98_783]);
    // 405,983 / 135,000 = 3.007: two full splits, then 135,983 (1.007 <= 1.1)
    expect((await splits([file, '--size', '135000', '--min-size', '1'])).map((s) => s.length)).toEqual([135_000, 135_000, 135_983]);
  });

  it('expands a job output directory to its part files and plans each', async () => {
    const dir = tmp();
    copyFileSync(join(SEQ, 'many/none-sync500.seq'), join(dir, 'part-00000'));
    copyFileSync(join(SEQ, 'many/block-default-bs1024.seq'), join(dir, 'part-00001'));
    writeFileSync(join(dir, '_SUCCESS'), '');
    const plan = await splits([dir, '--size', '16k', '--min-size', '1']);
    expect([...new Set(plan.map((s) => s.file))]).toEqual([join(dir, 'part-00000'), join(dir, 'part-00001')]);
    // the manifest drives the reads: a shell loop over it prints the whole job
    const loop = await shell(
      `seqcat splits '${dir}' --size 16k --min-size 1 | while read -r s; do ` +
        `f=$(node -e 'const s=JSON.parse(process.argv[1]); console.log(s.file)' "$s"); ` +
        `r=$(node -e 'const s=JSON.parse(process.argv[1]); console.log(s.start+":"+s.length)' "$s"); ` +
        `seqcat cat --split "$r" "$f"; done`,
    );
    expect(loop.stderr).toBe('');
    expect(loop.stdout).toBe((await seqcat(['cat', dir])).stdout);
  });

  it('rejects stdin, a malformed --split and --split on stdin', async () => {
    const file = join(SEQ, 'many/none-sync500.seq');
    const noStdin = await seqcat(['splits', '-']);
    expect(noStdin.code).toBe(2);
    expect(noStdin.stderr).toMatch(/not stdin/);
    const bad = await seqcat(['cat', '--split', '10-20', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--split needs START:LENGTH/);
    const piped = await shell(`seqcat cat --split 0:100 - < '${file}'`);
    expect(piped.code).not.toBe(0);
    expect(piped.stderr).toMatch(/--split needs a file, not stdin/);
    expect(piped.stdout).toBe('');
  });
});
