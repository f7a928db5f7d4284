import { readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodecRegistry } from '../codec/registry.js';
import { arrayWritableType } from '../writable/array-writable.js';
import { genericWritableType } from '../writable/generic-writable.js';
import type { WritableRegistry } from '../writable/registry.js';
import type { WritableType } from '../writable/types.js';
import { CliUsageError } from './errors.js';

/** `SEQCAT_CLASSES`: class files to load on every run, separated like PATH. */
export const CLASSES_ENV = 'SEQCAT_CLASSES';

/** The class files to load: those in `SEQCAT_CLASSES` first, then each `--classes FILE`. */
export function classFiles(values: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = (env[CLASSES_ENV] ?? '').split(':').filter((p) => p.length > 0);
  const fromArgs = (values.classes as string[] | undefined) ?? [];
  return [...fromEnv, ...fromArgs];
}

/** A class declared in a JSON class file, before its references are resolved. */
interface Declaration {
  file: string;
  className: string;
  arrayOf?: string;
  genericOf?: string[];
}

/**
 * Load user classes into this run's registries. A `.json` file declares
 * ArrayWritable / GenericWritable subclasses without code:
 * `{ "my.TextArray": { "arrayOf": "Text" }, "my.Generic": { "genericOf": ["Text", "IntWritable"] } }`.
 * Any other file is an ES module whose default export is called with
 * `{ registry, codecs, lib }` (lib: this package's exports). JSON references
 * are resolved after every file is loaded, so files may refer to each other.
 */
export async function loadClasses(files: string[], registry: WritableRegistry, codecs: CodecRegistry, command: string): Promise<void> {
  const declared: Declaration[] = [];
  for (const file of files) {
    if (extname(file).toLowerCase() === '.json') declared.push(...(await readDeclarations(file, command)));
    else await runModule(file, registry, codecs, command);
  }
  const names = new Set([...registry.classNames(), ...declared.map((d) => d.className)]);
  for (const d of declared) {
    const ref = (name: unknown, what: string): string => {
      if (typeof name !== 'string' || name === '') throw bad(command, d.file, `${d.className}: ${what} must be a class name`);
      const found = resolveName(name, names);
      if (!found) throw bad(command, d.file, `${d.className}: ${what} '${name}' is not a known class (declare it or load its module first)`);
      return found;
    };
    let type: WritableType;
    if (d.arrayOf !== undefined) type = arrayWritableType(d.className, ref(d.arrayOf, 'arrayOf'));
    else type = genericWritableType(d.className, d.genericOf!.map((c, i) => ref(c, `genericOf[${i}]`)));
    registry.register(type);
  }
}

/** A full class name as given, `Text` as `org.apache.hadoop.io.Text`, or a unique simple name of a known class. */
function resolveName(name: string, known: Set<string>): string | undefined {
  if (known.has(name)) return name;
  if (!name.includes('.')) {
    if (known.has(`org.apache.hadoop.io.${name}`)) return `org.apache.hadoop.io.${name}`;
    const bySimple = [...known].filter((k) => k.endsWith(`.${name}`));
    if (bySimple.length === 1) return bySimple[0];
  }
  return undefined;
}

async function readDeclarations(file: string, command: string): Promise<Declaration[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw bad(command, file, cannotRead(e));
  }
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw bad(command, file, `not valid JSON (${(e as Error).message})`);
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw bad(command, file, 'must be a JSON object of "class.Name": { "arrayOf": ... } or { "genericOf": [...] }');
  const out: Declaration[] = [];
  for (const [className, spec] of Object.entries(o as Record<string, unknown>)) {
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw bad(command, file, `${className}: needs { "arrayOf": CLASS } or { "genericOf": [CLASS, ...] }`);
    const keys = Object.keys(spec);
    const s = spec as { arrayOf?: unknown; genericOf?: unknown };
    if (keys.length !== 1 || (keys[0] !== 'arrayOf' && keys[0] !== 'genericOf')) {
      throw bad(command, file, `${className}: needs exactly one of "arrayOf" or "genericOf", got ${keys.length === 0 ? 'nothing' : keys.map((k) => `"${k}"`).join(', ')}`);
    }
    if (s.genericOf !== undefined && (!Array.isArray(s.genericOf) || s.genericOf.length === 0 || s.genericOf.length > 256)) {
      throw bad(command, file, `${className}: genericOf must be a list of 1 to 256 class names`);
    }
    out.push({ file, className, ...(s.arrayOf !== undefined ? { arrayOf: s.arrayOf as string } : { genericOf: s.genericOf as string[] }) });
  }
  return out;
}

async function runModule(file: string, registry: WritableRegistry, codecs: CodecRegistry, command: string): Promise<void> {
  try {
    await stat(file);
  } catch (e) {
    throw bad(command, file, cannotRead(e));
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown };
  } catch (e) {
    throw bad(command, file, `cannot load: ${String((e as Error)?.message ?? e)}`);
  }
  if (typeof mod.default !== 'function') throw bad(command, file, 'an ES module whose default export is a function ({ registry, codecs, lib }) => ...; found no such default export');
  const lib = await import('../index.js');
  try {
    await (mod.default as (ctx: unknown) => unknown)({ registry, codecs, lib });
  } catch (e) {
    throw bad(command, file, `its default export failed: ${String((e as Error)?.message ?? e)}`);
  }
}

function cannotRead(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String((e as Error)?.message ?? e);
}

function bad(command: string, file: string, what: string): CliUsageError {
  return new CliUsageError(`${command}: --classes ${file}: ${what}`, command);
}
