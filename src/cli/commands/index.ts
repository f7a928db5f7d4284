import type { LineOutput } from '../output.js';
import { catCommand, headCommand, tailCommand } from './cat-command.js';
import { dumpCommand } from './dump-command.js';
import { countCommand } from './count-command.js';
import { infoCommand } from './info-command.js';
import { jsonCommand } from './json-command.js';
import { convertCommand } from './convert-command.js';
import { createCommand } from './create-command.js';
import { verifyCommand } from './verify-command.js';
import { recoverCommand } from './recover-command.js';
import { getCommand } from './get-command.js';
import { fixCommand } from './fix-command.js';
import { splitsCommand } from './splits-command.js';

export interface CommandOption {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder for the value in help (`N`, `NAME`). */
  arg?: string;
  /** One line for `--help`. */
  help?: string;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Command lines shown under "Examples" in `--help`. */
  examples: string[];
  help?: string[];
  options: Record<string, CommandOption>;
  /** Resolves to the exit code. */
  run(values: Record<string, unknown>, files: string[], out: LineOutput): Promise<number>;
}

export const COMMANDS: Record<string, Command> = Object.fromEntries(
  [
    catCommand,
    headCommand,
    tailCommand,
    countCommand,
    infoCommand,
    jsonCommand,
    dumpCommand,
    convertCommand,
    createCommand,
    verifyCommand,
    recoverCommand,
    getCommand,
    fixCommand,
    splitsCommand,
  ].map((c) => [c.name, c]),
);
