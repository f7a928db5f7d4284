import { compressionOption, intOption, needFiles } from '../args.js';
import { CliUsageError } from '../errors.js';
import { openInput, singleInput, STDIO } from '../inputs.js';
import { READ_OPTIONS, readContext } from '../read-context.js';
import { Progress } from '../progress.js';
import { checkDistinct, codecClass, copyRecords, metadataOption, openWriter } from '../write.js';
import { DEFAULT_CODEC_CLASS } from '../../seq/constants.js';
import { convertToTable, TABLE_ONLY, tableFormat } from './convert-table.js';
import type { Command } from './index.js';

export const convertCommand: Command = {
  name: 'convert',
  summary: 'rewrite a file with another compression, codec, block size or sync interval; or to Parquet, Arrow, JSON Lines, CSV',
  usage: 'convert [--compression NONE|RECORD|BLOCK] [--codec NAME] [OPTIONS] IN OUT  |  convert [--to FMT] [--parquet-codec C] [--row-group N] [--per-part] IN... OUT',
  examples: [
    'seqcat convert --compression BLOCK --codec zstd part-00000 part-00000.zst.seq',
    'seqcat convert --compression NONE part-00000 - | seqcat count -',
    'seqcat convert job-output/ events.parquet',
    'seqcat convert --parquet-codec zstd --per-part job-output/ parquet-out/',
  ],
  help: [
    'Keeps the key and value classes and the metadata; records are copied as serialized bytes and never',
    'decoded, so classes seqcat does not know are copied too. RECORD to RECORD with the same codec copies',
    'the compressed values as they are. Unset options keep the input\'s compression and codec; the block',
    'size and sync interval default to Hadoop\'s (1,000,000 and 102,400 bytes). OUT is written to a',
    'temporary name and renamed when complete; `-` writes to stdout. Codecs: default (zlib), deflate,',
    'gzip, bzip2, snappy, lz4, zstd, or a Hadoop codec class name.',
    '',
    'When OUT ends in .parquet, .arrow (.arrows: IPC stream), .jsonl or .csv, or with --to, the records become',
    'a table with columns key and value, typed from the Writable classes: Text/UTF8 string; Int, VInt, Short,',
    'Byte int32; Long, VLong int64; Float, Double, Boolean as such; BytesWritable, MD5Hash binary; NullWritable',
    'null; other registered classes (maps, arrays...) their `seqcat json` text; unknown classes their bytes.',
    'The header and metadata go into the Parquet/Arrow key-value metadata (hadoop.sequencefile.*). IN may be',
    'several files or a job directory: its part files become one table (or one file each in the directory OUT',
    'with --per-part). Row groups hold at most --row-group records and 32 MiB of payload. jsonl is what',
    '`seqcat json` prints. Parquet needs the package hyparquet-writer, Arrow apache-arrow.',
  ],
  options: {
    compression: { type: 'string', arg: 'TYPE', help: 'NONE, RECORD or BLOCK (default: as the input)' },
    codec: { type: 'string', arg: 'NAME', help: 'codec for RECORD/BLOCK (default: as the input, else default)' },
    'block-size': { type: 'string', arg: 'N', help: 'BLOCK: serialized bytes per block (default 1000000)' },
    'sync-interval': { type: 'string', arg: 'N', help: 'NONE/RECORD: bytes between sync markers (default 102400)' },
    metadata: { type: 'string', multiple: true, arg: 'K=V', help: 'add or replace a metadata pair (repeatable)' },
    'keep-sync': { type: 'boolean', help: 'reuse the input\'s sync marker instead of a fresh random one' },
    'exact-zlib': { type: 'boolean', help: 'compress zlib/gzip byte-for-byte as Hadoop\'s native zlib (slower)' },
    to: { type: 'string', arg: 'FMT', help: 'parquet, arrow, arrows, jsonl, csv or seq (default: from OUT\'s extension, else seq)' },
    'parquet-codec': { type: 'string', arg: 'C', help: 'Parquet page compression: snappy (default), zstd or none' },
    'row-group': { type: 'string', arg: 'N', help: 'Parquet/Arrow: most records per row group / batch (default 1000000)' },
    'per-part': { type: 'boolean', help: 'one output file per input part, in the directory OUT (Parquet unless --to)' },
    bytes: { type: 'string', arg: 'ENC', help: 'jsonl/csv: how bytes appear, base64 (default) or hex' },
    ...READ_OPTIONS,
  },
  async run(values, files) {
    const format = files.length > 0 ? tableFormat(values, files[files.length - 1]!) : undefined;
    if (format !== undefined) {
      if (files.length < 2) throw new CliUsageError('convert: missing IN OUT', 'convert');
      return convertToTable(format, values, files, await readContext(values, 'convert'));
    }
    const tableOnly = TABLE_ONLY.filter((o) => values[o] !== undefined);
    if (tableOnly.length > 0) throw new CliUsageError(`convert: --${tableOnly.join(', --')} applies to Parquet, Arrow, jsonl or csv output; name OUT *.parquet or give --to`, 'convert');
    needFiles(files, 'convert', 2, 'IN OUT');
    const [input, output] = files as [string, string];
    const blockSize = intOption(values, 'block-size', 'convert', undefined, 1);
    const syncInterval = intOption(values, 'sync-interval', 'convert', undefined, 0);
    const wanted = compressionOption(values, 'convert');
    const ctx = await readContext(values, 'convert', { exactZlib: !!values['exact-zlib'] });
    const codecs = ctx.codecs;
    const codecOpt = values.codec === undefined ? undefined : codecClass(String(values.codec), codecs, 'convert');
    const extraMeta = metadataOption(values, 'convert');
    await checkDistinct(input, output, 'convert');

    const { reader, size } = await openInput(input === STDIO ? input : await singleInput(input, 'convert'), ctx);
    const h = reader.header;
    const compression = wanted ?? h.compression;
    if (compression === 'NONE' && codecOpt !== undefined) {
      await reader.close();
      throw new CliUsageError('convert: --codec needs --compression RECORD or BLOCK (the output would be uncompressed)', 'convert');
    }
    const codec = compression === 'NONE' ? undefined : (codecOpt ?? h.codecClassName ?? DEFAULT_CODEC_CLASS);
    let writer;
    let stdout;
    try {
      ({ writer, stdout } = await openWriter(output, {
        keyClass: reader.keyType,
        valueClass: reader.valueType,
        compression,
        codec,
        codecs,
        metadata: [...h.metadata, ...extraMeta],
        ...(values['keep-sync'] && h.sync ? { syncMarker: h.sync } : {}),
        ...(blockSize !== undefined ? { blockSize } : {}),
        ...(syncInterval !== undefined ? { syncInterval } : {}),
      }));
    } catch (e) {
      await reader.close();
      throw e;
    }
    // the same codec on both sides: copy compressed values untouched
    const copyStored = h.compression === 'RECORD' && compression === 'RECORD' && reader.codec?.className === writer.codec?.className;
    await copyRecords(reader, writer, { copyStored, progress: Progress.maybe('convert', size), stop: () => !!stdout?.closed });
    return 0;
  },
};
