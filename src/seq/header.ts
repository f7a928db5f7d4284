import { ByteReader } from '../io/byte-reader.js';
import { ByteWriter } from '../io/byte-writer.js';
import { CorruptFileError, UnsupportedFormatError } from '../io/errors.js';
import { decodeJavaUtf8, encodeJavaUtf8 } from '../io/utf8.js';
import {
  BLOCK_COMPRESS_VERSION,
  CURRENT_VERSION,
  CUSTOM_COMPRESS_VERSION,
  DEFAULT_CODEC_CLASS,
  MAGIC,
  SYNC_HASH_SIZE,
  VERSION_WITH_METADATA,
  type CompressionType,
} from './constants.js';

/** Everything a SequenceFile header says. */
export interface SequenceFileHeader {
  /** 1..6; Hadoop writes 6. */
  version: number;
  keyClassName: string;
  valueClassName: string;
  compression: CompressionType;
  /** Codec class name; for compressed files before version 5 this is DefaultCodec, implied. */
  codecClassName: string | null;
  /** Metadata pairs in file order (Hadoop writes them sorted by key bytes). */
  metadata: [string, string][];
  /** The 16-byte sync marker; null for version 1 files, which have none. */
  sync: Uint8Array | null;
  /** Byte offset just past the header: where the first record or sync marker starts. */
  headerLength: number;
}

/**
 * Parse a header from the start of `r`. Throws TruncatedFileError if the
 * bytes end early (the caller may retry with more), CorruptFileError if they
 * are not a SequenceFile.
 */
export function parseHeader(r: ByteReader): SequenceFileHeader {
  r.need(4, 'header');
  if (r.buf[r.pos] !== MAGIC[0] || r.buf[r.pos + 1] !== MAGIC[1] || r.buf[r.pos + 2] !== MAGIC[2]) {
    throw new CorruptFileError('not a SequenceFile (no SEQ magic)', { file: r.file, offset: r.offset });
  }
  r.skip(3);
  const versionAt = r.pos;
  const version = r.readUint8();
  if (version < 1 || version > CURRENT_VERSION) {
    throw new UnsupportedFormatError(`unsupported SequenceFile version ${version} (this reader knows 1..${CURRENT_VERSION})`, {
      file: r.file,
      offset: r.base + versionAt,
    });
  }
  let keyClassName: string;
  let valueClassName: string;
  if (version < BLOCK_COMPRESS_VERSION) {
    keyClassName = readUtf8ClassName(r);
    valueClassName = readUtf8ClassName(r);
  } else {
    keyClassName = r.readText();
    valueClassName = r.readText();
  }
  const compressed = version > 2 ? r.readBoolean() : false;
  const blockCompressed = version >= BLOCK_COMPRESS_VERSION ? r.readBoolean() : false;
  let codecClassName: string | null = null;
  if (compressed) codecClassName = version >= CUSTOM_COMPRESS_VERSION ? r.readText() : DEFAULT_CODEC_CLASS;
  const metadata: [string, string][] = [];
  if (version >= VERSION_WITH_METADATA) {
    const countAt = r.pos;
    const count = r.readInt32();
    if (count < 0 || count > r.limits.maxElements) r.corrupt(`invalid metadata count ${count}`, countAt);
    for (let i = 0; i < count; i++) {
      if (r.remaining < 2) r.truncated('metadata', 2);
      metadata.push([r.readText(), r.readText()]);
    }
  }
  let sync: Uint8Array | null = null;
  if (version > 1) sync = r.readBytes(SYNC_HASH_SIZE).slice();
  return {
    version,
    keyClassName,
    valueClassName,
    compression: !compressed ? 'NONE' : blockCompressed ? 'BLOCK' : 'RECORD',
    codecClassName,
    metadata,
    sync,
    headerLength: r.offset,
  };
}

/** Pre-version-4 class names: `UTF8` strings (unsigned 16-bit length). */
function readUtf8ClassName(r: ByteReader): string {
  const n = r.readUint16();
  return decodeJavaUtf8(r.readBytes(n));
}

/** Sort metadata as Hadoop's TreeMap<Text, Text> does: by key bytes, unsigned. */
export function sortMetadata(pairs: Iterable<[string, string]>): [string, string][] {
  // Keys compare as the Text bytes Java writes (a lone surrogate becomes '?')
  const withBytes = [...pairs].map((p) => ({ p, k: encodeJavaUtf8(p[0]) }));
  withBytes.sort((a, b) => compareBytes(a.k, b.k));
  // TreeMap keeps one value per key: the last put wins
  const out: { p: [string, string]; k: Uint8Array }[] = [];
  for (const e of withBytes) {
    if (out.length && compareBytes(out[out.length - 1]!.k, e.k) === 0) out[out.length - 1] = e;
    else out.push(e);
  }
  return out.map((e) => e.p);
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Serialize a version-6 header exactly as `SequenceFile.Writer` does. */
export function writeHeader(w: ByteWriter, h: Omit<SequenceFileHeader, 'version' | 'headerLength'>): void {
  w.writeBytes(MAGIC);
  w.writeUint8(CURRENT_VERSION);
  w.writeText(h.keyClassName);
  w.writeText(h.valueClassName);
  w.writeBoolean(h.compression !== 'NONE');
  w.writeBoolean(h.compression === 'BLOCK');
  if (h.compression !== 'NONE') w.writeText(h.codecClassName ?? DEFAULT_CODEC_CLASS);
  w.writeInt32(h.metadata.length);
  for (const [k, v] of h.metadata) {
    w.writeText(k);
    w.writeText(v);
  }
  if (!h.sync || h.sync.length !== SYNC_HASH_SIZE) throw new Error('sync marker must be 16 bytes');
  w.writeBytes(h.sync);
}
