import { SequenceFileReader } from '../../seq/reader.js';
import { CliUsageError } from '../errors.js';
import { resolveInput } from '../inputs.js';
import type { Command } from './index.js';

export const countCommand: Command = {
  name: 'count',
  summary: 'count records without decoding them',
  usage: 'count FILE|DIR...',
  example: 'seqcat count part-00000',
  help: ['With several files, prints `COUNT<TAB>FILE` per file and a total.'],
  options: {},
  async run(_values, files, out) {
    if (files.length === 0) throw new CliUsageError('count: no input files');
    let total = 0;
    for (const f of files) {
      const { dataPath } = await resolveInput(f);
      const reader = await SequenceFileReader.open(dataPath);
      let n = 0;
      try {
        while ((await reader.nextRaw()) !== null) n++;
      } finally {
        await reader.close();
      }
      total += n;
      await out.line(files.length > 1 ? `${n}\t${f}` : String(n));
    }
    if (files.length > 1) await out.line(`${total}\ttotal`);
    return 0;
  },
};
