import { bytesOption, compressionOption, intOption } from '../args.js';
import { CliUsageError, CorruptFileError } from '../errors.js';
import { STDIO } from '../inputs.js';
import { readLines } from '../lines.js';
import { fromJson, fromText, supportsText } from '../values.js';
import { codecClass, codecsFor, metadataOption, openWriter, writableClass, type StdoutSink } from '../write.js';
import { HadoopIOError, UsageError } from '../../io/errors.js';
import type { CodecRegistry } from '../../codec/registry.js';
import type { CompressionType } from '../../seq/constants.js';
import type { SequenceFileWriter } from '../../seq/writer.js';
import type { WritableRegistry } from '../../writable/registry.js';
import type { WritableType } from '../../writable/types.js';
import { READ_OPTIONS, readContext } from '../read-context.js';
import { openArrowTable } from '../../convert/arrow-table.js';
import { openParquetTable } from '../../convert/parquet-table.js';
import type { TableRecords } from '../../convert/table-records.js';
import { writeTableRecords } from '../../convert/to-sequence-file.js';
import type { Command } from './index.js';

/** Options that only make sense for the TSV/JSONL path: the dump header says all of it. */
const SCRIPT_ONLY = ['key-class', 'value-class', 'format', 'bytes', 'compression', 'codec', 'block-size', 'sync-interval', 'metadata'];

export const createCommand: Command = {
  name: 'create',
  summary: 'write a SequenceFile from a dump, or from TSV / JSON Lines on stdin',
  usage:
    'create OUT --from-dump FILE|-  |  create OUT [--key-class C] [--value-class C] [--format tsv|jsonl] [OPTIONS] < input  |  create OUT --from-parquet|--from-arrow FILE [--key-column A] [--value-column B] [OPTIONS]',
  examples: [
    'seqcat dump a.seq | seqcat create b.seq --from-dump -',
    "printf 'alpha\\t1\\nbravo\\t2\\n' | seqcat create counts.seq --key-class Text --value-class LongWritable --compression NONE",
    'seqcat json a.seq | seqcat create b.seq --format jsonl --key-class Text --value-class IntWritable',
    'seqcat create counts.seq --from-parquet counts.parquet --key-column word --value-column n',
  ],
  help: [
    '--from-dump rebuilds a file from `seqcat dump` output: classes, compression, codec, metadata and sync',
    'marker from the header line, records from keyHex/valueHex, with sync markers and block boundaries where',
    'the dump has them. NONE files come out byte-identical to the dumped file, RECORD/BLOCK Default, Deflate',
    'and Gzip files too with --exact-zlib; other codecs give the same records. Use `dump --full` for records',
    'over 64 KiB.',
    '',
    'Otherwise records are read from stdin (or --input FILE), one per line: `key<TAB>value` (tsv, split at',
    'the first tab) or `{"key": ..., "value": ...}` (jsonl, as `seqcat json` prints). Class names may be',
    'short (Text, IntWritable, LongWritable, BytesWritable...: org.apache.hadoop.io.*); numbers are decimal,',
    'bytes hex in tsv and base64 (or --bytes hex) in jsonl. The default compression is Hadoop\'s: RECORD',
    'with DefaultCodec. OUT is written to a temporary name and renamed when complete; `-` is stdout.',
    '',
    '--from-parquet / --from-arrow (Arrow IPC file or stream) take the records from two flat columns (default',
    'key and value): string → Text, int8/16/32 → IntWritable, int64 and uint32 → LongWritable, float →',
    'FloatWritable, double → DoubleWritable, boolean → BooleanWritable, binary → BytesWritable, null →',
    'NullWritable. A file written by `seqcat convert` gets its original classes (VIntWritable, MD5Hash...)',
    'and SequenceFile metadata back. --key-class / --value-class override the class; the column values must',
    'suit it (a long for LongWritable, a string for Text...). Needs hyparquet / apache-arrow.',
  ],
  options: {
    'from-dump': { type: 'string', arg: 'FILE', help: 'rebuild from `seqcat dump` output (`-` for stdin)' },
    'from-parquet': { type: 'string', arg: 'FILE', help: 'take the records from a Parquet file' },
    'from-arrow': { type: 'string', arg: 'FILE', help: 'take the records from an Arrow IPC file or stream' },
    'key-column': { type: 'string', arg: 'NAME', help: 'Parquet/Arrow column of the keys (default key)' },
    'value-column': { type: 'string', arg: 'NAME', help: 'Parquet/Arrow column of the values (default value)' },
    input: { type: 'string', short: 'i', arg: 'FILE', help: 'read tsv/jsonl records from FILE instead of stdin' },
    'key-class': { type: 'string', arg: 'CLASS', help: 'key Writable class (default Text)' },
    'value-class': { type: 'string', arg: 'CLASS', help: 'value Writable class (default Text)' },
    format: { type: 'string', arg: 'FMT', help: 'tsv (default) or jsonl' },
    bytes: { type: 'string', arg: 'ENC', help: 'jsonl bytes are base64 (default) or hex' },
    compression: { type: 'string', arg: 'TYPE', help: 'NONE, RECORD (default) or BLOCK' },
    codec: { type: 'string', arg: 'NAME', help: 'codec for RECORD/BLOCK (default: default, i.e. zlib)' },
    'block-size': { type: 'string', arg: 'N', help: 'BLOCK: serialized bytes per block (default 1000000)' },
    'sync-interval': { type: 'string', arg: 'N', help: 'NONE/RECORD: bytes between sync markers (default 102400)' },
    metadata: { type: 'string', multiple: true, arg: 'K=V', help: 'a metadata pair (repeatable)' },
    'exact-zlib': { type: 'boolean', help: 'compress zlib/gzip byte-for-byte as Hadoop\'s native zlib (slower)' },
    classes: READ_OPTIONS.classes!,
  },
  async run(values, files) {
    if (files.length === 0) throw new CliUsageError('create: missing OUT', 'create');
    if (files.length > 1) throw new CliUsageError(`create: too many arguments (${files.slice(1).join(' ')}); records come from stdin or --input`, 'create');
    const output = files[0]!;
    const sources = ['from-dump', 'from-parquet', 'from-arrow'].filter((o) => values[o] !== undefined);
    if (sources.length > 1) throw new CliUsageError(`create: give one of --${sources.join(', --')}`, 'create');
    if (values['from-parquet'] !== undefined || values['from-arrow'] !== undefined) return fromTable(values, output);
    const columns = ['key-column', 'value-column'].filter((o) => values[o] !== undefined);
    if (columns.length > 0) throw new CliUsageError(`create: --${columns.join(', --')} needs --from-parquet or --from-arrow`, 'create');
    if (values['from-dump'] !== undefined) {
      const extra = SCRIPT_ONLY.filter((o) => values[o] !== undefined);
      if (extra.length > 0 || values.input !== undefined) {
        throw new CliUsageError(`create: --from-dump takes everything from the dump header; drop --${[...extra, ...(values.input !== undefined ? ['input'] : [])].join(', --')}`, 'create');
      }
      const ctx = await readContext(values, 'create', { exactZlib: !!values['exact-zlib'] });
      return fromDump(String(values['from-dump']), output, ctx.codecs, ctx.registry);
    }
    return fromRecords(values, output, codecsFor(!!values['exact-zlib']));
  },
};

/** Options that the Parquet/Arrow source does not take. */
const NOT_FOR_TABLES = ['input', 'format', 'bytes'];

async function fromTable(values: Record<string, unknown>, output: string): Promise<number> {
  const extra = NOT_FOR_TABLES.filter((o) => values[o] !== undefined);
  if (extra.length > 0) throw new CliUsageError(`create: --${extra.join(', --')} applies to tsv/jsonl input, not Parquet or Arrow`, 'create');
  const ctx = await readContext(values, 'create', { exactZlib: !!values['exact-zlib'] });
  const codecs = ctx.codecs;
  const { metadata, ...layout } = layoutOptions(values, codecs);
  const keyClass = values['key-class'] === undefined ? undefined : userClass(String(values['key-class']), ctx.registry, 'key class');
  const valueClass = values['value-class'] === undefined ? undefined : userClass(String(values['value-class']), ctx.registry, 'value class');
  const columns = {
    ...(values['key-column'] !== undefined ? { keyColumn: String(values['key-column']) } : {}),
    ...(values['value-column'] !== undefined ? { valueColumn: String(values['value-column']) } : {}),
  };
  const table: TableRecords =
    values['from-parquet'] !== undefined ? await openParquetTable(String(values['from-parquet']), columns) : await openArrowTable(String(values['from-arrow']), columns);
  try {
    const { writer, stdout } = await openWriter(output, {
      keyClass: keyClass ?? ctx.registry.resolve(table.keyClass),
      valueClass: valueClass ?? ctx.registry.resolve(table.valueClass),
      ...layout,
      codecs,
      registry: ctx.registry,
      // the recorded SequenceFile metadata, then any given here
      metadata: [...(table.source?.metadata ?? []), ...metadata],
    });
    return await writeAll(writer, async () => {
      await writeTableRecords(table, writer, () => !!stdout?.closed);
    });
  } finally {
    await table.close();
  }
}

/** A class given on the command line: a built-in short name, or any class the registry knows (--classes). */
function userClass(name: string, registry: WritableRegistry, option: string): WritableType {
  return registry.get(name) ?? writableClass(name, 'create', option);
}

/** The output's compression, codec, block size, sync interval and metadata from the command line. */
function layoutOptions(
  values: Record<string, unknown>,
  codecs: CodecRegistry,
): { compression: CompressionType; codec?: string; blockSize?: number; syncInterval?: number; metadata: [string, string][] } {
  const compression = compressionOption(values, 'create') ?? 'RECORD';
  const codec = values.codec === undefined ? undefined : codecClass(String(values.codec), codecs, 'create');
  if (compression === 'NONE' && codec !== undefined) throw new CliUsageError('create: --codec needs --compression RECORD or BLOCK', 'create');
  const blockSize = intOption(values, 'block-size', 'create', undefined, 1);
  const syncInterval = intOption(values, 'sync-interval', 'create', undefined, 0);
  return {
    compression,
    metadata: metadataOption(values, 'create'),
    ...(codec !== undefined ? { codec } : {}),
    ...(blockSize !== undefined ? { blockSize } : {}),
    ...(syncInterval !== undefined ? { syncInterval } : {}),
  };
}

/** A problem with the input lines: exit 1, `seqcat: INPUT: line N: what`. */
function lineError(input: string, line: number, what: string): CorruptFileError {
  return new CorruptFileError(`line ${line}: ${what}`, { file: input === STDIO ? '<stdin>' : input });
}

async function fromRecords(values: Record<string, unknown>, output: string, codecs: CodecRegistry): Promise<number> {
  const format = String(values.format ?? 'tsv');
  if (format !== 'tsv' && format !== 'jsonl') throw new CliUsageError(`create: --format must be tsv or jsonl, got '${format}'`, 'create');
  const bytes = bytesOption(values, 'create');
  const kt = writableClass(String(values['key-class'] ?? 'Text'), 'create', 'key class');
  const vt = writableClass(String(values['value-class'] ?? 'Text'), 'create', 'value class');
  for (const t of [kt, vt]) {
    if (!supportsText(t)) throw new CliUsageError(`create: ${t.className} values cannot be written from ${format}; use the library`, 'create');
  }
  const { metadata, ...layout } = layoutOptions(values, codecs);
  const input = String(values.input ?? STDIO);
  if (input === STDIO && process.stdin.isTTY) throw new CliUsageError('create: reading records from a terminal; pipe them in or give --input FILE', 'create');
  const { writer, stdout } = await openWriter(output, {
    keyClass: kt,
    valueClass: vt,
    ...layout,
    codecs,
    metadata,
  });
  return writeAll(writer, async () => {
    for await (const [n, line] of readLines(input)) {
      if (stdout?.closed) break;
      let k: unknown;
      let v: unknown;
      try {
        if (format === 'tsv') {
          const tab = line.indexOf('\t');
          k = fromText(kt, tab === -1 ? line : line.slice(0, tab));
          v = fromText(vt, tab === -1 ? '' : line.slice(tab + 1));
        } else {
          if (line.trim() === '') continue;
          let o: unknown;
          try {
            o = JSON.parse(line);
          } catch {
            throw new UsageError('not a JSON object');
          }
          if (!o || typeof o !== 'object' || Array.isArray(o) || !('key' in o) || !('value' in o)) throw new UsageError('needs a JSON object with "key" and "value"');
          k = fromJson(kt, (o as { key: unknown }).key, bytes);
          v = fromJson(vt, (o as { value: unknown }).value, bytes);
        }
        await writer.append(k, v);
      } catch (e) {
        if (e instanceof UsageError) throw lineError(input, n, e.reason);
        throw e;
      }
    }
  });
}

interface DumpHeader {
  type: 'header';
  part?: string;
  format?: string;
  version?: number;
  keyClass: string;
  valueClass: string;
  compression: CompressionType;
  codec: string | null;
  metadata?: [string, string][];
  sync?: string | null;
  records?: number;
  syncOffsets?: number[];
  blocks?: unknown[];
}

interface DumpRecord {
  type: 'record';
  i?: number;
  block?: number;
  syncBefore?: boolean;
  keyHex: string | null;
  valueHex: string | null;
}

async function fromDump(input: string, output: string, codecs: CodecRegistry, registry: WritableRegistry): Promise<number> {
  let header: DumpHeader | null = null;
  let writer: SequenceFileWriter | null = null;
  let stdout: StdoutSink | null = null;
  let records = 0;
  let syncs = 0;
  let lastBlock: number | undefined;
  try {
    for await (const [n, line] of readLines(input)) {
      if (line.trim() === '') continue;
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw lineError(input, n, 'not JSON: is this `seqcat dump` output?');
      }
      if (o === null || typeof o !== 'object') throw lineError(input, n, 'not a JSON object: is this `seqcat dump` output?');
      if (o.part !== undefined || o.type === 'dir') throw lineError(input, n, 'a MapFile directory dump: create rebuilds SequenceFiles only');
      if (o.type === 'header') {
        if (header !== null) throw lineError(input, n, 'a second header line');
        header = checkHeader(o, input, n);
        const sync = header.sync ? new Uint8Array(Buffer.from(header.sync, 'hex')) : undefined;
        let codec: string | undefined;
        try {
          codec = header.compression === 'NONE' ? undefined : codecs.require(header.codec ?? 'org.apache.hadoop.io.compress.DefaultCodec').className;
        } catch (e) {
          throw lineError(input, n, e instanceof HadoopIOError ? e.reason : String(e));
        }
        ({ writer, stdout } = await openWriter(output, {
          keyClass: registry.resolve(header.keyClass),
          valueClass: registry.resolve(header.valueClass),
          compression: header.compression,
          codec,
          codecs,
          metadata: header.metadata ?? [],
          ...(sync ? { syncMarker: sync } : {}),
          // the dump says where every sync marker and block boundary goes
          ...(Array.isArray(header.syncOffsets) ? { syncInterval: Number.MAX_SAFE_INTEGER } : {}),
          ...(Array.isArray(header.blocks) ? { blockSize: Number.MAX_SAFE_INTEGER } : {}),
        }));
        continue;
      }
      if (o.type !== 'record') throw lineError(input, n, `unexpected "${String(o.type)}" line: not a SequenceFile dump`);
      if (header === null || writer === null) throw lineError(input, n, 'a record before the header line');
      if (stdout?.closed) break;
      const r = o as unknown as DumpRecord;
      const key = hexField(r.keyHex, 'key', input, n);
      const value = hexField(r.valueHex, 'value', input, n);
      const w: SequenceFileWriter = writer;
      if (header.compression === 'BLOCK') {
        if (typeof r.block === 'number' && lastBlock !== undefined && r.block !== lastBlock) await w.sync();
        if (typeof r.block === 'number') lastBlock = r.block;
      } else if (r.syncBefore === true) {
        await w.sync();
        syncs++;
      }
      await w.appendRaw(key, value);
      records++;
    }
    if (header === null || writer === null) throw new CorruptFileError('no header line: is this `seqcat dump` output?', { file: input === STDIO ? '<stdin>' : input });
    const w: SequenceFileWriter = writer;
    if (typeof header.records === 'number' && header.records !== records) {
      throw new CorruptFileError(`the dump has ${records} records but its header says ${header.records} (a cut-off dump?)`, { file: input === STDIO ? '<stdin>' : input });
    }
    // a sync() just before close leaves a marker after the last record
    if (header.compression !== 'BLOCK' && Array.isArray(header.syncOffsets) && header.syncOffsets.length > syncs) await w.sync();
    await w.close();
  } catch (e) {
    await (writer as SequenceFileWriter | null)?.abort();
    throw e;
  }
  return 0;
}

function checkHeader(o: Record<string, unknown>, input: string, n: number): DumpHeader {
  const bad = (what: string): never => {
    throw lineError(input, n, `bad header line: ${what}`);
  };
  if (o.format !== undefined && o.format !== 'SequenceFile') bad(`format ${String(o.format)} is not SequenceFile`);
  if (typeof o.keyClass !== 'string' || typeof o.valueClass !== 'string') bad('keyClass and valueClass must be strings');
  if (o.compression !== 'NONE' && o.compression !== 'RECORD' && o.compression !== 'BLOCK') bad(`compression must be NONE, RECORD or BLOCK`);
  if (o.codec !== null && o.codec !== undefined && typeof o.codec !== 'string') bad('codec must be a class name or null');
  if (o.sync !== undefined && o.sync !== null && (typeof o.sync !== 'string' || !/^[0-9a-fA-F]{32}$/.test(o.sync))) bad('sync must be 32 hex digits');
  const m = o.metadata;
  if (m !== undefined && !(Array.isArray(m) && m.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string'))) {
    bad('metadata must be [[key, value], ...]');
  }
  return o as unknown as DumpHeader;
}

function hexField(h: string | null | undefined, what: string, input: string, n: number): Uint8Array {
  if (h === null) throw lineError(input, n, `the ${what} is summarised (over 64 KiB); dump with \`seqcat dump --full\``);
  if (typeof h !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(h)) throw lineError(input, n, `${what}Hex must be hex bytes`);
  return new Uint8Array(Buffer.from(h, 'hex'));
}

/** Run `fill`, then close the writer; abort it (no partial output file) if anything fails. */
async function writeAll(writer: SequenceFileWriter, fill: () => Promise<void>): Promise<number> {
  try {
    await fill();
    await writer.close();
  } catch (e) {
    await writer.abort();
    throw e;
  }
  return 0;
}
