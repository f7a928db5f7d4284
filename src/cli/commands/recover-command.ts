import { needFiles } from '../args.js';
import { CorruptFileError } from '../errors.js';
import { openInput, singleInput, STDIO } from '../inputs.js';
import { READ_OPTIONS, readContext } from '../read-context.js';
import { Progress } from '../progress.js';
import { checkDistinct, copyRecords, openWriter } from '../write.js';
import type { SkippedRegion } from '../../seq/reader.js';
import type { Command } from './index.js';

export const recoverCommand: Command = {
  name: 'recover',
  summary: 'copy every readable record of a damaged file, skipping corrupt regions',
  usage: 'recover IN OUT',
  examples: ['seqcat recover damaged.seq repaired.seq'],
  help: [
    'Reads IN in recovery mode: a corrupt region is skipped to the next sync marker, a record that does',
    'not decode is dropped, a truncated tail ends the copy. Each skip is reported on stderr as',
    '`seqcat: IN: skipped bytes A-B: what`, then a summary line. OUT keeps IN\'s classes,',
    'compression, codec, metadata and sync marker; records are copied as stored bytes.',
    'Exit 0 when OUT was written (whatever was skipped), 1 if IN cannot be read at all (e.g. its header).',
  ],
  options: { ...READ_OPTIONS },
  async run(values, files) {
    needFiles(files, 'recover', 2, 'IN OUT');
    const [input, output] = files as [string, string];
    await checkDistinct(input, output, 'recover');
    const ctx = await readContext(values, 'recover');
    const skips: SkippedRegion[] = [];
    const report = (s: SkippedRegion): void => {
      skips.push(s);
      const lost = s.records === undefined ? '' : ` (${s.records} record${s.records === 1 ? '' : 's'} lost)`;
      const where = s.resumeOffset > s.offset ? `bytes ${s.offset}-${s.resumeOffset}` : `the record at byte ${s.offset}`;
      process.stderr.write(`seqcat: ${input}: skipped ${where}: ${s.reason}${lost}\n`);
    };
    const { reader, size } = await openInput(input === STDIO ? input : await singleInput(input, 'recover'), ctx, { recover: true, onSkip: report });
    const h = reader.header;
    let writer;
    let stdout;
    try {
      ({ writer, stdout } = await openWriter(output, {
        keyClass: reader.keyType,
        valueClass: reader.valueType,
        compression: h.compression,
        codec: h.codecClassName ?? undefined,
        metadata: h.metadata,
        ...(h.sync ? { syncMarker: h.sync } : {}),
      }));
    } catch (e) {
      await reader.close();
      throw e;
    }
    const copied = await copyRecords(reader, writer, {
      copyStored: h.compression === 'RECORD',
      progress: Progress.maybe('recover', size),
      stop: () => !!stdout?.closed,
      // a record is kept only if it decodes: the same check readers of OUT will make
      keep: (raw) => {
        try {
          reader.decodeKey(raw);
          reader.decodeValue(raw);
          return true;
        } catch (e) {
          if (!(e instanceof CorruptFileError)) throw e;
          report({ offset: raw.position, resumeOffset: raw.position, reason: e.reason, records: 1 });
          return false;
        }
      },
    });
    if (skips.length > 0) {
      process.stderr.write(`seqcat: ${input}: recovered ${copied} record${copied === 1 ? '' : 's'} into ${output}, skipped ${skips.length} damaged region${skips.length === 1 ? '' : 's'}\n`);
    }
    return 0;
  },
};
