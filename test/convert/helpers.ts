// Shared by the conversion tests: the Hadoop corpus with its one user class registered, and what `seqcat json` prints for it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arrayWritableType, createRegistry, TEXT, type WritableRegistry } from '../../src/index.js';
import { HADOOP_DIR, seqEntries, type ManifestEntry } from '../../interop/fixtures.js';
import { seqcat } from '../cli/helpers.js';

/** The corpus' user class, declared as `seqcat --classes` takes it. */
export const CLASSES_JSON = { 'fixtures.TextArrayWritable': { arrayOf: 'org.apache.hadoop.io.Text' } };

/** A registry with the built-ins and the corpus' user class (the library form of CLASSES_JSON). */
export function corpusRegistry(): WritableRegistry {
  const r = createRegistry();
  r.register(arrayWritableType('fixtures.TextArrayWritable', TEXT));
  return r;
}

export const corpus: (ManifestEntry & { file: string })[] = seqEntries.map((e) => ({ ...e, file: join(HADOOP_DIR, e.path) }));

/** One `{"key": ..., "value": ...}` line of `seqcat json`, parsed. */
export interface JsonRecord {
  key: unknown;
  value: unknown;
}

/**
 * What `seqcat json --classes` prints for every corpus SequenceFile, per file:
 * one CLI run over all of them, split by the manifest's record counts.
 */
export async function seqcatJsonOfCorpus(dir: string): Promise<Map<string, JsonRecord[]>> {
  const classes = join(dir, 'classes.json');
  writeFileSync(classes, JSON.stringify(CLASSES_JSON));
  const r = await seqcat(['json', '--classes', classes, ...corpus.map((e) => e.file)]);
  if (r.code !== 0) throw new Error(`seqcat json failed: ${r.stderr}`);
  const lines = r.stdout.split('\n').filter((l) => l.length > 0);
  const total = corpus.reduce((n, e) => n + e.records, 0);
  if (lines.length !== total) throw new Error(`seqcat json printed ${lines.length} records, the manifest says ${total}`);
  const out = new Map<string, JsonRecord[]>();
  let at = 0;
  for (const e of corpus) {
    out.set(e.path, lines.slice(at, at + e.records).map((l) => JSON.parse(l) as JsonRecord));
    at += e.records;
  }
  return out;
}
