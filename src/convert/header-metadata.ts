import type { SequenceFileHeader } from '../seq/header.js';
import type { ColumnKind } from './columns.js';

/** Prefix of the key-value metadata entries that carry a SequenceFile's header into Parquet and Arrow. */
export const META_PREFIX = 'hadoop.sequencefile.';

/** What the Parquet / Arrow key-value metadata says about the SequenceFile it came from. */
export interface SourceDescription {
  keyClass: string;
  valueClass: string;
  keyKind: ColumnKind;
  valueKind: ColumnKind;
  version: number;
  compression: string;
  codec: string | null;
  /** The header metadata pairs, in file order. */
  metadata: [string, string][];
}

/** The header of the (first) input and the column kinds as key-value pairs. */
export function describeSource(h: SequenceFileHeader, keyKind: ColumnKind, valueKind: ColumnKind): [string, string][] {
  return [
    [META_PREFIX + 'keyClass', h.keyClassName],
    [META_PREFIX + 'valueClass', h.valueClassName],
    [META_PREFIX + 'keyColumn', keyKind],
    [META_PREFIX + 'valueColumn', valueKind],
    [META_PREFIX + 'version', String(h.version)],
    [META_PREFIX + 'compression', h.compression],
    ...(h.codecClassName ? ([[META_PREFIX + 'codec', h.codecClassName]] as [string, string][]) : []),
    [META_PREFIX + 'metadata', JSON.stringify(h.metadata)],
  ];
}

/** Read back what `describeSource` wrote; undefined when the file was not written by it. */
export function readSourceDescription(pairs: Iterable<[string, string | undefined]>): SourceDescription | undefined {
  const m = new Map<string, string>();
  for (const [k, v] of pairs) if (k.startsWith(META_PREFIX) && v !== undefined) m.set(k.slice(META_PREFIX.length), v);
  const keyClass = m.get('keyClass');
  const valueClass = m.get('valueClass');
  if (keyClass === undefined || valueClass === undefined) return undefined;
  let metadata: [string, string][] = [];
  try {
    const parsed: unknown = JSON.parse(m.get('metadata') ?? '[]');
    if (Array.isArray(parsed) && parsed.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string')) {
      metadata = parsed as [string, string][];
    }
  } catch {
    // a foreign or damaged entry: the records still convert, without the metadata
  }
  return {
    keyClass,
    valueClass,
    keyKind: (m.get('keyColumn') ?? 'binary') as ColumnKind,
    valueKind: (m.get('valueColumn') ?? 'binary') as ColumnKind,
    version: Number(m.get('version') ?? 6),
    compression: m.get('compression') ?? 'NONE',
    codec: m.get('codec') ?? null,
    metadata,
  };
}
