import { createCodecRegistry, type CodecRegistry } from '../codec/registry.js';
import { DEFAULT_LIMITS, type ReadLimits } from '../io/limits.js';
import type { SequenceFileReaderOptions } from '../seq/reader.js';
import { createRegistry } from '../writable/builtins.js';
import type { WritableRegistry } from '../writable/registry.js';
import { classFiles, loadClasses } from './classes.js';
import type { CommandOption } from './commands/index.js';
import { CliUsageError, setRunLimits } from './errors.js';

/** What every command that reads SequenceFiles is opened with: this run's registries, limits and checksum choice. */
export interface ReadContext {
  registry: WritableRegistry;
  codecs: CodecRegistry;
  limits: Partial<ReadLimits>;
  /** false: do not check `.crc` side files (`--skip-crc`); undefined: check when one exists. */
  verifyChecksum: false | undefined;
  /** `--split START:LENGTH`: read only the records Hadoop's split reader assigns to that split. */
  split?: { start: number; length: number };
}

/** The options every reading command takes. */
export const READ_OPTIONS: Record<string, CommandOption> = {
  classes: { type: 'string', multiple: true, arg: 'FILE', help: 'load Writable classes from FILE (.json or an ES module; repeatable; also $SEQCAT_CLASSES)' },
  'max-buffer': { type: 'string', arg: 'SIZE', help: 'largest record, key, value or buffer (default 64m; k, m, g suffixes)' },
  'max-decompressed': { type: 'string', arg: 'SIZE', help: 'largest decompressed block or value (default 256m, at least --max-buffer)' },
  'max-elements': { type: 'string', arg: 'N', help: 'largest element count in one key or value (default 1048576)' },
  'skip-crc': { type: 'boolean', help: 'do not verify Hadoop .NAME.crc checksum files' },
};

/** `--split`, for the commands that read records in order (cat, head, json, dump, count). */
export const SPLIT_OPTION: Record<string, CommandOption> = {
  split: { type: 'string', arg: 'START:LENGTH', help: "only the records of this input split (a line of `seqcat splits`), as Hadoop's split reader assigns them" },
};

/** Build the read context from the command's options (loading any user classes). */
export async function readContext(values: Record<string, unknown>, command: string, opts: { exactZlib?: boolean } = {}): Promise<ReadContext> {
  const registry = createRegistry();
  const codecs = createCodecRegistry({ exactZlib: !!opts.exactZlib });
  await loadClasses(classFiles(values), registry, codecs, command);
  const limits: Partial<ReadLimits> = {};
  const maxBuffer = sizeOption(values, 'max-buffer', command);
  const maxDecompressed = sizeOption(values, 'max-decompressed', command);
  const maxElements = sizeOption(values, 'max-elements', command);
  if (maxBuffer !== undefined) limits.maxBufferBytes = maxBuffer;
  // a value as large as the buffer limit must also decompress
  if (maxDecompressed !== undefined) limits.maxDecompressedBytes = maxDecompressed;
  else if (maxBuffer !== undefined && maxBuffer > DEFAULT_LIMITS.maxDecompressedBytes) limits.maxDecompressedBytes = maxBuffer;
  if (maxElements !== undefined) limits.maxElements = maxElements;
  setRunLimits(limits);
  const split = splitOption(values, command);
  return { registry, codecs, limits, verifyChecksum: values['skip-crc'] ? false : undefined, ...(split ? { split } : {}) };
}

/** The reader options of a context. */
export function readerOptions(ctx: ReadContext): SequenceFileReaderOptions {
  return {
    registry: ctx.registry,
    codecs: ctx.codecs,
    limits: ctx.limits,
    ...(ctx.verifyChecksum === false ? { verifyChecksum: false } : {}),
    ...(ctx.split ? { split: ctx.split } : {}),
  };
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `64m`, `1g`, `65536`, `2_000_000` (k/m/g binary, optional trailing `b`/`ib`) as a positive integer. */
export function parseSize(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(s.replace(/_/g, '').trim());
  if (!m) return undefined;
  const n = Math.floor(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** A `--NAME SIZE` option (`64m`, `65536`), or undefined when absent. */
export function sizeOption(values: Record<string, unknown>, name: string, command: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = parseSize(String(v));
  if (n === undefined) throw new CliUsageError(`${command}: --${name} needs a size such as 65536, 64m or 1g, got '${String(v)}'`, command);
  return n;
}

/** `START:LENGTH` in bytes (as `seqcat splits` prints them). */
function splitOption(values: Record<string, unknown>, command: string): { start: number; length: number } | undefined {
  const v = values.split;
  if (v === undefined) return undefined;
  const m = /^(\d+):(\d+)$/.exec(String(v).replace(/_/g, '').trim());
  const start = m ? Number(m[1]) : NaN;
  const length = m ? Number(m[2]) : NaN;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length)) {
    throw new CliUsageError(`${command}: --split needs START:LENGTH in bytes, such as 0:134217728, got '${String(v)}'`, command);
  }
  return { start, length };
}
