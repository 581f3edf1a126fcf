// printk: the kernel log ring buffer (records with level and a timestamp).
import { WaitQueue } from './sched/waitqueue.js';

export interface LogRecord { level: number; facility: number; seq: number; tsNs: number; text: string }

export const KERN_EMERG = 0, KERN_ALERT = 1, KERN_CRIT = 2, KERN_ERR = 3, KERN_WARNING = 4, KERN_NOTICE = 5, KERN_INFO = 6, KERN_DEBUG = 7;

export class KernelLog {
  records: LogRecord[] = [];
  private seq = 0;
  /** syslog(2)'s cursors: what SYSLOG_ACTION_READ has consumed, where READ_ALL starts (after CLEAR). */
  syslogSeq = 0;
  clearSeq = 0;
  /** Readers of SYSLOG_ACTION_READ wait here for new records. */
  readonly wait = new WaitQueue();
  /** Bytes kept, like CONFIG_LOG_BUF_SHIFT=17. */
  readonly capacity = 1 << 17;
  private bytes = 0;
  consoleLevel = 7;
  onConsole: ((line: string) => void) | null = null;

  constructor(private nowNs: () => number) {}

  printk(level: number, text: string, facility = 0): void {
    const r: LogRecord = { level, facility, seq: this.seq++, tsNs: this.nowNs(), text };
    this.records.push(r);
    this.bytes += text.length + 16;
    while (this.bytes > this.capacity && this.records.length > 1) this.bytes -= this.records.shift()!.text.length + 16;
    if (level < this.consoleLevel && this.onConsole) this.onConsole(this.format(r));
    this.wait.wakeAll();
  }

  /** Records from sequence number `from` on (older ones may have left the ring). */
  since(from: number): LogRecord[] { return this.records.filter((r) => r.seq >= from); }

  get nextSeq(): number { return this.seq; }

  /** A record as syslog(2) returns it: "<prio>[    s.us] text\n", prio = facility << 3 | level. */
  syslogText(r: LogRecord): string { return `<${(r.facility << 3) | r.level}>${this.format(r)}\n`; }

  /** "[    0.000000] text" as the console and dmesg print it. */
  format(r: LogRecord): string {
    const us = Math.floor(r.tsNs / 1000);
    const sec = Math.floor(us / 1e6);
    return `[${String(sec).padStart(5, ' ')}.${String(us % 1e6).padStart(6, '0')}] ${r.text}`;
  }
}
