import { needFiles } from '../args.js';
import { openInput } from '../inputs.js';
import { Progress } from '../progress.js';
import { scanBlockHeaders } from '../block-scan.js';
import { eachInput } from './common.js';
import type { Command } from './index.js';

export const countCommand: Command = {
  name: 'count',
  summary: 'count records without decoding them',
  usage: 'count FILE|DIR|-...',
  examples: ['seqcat count part-00000', 'seqcat count part-*      # COUNT<TAB>FILE per file, then a total'],
  help: [
    'NONE and RECORD files are walked record by record without decoding or decompressing values;',
    'BLOCK files are counted from each block\'s header, skipping the compressed buffers entirely.',
    'With several files, prints `COUNT<TAB>FILE` per file and `TOTAL<TAB>total`.',
  ],
  options: {},
  async run(_values, files, out) {
    needFiles(files, 'count', '+');
    let total = 0;
    const code = await eachInput(files, out, async (f) => {
      const { reader, size, dataPath } = await openInput(f);
      const progress = Progress.maybe('count', size);
      let n = 0;
      let open = true;
      try {
        if (reader.header.compression === 'BLOCK' && size !== undefined) {
          open = false;
          await reader.close();
          ({ records: n } = await scanBlockHeaders(dataPath, reader.header, (b) => progress?.tick(b.end)));
        } else {
          n = await reader.forEachRaw(() => {
            progress?.tick(reader.position);
          });
        }
      } finally {
        progress?.done();
        if (open) await reader.close();
      }
      total += n;
      await out.line(files.length > 1 ? `${n}\t${f}` : String(n));
    });
    if (files.length > 1) await out.line(`${total}\ttotal`);
    return code;
  },
};
