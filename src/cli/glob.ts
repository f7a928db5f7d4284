import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Whether a path has glob characters (`*`, `?`, `[`). */
export function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/**
 * One path segment's pattern as a RegExp: `*` any run, `?` one character,
 * `[abc]`, `[a-z]`, `[!x]`/`[^x]` classes; everything else literal. An
 * unclosed `[` is literal, as in the shell.
 */
export function segmentRegExp(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close === -1) {
        re += '\\[';
        continue;
      }
      let body = seg.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/**
 * Expand a shell-style pattern (`out/part-*`, `logs/*\/part-[0-9]*`) into the
 * existing paths it matches, sorted by name within each directory. As in the
 * shell, a wildcard does not match a leading `.` unless the pattern has one.
 */
export async function expandGlob(pattern: string): Promise<string[]> {
  const segments = pattern.split('/');
  let bases = [pattern.startsWith('/') ? '/' : ''];
  for (const seg of segments) {
    if (seg === '' || seg === '.') continue;
    if (!hasGlob(seg)) {
      bases = bases.map((b) => (b === '' ? seg : join(b, seg)));
      continue;
    }
    const re = segmentRegExp(seg);
    const next: string[] = [];
    for (const b of bases) {
      const names = await readdir(b === '' ? '.' : b).catch(() => [] as string[]);
      for (const n of names.sort()) {
        if (n.startsWith('.') && !seg.startsWith('.')) continue;
        if (re.test(n)) next.push(b === '' ? n : join(b, n));
      }
    }
    bases = next;
  }
  const found: string[] = [];
  for (const p of bases) if (await stat(p).then(() => true, () => false)) found.push(p);
  return found;
}
