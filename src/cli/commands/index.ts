import type { LineOutput } from '../output.js';
import { catCommand, headCommand } from './cat-command.js';
import { dumpCommand } from './dump-command.js';
import { countCommand } from './count-command.js';
import { infoCommand } from './info-command.js';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  example: string;
  help?: string[];
  options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
  run(values: Record<string, unknown>, files: string[], out: LineOutput): Promise<number>;
}

export const COMMANDS: Record<string, Command> = Object.fromEntries(
  [catCommand, headCommand, dumpCommand, countCommand, infoCommand].map((c) => [c.name, c]),
);
