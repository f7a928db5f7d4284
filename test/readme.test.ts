// Every ```js and ```ts block in README.md runs as written, in order, in one scratch directory where
// `import 'hadoop-io'` is this package (each block may read what an earlier one wrote). TypeScript blocks
// are transpiled first (Node 20 has no `await using` syntax; TypeScript lowers it). A block followed
// directly by a ```text block must print exactly that text.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');

interface Block {
  line: number;
  lang: 'js' | 'ts';
  code: string;
  expected: string | undefined;
}

/** The js and ts blocks of a Markdown text, each with the text block that follows it, if any. */
function codeBlocks(markdown: string): Block[] {
  const fence = /^```(\w*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;
  const found: { lang: string; body: string; start: number; end: number }[] = [];
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    found.push({ lang: m[1]!, body: m[2]!, start: m.index, end: m.index + m[0].length });
  }
  const blocks: Block[] = [];
  found.forEach((f, i) => {
    if (f.lang !== 'js' && f.lang !== 'ts') return;
    const next = found[i + 1];
    const between = next ? markdown.slice(f.end, next.start) : '';
    const expected = next?.lang === 'text' && between.trim() === '' ? next.body : undefined;
    blocks.push({ lang: f.lang as Block['lang'], line: markdown.slice(0, f.start).split('\n').length, code: f.body, expected });
  });
  return blocks;
}

const dir = mkdtempSync(join(tmpdir(), 'hadoop-io-readme-'));
mkdirSync(join(dir, 'node_modules'));
symlinkSync(ROOT, join(dir, 'node_modules', 'hadoop-io'));
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'readme', private: true, type: 'module' }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README.md code blocks', () => {
  const blocks = codeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));

  it('has blocks to run', () => {
    expect(blocks.length).toBeGreaterThan(5);
  });

  for (const b of blocks) {
    it(`the block at line ${b.line} runs${b.expected === undefined ? '' : ' and prints what the README shows'}`, () => {
      const file = join(dir, `block-${b.line}.mjs`);
      const js = b.lang === 'ts' ? ts.transpileModule(b.code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText : b.code;
      writeFileSync(file, js);
      const stdout = execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      if (b.expected !== undefined) expect(stdout).toBe(b.expected);
    });
  }
});
