import { compressionOption, intOption, needFiles } from '../args.js';
import { CliUsageError } from '../errors.js';
import { openInput, singleInput, STDIO } from '../inputs.js';
import { READ_OPTIONS, readContext } from '../read-context.js';
import { Progress } from '../progress.js';
import { checkDistinct, codecClass, copyRecords, metadataOption, openWriter } from '../write.js';
import { DEFAULT_CODEC_CLASS } from '../../seq/constants.js';
import type { Command } from './index.js';

export const convertCommand: Command = {
  name: 'convert',
  summary: 'rewrite a file with another compression, codec, block size or sync interval',
  usage: 'convert [--compression NONE|RECORD|BLOCK] [--codec NAME] [OPTIONS] IN OUT',
  examples: [
    'seqcat convert --compression BLOCK --codec zstd part-00000 part-00000.zst.seq',
    'seqcat convert --compression NONE part-00000 - | seqcat count -',
  ],
  help: [
    'Keeps the key and value classes and the metadata; records are copied as serialized bytes and never',
    'decoded, so classes seqcat does not know are copied too. RECORD to RECORD with the same codec copies',
    'the compressed values as they are. Unset options keep the input\'s compression and codec; the block',
    'size and sync interval default to Hadoop\'s (1,000,000 and 102,400 bytes). OUT is written to a',
    'temporary name and renamed when complete; `-` writes to stdout. Codecs: default (zlib), deflate,',
    'gzip, bzip2, snappy, lz4, zstd, or a Hadoop codec class name.',
  ],
  options: {
    compression: { type: 'string', arg: 'TYPE', help: 'NONE, RECORD or BLOCK (default: as the input)' },
    codec: { type: 'string', arg: 'NAME', help: 'codec for RECORD/BLOCK (default: as the input, else default)' },
    'block-size': { type: 'string', arg: 'N', help: 'BLOCK: serialized bytes per block (default 1000000)' },
    'sync-interval': { type: 'string', arg: 'N', help: 'NONE/RECORD: bytes between sync markers (default 102400)' },
    metadata: { type: 'string', multiple: true, arg: 'K=V', help: 'add or replace a metadata pair (repeatable)' },
    'keep-sync': { type: 'boolean', help: 'reuse the input\'s sync marker instead of a fresh random one' },
    'exact-zlib': { type: 'boolean', help: 'compress zlib/gzip byte-for-byte as Hadoop\'s native zlib (slower)' },
    ...READ_OPTIONS,
  },
  async run(values, files) {
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
