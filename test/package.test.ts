// The package as a user installs it: `npm pack`'s tarball unpacked into a fresh project's node_modules
// (its dependencies linked from ours, since tests reach no registry), then used from ESM, from CommonJS
// and from TypeScript --strict.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');
const FIXTURE = join(ROOT, 'interop', 'fixtures', 'hadoop', 'seq', 'combo', 'text-int-none.seq');
let project: string;

const node = (args: string[]): string => execFileSync(process.execPath, args, { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'hadoop-io-consumer-'));
  const modules = join(project, 'node_modules');
  mkdirSync(modules);
  for (const dep of readdirSync(join(ROOT, 'node_modules'))) {
    if (!dep.startsWith('.')) symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep));
  }
  const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
  mkdirSync(join(modules, 'hadoop-io'));
  execFileSync('tar', ['xzf', join(project, tgz), '-C', join(modules, 'hadoop-io'), '--strip-components=1']);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
}, 60_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('the packed package', () => {
  it('imports from ESM', () => {
    writeFileSync(
      join(project, 'esm.mjs'),
      `import { SequenceFileReader } from 'hadoop-io';
const r = await SequenceFileReader.open(${JSON.stringify(FIXTURE)});
const first = await r.next();
await r.close();
console.log(r.header.keyClassName, first.key, first.value);`,
    );
    expect(node(['esm.mjs'])).toBe('org.apache.hadoop.io.Text alpha0 275\n');
  });

  it('requires from CommonJS', () => {
    writeFileSync(
      join(project, 'cjs.cjs'),
      `const { SequenceFileReader } = require('hadoop-io');
SequenceFileReader.open(${JSON.stringify(FIXTURE)}).then(async (r) => {
  const first = await r.next();
  await r.close();
  console.log(r.header.valueClassName, first.key, first.value);
});`,
    );
    expect(node(['cjs.cjs'])).toBe('org.apache.hadoop.io.IntWritable alpha0 275\n');
  });

  it('type-checks under TypeScript --strict', () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { SequenceFileReader, SequenceFileWriter, type KeyValue } from 'hadoop-io';
export async function copy(from: string, to: string): Promise<number> {
  const r = await SequenceFileReader.open<string, number>(from);
  const w = await SequenceFileWriter.create<string, number>(to, { keyClass: r.header.keyClassName, valueClass: r.header.valueClassName });
  let n = 0;
  for await (const rec of r) {
    const kv: KeyValue<string, number> = rec;
    await w.append(kv.key, kv.value);
    n++;
  }
  await w.close();
  return n;
}
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, types: ['node'] },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(node([tsc, '-p', 'tsconfig.json'])).toBe('');
  }, 60_000);
});
