#!/usr/bin/env node
import { readFileSync, realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { LineOutput } from './output.js';
import { CliUsageError, EXIT_OK, describeError } from './errors.js';
import { exists } from './inputs.js';
import { COMMANDS, type Command } from './commands/index.js';

function version(): string {
  // dist/src/cli/main.js → package.json three levels up; src/cli/main.ts → two
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

export function usage(): string {
  return [
    'seqcat: read, inspect and write Hadoop SequenceFiles (and MapFile data) without a JVM',
    '',
    'Usage: seqcat [COMMAND] [OPTIONS] FILE...',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.name.padEnd(8)} ${c.summary}`),
    '',
    'With no command, `seqcat FILE...` is `seqcat cat FILE...`. A MapFile directory reads its data file, a',
    'job output directory its part-* files; quoted globs are expanded; `-` is stdin (or stdout for an output),',
    'and stdin is read when no file is given. User classes: --classes FILE or $SEQCAT_CLASSES (see',
    '`seqcat cat --help`). Run `seqcat COMMAND --help` for options and examples.',
    '',
    'Examples:',
    '  seqcat part-00000                       records as key<TAB>value',
    '  seqcat tail -n 5 part-00000             the last 5 records, read from near the end',
    '  seqcat info part-00000                  classes, codec, metadata, blocks, sync markers',
    '  seqcat json part-00000 | jq .value      records as JSON Lines',
    "  seqcat count out/ 'logs/*/part-*'       a job output directory, a glob seqcat expands",
    '  seqcat --classes my.json part-00000     with your ArrayWritable/GenericWritable subclasses',
    '',
    'Exit codes: 0 ok, 1 bad data or I/O error, 2 usage error.',
  ].join('\n');
}

export function commandHelp(c: Command): string {
  const opts = Object.entries(c.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.arg ? ` ${o.arg}` : ''}`;
    return `  ${flag.padEnd(28)} ${o.help ?? ''}`.trimEnd();
  });
  opts.push(`  ${'-h, --help'.padEnd(28)} this help`);
  return [
    `Usage: seqcat ${c.usage}`,
    '',
    c.summary.charAt(0).toUpperCase() + c.summary.slice(1) + '.',
    ...(c.help && c.help.length ? ['', ...c.help] : []),
    '',
    'Options:',
    ...opts,
    '',
    'Examples:',
    ...c.examples.map((e) => `  ${e}`),
  ].join('\n');
}

function parse(cmd: Command, args: string[]): { values: Record<string, unknown>; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(cmd.options)) {
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, unknown>, positionals };
  } catch (e) {
    throw new CliUsageError(`${cmd.name}: ${shortParseError((e as Error).message)}`, cmd.name);
  }
}

/** Node's parseArgs messages are long and multi-sentence: keep the first. */
function shortParseError(m: string): string {
  const unknown = /Unknown option '([^']+)'/.exec(m);
  if (unknown) return `unknown option '${unknown[1]}'`;
  const missing = /Option '([^']+)' argument missing/.exec(m);
  if (missing) return `option '${missing[1].replace(/^-., /, '')}' needs a value`;
  return m.split(/\.\s/)[0]!.replace(/\.$/, '');
}

export async function main(argv: string[]): Promise<number> {
  const out = new LineOutput();
  try {
    // `seqcat < file` (or a pipe) is `seqcat cat -`
    if (argv.length === 0 && process.stdin.isTTY) throw new CliUsageError('no command or file given');
    const first = argv[0] ?? '-';
    if (first === '--help' || first === '-h' || first === 'help') {
      const c = argv[1] === undefined ? undefined : COMMANDS[argv[1]];
      if (argv[1] !== undefined && !c) throw new CliUsageError(`help: unknown command '${argv[1]}'`);
      process.stdout.write((c ? commandHelp(c) : usage()) + '\n');
      return EXIT_OK;
    }
    if (first === '--version' || first === '-V') {
      process.stdout.write(`seqcat ${version()}\n`);
      return EXIT_OK;
    }
    let cmd = COMMANDS[first];
    let rest = argv.slice(1);
    if (!cmd) {
      // `seqcat FILE...` is `seqcat cat FILE...`; a word that is no file is a mistyped command
      if (/^[a-z][a-z-]*$/.test(first) && !(await exists(first))) throw new CliUsageError(`unknown command '${first}' (and no such file)`);
      cmd = COMMANDS.cat!;
      rest = argv;
    }
    const { values, positionals } = parse(cmd, rest);
    if (values.help) {
      process.stdout.write(commandHelp(cmd) + '\n');
      return EXIT_OK;
    }
    const code = await cmd.run(values, positionals, out);
    await out.flush();
    return code;
  } catch (e) {
    await out.flush().catch(() => {});
    const { line, code } = describeError(e);
    process.stderr.write(line + '\n');
    return code;
  }
}

function isMain(): boolean {
  try {
    return process.argv[1] !== undefined && fileURLToPath(import.meta.url) === realpathSync(process.argv[1]);
  } catch {
    return false;
  }
}

const invokedDirectly = isMain();
if (invokedDirectly) {
  process.exitCode = await main(process.argv.slice(2));
}

