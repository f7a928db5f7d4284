import { SequenceFileReader, type BlockInfo } from '../../seq/reader.js';
import { hex } from '../../seq/dump.js';
import { CliUsageError } from '../errors.js';
import { resolveInput } from '../inputs.js';
import type { Command } from './index.js';

export const infoCommand: Command = {
  name: 'info',
  summary: 'header, classes, compression, metadata, sync marker, record and block counts',
  usage: 'info [--json] FILE|DIR',
  example: 'seqcat info --json part-00000',
  options: { json: { type: 'boolean' } },
  async run(values, files, out) {
    if (files.length !== 1) throw new CliUsageError('info: give exactly one file');
    const { dataPath } = await resolveInput(files[0]!);
    const reader = await SequenceFileReader.open(dataPath);
    const syncs: number[] = [];
    const blocks: BlockInfo[] = [];
    reader.observer = { onSync: (o) => syncs.push(o), onBlock: (b) => blocks.push(b) };
    let records = 0;
    let keyBytes = 0;
    let valueBytes = 0;
    try {
      for (;;) {
        const raw = await reader.nextRaw();
        if (raw === null) break;
        records++;
        keyBytes += raw.key.length;
        valueBytes += reader.header.compression === 'RECORD' ? raw.storedValue.length : raw.value.length;
      }
    } finally {
      await reader.close();
    }
    const h = reader.header;
    const fileLength = reader.position;
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
      syncMarkers: syncs.length,
      syncOffsets: syncs,
      ...(h.compression === 'BLOCK'
        ? {
            blocks: blocks.length,
            blockSizes: blocks.map((b) => b.end - b.offset),
            rawBytes: keyBytes + valueBytes,
            compressionRatio: ratio(keyBytes + valueBytes, blocks.reduce((s, b) => s + (b.end - b.offset), 0)),
          }
        : {}),
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
      ['compression', h.compression + (h.codecClassName ? ` (${h.codecClassName})` : '')],
      ['metadata', h.metadata.length === 0 ? '(none)' : h.metadata.map(([k, v]) => `${k}=${v}`).join(', ')],
      ['sync marker', info.sync ?? '(none: version 1)'],
      ['header length', String(h.headerLength)],
      ['file length', String(fileLength)],
      ['records', String(records)],
      ['sync markers', `${syncs.length}${syncs.length ? ` at ${syncs.slice(0, 8).join(', ')}${syncs.length > 8 ? ', ...' : ''}` : ''}`],
    ];
    if (h.compression === 'BLOCK') {
      rows.push(['blocks', String(blocks.length)]);
      rows.push(['compression ratio', String(info.compressionRatio)]);
    }
    for (const [k, v] of rows) await out.line(`${(k + ':').padEnd(19)}${v}`);
    return 0;
  },
};

function ratio(raw: number, stored: number): number {
  return stored === 0 ? 0 : Math.round((raw / stored) * 100) / 100;
}
