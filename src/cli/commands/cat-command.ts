import { intOption, needFiles } from '../args.js';
import { openInput } from '../inputs.js';
import { Ring, findLastRecords, seekTo } from '../tail.js';
import { eachInput, pumpRecords, textLine } from './common.js';
import type { Command } from './index.js';

export const catCommand: Command = {
  name: 'cat',
  summary: 'print records as key<TAB>value with Java toString() (like `hadoop fs -text`)',
  usage: 'cat FILE|DIR|-...',
  examples: ['seqcat cat part-00000 part-00001', 'seqcat part-*        # `cat` is the default command'],
  help: [
    'Each record prints as its key and value the way Java\'s toString() prints them, separated by a tab.',
    'Several files print one after another; a MapFile directory prints its data file; `-` reads stdin.',
    'A file that cannot be read gets one error line on stderr and the others are still printed (exit 1).',
  ],
  options: {},
  async run(_values, files, out) {
    needFiles(files, 'cat', '+');
    return eachInput(files, out, async (f) => {
      const { reader } = await openInput(f);
      try {
        const line = textLine(reader);
        await pumpRecords(reader, out, (raw) => out.push(line(raw)));
      } finally {
        await reader.close();
      }
    });
  },
};

export const headCommand: Command = {
  name: 'head',
  summary: 'print the first N records (default 10)',
  usage: 'head [-n N] FILE|DIR|-...',
  examples: ['seqcat head -n 3 part-00000'],
  help: ['Reads only as far as needed. With several files, prints the first N records of each.'],
  options: { lines: { type: 'string', short: 'n', arg: 'N', help: 'how many records (default 10)' } },
  async run(values, files, out) {
    const n = intOption(values, 'lines', 'head', 10, 0, 'n');
    needFiles(files, 'head', '+');
    return eachInput(files, out, async (f) => {
      const { reader } = await openInput(f);
      try {
        const line = textLine(reader);
        await pumpRecords(reader, out, (raw) => out.push(line(raw)), n);
      } finally {
        await reader.close();
      }
    });
  },
};

export const tailCommand: Command = {
  name: 'tail',
  summary: 'print the last N records (default 10) without reading the whole file',
  usage: 'tail [-n N] FILE|DIR|-...',
  examples: ['seqcat tail -n 3 part-00000'],
  help: [
    'Jumps to a sync point near the end and reads forward, doubling the distance until it has N records,',
    'so a large file costs about as much as its last few blocks. Files without sync markers near the end',
    '(version 1 files, small NONE/RECORD files) and stdin are scanned from the start.',
  ],
  options: { lines: { type: 'string', short: 'n', arg: 'N', help: 'how many records (default 10)' } },
  async run(values, files, out) {
    const n = intOption(values, 'lines', 'tail', 10, 0, 'n');
    needFiles(files, 'tail', '+');
    return eachInput(files, out, async (f) => {
      const { reader, size } = await openInput(f);
      try {
        const line = textLine(reader);
        if (size === undefined) {
          // stdin: keep the last n lines of a full pass
          if (n === 0) return;
          const ring = new Ring<string>(n);
          await reader.forEachRaw((raw) => {
            ring.push(line(raw));
          });
          for (const l of ring.toArray()) if (out.push(l)) await out.flush();
          return;
        }
        const { starts, stats } = await findLastRecords(reader, size, n);
        if (process.env.SEQCAT_DEBUG_TAIL) process.stderr.write(`seqcat: tail: ${JSON.stringify(stats)}\n`);
        if (starts.length === 0) return;
        await seekTo(reader, starts[0]!);
        await pumpRecords(reader, out, (raw) => out.push(line(raw)), starts.length);
      } finally {
        await reader.close();
      }
    });
  },
};
