import { hex } from '../../seq/dump.js';
import type { BlockInfo } from '../../seq/reader.js';
import { needFiles } from '../args.js';
import { openInput } from '../inputs.js';
import type { Command } from './index.js';

/** Lists longer than this print their first entries and a count of the rest. */
const SHOW = 12;

export const infoCommand: Command = {
  name: 'info',
  summary: 'header, classes, compression, metadata, sync marker, record and block counts, sizes',
  usage: 'info [--json] FILE|DIR',
  examples: ['seqcat info part-00000', 'seqcat info --json part-00000 | jq .records'],
  help: [
    'Reads the whole file: the record count, every sync marker\'s offset, every block\'s offset, record',
    'count and size, and the serialized (uncompressed) size of keys and values, from which the',
    'compression ratio (serialized bytes / stored bytes) follows. --json prints one object with every list in full.',
  ],
  options: { json: { type: 'boolean', help: 'one JSON object instead of the table' } },
  async run(values, files, out) {
    needFiles(files, 'info', 1);
    const { reader, dataPath } = await openInput(files[0]!);
    const syncs: number[] = [];
    const blocks: BlockInfo[] = [];
    reader.observer = { onSync: (o) => syncs.push(o), onBlock: (b) => blocks.push(b) };
    const h = reader.header;
    let records = 0;
    let keyBytes = 0;
    let valueBytes = 0;
    let storedValueBytes = 0;
    try {
      await reader.forEachRaw((raw) => {
        records++;
        keyBytes += raw.key.length;
        if (h.compression === 'RECORD') storedValueBytes += raw.storedValue.length;
        valueBytes += raw.value.length;
      });
    } finally {
      await reader.close();
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
      ['file', info.file],
      ['version', `SEQ${h.version}`],
      ['key class', h.keyClassName],
      ['value class', h.valueClassName],
      ['compression', h.compression],
      ['codec', h.codecClassName ?? '(none)'],
      ['metadata', h.metadata.length === 0 ? '(none)' : `${h.metadata.length} pair${h.metadata.length === 1 ? '' : 's'}`],
      ...h.metadata.map(([k, v]): [string, string] => ['', `${k} = ${v}`]),
      ['sync marker', info.sync ?? '(none: version 1 files have no sync markers)'],
      ['header length', `${h.headerLength} bytes`],
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

function list(xs: number[]): string {
  const head = xs.slice(0, SHOW).join(', ');
  return xs.length > SHOW ? `${head}, ... (${xs.length - SHOW} more)` : head;
}

function ratio(raw: number, stored: number): number {
  return stored === 0 ? 0 : Math.round((raw / stored) * 100) / 100;
}
