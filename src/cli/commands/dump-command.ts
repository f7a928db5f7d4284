import { dumpSequenceFile, hex } from '../../seq/dump.js';
import { dumpMapDir } from '../../map/map-dump.js';
import { SequenceFileReader } from '../../seq/reader.js';
import { needFiles } from '../args.js';
import { CliUsageError } from '../errors.js';
import { resolveInput, singleInput } from '../inputs.js';
import { READ_OPTIONS, SPLIT_OPTION, readContext, readerOptions } from '../read-context.js';
import type { Command } from './index.js';

export const dumpCommand: Command = {
  name: 'dump',
  summary: 'print the interop JSON Lines (header, records with hex bytes and toString)',
  usage: 'dump [--full] [OPTIONS] FILE|DIR',
  examples: ['seqcat dump part-00000 > part-00000.jsonl', 'seqcat dump --full a.seq | seqcat create b.seq --from-dump -'],
  help: [
    'The format is the one in interop/fixtures/hadoop/FORMAT.md, so the output can be diffed against Hadoop\'s:',
    'a header line (classes, compression, codec, metadata, sync marker, sync offsets, blocks), then one line',
    'per record with its raw key and value bytes in hex and their Java toString().',
    'Fields over 64 KiB are summarised by a SHA-256 unless --full is given; `seqcat create --from-dump` needs them whole.',
  ],
  options: { full: { type: 'boolean', help: 'hex of every key and value in full, however large' }, ...READ_OPTIONS, ...SPLIT_OPTION },
  async run(values, files, out) {
    needFiles(files, 'dump', 1);
    const ctx = await readContext(values, 'dump');
    const opts = readerOptions(ctx);
    const input = await singleInput(files[0]!, 'dump');
    const { kind, dataPath } = await resolveInput(input);
    if (kind === 'dir' && ctx.split) throw new CliUsageError('dump: --split reads a SequenceFile: give the MapFile\'s DIR/data', 'dump');
    if (kind === 'dir') {
      for await (const line of dumpMapDir(input, opts)) {
        if (out.closed) break;
        await out.line(line);
      }
      return 0;
    }
    if (kind === 'stdin') throw new CliUsageError('dump: needs a file (it reads the file twice), not stdin', 'dump');
    // --full: a second reader in step with the records fills in the summarised fields
    const whole = values.full ? await SequenceFileReader.open(dataPath, opts) : null;
    try {
      for await (const line of dumpSequenceFile(dataPath, opts)) {
        if (out.closed) break;
        if (whole !== null && line.startsWith('{"type":"record"')) {
          const raw = await whole.nextRaw();
          if (raw !== null && line.includes('Hex":null')) {
            const o = JSON.parse(line) as Record<string, unknown>;
            if (o.keyHex === null) {
              o.keyHex = hex(raw.key);
              delete o.keySha256;
              delete o.keyHexHead;
            }
            if (o.valueHex === null) {
              o.valueHex = hex(raw.value);
              delete o.valueSha256;
              delete o.valueHexHead;
            }
            await out.line(JSON.stringify(o));
            continue;
          }
        }
        await out.line(line);
      }
    } finally {
      await whole?.close();
    }
    return 0;
  },
};
