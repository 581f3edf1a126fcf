// A ratelimit state (Linux's lib/ratelimit.c ___ratelimit with
// DEFAULT_RATELIMIT_INTERVAL 5 s and DEFAULT_RATELIMIT_BURST 10): at most
// `burst` events per interval; when a new interval begins after some were
// missed, Linux logs "<func>: N callbacks suppressed".
const NS_PER_S = 1_000_000_000;

export class Ratelimit {
  private begin = -1;
  private printed = 0;
  private missed = 0;

  constructor(
    readonly func: string,
    readonly intervalNs = 5 * NS_PER_S,
    readonly burst = 10,
  ) {}

  /** May the event happen now? `warn` receives the suppressed-callbacks line when one is due. */
  allow(nowNs: number, warn: (line: string) => void): boolean {
    if (this.begin < 0 || nowNs - this.begin >= this.intervalNs) {
      if (this.missed) warn(`${this.func}: ${this.missed} callbacks suppressed`);
      this.begin = nowNs;
      this.printed = 0;
      this.missed = 0;
    }
    if (this.printed < this.burst) {
      this.printed++;
      return true;
    }
    this.missed++;
    return false;
  }
}
