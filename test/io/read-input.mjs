// Child process for tests/io/sources.test.ts: opens one kind of input with the compiled package and
// prints {"keys": [...]} or {"error": name, "message": ...}. A child, so a reader that would spin
// (as it did for Node streams) is stopped by the parent's timeout instead of hanging the suite.
import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { SequenceFileReader } from '../../dist/src/index.js';

const [mode, arg] = process.argv.slice(2);
const inputs = {
  path: () => arg,
  readstream: () => createReadStream(arg),
  stdin: () => process.stdin,
  'readable-from': () => Readable.from(chunksOf(readFileSync(arg), 1000)),
};

function* chunksOf(bytes, n) {
  for (let i = 0; i < bytes.length; i += n) yield bytes.subarray(i, i + n);
}

try {
  const reader = await SequenceFileReader.open(inputs[mode]());
  const keys = [];
  for await (const { key } of reader) keys.push(String(key));
  process.stdout.write(JSON.stringify({ keys }) + '\n');
} catch (e) {
  process.stdout.write(JSON.stringify({ error: e.name, message: e.message }) + '\n');
}
