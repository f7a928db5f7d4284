// seqcat as a Unix tool: pipes that close early, one-line errors with exit codes, help, version, progress.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SequenceFileWriter } from '../../src/index.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { ROOT, SEQ, catText, cleanup, errLines, expected, seqcat, shell, tmp } from './helpers.js';

afterAll(cleanup);

let big = '';
let bigRecords = 0;

beforeAll(async () => {
  // ~24 MB of output: far more than a pipe holds
  big = join(tmp(), 'big.seq');
  const w = await SequenceFileWriter.create(big, { keyClass: 'org.apache.hadoop.io.Text', valueClass: 'org.apache.hadoop.io.Text', compression: 'NONE' });
  const v = 'v'.repeat(200);
  for (bigRecords = 0; bigRecords < 100_000; bigRecords++) await w.append(`key${bigRecords}`, v);
  await w.close();
});

describe.concurrent('seqcat in a pipeline', () => {
  for (const cmd of ['cat', 'json']) {
    it(`${cmd} big.seq | head -1 stops at once, silently, exit 0`, async () => {
      const r = await shell(`seqcat ${cmd} "${big}" | head -1; echo "status=\${PIPESTATUS[0]}" >&2`);
      expect(r.stdout).toBe(cmd === 'cat' ? `key0\t${'v'.repeat(200)}\n` : `{"key":"key0","value":"${'v'.repeat(200)}"}\n`);
      expect(r.stderr).toBe('status=0\n');
      expect(r.ms).toBeLessThan(5000);
    });
  }

  it('the full output of the same file arrives whole', async () => {
    const r = await shell(`seqcat cat "${big}" | wc -l`);
    expect(r.stdout.trim()).toBe(String(bigRecords));
  });
});

describe.concurrent('bad input: one `seqcat: ` line on stderr, exit 1', () => {
  const dir = tmp();
  const truncated = join(dir, 'truncated.seq');
  const truncatedBlock = join(dir, 'truncated-block.seq');
  const headerOnly = join(dir, 'cut-header.seq');
  // binary that is no SequenceFile (text would be printed as text, like `hadoop fs -text`)
  const binary = join(dir, 'binary.bin');
  writeFileSync(binary, Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
  writeFileSync(truncated, readFileSync(join(SEQ, 'codec/record-default.seq')).subarray(0, 10_000));
  writeFileSync(truncatedBlock, readFileSync(join(SEQ, 'codec/block-default.seq')).subarray(0, 10_000));
  writeFileSync(headerOnly, readFileSync(join(SEQ, 'codec/none.seq')).subarray(0, 100));
  const cases: [string, string, RegExp][] = [
    ['a missing file', '/nonexistent/part-00000', /^seqcat: \/nonexistent\/part-00000: no such file or directory$/],
    ['not a SequenceFile', binary, /^seqcat: .*binary\.bin: not a SequenceFile \(no SEQ magic\) \(at byte 0\)$/],
    ['a truncated RECORD file', truncated, /^seqcat: .*truncated\.seq: file ends inside a record: needed \d+ bytes, \d+ left \(at byte \d+\)$/],
    ['a truncated BLOCK file', truncatedBlock, /^seqcat: .*truncated-block\.seq: file ends inside a block: needed \d+ bytes, \d+ left \(at byte 8907\)$/],
    ['a file cut inside its header', headerOnly, /^seqcat: .*cut-header\.seq: file ends inside the header \(at byte \d+\)$/],
  ];
  // one file at a time: exactly one line each
  for (const cmd of ['cat', 'info', 'dump']) {
    it(`${cmd}: ${cases.map((c) => c[0]).join(', ')}`, async () => {
      for (const [, file, line] of cases) {
        const r = await seqcat([cmd, file]);
        expect(r.code, `${cmd} ${file}`).toBe(1);
        const lines = errLines(r);
        expect(lines, `${cmd} ${file}`).toHaveLength(1);
        expect(lines[0]).toMatch(line);
      }
    });
  }

  // all at once: one line per file, in order, and the command still exits 1
  for (const cmd of ['tail', 'count', 'json', 'verify']) {
    it(`${cmd}: one line for each bad file`, async () => {
      const r = await seqcat([cmd, ...cases.map((c) => c[1])]);
      expect(r.code).toBe(1);
      const lines = errLines(r);
      expect(lines).toHaveLength(cases.length);
      for (const [i, [, , line]] of cases.entries()) {
        // count says how far it got in a file damaged after its header
        const want = cmd === 'count' && / file ends inside a (record|block)/.test(line.source) ? new RegExp(line.source.replace(': file ends', ': counted \\d+ records before: file ends')) : line;
        expect(lines[i]).toMatch(want);
      }
    });
  }

  it('head stops before the damage, so only a bad header is an error', async () => {
    const ok = await seqcat(['head', '-n', '2', truncated]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(catText(expected('codec/record-default.seq').records.slice(0, 2)));
    for (const [, file, line] of [cases[0]!, cases[1]!, cases[4]!]) {
      const r = await seqcat(['head', file]);
      expect(r.code).toBe(1);
      expect(errLines(r)).toHaveLength(1);
      expect(errLines(r)[0]).toMatch(line);
    }
  });

  it('convert, create and recover report bad input the same way', async () => {
    const out = join(tmp(), 'out.seq');
    for (const args of [['convert', truncated, out], ['recover', join(ROOT, 'package.json'), out], ['create', out, '--from-dump', join(ROOT, 'package.json')]]) {
      const r = await seqcat(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(errLines(r), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^seqcat: \S+: /);
    }
  });
});

describe.concurrent('usage', () => {
  // (no file and no command read stdin unless it is a terminal: see inputs.test.ts)
  const usageCases: string[][] = [
    ['head', '-n', 'many', join(SEQ, 'codec/none.seq')],
    ['cat', '--frobnicate', join(SEQ, 'codec/none.seq')],
    ['conut', join(SEQ, 'codec/none.seq')],
    ['info', join(SEQ, 'codec/none.seq'), join(SEQ, 'codec/none.seq')],
    ['json', '--fields', 'both', join(SEQ, 'codec/none.seq')],
    ['create', join(tmp(), 'x.seq'), '--key-class', 'NoSuchWritable'],
    ['create', join(tmp(), 'x.seq'), '--from-dump', '-', '--compression', 'BLOCK'],
    ['convert', join(SEQ, 'codec/none.seq')],
    ['convert', '--codec', 'lzo', join(SEQ, 'codec/none.seq'), join(tmp(), 'o.seq')],
    ['convert', '--compression', 'FAST', join(SEQ, 'codec/none.seq'), join(tmp(), 'o.seq')],
    ['convert', join(SEQ, 'codec/none.seq'), join(SEQ, 'codec/none.seq')],
  ];
  it('mistakes on the command line: one line, exit 2', async () => {
    for (const args of usageCases) {
      const r = await seqcat(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(errLines(r), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^seqcat: .*\(see 'seqcat( \w+)? --help'\)\n$/);
      expect(r.stdout).toBe('');
    }
  });

  it('--help on every command shows its usage, options and an example; exit 0', async () => {
    for (const name of Object.keys(COMMANDS)) {
      const r = await seqcat([name, '--help']);
      expect(r.code, name).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: seqcat ${name}`));
      expect(r.stdout).toContain('Options:\n');
      expect(r.stdout).toMatch(/Examples:\n {2}seqcat /);
    }
    const top = await seqcat(['--help']);
    expect(top.code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(top.stdout).toContain(`\n  ${name.padEnd(8)} `);
  });

  it('--version prints the package version', async () => {
    const r = await seqcat(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`seqcat ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
  });
});

describe.concurrent('progress', () => {
  it('stays silent when stderr is not a terminal, even for a large input', async () => {
    const r = await seqcat(['count', big]);
    expect(r.stdout).toBe(`${bigRecords}\n`);
    expect(r.stderr).toBe('');
  });

  it('SEQCAT_PROGRESS=always draws a bar on stderr and erases it', async () => {
    for (const cmd of [['count', big], ['verify', big]]) {
      const r = await seqcat(cmd, { env: { SEQCAT_PROGRESS: 'always' } });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`^\\r${cmd[0]} \\[[# ]+\\] +\\d+% `));
      expect(r.stderr.endsWith('\r\x1b[K')).toBe(true);
    }
  });
});
