// Progress display for fetching: one line per step on stderr, and on a
// terminal a transient status line (bytes so far) rewritten in place.

export interface ProgressOptions {
  quiet?: boolean;
  log?: (line: string) => void;
}

export class Progress {
  private readonly quiet: boolean;
  private readonly log: ((line: string) => void) | undefined;
  private readonly tty: boolean;
  private statusShown = false;

  constructor(opts: ProgressOptions = {}) {
    this.quiet = opts.quiet ?? false;
    this.log = opts.log;
    this.tty = opts.log === undefined && process.stderr.isTTY === true;
  }

  /** A lasting line: what is being done, or what was done. */
  line(text: string): void {
    if (this.log) {
      this.log(text);
      return;
    }
    if (this.quiet) return;
    this.clearStatus();
    process.stderr.write(`${text}\n`);
  }

  /** A transient line, only on a terminal; replaced by the next line or status. */
  status(text: string): void {
    if (this.quiet || !this.tty) return;
    const width = Math.max(20, (process.stderr.columns ?? 80) - 1);
    process.stderr.write(`\r\x1b[K${text.slice(0, width)}`);
    this.statusShown = true;
  }

  clearStatus(): void {
    if (!this.statusShown) return;
    process.stderr.write('\r\x1b[K');
    this.statusShown = false;
  }
}

/** Human-readable byte count: 942 kB, 9.2 MB (SI units, as apt prints them). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1000 * 1000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)} kB`;
  if (n < 1000 * 1000 * 1000) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}
