// The bench workloads' text: a seeded generator and a pool of distinct ~85-character values, shared
// by bench/run.ts, bench/parallel-read.ts and bench/parallel-write.ts so they measure the same data.

export const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa quebec romeo'.split(' ');

/** A seeded generator of numbers in [0, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 65,536 distinct values of 80–90 characters, cycled: no repeats inside a 1 MB block. */
export function valuePool(): string[] {
  const next = rng(42);
  const pool: string[] = [];
  for (let i = 0; i < 65536; i++) {
    const len = 80 + Math.floor(next() * 11);
    let s = '';
    while (s.length < len) s += (s ? ' ' : '') + WORDS[Math.floor(next() * WORDS.length)];
    pool.push(s.slice(0, len));
  }
  return pool;
}
