/**
 * A one-line progress bar on stderr for long runs (convert, verify, count).
 * Shown only when stderr is a terminal and the input is larger than 64 MiB;
 * `SEQCAT_PROGRESS=always` forces it (any size, any stderr) and
 * `SEQCAT_PROGRESS=never` turns it off.
 */
export const PROGRESS_MIN_BYTES = 64 * 1024 * 1024;

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): boolean;
}

export class Progress {
  private lastDraw = 0;
  private calls = 0;
  private drawn = false;
  private readonly started = Date.now();

  private constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: ProgressStream,
  ) {}

  /** A progress bar for `total` bytes, or null when it should stay silent. */
  static maybe(label: string, total: number | undefined, stream: ProgressStream = process.stderr, env = process.env.SEQCAT_PROGRESS): Progress | null {
    if (env === 'never' || total === undefined || total <= 0) return null;
    if (env !== 'always' && (!stream.isTTY || total <= PROGRESS_MIN_BYTES)) return null;
    return new Progress(label, total, stream);
  }

  /** Report the byte position reached; redraws at most every 100 ms. Cheap enough to call per record. */
  tick(position: number): void {
    if ((++this.calls & 255) !== 0 && this.drawn) return;
    const now = Date.now();
    if (this.drawn && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.draw(position, now);
  }

  /** Erase the bar. */
  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }

  private draw(position: number, now: number): void {
    const frac = Math.max(0, Math.min(1, position / this.total));
    const mb = (n: number): string => (n / (1024 * 1024)).toFixed(0);
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? position / (1024 * 1024) / secs : 0;
    const tail = ` ${(frac * 100).toFixed(0).padStart(3)}% ${mb(position)}/${mb(this.total)} MiB ${rate.toFixed(0)} MiB/s`;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - this.label.length - tail.length - 4));
    const filled = Math.round(frac * width);
    this.stream.write(`\r${this.label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}]${tail}\x1b[K`);
    this.drawn = true;
  }
}
