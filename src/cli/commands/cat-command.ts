import { CliUsageError } from '../errors.js';
import { readerFor, resolveInput } from '../inputs.js';
import { catFile } from './cat.js';
import type { Command } from './index.js';

export const catCommand: Command = {
  name: 'cat',
  summary: 'print records as key<TAB>value with Java toString() (like `hadoop fs -text`)',
  usage: 'cat FILE|DIR...',
  example: 'seqcat cat part-00000',
  help: ['A MapFile directory prints its data file.'],
  options: {},
  async run(_values, files, out) {
    if (files.length === 0) throw new CliUsageError('cat: no input files');
    for (const f of files) {
      if (out.closed) break;
      const { dataPath } = await resolveInput(f);
      await catFile(readerFor(dataPath), out);
    }
    return 0;
  },
};

export const headCommand: Command = {
  name: 'head',
  summary: 'print the first N records (default 10)',
  usage: 'head [-n N] FILE|DIR...',
  example: 'seqcat head -n 3 part-00000',
  options: { lines: { type: 'string', short: 'n' } },
  async run(values, files, out) {
    const n = values.lines === undefined ? 10 : Number(values.lines);
    if (!Number.isInteger(n) || n < 0) throw new CliUsageError(`head: invalid record count '${String(values.lines)}'`);
    if (files.length === 0) throw new CliUsageError('head: no input files');
    for (const f of files) {
      const { dataPath } = await resolveInput(f);
      await catFile(readerFor(dataPath), out, n);
    }
    return 0;
  },
};
