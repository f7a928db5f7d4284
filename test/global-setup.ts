// Builds dist/ once before the suite: the CLI, example and kill-mid-write tests run the compiled package.
// HADOOP_IO_SKIP_BUILD=1 skips it when dist/ is known to be fresh.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  if (process.env.HADOOP_IO_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}
