import type { SequenceFileReader } from '../seq/reader.js';
import type { RawRecord } from '../seq/raw-record.js';
import type { CommandOption } from './commands/index.js';
import { CliUsageError } from './errors.js';

/** How `cat`, `head` and `tail` lay out a record. */
export interface RecordFormat {
  fields: 'both' | 'key' | 'value';
  delimiter: string;
  csv: boolean;
}

export const FORMAT_OPTIONS: Record<string, CommandOption> = {
  'keys-only': { type: 'boolean', help: 'print only the keys (values are not decoded)' },
  'values-only': { type: 'boolean', help: 'print only the values' },
  delimiter: { type: 'string', arg: 'STR', help: 'between key and value (default tab, or , for csv; \\t \\n \\0 \\\\ escapes)' },
  format: { type: 'string', arg: 'FMT', help: 'tsv (default: fields as they are) or csv (RFC 4180 quoting)' },
};

/** `\t`, `\n`, `\r`, `\0` and `\\` in a `--delimiter` value (a shell hands them over literally). */
export function unescapeDelimiter(s: string): string {
  return s.replace(/\\([tnr0\\])/g, (_m, c: string) => ({ t: '\t', n: '\n', r: '\r', '0': '\0', '\\': '\\' })[c]!);
}

export function recordFormat(values: Record<string, unknown>, command: string): RecordFormat {
  if (values['keys-only'] && values['values-only']) throw new CliUsageError(`${command}: --keys-only and --values-only exclude each other`, command);
  const format = String(values.format ?? 'tsv').toLowerCase();
  if (format !== 'tsv' && format !== 'csv') throw new CliUsageError(`${command}: --format must be tsv or csv, got '${String(values.format)}'`, command);
  const csv = format === 'csv';
  const delimiter = values.delimiter === undefined ? (csv ? ',' : '\t') : unescapeDelimiter(String(values.delimiter));
  if (csv && (delimiter.length !== 1 || /["\r\n]/.test(delimiter))) {
    throw new CliUsageError(`${command}: with --format csv the delimiter must be one character other than a quote or line break`, command);
  }
  return { fields: values['keys-only'] ? 'key' : values['values-only'] ? 'value' : 'both', delimiter, csv };
}

/** A CSV field, quoted when it holds the delimiter, a quote or a line break (RFC 4180). */
export function csvField(s: string, delimiter: string): string {
  return s.includes(delimiter) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One output line per record: key and/or value with Java `toString()`, laid out as `fmt` says. */
export function recordLine(reader: SequenceFileReader, fmt: RecordFormat): (raw: RawRecord) => string {
  const kt = reader.keyType;
  const vt = reader.valueType;
  const d = fmt.delimiter;
  const q = fmt.csv ? (s: string): string => csvField(s, d) : (s: string): string => s;
  if (fmt.fields === 'key') return (raw) => q(kt.toString(reader.decodeKey(raw)));
  if (fmt.fields === 'value') return (raw) => q(vt.toString(reader.decodeValue(raw)));
  return (raw) => `${q(kt.toString(reader.decodeKey(raw)))}${d}${q(vt.toString(reader.decodeValue(raw)))}`;
}
