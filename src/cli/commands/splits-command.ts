import { needFiles } from '../args.js';
import { expandInputs, resolveInput, STDIO } from '../inputs.js';
import { sizeOption } from '../read-context.js';
import { CliUsageError } from '../errors.js';
import { planSplits } from '../../seq/split.js';
import { eachInput } from './common.js';
import type { Command } from './index.js';

export const splitsCommand: Command = {
  name: 'splits',
  summary: "print Hadoop's input splits of each file, one JSON line each (for --split)",
  usage: 'splits [--size SIZE] [--min-size SIZE] [--max-size SIZE] FILE|DIR|GLOB...',
  examples: [
    'seqcat splits big.seq --size 64m',
    'seqcat splits out/ --size 1m --min-size 1   # every part file of a job, 1 MiB splits',
    "seqcat splits big.seq --size 64m | jq -r '\"\\(.start):\\(.length)\"' | while read -r s; do seqcat count --split \"$s\" big.seq; done",
  ],
  help: [
    'Prints {"file": ..., "start": ..., "length": ...} per split, as Hadoop\'s FileInputFormat plans them: the split',
    'size is max(--min-size, min(--max-size, --size)); splits of that size are cut while more than 1.1 of them',
    'remain, and the last split takes the rest. A zero-length file has one zero-length split.',
    '--size plays the HDFS block size (default 128m). --min-size defaults to SequenceFileInputFormat\'s floor, the',
    'writer\'s sync interval (100k): a smaller --size needs a smaller --min-size too.',
    'Reading each split with `seqcat cat|head|json|dump|count --split START:LENGTH FILE` gives every record once.',
    'Inputs: files, MapFile directories (their DIR/data), job output directories (their part-* files) and quoted globs.',
  ],
  options: {
    size: { type: 'string', arg: 'SIZE', help: 'split (block) size (default 128m; k, m, g suffixes)' },
    'min-size': { type: 'string', arg: 'SIZE', help: 'smallest split (default 100k, the sync interval)' },
    'max-size': { type: 'string', arg: 'SIZE', help: 'largest split (default unbounded)' },
  },
  async run(values, files, out) {
    needFiles(files, 'splits', '+');
    if (files.includes(STDIO)) throw new CliUsageError('splits: needs files, not stdin (a split is a byte range of a file)', 'splits');
    const splitSize = sizeOption(values, 'size', 'splits');
    const minSize = sizeOption(values, 'min-size', 'splits');
    const maxSize = sizeOption(values, 'max-size', 'splits');
    const opts = {
      ...(splitSize === undefined ? {} : { splitSize }),
      ...(minSize === undefined ? {} : { minSize }),
      ...(maxSize === undefined ? {} : { maxSize }),
    };
    const inputs = await expandInputs(files);
    return eachInput(inputs, out, async (f) => {
      const { dataPath } = await resolveInput(f);
      for (const s of await planSplits(dataPath, opts)) await out.line(JSON.stringify(s));
    });
  },
};
