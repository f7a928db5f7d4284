import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { ioError } from '../io/source.js';
import { STDIO } from './inputs.js';

/**
 * The lines of a file or stdin (`-`), split on `\n` only (a `\r` is data),
 * decoded as UTF-8, with their 1-based numbers. A last line without `\n` counts.
 */
export async function* readLines(path: string): AsyncGenerator<[number, string]> {
  const stream = path === STDIO ? process.stdin : createReadStream(path);
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let n = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = pending + decoder.write(chunk);
      let start = 0;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
        yield [++n, text.slice(start, i)];
        start = i + 1;
      }
      pending = text.slice(start);
    }
  } catch (e) {
    throw ioError(path === STDIO ? '<stdin>' : path, e);
  }
  pending += decoder.end();
  if (pending.length > 0) yield [++n, pending];
}
