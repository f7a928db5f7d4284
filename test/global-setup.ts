// Builds dist/ once before the suite when a test needs the compiled CLI.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

export default function setup(): void {
  if (!existsSync('test/cli') || readdirSync('test/cli').length === 0) return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}
