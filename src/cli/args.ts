import { CliUsageError } from './errors.js';
import type { CompressionType } from '../seq/constants.js';

/** A non-negative integer option (`-n 5`, `--block-size 1000000`), or `def` when absent. */
export function intOption(values: Record<string, unknown>, name: string, command: string, def: number, min?: number, short?: string): number;
export function intOption(values: Record<string, unknown>, name: string, command: string, def: undefined, min?: number, short?: string): number | undefined;
export function intOption(values: Record<string, unknown>, name: string, command: string, def: number | undefined, min = 0, short?: string): number | undefined {
  const v = values[name];
  if (v === undefined) return def;
  const s = String(v).replace(/_/g, '');
  const n = /^\d+$/.test(s) ? Number(s) : NaN;
  const flag = short ? `-${short}` : `--${name}`;
  if (!Number.isSafeInteger(n) || n < min) throw new CliUsageError(`${command}: ${flag} needs an integer >= ${min}, got '${String(v)}'`, command);
  return n;
}

/** `--compression NONE|RECORD|BLOCK` (any case). */
export function compressionOption(values: Record<string, unknown>, command: string): CompressionType | undefined {
  const v = values.compression;
  if (v === undefined) return undefined;
  const c = String(v).toUpperCase();
  if (c !== 'NONE' && c !== 'RECORD' && c !== 'BLOCK') throw new CliUsageError(`${command}: --compression must be NONE, RECORD or BLOCK, got '${String(v)}'`, command);
  return c;
}

/** `--bytes base64|hex`. */
export function bytesOption(values: Record<string, unknown>, command: string): 'base64' | 'hex' {
  const v = values.bytes ?? 'base64';
  if (v !== 'base64' && v !== 'hex') throw new CliUsageError(`${command}: --bytes must be base64 or hex, got '${String(v)}'`, command);
  return v;
}

/** Exactly `n` positional arguments (or at least one when n is '+'). */
export function needFiles(files: string[], command: string, n: number | '+', what = 'FILE'): void {
  if (n === '+') {
    if (files.length === 0) throw new CliUsageError(`${command}: no input files`, command);
    return;
  }
  if (files.length < n) throw new CliUsageError(`${command}: missing ${what}`, command);
  if (files.length > n) throw new CliUsageError(`${command}: too many arguments (expected ${what})`, command);
}
