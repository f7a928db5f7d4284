import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { CorruptFileError } from '../io/errors.js';
import { ioError, streamSource } from '../io/source.js';
import { MAGIC } from '../seq/constants.js';
import { SequenceFileReader } from '../seq/reader.js';
import { isSpecial, openInput, resolveInput, STDIO } from './inputs.js';
import type { LineOutput } from './output.js';
import { readerOptions, type ReadContext } from './read-context.js';
import { Ring } from './tail.js';

/** Bytes looked at to tell text from binary. */
const SNIFF_BYTES = 4096;
const GZIP_MAGIC = [0x1f, 0x8b];

/** A SequenceFile opened for its records, or a text file (gzip decompressed) to print as it is. */
export type RecordsOrText =
  | { kind: 'records'; reader: SequenceFileReader; size: number | undefined; dataPath: string }
  | { kind: 'text'; name: string; chunks: AsyncIterable<Uint8Array> };

/**
 * Open an input the way `hadoop fs -text` does: a SequenceFile (or MapFile
 * directory) for its records; gzip data (magic 1f 8b) or plain text as
 * text; anything else is opened as a SequenceFile, which then says why not.
 */
export async function openRecordsOrText(path: string, ctx: ReadContext): Promise<RecordsOrText> {
  // a split is of a SequenceFile: a text input is not taken apart
  if (ctx.split) return { kind: 'records', ...(await openInput(path, ctx)) };
  if (path === STDIO) return openStream(process.stdin, '<stdin>', ctx);
  const { kind, dataPath, size } = await resolveInput(path);
  // a FIFO, `<(...)`, /dev/stdin: read once, as a stream (sniffing it apart would lose its first bytes)
  if (kind === 'file' && size === undefined && (await isSpecial(path))) return openStream(createReadStream(path), path, ctx);
  if (kind === 'file') {
    const head = await sniff(path);
    if (head !== null && !isSeq(head)) {
      if (isGzip(head)) return { kind: 'text', name: path, chunks: gunzip(createReadStream(path), path) };
      if (looksLikeText(head)) return { kind: 'text', name: path, chunks: readStream(createReadStream(path), path) };
    }
  }
  return { kind: 'records', ...(await openInput(path, ctx)), dataPath };
}

/** Recognise a stream from its first bytes, then hand all of it on. */
async function openStream(stream: AsyncIterable<Uint8Array>, name: string, ctx: ReadContext): Promise<RecordsOrText> {
  const it = stream[Symbol.asyncIterator]();
  // enough of the start to recognise it (a pipe may hand over a byte at a time)
  const first: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < 4) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    first.push(r.value);
    have += r.value.length;
  }
  const head = new Uint8Array(Buffer.concat(first));
  async function* all(): AsyncGenerator<Uint8Array> {
    try {
      if (head.length > 0) yield head;
      if (done) return;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await it.return?.();
    }
  }
  if (!isSeq(head)) {
    if (isGzip(head)) return { kind: 'text', name, chunks: gunzip(all(), name) };
    if (looksLikeText(head.subarray(0, SNIFF_BYTES))) return { kind: 'text', name, chunks: all() };
  }
  const reader = await SequenceFileReader.open(streamSource(all(), name), readerOptions(ctx));
  return { kind: 'records', reader, size: undefined, dataPath: name === '<stdin>' ? STDIO : name };
}

/** The first bytes of a regular file, or null when it cannot be read (the reader then reports why). */
async function sniff(path: string): Promise<Uint8Array | null> {
  let fh;
  try {
    fh = await open(path, 'r');
    const buf = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } catch {
    return null;
  } finally {
    await fh?.close();
  }
}

const isSeq = (b: Uint8Array): boolean => b.length >= MAGIC.length && MAGIC.every((m, i) => b[i] === m);
const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === GZIP_MAGIC[0] && b[1] === GZIP_MAGIC[1];

/**
 * Text: valid UTF-8 (a character cut at the end of the sample is fine) with
 * no NUL and no control characters other than tab, line breaks, form feed,
 * backspace and escape. An empty input is (empty) text.
 */
export function looksLikeText(b: Uint8Array): boolean {
  for (const c of b) if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x08 && c !== 0x1b) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b, { stream: true });
    return true;
  } catch {
    return false;
  }
}

async function* readStream(stream: AsyncIterable<Uint8Array>, name: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const c of stream) yield c;
  } catch (e) {
    throw ioError(name, e);
  }
}

/** Decompress gzip (every member of a concatenated file) as it streams. */
async function* gunzip(input: AsyncIterable<Uint8Array>, name: string): AsyncGenerator<Uint8Array> {
  const z = createGunzip();
  const feed = (async (): Promise<void> => {
    try {
      for await (const c of input) if (!z.write(c)) await new Promise((r) => z.once('drain', r));
      z.end();
    } catch (e) {
      z.destroy(e as Error);
    }
  })();
  try {
    for await (const c of z as AsyncIterable<Uint8Array>) yield c;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err?.code?.startsWith('Z_')) throw new CorruptFileError(`not valid gzip data: ${err.message}`, { file: name });
    throw err instanceof Error && 'file' in err ? err : ioError(name, e);
  } finally {
    z.destroy();
    await feed.catch(() => {});
  }
}

/** Print text input: all of it, its first `head` lines, or its last `tail` lines. */
export async function printText(chunks: AsyncIterable<Uint8Array>, out: LineOutput, opts: { head?: number; tail?: number } = {}): Promise<void> {
  const decoder = new StringDecoder('utf8');
  if (opts.tail !== undefined) {
    if (opts.tail === 0) return;
    const ring = new Ring<string>(opts.tail);
    let pending = '';
    for await (const c of chunks) {
      const lines = (pending + decoder.write(Buffer.from(c.buffer, c.byteOffset, c.length))).split('\n');
      pending = lines.pop()!;
      for (const l of lines) ring.push(l + '\n');
    }
    pending += decoder.end();
    if (pending.length > 0) ring.push(pending);
    for (const l of ring.toArray()) if (out.text(l)) await out.flush();
    return;
  }
  let left = opts.head ?? Number.POSITIVE_INFINITY;
  if (left === 0) return;
  for await (const c of chunks) {
    if (out.closed) break;
    let s = decoder.write(Buffer.from(c.buffer, c.byteOffset, c.length));
    if (left !== Number.POSITIVE_INFINITY) {
      let i = -1;
      while (left > 0 && (i = s.indexOf('\n', i + 1)) !== -1) left--;
      if (left === 0) s = s.slice(0, i + 1);
    }
    if (out.text(s)) await out.flush();
    if (left === 0) return;
  }
  const rest = decoder.end();
  if (rest) out.text(rest);
}
