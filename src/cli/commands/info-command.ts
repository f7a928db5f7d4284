import { hex } from '../../seq/dump.js';
import type { BlockInfo } from '../../seq/reader.js';
import type { SequenceFileHeader } from '../../seq/header.js';
import { needFiles } from '../args.js';
import { inputArgs, openInput, singleInput } from '../inputs.js';
import { READ_OPTIONS, readContext } from '../read-context.js';
import { CorruptFileError } from '../../io/errors.js';
import type { Command } from './index.js';

/** Lists longer than this print their first entries and a count of the rest. */
const SHOW = 12;

export const infoCommand: Command = {
  name: 'info',
  summary: 'header, classes, compression, metadata, sync marker, record and block counts, sizes',
  usage: 'info [--json] [OPTIONS] FILE|DIR|-',
  examples: ['seqcat info part-00000', 'seqcat info --json part-00000 | jq .records'],
  help: [
    'Reads the whole file: the record count, every sync marker\'s offset, every block\'s offset, record',
    'count and size, and the serialized (uncompressed) size of keys and values, from which the',
    'compression ratio (serialized bytes / stored bytes) follows. --json prints one object with every list in full.',
    'A damaged file still prints the header (and the records read before the damage: "records read" in the',
    'table, `"damaged": true` in JSON), then the error on stderr (exit 1).',
  ],
  options: { json: { type: 'boolean', help: 'one JSON object instead of the table' }, ...READ_OPTIONS },
  async run(values, files, out) {
    const args = inputArgs(files, 'info');
    needFiles(args, 'info', 1);
    const ctx = await readContext(values, 'info');
    const { reader, dataPath } = await openInput(await singleInput(args[0]!, 'info'), ctx);
    const syncs: number[] = [];
    const blocks: BlockInfo[] = [];
    reader.observer = { onSync: (o) => syncs.push(o), onBlock: (b) => blocks.push(b) };
    const h = reader.header;
    let records = 0;
    let keyBytes = 0;
    let valueBytes = 0;
    let storedValueBytes = 0;
    let damage: CorruptFileError | null = null;
    try {
      await reader.forEachRaw((raw) => {
        records++;
        keyBytes += raw.key.length;
        if (h.compression === 'RECORD') storedValueBytes += raw.storedValue.length;
        valueBytes += raw.value.length;
      });
    } catch (e) {
      if (!(e instanceof CorruptFileError)) throw e;
      damage = e;
    } finally {
      await reader.close();
    }
    if (damage) {
      // what the header said, then the error
      if (values.json) {
        await out.line(JSON.stringify({ file: dataPath, version: h.version, keyClass: h.keyClassName, valueClass: h.valueClassName, compression: h.compression, codec: h.codecClassName, metadata: Object.fromEntries(h.metadata), sync: h.sync ? hex(h.sync) : null, headerLength: h.headerLength, recordsRead: records, damaged: true }));
      } else {
        for (const [k, v] of headerRows(dataPath, h)) await out.line(`${(k ? k + ':' : '').padEnd(19)}${v}`);
        await out.line(`${'records read:'.padEnd(19)}${records} before the damage`);
      }
      throw damage;
    }
    const fileLength = reader.position;
    const serialized = keyBytes + valueBytes;
    let stored: number | null = null;
    if (h.compression === 'BLOCK') stored = blocks.reduce((s, b) => s + (b.end - b.offset), 0);
    else if (h.compression === 'RECORD') stored = keyBytes + storedValueBytes;
    const info = {
      file: dataPath,
      version: h.version,
      keyClass: h.keyClassName,
      valueClass: h.valueClassName,
      compression: h.compression,
      codec: h.codecClassName,
      metadata: Object.fromEntries(h.metadata),
      sync: h.sync ? hex(h.sync) : null,
      headerLength: h.headerLength,
      fileLength,
      records,
      syncOffsets: syncs,
      ...(h.compression === 'BLOCK' ? { blocks: blocks.map((b) => ({ offset: b.offset, records: b.records, bytes: b.end - b.offset })) } : {}),
      keyBytes,
      valueBytes,
      storedBytes: stored ?? serialized,
      compressionRatio: stored === null ? null : ratio(serialized, stored),
    };
    if (values.json) {
      await out.line(JSON.stringify(info));
      return 0;
    }
    const rows: [string, string][] = [
      ...headerRows(info.file, h),
      ['file length', `${fileLength} bytes`],
      ['records', String(records)],
      ['sync markers', syncs.length === 0 ? '0' : `${syncs.length} at ${list(syncs)}`],
    ];
    if (h.compression === 'BLOCK') {
      const sizes = blocks.map((b) => b.end - b.offset);
      rows.push(['blocks', String(blocks.length)]);
      if (blocks.length > 0) {
        rows.push(['block sizes', `${list(sizes)} bytes (min ${Math.min(...sizes)}, max ${Math.max(...sizes)})`]);
        rows.push(['block records', list(blocks.map((b) => b.records))]);
      }
    }
    rows.push(['serialized', `${serialized} bytes (keys ${keyBytes}, values ${valueBytes})`]);
    if (stored !== null) {
      rows.push(['stored', `${stored} bytes (${h.compression === 'BLOCK' ? 'blocks with their sync markers' : 'keys and compressed values'})`]);
      rows.push(['compression ratio', `${info.compressionRatio}`]);
    }
    for (const [k, v] of rows) await out.line(`${(k ? k + ':' : '').padEnd(19)}${v}`);
    return 0;
  },
};

/** The table rows the header alone gives. */
function headerRows(file: string, h: SequenceFileHeader): [string, string][] {
  return [
    ['file', file],
    ['version', `SEQ${h.version}`],
    ['key class', h.keyClassName],
    ['value class', h.valueClassName],
    ['compression', h.compression],
    ['codec', h.codecClassName ?? '(none)'],
    ['metadata', h.metadata.length === 0 ? '(none)' : `${h.metadata.length} pair${h.metadata.length === 1 ? '' : 's'}`],
    ...h.metadata.map(([k, v]): [string, string] => ['', `${k} = ${v}`]),
    ['sync marker', h.sync ? hex(h.sync) : '(none: version 1 files have no sync markers)'],
    ['header length', `${h.headerLength} bytes`],
  ];
}

function list(xs: number[]): string {
  const head = xs.slice(0, SHOW).join(', ');
  return xs.length > SHOW ? `${head}, ... (${xs.length - SHOW} more)` : head;
}

function ratio(raw: number, stored: number): number {
  return stored === 0 ? 0 : Math.round((raw / stored) * 100) / 100;
}
