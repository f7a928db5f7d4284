import { IOFailureError, UsageError } from './errors.js';
import type { ByteSource } from './source.js';

export interface HttpSourceOptions {
  /** Extra request headers (an Authorization header, say). */
  headers?: Record<string, string>;
  /** Tries per request on a 5xx answer or a failed connection, with backoff (default 3). */
  retries?: number;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

/** Whether a string names an HTTP(S) resource rather than a local path. */
export function isHttpUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

const BACKOFF_MS = [100, 400, 1600];

/**
 * A seekable source over an HTTP(S) URL read with Range requests: one request
 * per read, so what a reader transfers is what it reads (a read-ahead chunk,
 * a MapFile lookup's few KiB). The size comes from the first response's
 * Content-Range. A server that ignores Range, a missing resource or a refused
 * one is an IOFailureError saying so; a resource whose ETag or Last-Modified
 * changes between requests is an error, never a mix of two versions.
 */
export async function openHttpSource(url: string | URL, opts: HttpSourceOptions = {}): Promise<ByteSource> {
  const href = typeof url === 'string' ? url : url.href;
  const doFetch = opts.fetch ?? globalThis.fetch;
  if (typeof doFetch !== 'function') throw new UsageError('no fetch in this runtime to read HTTP URLs with', { file: href });
  const retries = Math.max(1, opts.retries ?? 3);
  let version: string | null = null;
  let size = 0;

  /** GET bytes [from, to] (inclusive); resolves to the body of a 206 answer. */
  const ranged = async (from: number, to: number): Promise<{ body: Uint8Array; total: number }> => {
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await doFetch(href, { headers: { ...opts.headers, range: `bytes=${from}-${to}` } });
      } catch (e) {
        if (attempt < retries) {
          await sleep(BACKOFF_MS[attempt - 1] ?? 1600);
          continue;
        }
        throw new IOFailureError(`cannot connect: ${(e as Error)?.message ?? String(e)}`, { file: href, offset: from, cause: e });
      }
      if (res.status >= 500 && attempt < retries) {
        await res.body?.cancel().catch(() => {});
        await sleep(BACKOFF_MS[attempt - 1] ?? 1600);
        continue;
      }
      if (res.status === 200) {
        await res.body?.cancel().catch(() => {});
        throw new IOFailureError('the server ignores Range requests (it answered 200 with the whole resource); ranged reads are needed', { file: href });
      }
      if (res.status === 416 && from === 0) return { body: new Uint8Array(0), total: 0 };
      if (res.status !== 206) {
        await res.body?.cancel().catch(() => {});
        throw new IOFailureError(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${statusHint(res.status)}`, { file: href, offset: from });
      }
      const seen = res.headers.get('etag') ?? res.headers.get('last-modified');
      if (version === null) version = seen;
      else if (seen !== null && seen !== version) {
        await res.body?.cancel().catch(() => {});
        throw new IOFailureError(`the resource changed while being read (${seen} after ${version})`, { file: href, offset: from });
      }
      const total = contentRangeTotal(res.headers.get('content-range'));
      const body = new Uint8Array(await res.arrayBuffer());
      if (body.length > to - from + 1) throw new IOFailureError(`the server sent ${body.length} bytes for a ${to - from + 1}-byte range`, { file: href, offset: from });
      return { body, total: total ?? 0 };
    }
  };

  const first = await ranged(0, 0);
  if (first.total === 0 && first.body.length > 0) throw new IOFailureError('the server gave no Content-Range with its partial answer', { file: href });
  size = first.total;
  return {
    name: href,
    size,
    seekable: true,
    // what a cache may key on: the server's version of the resource, when it gives one
    ...(version === null ? {} : { identity: `http:${href}:${version}:${size}` }),
    async read(position, into, offset, length) {
      const end = Math.min(size, position + length);
      if (position >= end) return 0;
      const { body } = await ranged(position, end - 1);
      into.set(body, offset);
      return body.length;
    },
    async close() {},
  };
}

function contentRangeTotal(h: string | null): number | undefined {
  const m = h === null ? null : /\/(\d+)\s*$/.exec(h);
  return m ? Number(m[1]) : undefined;
}

function statusHint(status: number): string {
  if (status === 404) return ': no such resource';
  if (status === 401 || status === 403) return ': access denied';
  return '';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
