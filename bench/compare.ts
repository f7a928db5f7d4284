// Same-run comparison of this build against another git revision (default b7cc86e): the other
// revision is built into its own worktree under the temp dir, then the bench runs OLD and NEW
// alternately, mode by mode, for several rounds, and the medians and NEW/OLD ratios are printed.
// Absolute figures on a shared machine swing a lot; ratios measured side by side are what counts.
//   bash bench/compare.sh                               all modes, 3 rounds, 300,000 records
//   bash bench/compare.sh --rounds 5 --modes record-default,block-snappy
//   bash bench/compare.sh --rev HEAD~1 --bench own      the other revision's own bench/run.js
//   bash bench/compare.sh -- --file-mb 200              arguments after -- go to both benches
// `--bench new` (the default) runs this build's bench script against both libraries, so rows the
// old bench lacks are compared too; `--bench own` runs each revision's own script (rows the old
// one lacks show NEW only).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const METRICS = ['writeMBps', 'readMBps', 'readForAwaitMBps', 'rawReadMBps', 'peakRssMB'] as const;
type Row = Record<string, number | string>;

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const passthrough = dash >= 0 ? argv.slice(dash + 1) : [];
const { values } = parseArgs({
  args: dash >= 0 ? argv.slice(0, dash) : argv,
  options: {
    rev: { type: 'string', default: 'b7cc86e' },
    rounds: { type: 'string', default: '3' },
    records: { type: 'string', default: '300000' },
    modes: { type: 'string' },
    bench: { type: 'string', default: 'new' },
  },
});

const here = dirname(fileURLToPath(import.meta.url)); // <repo>/dist/bench
const repo = resolve(here, '..', '..');

function sh(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
}

/** Build `rev` into a detached worktree of its own (kept between runs: keyed by the full hash). */
function buildRevision(rev: string): string {
  const sha = sh('git', ['rev-parse', '--verify', `${rev}^{commit}`], repo).trim();
  const dir = join(tmpdir(), `hadoop-io-rev-${sha.slice(0, 12)}`);
  if (!existsSync(join(dir, 'dist', 'bench', 'run.js'))) {
    if (!existsSync(dir)) sh('git', ['worktree', 'add', '--detach', dir, sha], repo);
    if (!existsSync(join(dir, 'node_modules'))) symlinkSync(resolve(repo, 'node_modules'), join(dir, 'node_modules'));
    console.error(`building ${rev} (${sha.slice(0, 7)}) in ${dir}`);
    sh(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], dir);
  }
  return dir;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** One bench process for one mode; null if that script does not know the mode or fails. */
function runOne(script: string, mode: string, cwd: string): Row | null {
  try {
    const out = execFileSync(process.execPath, [script, '--json', '--records', values.records!, '--modes', mode, ...passthrough], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
    });
    const lines = out.trim().split('\n').filter((l) => l.startsWith('{'));
    return lines.length ? (JSON.parse(lines[lines.length - 1]!) as Row) : null;
  } catch {
    return null;
  }
}

function modesOf(script: string, cwd: string): string[] {
  try {
    return JSON.parse(sh(process.execPath, [script, '--list-modes'], cwd)) as string[];
  } catch {
    return [];
  }
}

/** A copy of this build, so rebuilding while the comparison runs does not change NEW under it. */
function snapshotThisBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hadoop-io-new-'));
  cpSync(join(repo, 'dist'), join(dir, 'dist'), { recursive: true });
  copyFileSync(join(repo, 'package.json'), join(dir, 'package.json'));
  symlinkSync(resolve(repo, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const oldDir = buildRevision(values.rev!);
const newDir = snapshotThisBuild();
process.on('exit', () => rmSync(newDir, { recursive: true, force: true }));
const newScript = join(newDir, 'dist', 'bench', 'run.js');
let oldScript = join(oldDir, 'dist', 'bench', 'run.js');
if (values.bench === 'new') {
  // this build's bench script, importing the other revision's library (`../src/index.js`)
  oldScript = join(oldDir, 'dist', 'bench', 'run-compare.js');
  copyFileSync(newScript, oldScript);
  copyFileSync(join(dirname(newScript), 'workload.js'), join(oldDir, 'dist', 'bench', 'workload.js'));
} else if (values.bench !== 'own') {
  throw new Error(`--bench is new or own, not ${values.bench}`);
}
const modes = values.modes ? values.modes.split(',') : modesOf(newScript, newDir);
if (modes.length === 0) throw new Error('no modes: pass --modes');
const rounds = Number(values.rounds);
const results: Record<'old' | 'new', Record<string, Row[]>> = { old: {}, new: {} };
for (let r = 0; r < rounds; r++) {
  for (const mode of modes) {
    // alternate who goes first, so a slow patch of the machine hits both sides alike
    const order: ('old' | 'new')[] = r % 2 === 0 ? ['old', 'new'] : ['new', 'old'];
    for (const side of order) {
      const row = side === 'old' ? runOne(oldScript, mode, oldDir) : runOne(newScript, mode, newDir);
      if (row) (results[side][mode] ??= []).push(row);
    }
    console.error(`round ${r + 1}/${rounds} ${mode} done`);
  }
}

const fmt = (x: number | undefined): string => (x === undefined ? '-' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const rev = values.rev!;
console.log(`${rounds} rounds, ${Number(values.records).toLocaleString('en-US')} records, medians; OLD = ${rev}, NEW = this build; bench script: ${values.bench}${passthrough.length ? ' ' + passthrough.join(' ') : ''}`);
console.log(`| mode | ${METRICS.map((m) => `${m} old / new / ratio`).join(' | ')} |`);
console.log(`| --- | ${METRICS.map(() => '---:').join(' | ')} |`);
for (const mode of modes) {
  const cells = METRICS.map((metric) => {
    const pick = (side: 'old' | 'new'): number | undefined => {
      const xs = (results[side][mode] ?? []).map((row) => row[metric]).filter((v): v is number => typeof v === 'number');
      return xs.length ? median(xs) : undefined;
    };
    const o = pick('old');
    const n = pick('new');
    const ratio = o !== undefined && n !== undefined && o > 0 ? `**${(n / o).toFixed(2)}x**` : '-';
    return `${fmt(o)} / ${fmt(n)} / ${ratio}`;
  });
  console.log(`| ${mode} | ${cells.join(' | ')} |`);
}
