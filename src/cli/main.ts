#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { LineOutput } from './output.js';
import { CliUsageError, EXIT_OK, describeError } from './errors.js';
import { COMMANDS, type Command } from './commands/index.js';

function version(): string {
  // dist/src/cli/main.js → package.json three levels up
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../../..', '../..']) {
    try {
      return JSON.parse(readFileSync(join(here, up, 'package.json'), 'utf8')).version as string;
    } catch {
      /* try the next layout */
    }
  }
  return 'unknown';
}

function usage(): string {
  const lines = [
    'seqcat: read, inspect and write Hadoop SequenceFiles and MapFiles without a JVM',
    '',
    'Usage: seqcat [COMMAND] [OPTIONS] FILE...',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.name.padEnd(8)} ${c.summary}`),
    '',
    'With no command, `seqcat FILE...` is `seqcat cat FILE...`.',
    'Run `seqcat COMMAND --help` for a command\'s options and an example.',
    '',
    'Exit codes: 0 ok, 1 bad data or I/O error, 2 usage error.',
  ];
  return lines.join('\n');
}

function commandHelp(c: Command): string {
  return [`Usage: seqcat ${c.usage}`, '', c.summary, '', ...(c.help ?? []), '', 'Example:', `  ${c.example}`].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const out = new LineOutput();
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      process.stdout.write(usage() + '\n');
      return argv.length === 0 ? 2 : EXIT_OK;
    }
    if (argv[0] === '--version' || argv[0] === '-V') {
      process.stdout.write(`seqcat ${version()}\n`);
      return EXIT_OK;
    }
    let name = argv[0]!;
    let rest = argv.slice(1);
    if (!(name in COMMANDS)) {
      if (name.startsWith('-') && !name.startsWith('--')) {
        // options before files, e.g. `seqcat -n 5 FILE` is not a thing: treat as cat options
      }
      name = 'cat';
      rest = argv;
    }
    const cmd = COMMANDS[name]!;
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...cmd.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new CliUsageError((e as Error).message);
    }
    if (parsed.values.help) {
      process.stdout.write(commandHelp(cmd) + '\n');
      return EXIT_OK;
    }
    const code = await cmd.run(parsed.values as Record<string, unknown>, parsed.positionals, out);
    await out.flush();
    return code;
  } catch (e) {
    await out.flush().catch(() => {});
    const { line, code } = describeError(e);
    process.stderr.write(line + '\n');
    return code;
  }
}

const invokedDirectly = process.argv[1] && fileURLToPath(import.meta.url) === (await import('node:fs')).realpathSync(process.argv[1]);
if (invokedDirectly) {
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
}
