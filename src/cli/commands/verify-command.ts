import { CorruptFileError, describeError, locateError, EXIT_BAD_DATA, EXIT_OK } from '../errors.js';
import { expandInputs, inputArgs, openInput } from '../inputs.js';
import { READ_OPTIONS, readContext, type ReadContext } from '../read-context.js';
import { Progress } from '../progress.js';
import type { Command } from './index.js';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'read and decode every record, check the structure; one summary line per file',
  usage: 'verify [OPTIONS] [FILE|DIR|GLOB|-]...',
  examples: ['seqcat verify part-*', 'seqcat verify part-00000 && echo intact'],
  help: [
    'Decodes every key and value (decompressing everything), checks every sync marker against the header\'s,',
    'every block\'s record count against its length buffers, that each key and value decodes to exactly its',
    'serialized length, and that the file ends on a record or block boundary.',
    'One line per file: `FILE: OK: N records, ...` on stdout, or `seqcat: FILE: what (at byte N)` on stderr',
    'for a file that fails (the rest are still checked). Exit 0 when every file is intact, else 1.',
  ],
  options: { ...READ_OPTIONS },
  async run(values, files, out) {
    const ctx = await readContext(values, 'verify');
    const inputs = await expandInputs(inputArgs(files, 'verify'));
    let bad = 0;
    for (const { path: f, error } of inputs) {
      if (out.closed) break;
      try {
        if (error !== undefined) throw error;
        await out.line(await verifyOne(f, ctx));
      } catch (e) {
        const d = describeError(locateError(e, f));
        if (d.code !== EXIT_BAD_DATA) throw e;
        bad++;
        await out.flush();
        process.stderr.write(d.line + '\n');
      }
    }
    return bad > 0 ? EXIT_BAD_DATA : EXIT_OK;
  },
};

async function verifyOne(path: string, ctx: ReadContext): Promise<string> {
  const { reader, size } = await openInput(path, ctx);
  const h = reader.header;
  let syncs = 0;
  let blocks = 0;
  let blockRecords = 0;
  let seenInBlocks = 0;
  reader.observer = {
    onSync: () => syncs++,
    onBlock: (b) => {
      blocks++;
      blockRecords += b.records;
    },
  };
  const progress = Progress.maybe('verify', size);
  let records = 0;
  try {
    await reader.forEachRaw((raw) => {
      reader.decodeKey(raw);
      reader.decodeValue(raw);
      records++;
      if (h.compression === 'BLOCK') seenInBlocks++;
      progress?.tick(reader.position);
    });
  } finally {
    progress?.done();
    await reader.close();
  }
  const end = reader.position;
  if (size !== undefined && end !== size) throw new CorruptFileError(`reading stopped at byte ${end} of ${size}`, { file: path, offset: end });
  if (h.compression === 'BLOCK' && seenInBlocks !== blockRecords) {
    throw new CorruptFileError(`blocks announce ${blockRecords} records but ${seenInBlocks} were read`, { file: path });
  }
  const parts = [`${records} record${records === 1 ? '' : 's'}`];
  if (h.compression === 'BLOCK') parts.push(`${blocks} block${blocks === 1 ? '' : 's'}`);
  parts.push(`${syncs} sync marker${syncs === 1 ? '' : 's'}`, `${end} bytes`, `${h.compression}${h.codecClassName ? ' ' + short(h.codecClassName) : ''}`, `${short(h.keyClassName)}/${short(h.valueClassName)}`);
  return `${path}: OK: ${parts.join(', ')}`;
}

function short(c: string): string {
  return c.slice(c.lastIndexOf('.') + 1);
}
