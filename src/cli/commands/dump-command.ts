import { dumpSequenceFile } from '../../seq/dump.js';
import { CliUsageError } from '../errors.js';
import { resolveInput } from '../inputs.js';
import type { Command } from './index.js';

export const dumpCommand: Command = {
  name: 'dump',
  summary: 'print the interop JSON Lines (header, records with hex bytes and toString)',
  usage: 'dump FILE',
  example: 'seqcat dump part-00000 > part-00000.jsonl',
  help: ['The format is the one in interop/fixtures/hadoop/FORMAT.md, so the output can be diffed against Hadoop\'s.'],
  options: {},
  async run(_values, files, out) {
    if (files.length !== 1) throw new CliUsageError('dump: give exactly one file');
    const { kind, dataPath } = await resolveInput(files[0]!);
    if (kind === 'dir') throw new CliUsageError('dump: MapFile directories are not supported yet; dump DIR/data instead');
    for await (const line of dumpSequenceFile(dataPath)) {
      if (out.closed) break;
      await out.line(line);
    }
    return 0;
  },
};
