import { Writable } from 'node:stream';
import { UsageError } from './errors.js';

/** A record for the stream APIs: `{ key, value }` or `[key, value]`. */
export type RecordInput<K, V> = { key: K; value: V } | readonly [K, V];

/** What the record streams need from a writer (SequenceFileWriter, MapFileWriter...). */
export interface RecordAppender<K, V> {
  append(key: K, value: V): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
  /** Optional promise-free path (as `stream.write`): false means wait for `drained()`. */
  write?(key: K, value: V): boolean;
  drained?(): Promise<void>;
}

function appendRecord<K, V>(w: RecordAppender<K, V>, r: RecordInput<K, V>): Promise<void> {
  if (Array.isArray(r)) return w.append(r[0] as K, r[1] as V);
  if (isKeyValue(r)) return w.append(r.key, r.value);
  return Promise.reject(notARecord(r));
}

function isKeyValue<K, V>(r: unknown): r is { key: K; value: V } {
  return typeof r === 'object' && r !== null && 'key' in r && 'value' in r;
}

function notARecord(r: unknown): UsageError {
  return new UsageError(`a record must be { key, value } or [key, value], got ${r === null ? 'null' : typeof r}`);
}

/** Write one record the promise-free way when the writer has it; calls `cb` once there is room. */
function writeRecord<K, V>(w: RecordAppender<K, V>, r: RecordInput<K, V>, cb: (e?: Error) => void): void {
  if (w.write === undefined || w.drained === undefined) {
    appendRecord(w, r).then(() => cb(), (e: unknown) => cb(e as Error));
    return;
  }
  let room: boolean;
  try {
    if (Array.isArray(r)) room = w.write(r[0] as K, r[1] as V);
    else if (isKeyValue<K, V>(r)) room = w.write(r.key, r.value);
    else throw notARecord(r);
  } catch (e) {
    return cb(e as Error);
  }
  if (room) cb();
  else w.drained().then(() => cb(), (e: unknown) => cb(e as Error));
}

/**
 * An object-mode Node Writable appending each record it is given: the next
 * record is taken once the append resolved (so a pipeline runs at the
 * writer's pace), the writer is closed when the stream finishes, and
 * aborted (no partial file committed) when the stream is destroyed first,
 * e.g. by pipeline() after a failure upstream.
 *
 * `open` is awaited before the first record (a writer still being created).
 */
export function recordWritable<K, V>(open: RecordAppender<K, V> | (() => Promise<RecordAppender<K, V>>), opts: { highWaterMark?: number } = {}): Writable {
  let writer: RecordAppender<K, V> | null = typeof open === 'function' ? null : open;
  let closed = false;
  return new Writable({
    objectMode: true,
    highWaterMark: opts.highWaterMark ?? 16,
    construct(cb) {
      if (writer !== null) return cb();
      (open as () => Promise<RecordAppender<K, V>>)().then(
        (w) => {
          writer = w;
          cb();
        },
        (e: unknown) => cb(e as Error),
      );
    },
    write(record: RecordInput<K, V>, _enc, cb) {
      writeRecord(writer!, record, cb);
    },
    final(cb) {
      closed = true;
      writer!.close().then(() => cb(), (e: unknown) => cb(e as Error));
    },
    destroy(err, cb) {
      if (closed || writer === null) return cb(err);
      closed = true;
      writer.abort().then(() => cb(err), () => cb(err));
    },
  });
}

/**
 * A Web WritableStream of records: `write` appends, `close` closes the
 * writer, `abort` aborts it.
 */
export function recordWritableStream<K, V>(writer: RecordAppender<K, V>, opts: { highWaterMark?: number } = {}): WritableStream<RecordInput<K, V>> {
  return new WritableStream<RecordInput<K, V>>(
    {
      write: (record) => appendRecord(writer, record),
      close: () => writer.close(),
      abort: () => writer.abort(),
    },
    new CountQueuingStrategy({ highWaterMark: opts.highWaterMark ?? 16 }),
  );
}
