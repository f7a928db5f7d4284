import { basename, extname, join } from 'node:path';
import { mkdir, stat } from 'node:fs/promises';
import { bytesOption, intOption } from '../args.js';
import { CliUsageError } from '../errors.js';
import { expandInputs, STDIO } from '../inputs.js';
import { readerOptions, type ReadContext } from '../read-context.js';
import { checkDistinct, metadataOption, StdoutSink } from '../write.js';
import type { ByteSink } from '../../io/sink.js';
import { PARQUET_COMPRESSIONS, type ParquetCompression } from '../../convert/parquet-compressors.js';
import { toArrow } from '../../convert/to-arrow.js';
import { toCsv, toJsonLines } from '../../convert/to-lines.js';
import { toParquet, type ConvertResult } from '../../convert/to-parquet.js';

/** The output formats besides SequenceFile. */
export type TableFormat = 'parquet' | 'arrow' | 'arrows' | 'jsonl' | 'csv';

const EXTENSIONS: Record<string, TableFormat> = {
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.arrows': 'arrows',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.csv': 'csv',
};

/** File name extension written per part with --per-part. */
const PART_EXT: Record<TableFormat, string> = { parquet: '.parquet', arrow: '.arrow', arrows: '.arrows', jsonl: '.jsonl', csv: '.csv' };

/** Options that only the SequenceFile output takes. */
const SEQ_ONLY = ['codec', 'block-size', 'sync-interval', 'keep-sync', 'exact-zlib'];
/** Options that only the table outputs take. */
export const TABLE_ONLY = ['parquet-codec', 'row-group', 'per-part', 'bytes'];

/** The output format: `--to`, else OUT's extension (Parquet for a --per-part directory); undefined for a SequenceFile. */
export function tableFormat(values: Record<string, unknown>, output: string): TableFormat | undefined {
  const to = values.to;
  if (to !== undefined) {
    const t = String(to).toLowerCase();
    if (t === 'seq' || t === 'sequencefile') return undefined;
    if (t === 'parquet' || t === 'arrow' || t === 'arrows' || t === 'jsonl' || t === 'csv') return t;
    throw new CliUsageError(`convert: --to must be parquet, arrow, arrows, jsonl, csv or seq, got '${String(to)}'`, 'convert');
  }
  // --per-part names a directory, which has no extension to go by
  return EXTENSIONS[extname(output).toLowerCase()] ?? (values['per-part'] ? 'parquet' : undefined);
}

/** `seqcat convert IN... OUT` to Parquet, Arrow IPC, JSON Lines or CSV. */
export async function convertToTable(format: TableFormat, values: Record<string, unknown>, files: string[], ctx: ReadContext): Promise<number> {
  const extra = SEQ_ONLY.filter((o) => values[o] !== undefined);
  if (extra.length > 0) throw new CliUsageError(`convert: --${extra.join(', --')} applies to SequenceFile output, not ${format}`, 'convert');
  if (values.compression !== undefined) {
    throw new CliUsageError(`convert: --compression is the SequenceFile compression type; for Parquet use --parquet-codec ${PARQUET_COMPRESSIONS.join('|')}`, 'convert');
  }
  const compression = parquetCodecOption(values, format);
  const rowGroupRows = intOption(values, 'row-group', 'convert', undefined, 1);
  if (rowGroupRows !== undefined && (format === 'jsonl' || format === 'csv')) throw new CliUsageError(`convert: --row-group applies to Parquet and Arrow output`, 'convert');
  if (values.bytes !== undefined && format !== 'jsonl' && format !== 'csv') throw new CliUsageError(`convert: --bytes applies to jsonl and csv output (${format} keeps bytes as binary)`, 'convert');
  const bytes = bytesOption(values, 'convert');
  const metadata = metadataOption(values, 'convert');
  if (metadata.length > 0 && (format === 'jsonl' || format === 'csv')) throw new CliUsageError(`convert: --metadata applies to Parquet and Arrow output`, 'convert');

  const output = files[files.length - 1]!;
  const args = files.slice(0, -1);
  if (args.includes(STDIO)) throw new CliUsageError(`convert: ${format} output reads its input from files, not stdin`, 'convert');
  const inputs = await expandInputs(args);
  for (const i of inputs) if (i.error !== undefined) throw i.error;
  const paths = inputs.map((i) => i.path);
  if (paths.length === 0) throw new CliUsageError(`convert: ${args.join(' ')} holds no non-empty part files`, 'convert');
  for (const p of paths) await checkDistinct(p, output, 'convert');

  const reader = readerOptions(ctx);
  const run = (input: string | string[], out: string | ByteSink): Promise<ConvertResult> => {
    switch (format) {
      case 'parquet':
        return toParquet(input, out, { reader, compression, metadata, ...(rowGroupRows !== undefined ? { rowGroupRows } : {}) });
      case 'arrow':
      case 'arrows':
        return toArrow(input, out, { reader, format: format === 'arrows' ? 'stream' : 'file', metadata, ...(rowGroupRows !== undefined ? { rowGroupRows } : {}) });
      case 'jsonl':
        return toJsonLines(input, out, { reader, bytes });
      case 'csv':
        return toCsv(input, out, { reader, bytes });
    }
  };

  if (values['per-part']) {
    if (output === STDIO) throw new CliUsageError('convert: --per-part writes a directory of files; OUT must be a directory', 'convert');
    const st = await stat(output).catch(() => null);
    if (st && !st.isDirectory()) throw new CliUsageError(`convert: --per-part needs OUT to be a directory, and ${output} is a file`, 'convert');
    await mkdir(output, { recursive: true });
    const names = paths.map((p) => basename(p) + PART_EXT[format]);
    if (new Set(names).size !== names.length) throw new CliUsageError('convert: --per-part inputs have the same file name; convert them into different directories', 'convert');
    for (let i = 0; i < paths.length; i++) await run(paths[i]!, join(output, names[i]!));
    return 0;
  }
  if (output === STDIO) {
    if (process.stdout.isTTY && (format === 'parquet' || format === 'arrow' || format === 'arrows')) {
      throw new CliUsageError(`refusing to write binary ${format} to a terminal; give an output file or redirect stdout`, 'convert');
    }
    await run(paths, new StdoutSink());
    return 0;
  }
  await run(paths, output);
  return 0;
}

function parquetCodecOption(values: Record<string, unknown>, format: TableFormat): ParquetCompression {
  const v = values['parquet-codec'];
  if (v === undefined) return 'snappy';
  if (format !== 'parquet') throw new CliUsageError(`convert: --parquet-codec applies to Parquet output, not ${format}`, 'convert');
  const c = String(v).toLowerCase();
  if (!(PARQUET_COMPRESSIONS as readonly string[]).includes(c)) throw new CliUsageError(`convert: --parquet-codec must be ${PARQUET_COMPRESSIONS.join(', ')}, got '${String(v)}'`, 'convert');
  return c as ParquetCompression;
}
