import { UsageError } from '../io/errors.js';
import type { ByteSink } from '../io/sink.js';
import { writeOutput } from './output.js';
import { SequenceFileReader, type SequenceFileReaderOptions } from '../seq/reader.js';
import type { JsonOptions } from '../writable/types.js';
import { jsonField, jsonValue } from './json-text.js';
import type { ConvertInput } from './record-columns.js';
import type { ConvertResult } from './to-parquet.js';

export interface LinesOptions {
  reader?: SequenceFileReaderOptions;
  /** How bytes appear (default base64). */
  bytes?: JsonOptions['bytes'];
}

/** Text is handed to the sink in chunks of about this many characters. */
const CHUNK_CHARS = 1 << 20;

/**
 * Records as JSON Lines, `{"key": ..., "value": ...}` exactly as `seqcat json`
 * prints them (so `seqcat create --format jsonl` reads them back).
 */
export function toJsonLines(input: ConvertInput, output: string | ByteSink, opts: LinesOptions = {}): Promise<ConvertResult> {
  return writeLines(input, output, opts, undefined, (k, v) => `{"key":${jsonField(k)},"value":${jsonField(v)}}\n`);
}

/**
 * Records as CSV (RFC 4180) with a `key,value` header: strings as they are,
 * numbers and 64-bit integers in decimal, bytes base64 (or hex), NullWritable
 * empty, composites as their JSON text; fields quoted where needed.
 */
export function toCsv(input: ConvertInput, output: string | ByteSink, opts: LinesOptions = {}): Promise<ConvertResult> {
  return writeLines(input, output, opts, 'key,value\r\n', (k, v) => `${csvField(k)},${csvField(v)}\r\n`);
}

function csvField(x: unknown): string {
  if (x === null) return '';
  const s = typeof x === 'string' ? x : jsonField(x);
  return /[",\r\n]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

async function writeLines(
  input: ConvertInput,
  output: string | ByteSink,
  opts: LinesOptions,
  header: string | undefined,
  line: (key: unknown, value: unknown) => string,
): Promise<ConvertResult> {
  const files = typeof input === 'string' ? [input] : [...input];
  if (files.length === 0) throw new UsageError('no input files to convert');
  const json: JsonOptions = { bytes: opts.bytes ?? 'base64' };
  return writeOutput(output, async (sink) => {
    const result: ConvertResult = { records: 0, groups: 0, payloadBytes: 0 };
    let text = header ?? '';
    for (const f of files) {
      const reader = await SequenceFileReader.open(f, opts.reader);
      try {
        const kt = reader.keyType;
        const vt = reader.valueType;
        for (;;) {
          let full = false;
          await reader.forEachRaw((raw) => {
            text += line(jsonValue(kt, reader.decodeKey(raw), json), jsonValue(vt, reader.decodeValue(raw), json));
            result.records++;
            result.payloadBytes += raw.key.length + raw.value.length;
            full = text.length >= CHUNK_CHARS;
            return !full;
          });
          if (text.length > 0) {
            await sink.write(Buffer.from(text, 'utf8'));
            result.groups++;
            text = '';
          }
          if (!full) break;
        }
      } finally {
        await reader.close();
      }
    }
    return result;
  });
}
