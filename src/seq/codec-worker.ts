// A codec worker of CodecPool: turns bytes into bytes with the built-in codecs, known by class name.
// It never sees Writable classes or user codecs: those stay in the caller's thread.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { HadoopIOError } from '../io/errors.js';
import { defaultCodecs } from '../codec/registry.js';
import type { CodecReply, CodecRequest } from './codec-pool.js';

function run(req: CodecRequest): CodecReply {
  const codec = defaultCodecs.require(req.className);
  const { spans, buffers } = req;
  const n = spans.length / 3;
  const results: Uint8Array[] = new Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const input = new Uint8Array(buffers[spans[i * 3]!]!, spans[i * 3 + 1]!, spans[i * 3 + 2]!);
    try {
      if (req.op === 'compress') {
        const w = req.writeStarts === null ? -1 : req.writeStarts[i]!;
        results[i] = codec.compress(input, w < 0 ? undefined : Array.from(req.writes!.subarray(w + 1, w + 1 + req.writes![w]!)));
      } else {
        results[i] = codec.decompress(input, req.maxOutput);
      }
    } catch (e) {
      return { id: req.id, error: describe(e, i) };
    }
    total += results[i]!.length;
  }
  // one output buffer for the whole request: codec outputs may be views of shared allocation slabs,
  // which cannot be transferred
  const out = new Uint8Array(total);
  const ends = new Float64Array(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    out.set(results[i]!, at);
    at += results[i]!.length;
    ends[i] = at;
  }
  return { id: req.id, output: out.buffer as ArrayBuffer, ends };
}

function describe(e: unknown, input: number): NonNullable<CodecReply['error']> {
  if (e instanceof HadoopIOError) return { name: e.name, reason: e.reason, offset: e.offset, input };
  const err = e as Error | undefined;
  return { name: 'Error', reason: String(err?.message ?? e), offset: undefined, input };
}

const { started, replies } = workerData as { started: Int32Array; replies: MessagePort };
// up: the pool hands work over from now on (the flag for a pool too busy to read messages)
Atomics.store(started, 0, 1);
replies.postMessage({ id: 0 });
parentPort!.on('message', (req: CodecRequest) => {
  const reply = run(req);
  replies.postMessage(reply, reply.output ? [reply.output, reply.ends!.buffer as ArrayBuffer] : []);
});
