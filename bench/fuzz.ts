// `npm run fuzz`: mutate the Hadoop corpus and read every mutant fully (decoded, raw, with
// recover:true, and as three splits; bloom files through DynamicBloomFilter.fromBytes). Every read must end with
// records or a HadoopIOError; anything else (a RangeError or TypeError, a JS engine error
// hidden inside a typed one, a read over 2 s, memory growth past the limit) is a finding.
//
//   npm run fuzz                              100000 inputs, seed 1
//   npm run fuzz -- --inputs 5000 --seed 7    fewer inputs, another seed
//   npm run fuzz -- --seconds 60              stop after a minute (or the inputs, whichever is first)
//   npm run fuzz -- --seed 7 --only 1234      rebuild input 1234 of seed 7, read it here, print details
//   npm run fuzz -- --workers 1 --hang-ms 5000 --json
//
// Inputs run in worker threads. A read that takes over --hang-ms (2 s) is timed again and is a
// finding if the second run is as slow (one slow run on a busy machine proves nothing). A read
// that never ends is caught by the watchdog: each worker marks in shared memory which input and
// read it is on and since when; the main thread checks every 100 ms and, once a read has run for
// --kill-ms (10 s, or 5 x --hang-ms if larger), records a hang, terminates that worker (which
// stops even a busy loop) and starts a new one at the next input. An input is a pure function of
// (seed, index), so every finding is reproducible with --only.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import {
  Tally,
  checkMutant,
  loadCorpus,
  makeMutant,
  sortedCounts,
  type CorpusFile,
  type Finding,
  type InputResult,
  type ReadMode,
} from './fuzz-core.js';

const MODES: ReadMode[] = ['decode', 'raw', 'recover', 'split', 'bloom'];
const MiB = 1024 * 1024;

interface WorkerConfig {
  seed: number;
  /** First index, step, and end (exclusive). */
  from: number;
  step: number;
  end: number;
  /** Epoch ms after which no new input is started. */
  deadline: number;
  hangMs: number;
  slot: number;
  shared: SharedArrayBuffer;
}

type ToMain = { t: 'result'; r: InputResult } | { t: 'end' };

// shared state per worker slot: [read start (epoch ms, 0 when idle), input index, mode index]
const SLOT = 3;

if (!isMainThread) {
  await workerMain(workerData as WorkerConfig);
} else {
  await main();
}

async function workerMain(cfg: WorkerConfig): Promise<void> {
  const corpus = loadCorpus();
  const state = new Float64Array(cfg.shared);
  const base = cfg.slot * SLOT;
  const post = (m: ToMain): void => parentPort!.postMessage(m);
  for (let i = cfg.from; i < cfg.end && Date.now() < cfg.deadline; i += cfg.step) {
    const m = makeMutant(corpus, cfg.seed, i);
    state[base + 1] = i;
    const r = await checkMutant(m, {
      seed: cfg.seed,
      hangMs: cfg.hangMs,
      onRead: (mode) => {
        state[base + 2] = MODES.indexOf(mode);
        state[base] = Date.now();
      },
    });
    state[base] = 0;
    post({ t: 'result', r });
  }
  post({ t: 'end' });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      inputs: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '1' },
      seconds: { type: 'string' },
      workers: { type: 'string' },
      'hang-ms': { type: 'string', default: '2000' },
      'kill-ms': { type: 'string' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
      'max-rss-growth-mb': { type: 'string', default: '512' },
    },
  });
  const seed = Number(values.seed) >>> 0;
  const inputs = Number(values.inputs);
  const hangMs = Number(values['hang-ms']);
  const killMs = Number(values['kill-ms'] ?? Math.max(10_000, 5 * hangMs));
  if (!Number.isFinite(inputs) || inputs < 0 || !Number.isFinite(hangMs) || !Number.isFinite(killMs)) throw new Error('bad --inputs, --hang-ms or --kill-ms');
  const corpus = loadCorpus();

  if (values.only !== undefined) {
    await only(corpus, seed, Number(values.only), hangMs);
    return;
  }

  const workers = Math.max(1, Number(values.workers ?? Math.min(2, availableParallelism())));
  const started = Date.now();
  const deadline = values.seconds === undefined ? Number.POSITIVE_INFINITY : started + Number(values.seconds) * 1000;
  const tally = new Tally();
  const shared = new SharedArrayBuffer(workers * SLOT * 8);
  const state = new Float64Array(shared);
  let peakRss = process.memoryUsage.rss();
  let lastProgress = started;
  // RSS once the workers are warm (after a tenth of the inputs, at least 1000): growing by more than
  // --max-rss-growth-mb after that is a leak, even if no single input shows it
  const warmAt = Math.min(inputs, Math.max(1000, Math.floor(inputs / 10)));
  let warmRss: number | null = null;
  const maxRunGrowth = Number(values['max-rss-growth-mb']) * MiB;

  if (!values.json) {
    console.log(`fuzz: seed ${seed}, up to ${inputs} inputs${values.seconds ? ` or ${values.seconds} s` : ''}, ${workers} workers, ` +
      `${corpus.length} corpus files (${corpus.filter((f) => f.kind === 'bloom').length} bloom), hang limit ${hangMs} ms (watchdog ${killMs} ms)`);
  }

  let running = 0;
  let allDone!: () => void;
  const finished = new Promise<void>((r) => (allDone = r));
  /** Watchdog checks of the live workers. */
  const watches = new Set<() => void>();
  const start = (slot: number, from: number): void => {
    if (from >= inputs || Date.now() >= deadline) return;
    const cfg: WorkerConfig = { seed, from, step: workers, end: inputs, deadline, hangMs, slot, shared };
    state.fill(0, slot * SLOT, slot * SLOT + SLOT);
    // the V8 heap of a worker is capped: running out of it ends the worker, not the process
    const w = new Worker(fileURLToPath(import.meta.url), { workerData: cfg, resourceLimits: { maxOldGenerationSizeMb: 2048 } });
    running++;
    let next = from; // the next index this worker takes
    let done = false;
    const mode = (): ReadMode => MODES[state[slot * SLOT + 2]!] ?? 'decode';
    const finish = (): void => {
      if (done) return;
      done = true;
      watches.delete(watch);
      running--;
      if (running === 0) allDone();
    };
    /** Record a finding for the input the worker is stuck on or died in, and carry on after it. */
    const replace = (f: Omit<Finding, 'seed' | 'file' | 'mutation'>): void => {
      if (done) return;
      const m = makeMutant(corpus, seed, f.index);
      tally.add({ index: f.index, file: m.file.name, mutation: m.mutation, reads: [], findings: [{ ...f, seed, file: m.file.name, mutation: m.mutation }] });
      void w.terminate();
      start(slot, f.index + workers); // before finish(), so the pool never looks empty
      finish();
    };
    const watch = (): void => {
      const since = state[slot * SLOT]!;
      if (since > 0 && Date.now() - since > killMs) {
        replace({ kind: 'hang', index: state[slot * SLOT + 1]!, mode: mode(), message: `no result after ${Date.now() - since} ms: worker killed` });
      }
    };
    watches.add(watch);
    w.on('message', (msg: ToMain) => {
      if (done) return;
      if (msg.t === 'result') {
        tally.add(msg.r);
        next = msg.r.index + workers;
        if (warmRss === null && tally.inputs >= warmAt) warmRss = process.memoryUsage.rss();
        const now = Date.now();
        if (!values.json && now - lastProgress > 10_000) {
          lastProgress = now;
          console.log(`  ${tally.inputs} inputs, ${((now - started) / 1000).toFixed(0)} s, ${tally.findings.length} findings`);
        }
      } else if (msg.t === 'end') {
        finish();
      }
    });
    w.on('error', (e) => replace({ kind: 'untyped-error', index: next, mode: mode(), message: `worker died: ${e.name}: ${e.message}`, stack: e.stack ?? '' }));
    w.on('exit', () => replace({ kind: 'hang', index: next, mode: mode(), message: 'worker exited during the input (a promise that never settles?)' }));
  };
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    for (const watch of [...watches]) watch();
  }, 100);
  for (let s = 0; s < workers; s++) start(s, s);
  if (running === 0) allDone();
  await finished;
  clearInterval(timer);

  const seconds = (Date.now() - started) / 1000;
  if (warmRss !== null && peakRss - warmRss > maxRunGrowth) {
    tally.findings.push({
      kind: 'rss',
      index: -1,
      seed,
      file: '(whole run)',
      mutation: '(none)',
      mode: 'decode',
      message: `RSS grew from ${(warmRss / MiB).toFixed(0)} MiB (after ${warmAt} inputs) to ${(peakRss / MiB).toFixed(0)} MiB: memory is not given back`,
    });
  }
  peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  report(tally, { seed, seconds, peakRss, json: values.json ?? false });
  process.exitCode = tally.findings.length > 0 ? 1 : 0;
}

function report(t: Tally, o: { seed: number; seconds: number; peakRss: number; json: boolean }): void {
  const unique = t.uniqueFindings();
  if (o.json) {
    console.log(
      JSON.stringify({
        seed: o.seed,
        seconds: Math.round(o.seconds),
        inputs: t.inputs,
        reads: t.reads,
        clean: t.clean,
        errors: Object.fromEntries(t.errors),
        byMode: Object.fromEntries([...t.byMode].map(([k, v]) => [k, Object.fromEntries(v)])),
        slowest: t.slowest,
        peakRssMiB: Math.round(o.peakRss / MiB),
        findings: t.findings.length,
        unique: unique.map((u) => ({ ...u.finding, count: u.count })),
      }),
    );
    return;
  }
  console.log(`\nfuzz summary (seed ${o.seed}, ${o.seconds.toFixed(0)} s)`);
  console.log(`  inputs tried:     ${t.inputs} (${t.reads} reads, ${(t.inputs / Math.max(o.seconds, 0.001)).toFixed(0)} inputs/s)`);
  console.log(`  clean reads:      ${t.clean}`);
  console.log(`  errors by class:  ${sortedCounts(t.errors) || 'none'}`);
  for (const [mode, m] of t.byMode) console.log(`    ${mode.padEnd(8)} ${sortedCounts(m)}`);
  if (t.slowest) {
    const s = t.slowest;
    console.log(`  slowest input:    #${s.index} ${s.file} [${s.mutation}] ${s.mode} read ${s.ms.toFixed(1)} ms`);
  }
  console.log(`  peak RSS:         ${(o.peakRss / MiB).toFixed(0)} MiB`);
  console.log(`  findings:         ${t.findings.length}${unique.length ? ` (${unique.length} distinct)` : ''}`);
  for (const { finding: f, count } of unique.slice(0, 40)) {
    console.log(`    [${f.kind}] x${count} ${f.mode}: ${f.message}`);
    console.log(`      file ${f.file}, seed ${f.seed}, input ${f.index}, mutation: ${f.mutation}`);
    console.log(`      reproduce: npm run fuzz -- --seed ${f.seed} --only ${f.index}`);
    if (f.stack) console.log(`      ${f.stack.split('\n').slice(1, 4).map((l) => l.trim()).join(' | ')}`);
  }
}

/** Rebuild one input and read it here, printing every outcome and stack. */
async function only(corpus: CorpusFile[], seed: number, index: number, hangMs: number): Promise<void> {
  const m = makeMutant(corpus, seed, index);
  console.log(`input ${index} of seed ${seed}: ${m.file.name} (${m.file.bytes.length} -> ${m.bytes.length} bytes)`);
  console.log(`mutation: ${m.mutation}`);
  const r = await checkMutant(m, { seed, hangMs });
  for (const o of r.reads) console.log(`  ${o.mode.padEnd(8)} ${o.records} records, ${o.error ?? 'no error'}, ${o.ms.toFixed(1)} ms`);
  for (const f of r.findings) console.log(`  FINDING [${f.kind}] ${f.mode}: ${f.message}\n${f.stack ?? ''}`);
  process.exitCode = r.findings.length > 0 ? 1 : 0;
}
