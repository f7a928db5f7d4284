import { fixMapFileIndex } from '../../map/index.js';
import { intOption, needFiles } from '../args.js';
import type { Command } from './index.js';

export const fixCommand: Command = {
  name: 'fix',
  summary: "rebuild a MapFile directory's lost index from its data",
  usage: 'fix [--index-interval N] [--force] [--dry-run] DIR',
  examples: ['seqcat fix users/', 'seqcat fix --index-interval 32 --force users/'],
  help: [
    'Writes DIR/index as MapFile.Writer would have (first key, then one entry every --index-interval keys,',
    'default 128, at block starts in BLOCK files), through a temporary file renamed at the end.',
    'An existing index is left alone unless --force is given.',
  ],
  options: {
    'index-interval': { type: 'string', arg: 'N', help: 'keys between index entries (default 128, as io.map.index.interval)' },
    force: { type: 'boolean', help: 'rebuild even if DIR/index exists' },
    'dry-run': { type: 'boolean', help: 'count what would be written, write nothing' },
  },
  async run(values, files, out) {
    needFiles(files, 'fix', 1, 'DIR');
    const dir = files[0]!;
    const r = await fixMapFileIndex(dir, {
      indexInterval: intOption(values, 'index-interval', 'fix', 128, 1),
      force: !!values.force,
      dryRun: !!values['dry-run'],
    });
    if (!r.rebuilt && !values['dry-run']) await out.line(`${dir}: index present, nothing to do (--force rebuilds it)`);
    else await out.line(`${dir}: ${values['dry-run'] ? 'would write' : 'rebuilt index with'} ${r.indexEntries} entries for ${r.records} records`);
    return 0;
  },
};
