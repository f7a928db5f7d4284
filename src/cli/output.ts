import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * Buffered line output that respects backpressure and stops quietly when the
 * reader goes away (`seqcat cat big.seq | head -1`).
 */
export class LineOutput {
  private parts: string[] = [];
  private size = 0;
  /** The consumer closed the pipe: callers should stop producing. */
  closed = false;

  constructor(
    private readonly stream: Writable = process.stdout,
    private readonly chunk = 64 * 1024,
  ) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') this.closed = true;
      else throw e;
    });
  }

  /** Queue one line; resolves when it is fine to go on. */
  async line(s: string): Promise<void> {
    this.parts.push(s, '\n');
    this.size += s.length + 1;
    if (this.size >= this.chunk) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0 || this.closed) {
      this.parts = [];
      this.size = 0;
      return;
    }
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(text)) {
      await Promise.race([once(this.stream, 'drain'), once(this.stream, 'error'), once(this.stream, 'close')]);
    }
  }
}
