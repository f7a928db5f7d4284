// Helpers shared by the interop tests: where the Hadoop corpus is and what its manifest says.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HADOOP_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'hadoop');

export interface ManifestEntry {
  path: string;
  kind: string;
  expected: string;
  description: string;
  keyClass: string;
  valueClass: string;
  compression: 'NONE' | 'RECORD' | 'BLOCK';
  codec: string | null;
  compressor: string | null;
  records: number;
  blockSize: number | null;
  syncInterval: number | null;
  /** e.g. "{0=1, 1=1, 5=2, 30=1}": explicit writer.sync() calls before record N. */
  explicitSyncBefore: string | null;
  appendedAt: number | null;
  bytes: number;
  sha256: string;
}

export const manifest: ManifestEntry[] = JSON.parse(readFileSync(join(HADOOP_DIR, 'MANIFEST.json'), 'utf8')).entries;

export const seqEntries = manifest.filter((e) => e.kind === 'SequenceFile');

export function expectedLines(e: { expected: string }): string[] {
  return readFileSync(join(HADOOP_DIR, e.expected), 'utf8').split('\n').filter((l) => l.length > 0);
}

/** Parse "{0=1, 5=2}" into a map from record index to the number of sync() calls before it. */
export function parseSyncCalls(s: string | null): Map<number, number> {
  const m = new Map<number, number>();
  if (!s) return m;
  for (const part of s.replace(/[{}\s]/g, '').split(',')) {
    if (!part) continue;
    const [k, v] = part.split('=');
    m.set(Number(k), Number(v));
  }
  return m;
}

/** The fixture's sync marker, from its expected header line. */
export function fixtureSync(e: { expected: string }): Uint8Array {
  const header = JSON.parse(expectedLines(e)[0]!);
  return new Uint8Array(Buffer.from(header.sync as string, 'hex'));
}
