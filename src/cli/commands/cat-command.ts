import { intOption } from '../args.js';
import { expandInputs, inputArgs, openInput } from '../inputs.js';
import { READ_OPTIONS, SPLIT_OPTION, readContext, type ReadContext } from '../read-context.js';
import { FORMAT_OPTIONS, recordFormat, recordLine, type RecordFormat } from '../record-format.js';
import { Ring, findLastRecords, seekTo } from '../tail.js';
import { openRecordsOrText, printText } from '../text-input.js';
import type { LineOutput } from '../output.js';
import { ChecksumError } from '../../io/checksum-file.js';
import type { SequenceFileReader } from '../../seq/reader.js';
import { eachInput, pumpChecked, pumpRecords } from './common.js';
import type { Command } from './index.js';

const INPUT_HELP = [
  'Inputs: files, MapFile directories (read through DIR/data), job output directories (their part-*',
  'files in name order; _SUCCESS, _logs, hidden, .crc and empty files skipped), quoted globs seqcat',
  "expands itself ('out/part-*'), and `-` for stdin, which is also the input when none is given and",
  'stdin is not a terminal. Like `hadoop fs -text`, a file that is not a SequenceFile but text, or',
  'gzip-compressed text, is printed as text (decompressed).',
];

/** cat, head and tail: print records of each input, or the lines of a text input. */
async function printInputs(
  values: Record<string, unknown>,
  files: string[],
  out: LineOutput,
  command: string,
  print: (f: string, ctx: ReadContext, fmt: RecordFormat) => Promise<void>,
): Promise<number> {
  const fmt = recordFormat(values, command);
  const ctx = await readContext(values, command);
  const inputs = await expandInputs(inputArgs(files, command));
  return eachInput(inputs, out, (f) => print(f, ctx, fmt));
}

/** Print the first `limit` records (all by default) of `f`, or its text. */
async function printHead(f: string, ctx: ReadContext, fmt: RecordFormat, out: LineOutput, limit?: number): Promise<void> {
  let first: SequenceFileReader | null = null;
  try {
    const opened = await openRecordsOrText(f, ctx);
    if (opened.kind === 'text') return printText(opened.chunks, out, limit === undefined ? {} : { head: limit });
    first = opened.reader;
  } catch (e) {
    // opened again below, printing what comes before the bad chunk
    if (!(e instanceof ChecksumError)) throw e;
  }
  await pumpChecked(
    async (verify) => {
      if (verify && first) {
        const r = first;
        first = null;
        return r;
      }
      return (await openInput(f, ctx, verify ? {} : { verifyChecksum: false })).reader;
    },
    out,
    (reader) => {
      const line = recordLine(reader, fmt);
      return (raw) => out.push(line(raw));
    },
    limit,
  );
}

export const catCommand: Command = {
  name: 'cat',
  summary: 'print records as key<TAB>value with Java toString() (like `hadoop fs -text`)',
  usage: 'cat [OPTIONS] [FILE|DIR|GLOB|-]...',
  examples: [
    'seqcat cat part-00000 part-00001',
    'seqcat part-*        # `cat` is the default command',
    'seqcat cat out/      # a job output directory: its part-* files in order',
    'seqcat cat --format csv --classes my-classes.json part-00000',
  ],
  help: [
    'Each record prints as its key and value the way Java\'s toString() prints them, separated by a tab.',
    'Several files print one after another. A file that cannot be read gets one error line on stderr and',
    'the others are still printed (exit 1); a checksum error prints the records before it, then the error.',
    ...INPUT_HELP,
    '--format csv quotes a field holding the delimiter, a quote or a line break (RFC 4180, LF line ends).',
  ],
  options: { ...FORMAT_OPTIONS, ...READ_OPTIONS, ...SPLIT_OPTION },
  async run(values, files, out) {
    return printInputs(values, files, out, 'cat', (f, ctx, fmt) => printHead(f, ctx, fmt, out));
  },
};

export const headCommand: Command = {
  name: 'head',
  summary: 'print the first N records (default 10)',
  usage: 'head [-n N] [OPTIONS] [FILE|DIR|GLOB|-]...',
  examples: ['seqcat head -n 3 part-00000', 'seqcat head -n 1 --keys-only out/'],
  help: ['Reads only as far as needed. With several files, prints the first N records (or text lines) of each.', ...INPUT_HELP],
  options: { lines: { type: 'string', short: 'n', arg: 'N', help: 'how many records (default 10)' }, ...FORMAT_OPTIONS, ...READ_OPTIONS, ...SPLIT_OPTION },
  async run(values, files, out) {
    const n = intOption(values, 'lines', 'head', 10, 0, 'n');
    return printInputs(values, files, out, 'head', (f, ctx, fmt) => printHead(f, ctx, fmt, out, n));
  },
};

export const tailCommand: Command = {
  name: 'tail',
  summary: 'print the last N records (default 10) without reading the whole file',
  usage: 'tail [-n N] [OPTIONS] [FILE|DIR|GLOB|-]...',
  examples: ['seqcat tail -n 3 part-00000'],
  help: [
    'Jumps to a sync point near the end and reads forward, doubling the distance until it has N records,',
    'so a large file costs about as much as its last few blocks. Files without sync markers near the end',
    '(version 1 files, small NONE/RECORD files) and stdin are scanned from the start. A text input prints',
    'its last N lines (read from the start).',
    ...INPUT_HELP,
  ],
  options: { lines: { type: 'string', short: 'n', arg: 'N', help: 'how many records (default 10)' }, ...FORMAT_OPTIONS, ...READ_OPTIONS },
  async run(values, files, out) {
    const n = intOption(values, 'lines', 'tail', 10, 0, 'n');
    return printInputs(values, files, out, 'tail', async (f, ctx, fmt) => {
      const opened = await openRecordsOrText(f, ctx);
      if (opened.kind === 'text') return printText(opened.chunks, out, { tail: n });
      const { reader, size } = opened;
      try {
        const line = recordLine(reader, fmt);
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
