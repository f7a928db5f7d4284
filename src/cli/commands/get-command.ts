import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { WritableType } from '../../writable/types.js';
import { BloomMapFileReader, MapFileReader } from '../../map/index.js';
import { needFiles } from '../args.js';
import { CliUsageError } from '../errors.js';
import { READ_OPTIONS, readContext, readerOptions } from '../read-context.js';
import type { Command } from './index.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

const article = (c: string): string => (/^[AEIOU]/.test(c) ? `an ${c}` : `a ${c}`);

/** Turn a command-line key into a value of the MapFile's key class. */
export function parseKeyArg(type: WritableType, s: string): unknown {
  const c = type.className.replace('org.apache.hadoop.io.', '');
  const int = (min: number, max: number): number => {
    if (!/^-?\d+$/.test(s) || Number(s) < min || Number(s) > max) throw new CliUsageError(`get: '${s}' is not ${article(c)} key`, 'get');
    return Number(s);
  };
  switch (c) {
    case 'Text':
    case 'UTF8':
      return s;
    case 'ByteWritable':
      return int(-128, 127);
    case 'ShortWritable':
      return int(-32768, 32767);
    case 'IntWritable':
    case 'VIntWritable':
      return int(-2147483648, 2147483647);
    case 'LongWritable':
    case 'VLongWritable':
      if (!/^-?\d+$/.test(s)) throw new CliUsageError(`get: '${s}' is not ${article(c)} key`, 'get');
      return BigInt(s);
    case 'FloatWritable':
    case 'DoubleWritable':
      if (s.trim() === '' || Number.isNaN(Number(s))) throw new CliUsageError(`get: '${s}' is not ${article(c)} key`, 'get');
      return Number(s);
    case 'BooleanWritable':
      if (s !== 'true' && s !== 'false') throw new CliUsageError(`get: '${s}' is not a BooleanWritable key (true or false)`, 'get');
      return s === 'true';
    case 'BytesWritable':
      if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new CliUsageError(`get: BytesWritable keys are given in hex, got '${s}'`, 'get');
      return new Uint8Array(Buffer.from(s, 'hex'));
    default:
      throw new CliUsageError(`get: cannot parse a ${type.className} key from text; pass its serialized bytes with --key-hex`, 'get');
  }
}

export const getCommand: Command = {
  name: 'get',
  summary: 'look keys up in a MapFile or BloomMapFile directory',
  usage: 'get [--closest [--before]] [--key-hex] DIR KEY...',
  examples: [
    'seqcat get users/ grace linus',
    'seqcat get --closest --before users/ bob',
    'seqcat get --key-hex users/ 056772616365',
  ],
  help: [
    'Prints one JSON line per key: {"query", "found", "keyHex", "valueHex", "key", "value"} (key and value as',
    "Java's toString()). Keys are parsed as the MapFile's key class (text for Text, numbers for the numeric",
    'types, hex for BytesWritable); --key-hex takes the serialized key bytes for any class.',
    'BloomMapFiles answer absent keys from the bloom filter without touching the data.',
    'Put negative numbers after --: seqcat get DIR -- -5',
  ],
  options: {
    closest: { type: 'boolean', help: 'the first entry at or after the key (with --before: at or before)' },
    before: { type: 'boolean', help: 'with --closest: look backwards' },
    'key-hex': { type: 'boolean', help: 'keys are serialized bytes in hex' },
    ...READ_OPTIONS,
  },
  async run(values, args, out) {
    needFiles(args.slice(0, 1), 'get', 1, 'DIR');
    if (args.length < 2) throw new CliUsageError('get: missing KEY', 'get');
    if (values.before && !values.closest) throw new CliUsageError('get: --before goes with --closest', 'get');
    const [dir, ...keys] = args as [string, ...string[]];
    const opts = readerOptions(await readContext(values, 'get'));
    const bloom = await stat(join(dir, 'bloom')).then(() => true, () => false);
    const reader: MapFileReader = bloom
      ? await BloomMapFileReader.open(dir, { ...opts, onWarning: (m) => process.stderr.write(`seqcat: ${m}\n`) })
      : await MapFileReader.open(dir, opts);
    try {
      for (const k of keys) {
        if (out.closed) break;
        let probe: Uint8Array;
        if (values['key-hex']) {
          if (!/^([0-9a-fA-F]{2})*$/.test(k)) throw new CliUsageError(`get: --key-hex needs hex bytes, got '${k}'`, 'get');
          probe = new Uint8Array(Buffer.from(k, 'hex'));
        } else {
          probe = reader.serializeKey(parseKeyArg(reader.keyType, k));
        }
        let entry: { key: Uint8Array; value: Uint8Array } | undefined;
        if (values.closest) entry = await reader.getClosestRaw(probe, { before: !!values.before });
        else {
          const v = await reader.getRaw(probe);
          entry = v === undefined ? undefined : { key: probe, value: v };
        }
        const line: Record<string, unknown> = { query: k, found: entry !== undefined };
        if (entry) {
          line.keyHex = hex(entry.key);
          line.valueHex = hex(entry.value);
          line.key = reader.keyType.toString(reader.decodeRaw(reader.keyType, entry.key));
          line.value = reader.valueType.toString(reader.decodeRaw(reader.valueType, entry.value));
        } else {
          line.keyHex = hex(probe);
        }
        await out.line(JSON.stringify(line));
      }
    } finally {
      await reader.close();
    }
    return 0;
  },
};
