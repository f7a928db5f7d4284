// Helpers for the seqcat tests: run the compiled CLI as a child process, read the corpus' expected records.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
export const SEQ = join(ROOT, 'interop', 'fixtures', 'hadoop', 'seq');
export const MAP = join(ROOT, 'interop', 'fixtures', 'hadoop', 'map');

export interface Result {
  code: number | null;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
  ms: number;
}

/** Run `node dist/src/cli/main.js ...args`, optionally feeding stdin. */
export function seqcat(args: string[], opts: { input?: string | Buffer; env?: Record<string, string> } = {}): Promise<Result> {
  return runProcess(process.execPath, [CLI, ...args], opts);
}

/** Run a bash script in which `seqcat` runs the compiled CLI. */
export function shell(script: string, opts: { env?: Record<string, string> } = {}): Promise<Result> {
  const prelude = 'seqcat() { "$SEQCAT_NODE" "$SEQCAT_CLI" "$@"; }\n';
  return runProcess('bash', ['-c', prelude + script], { env: { SEQCAT_NODE: process.execPath, SEQCAT_CLI: CLI, ...opts.env } });
}

function runProcess(cmd: string, args: string[], opts: { input?: string | Buffer; env?: Record<string, string> }): Promise<Result> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...opts.env };
    delete env.SEQCAT_PROGRESS;
    if (opts.env?.SEQCAT_PROGRESS) env.SEQCAT_PROGRESS = opts.env.SEQCAT_PROGRESS;
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - start });
    });
    child.stdin.on('error', () => {}); // the child may exit without reading stdin
    child.stdin.end(opts.input ?? '');
  });
}

export interface ExpectedRecord {
  i: number;
  key: string | null;
  value: string | null;
  keyHex: string | null;
  valueHex: string | null;
}

/** The header and record lines of a corpus file's NAME.expected.jsonl (path relative to seq/). */
export function expected(rel: string, base = SEQ): { header: Record<string, any>; records: ExpectedRecord[] } {
  const lines = readFileSync(join(base, rel + '.expected.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, any>);
  const data = lines.filter((l) => l.part === undefined || l.part === 'data');
  const header = data.find((l) => l.type === 'header')!;
  const records = data.filter((l) => l.type === 'record') as unknown as ExpectedRecord[];
  return { header, records };
}

/** What `seqcat cat` must print for these records: `key<TAB>value` lines. */
export function catText(records: ExpectedRecord[]): string {
  for (const r of records) if (r.key === null || r.value === null) throw new Error(`record ${r.i}: toString() is summarised in the expected file`);
  return records.map((r) => `${r.key}\t${r.value}\n`).join('');
}

const made: string[] = [];

/** A fresh directory under os.tmpdir(), removed by `cleanup()`. */
export function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'seqcat-test-'));
  made.push(d);
  return d;
}

/** Remove every directory `tmp()` made (call from afterAll). */
export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** stderr split into lines (without the trailing empty one). */
export function errLines(r: Result): string[] {
  return r.stderr.split('\n').filter((l) => l.length > 0);
}
