import { bytesOption } from '../args.js';
import { CliUsageError } from '../errors.js';
import { expandInputs, inputArgs, openInput } from '../inputs.js';
import { READ_OPTIONS, SPLIT_OPTION, readContext } from '../read-context.js';
import { jsonField as field, jsonValue } from '../json.js';
import { eachInput, pumpChecked } from './common.js';
import type { Command } from './index.js';

export const jsonCommand: Command = {
  name: 'json',
  summary: 'print records as JSON Lines: {"key": ..., "value": ...}',
  usage: 'json [--fields key,value] [--bytes base64|hex] [OPTIONS] [FILE|DIR|GLOB|-]...',
  examples: ['seqcat json part-00000 | jq -r .value', 'seqcat json --fields key --bytes hex part-00000'],
  help: [
    'Values are natural JSON: Text as a string, Int/Float/Double as numbers, Long/VLong as decimal strings',
    '(64 bits do not fit a JSON number), BytesWritable and MD5Hash as base64 (or hex), NullWritable as null,',
    'MapWritable as [[key, value], ...], ArrayWritable as an array, classes we cannot decode as',
    '{"class": ..., "bytes": ...}. The output of `seqcat json` can be fed to `seqcat create --format jsonl`.',
    'Inputs are as for cat (job output directories, quoted globs, stdin when none is given), but they must be',
    'SequenceFiles: text files are not records. A checksum error prints the records before it, then the error.',
  ],
  options: {
    fields: { type: 'string', arg: 'LIST', help: 'key, value or key,value (default key,value)' },
    bytes: { type: 'string', arg: 'ENC', help: 'how bytes appear: base64 (default) or hex' },
    ...READ_OPTIONS,
    ...SPLIT_OPTION,
  },
  async run(values, files, out) {
    const fields = String(values.fields ?? 'key,value').split(',').map((s) => s.trim());
    if (fields.length === 0 || fields.length > 2 || fields.some((f) => f !== 'key' && f !== 'value') || new Set(fields).size !== fields.length) {
      throw new CliUsageError(`json: --fields must be key, value or key,value, got '${String(values.fields)}'`, 'json');
    }
    const opts = { bytes: bytesOption(values, 'json') };
    const wantKey = fields.includes('key');
    const wantValue = fields.includes('value');
    const ctx = await readContext(values, 'json');
    const inputs = await expandInputs(inputArgs(files, 'json'));
    return eachInput(inputs, out, async (f) => {
      await pumpChecked(
        async (verify) => (await openInput(f, ctx, verify ? {} : { verifyChecksum: false })).reader,
        out,
        (reader) => {
          const kt = reader.keyType;
          const vt = reader.valueType;
          return (raw) => {
            const k = wantKey ? `"key":${field(jsonValue(kt, reader.decodeKey(raw), opts))}` : '';
            const v = wantValue ? `"value":${field(jsonValue(vt, reader.decodeValue(raw), opts))}` : '';
            return out.push(`{${k}${k && v ? ',' : ''}${v}}`);
          };
        },
      );
    });
  },
};

