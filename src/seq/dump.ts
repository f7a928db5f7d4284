import { createHash } from 'node:crypto';
import type { SourceInput } from '../io/source.js';
import type { WritableType } from '../writable/types.js';
import { SequenceFileReader, type BlockInfo, type SequenceFileReaderOptions } from './reader.js';
import type { RawRecord } from './raw-record.js';

/** Fields longer than this many serialized bytes are summarised by hash and head. */
const MAX_HEX_BYTES = 65536;
/** `toString()` results longer than this many characters are summarised. */
const MAX_STRING_CHARS = 16384;

export interface DumpOptions extends SequenceFileReaderOptions {
  /** Adds `"part": NAME` to every line (MapFile `data`/`index`). */
  part?: string;
}

/**
 * The interop JSON Lines for a SequenceFile: one `header` line (with record
 * count, sync offsets and blocks, found by a first pass that decodes nothing),
 * then one `record` line per record with raw bytes in hex and Java
 * `toString()`. The same format Hadoop's own reader produced for the corpus
 * (see interop/fixtures/hadoop/FORMAT.md), so any file can be checked against Java.
 */
export async function* dumpSequenceFile(input: SourceInput, opts: DumpOptions = {}): AsyncGenerator<string> {
  const reader = await SequenceFileReader.open(input, opts);
  try {
    const h = reader.header;
    const part = opts.part === undefined ? {} : { part: opts.part };
    const syncOffsets: number[] = [];
    const blocks: BlockInfo[] = [];
    reader.observer = { onSync: (o) => syncOffsets.push(o), onBlock: (b) => blocks.push(b) };
    let records = 0;
    for (;;) {
      const raw = await reader.nextRaw();
      if (raw === null) break;
      records++;
    }
    reader.observer = null;
    const header: Record<string, unknown> = {
      type: 'header',
      ...part,
      format: 'SequenceFile',
      version: h.version,
      keyClass: h.keyClassName,
      valueClass: h.valueClassName,
      compressed: h.compression !== 'NONE',
      blockCompressed: h.compression === 'BLOCK',
      compression: h.compression,
      codec: h.codecClassName,
      metadata: h.metadata,
      sync: h.sync ? hex(h.sync) : null,
      headerLength: h.headerLength,
      fileLength: reader.position,
      records,
      syncOffsets,
    };
    if (h.compression === 'BLOCK') header.blocks = blocks;
    yield JSON.stringify(header);

    await reader.seek(h.headerLength);
    const kt = reader.keyType;
    const vt = reader.valueType;
    for (let i = 0; ; i++) {
      const raw = await reader.nextRaw();
      if (raw === null) break;
      const line: Record<string, unknown> = { type: 'record', ...part, i };
      if (h.compression === 'BLOCK') line.block = raw.block;
      else {
        line.pos = raw.position;
        line.syncBefore = raw.syncBefore;
      }
      const value = raw.value;
      line.keyClass = h.keyClassName;
      line.valueClass = h.valueClassName;
      line.keyLength = raw.key.length;
      line.valueLength = value.length;
      if (h.compression === 'RECORD') line.valueStoredLength = raw.storedValue.length;
      field(line, 'key', raw.key, () => reader.decodeKey(raw), kt);
      field(line, 'value', value, () => reader.decodeValue(raw), vt);
      yield JSON.stringify(line);
    }
  } finally {
    await reader.close();
  }
}

function field(line: Record<string, unknown>, name: string, bytes: Uint8Array, decode: () => unknown, type: WritableType): void {
  if (bytes.length > MAX_HEX_BYTES) {
    line[`${name}Hex`] = null;
    line[`${name}Sha256`] = sha256(bytes);
    line[`${name}HexHead`] = hex(bytes.subarray(0, 32));
  } else {
    line[`${name}Hex`] = hex(bytes);
  }
  const v = decode();
  if (type.isToStringStable && !type.isToStringStable(v)) {
    line[name] = null;
    line[`${name}ToStringUnstable`] = true;
    return;
  }
  const s = type.toString(v);
  if (s.length > MAX_STRING_CHARS) {
    line[name] = null;
    line[`${name}StringLength`] = s.length;
    line[`${name}StringSha256`] = sha256(new TextEncoder().encode(s));
    line[`${name}StringHead`] = s.slice(0, 200);
  } else {
    line[name] = s;
  }
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export type { RawRecord };
