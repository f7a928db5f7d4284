import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  CorruptFileError,
  HadoopIOError,
  IOFailureError,
  LimitExceededError,
  TruncatedFileError,
  UnsupportedFormatError,
  UsageError,
} from '../io/errors.js';
import { defaultCodecs } from '../codec/registry.js';
import type { CompressionCodec } from '../codec/types.js';

/** One request to a worker: inputs are spans (buffer index, offset, length) over a few ArrayBuffers. */
export interface CodecRequest {
  id: number;
  op: 'compress' | 'decompress';
  className: string;
  buffers: ArrayBuffer[];
  spans: Float64Array;
  /** compress: per input, -1 or the index in `writes` of a count followed by that many write sizes. */
  writeStarts: Int32Array | null;
  writes: Int32Array | null;
  maxOutput: number;
}

/** A worker's answer: every output in one buffer (`ends` are their end offsets), or the first failure. */
export interface CodecReply {
  id: number;
  output?: ArrayBuffer;
  ends?: Float64Array;
  error?: { name: string; reason: string; offset: number | undefined; input: number };
}

export interface CodecCallOptions {
  /**
   * Move the inputs' ArrayBuffers to the worker instead of copying them (default true): the caller
   * must not touch them afterwards (they are detached). Only buffers the inputs cover whole are
   * moved; views of a part of a buffer are copied. Give false for views of a buffer still in use.
   */
  transfer?: boolean;
}

/** Codecs whose native binding loads in one thread only: they run in the caller's thread. */
const MAIN_THREAD_ONLY: Record<'compress' | 'decompress', ReadonlySet<string>> = {
  compress: new Set(['org.apache.hadoop.io.compress.BZip2Codec']),
  decompress: new Set(),
};

const ERROR_TYPES: Record<string, new (reason: string, opts?: { offset?: number }) => HadoopIOError> = {
  HadoopIOError,
  CorruptFileError,
  TruncatedFileError,
  LimitExceededError,
  UnsupportedFormatError,
  UsageError,
  IOFailureError,
};

/** Which input of a pool call failed (for errors a pool call rejected with). */
const failedInputs = new WeakMap<object, number>();
export function failedInputIndex(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null ? failedInputs.get(e) : undefined;
}

/** Called once with the outputs or the error; synchronously from `poll()` when that finds the reply. */
export type CodecCallback = (error: unknown, outputs: Uint8Array[] | null) => void;

interface Pending {
  done: CodecCallback;
  /** For calls sent before the worker was up (their inputs were copied): run them again elsewhere. */
  retry: (() => void) | null;
}

interface PoolWorker {
  worker: Worker;
  /** Replies come here: `poll()` can take them while this thread is busy. */
  replies: MessagePort;
  pending: Map<number, Pending>;
  /** True once the worker has answered: until then it may still fail to start. */
  up: boolean;
  /** Set by the worker as it starts: readable while this thread is busy (its messages wait). */
  started: Int32Array;
}

/** The compiled worker next to this module (when running from TypeScript sources, the build's). */
function workerScript(): string | null {
  const here = fileURLToPath(import.meta.url);
  const candidates = [here.replace(/\.ts$/, '.js')];
  if (here.endsWith('.ts')) candidates.push(fileURLToPath(new URL('../../dist/src/seq/codec-worker.js', import.meta.url)));
  for (const c of candidates) {
    const script = c.replace(/codec-pool\.js$/, 'codec-worker.js');
    if (script.endsWith('.js') && existsSync(script)) return script;
  }
  return null;
}

/**
 * A small pool of worker threads running the built-in codecs (by Hadoop class
 * name) on byte buffers: ordered results per call, typed errors across the
 * thread boundary, workers started lazily and unref'd while idle (an idle
 * pool never keeps the process alive). Where workers cannot start, or for a
 * codec that only loads in one thread (bzip2 compression), calls run in the
 * caller's thread.
 */
export class CodecPool {
  private static readonly pools = new Map<number, CodecPool>();
  private readonly workers: PoolWorker[] = [];
  private nextId = 1;
  private closed = false;
  /** False once a worker could not be started: calls run in-thread from then on. */
  private workersWork: boolean;
  private readonly script: string | null;
  private upWaiters: (() => void)[] = [];

  constructor(readonly threads: number) {
    if (!(Number.isInteger(threads) && threads >= 0)) throw new UsageError(`threads must be an integer >= 0, got ${threads}`);
    this.script = threads > 0 ? workerScript() : null;
    this.workersWork = this.script !== null;
  }

  /** The process-wide pool of `threads` workers (created on first use; never needs closing). */
  static shared(threads: number = defaultThreads()): CodecPool {
    let p = CodecPool.pools.get(threads);
    if (p === undefined || p.closed) {
      p = new CodecPool(threads);
      CodecPool.pools.set(threads, p);
    }
    return p;
  }

  /** Whether calls for this codec run in worker threads (false: they run in the caller's thread). */
  runsInWorkers(className: string, op: 'compress' | 'decompress' = 'compress'): boolean {
    return this.workersWork && !this.closed && !MAIN_THREAD_ONLY[op].has(className) && defaultCodecs.get(className)?.className === className;
  }

  /** Whether `codec` is the built-in one a worker would use for its class name. */
  static isBuiltIn(codec: CompressionCodec): boolean {
    return defaultCodecs.get(codec.className) === codec;
  }

  /**
   * Start the workers if they are not yet (in the background) and tell whether
   * one is up: callers that must not wait compress in their own thread until then.
   */
  warm(): boolean {
    if (!this.workersWork || this.closed) return false;
    while (this.workers.length < this.threads && this.start() !== null);
    return this.workers.some((w) => w.up || Atomics.load(w.started, 0) === 1);
  }

  /** Start the workers and resolve once one is up (true), or workers cannot run here (false). */
  ready(): Promise<boolean> {
    if (this.warm()) return Promise.resolve(true);
    if (!this.workersWork || this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.upWaiters.push(() => resolve(this.workersWork && !this.closed));
      for (const w of this.workers) w.worker.ref(); // someone waits for them: keep the process alive
    });
  }

  /** Workers started so far. */
  get started(): number {
    return this.workers.length;
  }

  /**
   * Compress each input as one complete stream (`writes[i]`: the write-call
   * sizes block-framed codecs want, as `CompressionCodec.compress`). Results
   * are in input order.
   */
  compress(className: string, inputs: readonly Uint8Array[], writes?: readonly (readonly number[] | undefined)[], opts: CodecCallOptions = {}): Promise<Uint8Array[]> {
    return promised((cb) => this.call('compress', className, inputs, writes, 0, opts, cb));
  }

  /** Decompress each input (CorruptFileError / LimitExceededError past `maxOutput`, with their reason). */
  decompress(className: string, inputs: readonly Uint8Array[], maxOutput: number, opts: CodecCallOptions = {}): Promise<Uint8Array[]> {
    return promised((cb) => this.call('decompress', className, inputs, undefined, maxOutput, opts, cb));
  }

  /**
   * As `compress`/`decompress`, with a callback instead of a promise: a caller
   * that stays busy (a tight write loop) gets its results from `poll()`,
   * without waiting for its turn of the event loop.
   */
  submit(op: 'compress' | 'decompress', className: string, inputs: readonly Uint8Array[], done: CodecCallback, opts: CodecCallOptions & { writes?: readonly (readonly number[] | undefined)[]; maxOutput?: number } = {}): void {
    this.call(op, className, inputs, opts.writes, opts.maxOutput ?? 0, opts, done);
  }

  /** Take the replies that have arrived and call their callbacks now. */
  poll(): void {
    for (const w of this.workers) {
      for (let m = receiveMessageOnPort(w.replies); m !== undefined; m = receiveMessageOnPort(w.replies)) this.onReply(w, m.message as CodecReply);
    }
  }

  /** Stop the workers; later calls run in the caller's thread. Pending calls reject. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeUpWaiters();
    const ws = this.workers.splice(0);
    for (const w of ws) this.failAll(w, new IOFailureError('codec pool closed'));
    await Promise.all(ws.map((w) => w.worker.terminate()));
  }

  private call(
    op: 'compress' | 'decompress',
    className: string,
    inputs: readonly Uint8Array[],
    writes: readonly (readonly number[] | undefined)[] | undefined,
    maxOutput: number,
    opts: CodecCallOptions,
    done: CodecCallback,
  ): void {
    if (!this.runsInWorkers(className, op)) {
      let out: Uint8Array[];
      try {
        const codec = defaultCodecs.require(className);
        out = inputs.map((b, i) => (op === 'compress' ? codec.compress(b, writes?.[i]) : codec.decompress(b, maxOutput)));
      } catch (e) {
        return done(e, null);
      }
      return done(null, out);
    }
    const w = this.pick();
    if (w === null) return this.call(op, className, inputs, writes, maxOutput, opts, done);
    // until a worker has answered once, inputs are copied so the call can fall back if it never starts
    const req = encode(this.nextId++, op, className, inputs, writes, maxOutput, opts.transfer !== false && w.up);
    const retry = w.up ? null : () => this.call(op, className, inputs, writes, maxOutput, opts, done);
    if (w.pending.size === 0) w.worker.ref(); // a call in flight keeps the process alive until it answers
    w.pending.set(req.id, { done, retry });
    const transfer: ArrayBuffer[] = [req.spans.buffer as ArrayBuffer, ...req.buffers];
    if (req.writes) transfer.push(req.writes.buffer as ArrayBuffer, req.writeStarts!.buffer as ArrayBuffer);
    w.worker.postMessage(req, transfer);
  }

  private onReply(w: PoolWorker, reply: CodecReply): void {
    if (!w.up) {
      w.up = true;
      this.wakeUpWaiters();
    }
    const p = w.pending.get(reply.id);
    if (p === undefined) return;
    w.pending.delete(reply.id);
    if (w.pending.size === 0) w.worker.unref();
    if (reply.error) p.done(rebuild(reply.error), null);
    else p.done(null, decode(reply));
  }

  /** The least busy worker, starting another while all are busy and there is room. */
  private pick(): PoolWorker | null {
    let best: PoolWorker | null = null;
    for (const w of this.workers) if (best === null || w.pending.size < best.pending.size) best = w;
    if ((best === null || best.pending.size > 0) && this.workers.length < this.threads) {
      const started = this.start();
      if (started !== null) return started;
    }
    return best;
  }

  private start(): PoolWorker | null {
    let worker: Worker;
    let started: Int32Array;
    const channel = new MessageChannel();
    try {
      // not the parent's --input-type/--eval flags: they do not apply to a worker script
      started = new Int32Array(new SharedArrayBuffer(4));
      worker = new Worker(this.script!, { execArgv: workerExecArgv(), workerData: { started, replies: channel.port2 }, transferList: [channel.port2] });
    } catch {
      if (this.workers.length === 0) this.workersWork = false;
      return null;
    }
    const w: PoolWorker = { worker, replies: channel.port1, pending: new Map(), up: false, started };
    channel.port1.on('message', (reply: CodecReply) => this.onReply(w, reply));
    channel.port1.unref(); // the worker's ref (while calls are pending) is what keeps the process alive
    const gone = (e: unknown): void => {
      const i = this.workers.indexOf(w);
      if (i >= 0) this.workers.splice(i, 1);
      if (!w.up && !this.closed) {
        // it never started: no workers here; what it was given runs in this thread
        this.workersWork = false;
        const ps = [...w.pending.values()];
        w.pending.clear();
        for (const p of ps) p.retry!();
        this.wakeUpWaiters();
        return;
      }
      this.failAll(w, new IOFailureError(`codec worker failed: ${(e as Error)?.message ?? String(e)}`, { cause: e }));
    };
    worker.on('error', gone);
    worker.on('exit', () => channel.port1.close());
    worker.on('exit', (code) => gone(new Error(`exited with code ${code}`)));
    worker.unref(); // after the listeners: adding one refs the worker again
    this.workers.push(w);
    return w;
  }

  private wakeUpWaiters(): void {
    const ws = this.upWaiters;
    this.upWaiters = [];
    for (const w of this.workers) if (w.pending.size === 0) w.worker.unref();
    for (const f of ws) f();
  }

  private failAll(w: PoolWorker, e: HadoopIOError): void {
    const ps = [...w.pending.values()];
    w.pending.clear();
    w.worker.unref();
    for (const p of ps) p.done(e, null);
  }
}

/** The parent's node flags less those about its own entry (`-e script`, `--input-type`). */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-e' || a === '--eval' || a === '-p' || a === '--print') i++;
    else if (!/^--(input-type|eval|print)=/.test(a)) out.push(a);
  }
  return out;
}

/** Codecs slow enough per byte that a worker beside the writing thread pays for its messages. */
const WORTH_A_WORKER = new Set([
  'org.apache.hadoop.io.compress.DefaultCodec',
  'org.apache.hadoop.io.compress.GzipCodec',
  'org.apache.hadoop.io.compress.DeflateCodec',
]);

/**
 * The writer's default: one worker for the zlib codecs where the machine has a
 * second core (compression is most of their write time; see the README's
 * bench section), none for the fast codecs (snappy, lz4, zstd: the messages
 * cost about what the work does) or with one core. The reader's default is
 * in-thread (`defaultReadThreads`).
 */
export function defaultThreads(codecClassName?: string): number {
  if (codecClassName === undefined || !WORTH_A_WORKER.has(codecClassName)) return 0;
  return availableParallelism() > 1 ? 1 : 0;
}

function promised(call: (cb: CodecCallback) => void): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => call((e, out) => (out === null ? reject(e) : resolve(out))));
}

function encode(
  id: number,
  op: 'compress' | 'decompress',
  className: string,
  inputs: readonly Uint8Array[],
  writes: readonly (readonly number[] | undefined)[] | undefined,
  maxOutput: number,
  transfer: boolean,
): CodecRequest {
  const buffers: ArrayBuffer[] = [];
  const index = new Map<ArrayBufferLike, number>();
  const spans = new Float64Array(inputs.length * 3);
  // Only a buffer this call's views cover whole is moved: moving one that holds other data too (a
  // codec's shared output slab, Node's Buffer pool) would detach that data under its owners.
  const covered = new Map<ArrayBufferLike, number>();
  if (transfer) for (const b of inputs) covered.set(b.buffer, (covered.get(b.buffer) ?? 0) + b.length);
  for (let i = 0; i < inputs.length; i++) {
    const b = inputs[i]!;
    if (!transfer || covered.get(b.buffer) !== b.buffer.byteLength) {
      // a copy of just the view (postMessage would copy its whole buffer), then moved
      buffers.push(b.slice().buffer);
      spans.set([buffers.length - 1, 0, b.length], i * 3);
      continue;
    }
    let k = index.get(b.buffer);
    if (k === undefined) {
      k = buffers.length;
      buffers.push(b.buffer as ArrayBuffer);
      index.set(b.buffer, k);
    }
    spans.set([k, b.byteOffset, b.length], i * 3);
  }
  let writeStarts: Int32Array | null = null;
  let flat: Int32Array | null = null;
  if (writes?.some((w) => w !== undefined)) {
    writeStarts = new Int32Array(inputs.length).fill(-1);
    let size = 0;
    for (const w of writes) if (w) size += 1 + w.length;
    flat = new Int32Array(size);
    let at = 0;
    for (let i = 0; i < inputs.length; i++) {
      const w = writes[i];
      if (!w) continue;
      writeStarts[i] = at;
      flat[at++] = w.length;
      for (const n of w) flat[at++] = n;
    }
  }
  return { id, op, className, buffers, spans, writeStarts, writes: flat, maxOutput };
}

function decode(reply: CodecReply): Uint8Array[] {
  const ends = reply.ends!;
  const out: Uint8Array[] = new Array(ends.length);
  let at = 0;
  for (let i = 0; i < ends.length; i++) {
    out[i] = new Uint8Array(reply.output!, at, ends[i]! - at);
    at = ends[i]!;
  }
  return out;
}

function rebuild(e: NonNullable<CodecReply['error']>): Error {
  const T = ERROR_TYPES[e.name];
  const err = T ? new T(e.reason, e.offset === undefined ? {} : { offset: e.offset }) : new Error(e.reason);
  failedInputs.set(err, e.input);
  return err;
}

/** A pool of `threads` workers of one's own (close it when done), as `CodecPool.shared` but not shared. */
export function createCodecPool(opts: { threads?: number } = {}): CodecPool {
  return new CodecPool(opts.threads ?? defaultThreads());
}
