import { realpath } from 'node:fs/promises';
import { IOFailureError } from '../io/errors.js';
import type { ByteSink } from '../io/sink.js';
import { createCodecRegistry, defaultCodecs, type CodecRegistry } from '../codec/registry.js';
import { SequenceFileWriter, type SequenceFileWriterOptions } from '../seq/writer.js';
import { defaultRegistry } from '../writable/builtins.js';
import type { WritableType } from '../writable/types.js';
import type { SequenceFileReader } from '../seq/reader.js';
import type { RawRecord } from '../seq/raw-record.js';
import type { Progress } from './progress.js';
import { CliUsageError } from './errors.js';
import { STDIO } from './inputs.js';

/** Binary output to stdout; a closed pipe ends it quietly (`closed` turns true). */
export class StdoutSink implements ByteSink {
  readonly name = '<stdout>';
  closed = false;
  write(chunk: Uint8Array): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      process.stdout.write(chunk, (e) => {
        if (!e) return resolve();
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') {
          this.closed = true;
          return resolve();
        }
        reject(new IOFailureError(`cannot write output: ${e.message}`, { file: this.name, cause: e }));
      });
    });
  }
  async close(): Promise<void> {}
}

/** Names of this process's stdout: written as `-` is (they may be a socket, which cannot be opened by name). */
const STDOUT_NAMES = new Set(['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1', `/proc/${process.pid}/fd/1`]);

/**
 * A writer on a path or on stdout for `-` (or `/dev/stdout`). A regular file
 * (or a symlink's regular target) is written to a temporary name and renamed
 * at close, so a failed run leaves no partial file; a FIFO or device is
 * written through (see FileSink's `atomic`).
 */
export async function openWriter(out: string, opts: SequenceFileWriterOptions): Promise<{ writer: SequenceFileWriter; stdout: StdoutSink | null }> {
  if (out === STDIO || STDOUT_NAMES.has(out)) {
    if (process.stdout.isTTY) throw new CliUsageError('refusing to write a binary SequenceFile to a terminal; give an output file or redirect stdout');
    const sink = new StdoutSink();
    return { writer: await SequenceFileWriter.create(sink, opts), stdout: sink };
  }
  return { writer: await SequenceFileWriter.create(out, { ...opts, atomic: true }), stdout: null };
}

/** Refuse to overwrite the input being read. */
export async function checkDistinct(input: string, output: string, command: string): Promise<void> {
  if (input === STDIO || output === STDIO) return;
  const a = await realpath(input).catch(() => input);
  const b = await realpath(output).catch(() => output);
  if (a === b) throw new CliUsageError(`${command}: the output would overwrite the input ${input}`, command);
}

/** The codecs to write with: stock-zlib bytes for Default/Deflate/Gzip with --exact-zlib. */
export function codecsFor(exactZlib: boolean): CodecRegistry {
  return exactZlib ? createCodecRegistry({ exactZlib: true }) : defaultCodecs;
}

/** A codec option (`gzip`, `snappy`, or a Hadoop class name) as its class name; a usage error if unknown. */
export function codecClass(name: string, codecs: CodecRegistry, command: string): string {
  const c = codecs.get(name);
  if (!c) {
    const names = [...new Set(codecs.classNames().map((n) => codecs.get(n)!.name))];
    throw new CliUsageError(`${command}: unknown codec '${name}'; known: ${names.join(', ')} or a Hadoop codec class name`, command);
  }
  return c.className;
}

/** `Text` → `org.apache.hadoop.io.Text`; a known Writable class's type, or a usage error. */
export function writableClass(name: string, command: string, option: string): WritableType {
  const full = name.includes('.') ? name : `org.apache.hadoop.io.${name}`;
  const t = defaultRegistry.get(full) ?? defaultRegistry.get(name);
  if (!t) {
    const known = [...new Set(defaultRegistry.classNames().filter((n) => n.startsWith('org.apache.hadoop.io.')).map((n) => n.slice(21)))];
    throw new CliUsageError(`${command}: unknown ${option} '${name}'; known: ${known.join(', ')}`, command);
  }
  return t;
}

/** Parse `--metadata KEY=VALUE` options. */
export function metadataOption(values: Record<string, unknown>, command: string): [string, string][] {
  const list = (values.metadata as string[] | undefined) ?? [];
  return list.map((kv) => {
    const i = kv.indexOf('=');
    if (i <= 0) throw new CliUsageError(`${command}: --metadata needs KEY=VALUE, got '${kv}'`, command);
    return [kv.slice(0, i), kv.slice(i + 1)];
  });
}

/**
 * Copy every remaining record from `reader` to `writer` as bytes (RECORD values
 * still compressed when `copyStored`), skipping those `keep` refuses, until
 * the input ends or `stop()` says the consumer went away. The writer is
 * closed on success and aborted on failure; the reader is closed either way.
 * Returns the records copied.
 */
export async function copyRecords(
  reader: SequenceFileReader,
  writer: SequenceFileWriter,
  opts: { copyStored: boolean; progress: Progress | null; stop?: () => boolean; keep?: (raw: RawRecord) => boolean },
): Promise<number> {
  let copied = 0;
  try {
    for (;;) {
      const raw = await reader.nextRaw();
      if (raw === null || opts.stop?.()) break;
      if (opts.keep && !opts.keep(raw)) continue;
      if (opts.copyStored) await writer.appendRawCompressed(raw.key, raw.storedValue);
      else await writer.appendRaw(raw.key, raw.value);
      copied++;
      opts.progress?.tick(reader.position);
    }
    await writer.close();
  } catch (e) {
    await writer.abort();
    throw e;
  } finally {
    opts.progress?.done();
    await reader.close();
  }
  return copied;
}
