import { expandInputs, inputArgs, openInput } from '../inputs.js';
import { Progress } from '../progress.js';
import { READ_OPTIONS, SPLIT_OPTION, readContext } from '../read-context.js';
import { scanBlockHeaders } from '../block-scan.js';
import { resolveLimits } from '../../io/limits.js';
import { isHttpUrl } from '../../io/http-source.js';
import { CorruptFileError, LimitExceededError, TruncatedFileError } from '../../io/errors.js';
import { eachInput } from './common.js';
import type { Command } from './index.js';

export const countCommand: Command = {
  name: 'count',
  summary: 'count records without decoding them',
  usage: 'count [OPTIONS] [FILE|DIR|GLOB|-]...',
  examples: ['seqcat count part-00000', 'seqcat count part-*      # COUNT<TAB>FILE per file, then a total', 'seqcat count out/        # every part file of a job'],
  help: [
    'NONE and RECORD files are walked record by record without decoding or decompressing values;',
    'BLOCK files are counted from each block\'s header, skipping the compressed buffers entirely.',
    'With several files, prints `COUNT<TAB>FILE` per file and `TOTAL<TAB>total`. A damaged file prints',
    'the records counted before the damage and says so on stderr: `seqcat: F: counted N records before: ...`.',
    'Inputs are as for cat (job output directories, quoted globs, stdin when none is given).',
  ],
  options: { ...READ_OPTIONS, ...SPLIT_OPTION },
  async run(values, files, out) {
    const ctx = await readContext(values, 'count');
    const inputs = await expandInputs(inputArgs(files, 'count'));
    const many = inputs.length > 1;
    let total = 0;
    const code = await eachInput(inputs, out, async (f) => {
      const { reader, size, dataPath } = await openInput(f, ctx);
      const progress = Progress.maybe('count', size);
      let n = 0;
      let open = true;
      let damage: unknown = null;
      try {
        // a split is counted by the reader, which knows which blocks it owns; a URL too (no header walk there yet)
        if (reader.header.compression === 'BLOCK' && size !== undefined && !ctx.split && !isHttpUrl(dataPath)) {
          open = false;
          await reader.close();
          await scanBlockHeaders(
            dataPath,
            reader.header,
            (b) => {
              n += b.records;
              progress?.tick(b.end);
            },
            resolveLimits(ctx.limits),
          );
        } else {
          await reader.forEachRaw(() => {
            n++;
            progress?.tick(reader.position);
          });
        }
      } catch (e) {
        if (!(e instanceof CorruptFileError)) throw e;
        damage = e;
      } finally {
        progress?.done();
        if (open) await reader.close();
      }
      total += n;
      await out.line(many ? `${n}\t${f}` : String(n));
      if (damage instanceof CorruptFileError) {
        // keep the class, so a limit still names the option that raises it
        const Damage = damage instanceof LimitExceededError ? LimitExceededError : damage instanceof TruncatedFileError ? TruncatedFileError : CorruptFileError;
        throw new Damage(`counted ${n} record${n === 1 ? '' : 's'} before: ${damage.reason}`, {
          file: damage.file ?? f,
          ...(damage.offset === undefined ? {} : { offset: damage.offset }),
          cause: damage,
        });
      }
    });
    if (many) await out.line(`${total}\ttotal`);
    return code;
  },
};
