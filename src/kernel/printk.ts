// printk (kernel/printk/printk.c): the kernel log, a ring of records each
// with a sequence number, a syslog facility and level, and a timestamp.
// Readers keep their own position by sequence number: syslog(2) and
// /proc/kmsg share one that reading consumes, every /dev/kmsg open has its
// own. Records at or above the console level's importance go to the console.
import { WaitQueue } from './sched/waitqueue.js';

const enc = new TextEncoder();

export interface LogRecord {
  level: number;
  facility: number;
  seq: number;
  tsNs: number;
  text: string;
}

export const KERN_EMERG = 0,
  KERN_ALERT = 1,
  KERN_CRIT = 2,
  KERN_ERR = 3,
  KERN_WARNING = 4,
  KERN_NOTICE = 5,
  KERN_INFO = 6,
  KERN_DEBUG = 7;
/** LOG_KERN and LOG_USER, the facilities of kernel and /dev/kmsg-written records. */
export const LOG_KERN = 0,
  LOG_USER = 1;
/** CONSOLE_LOGLEVEL_DEFAULT, _QUIET (the "quiet" parameter) and _DEBUG ("debug"). */
export const CONSOLE_LOGLEVEL_DEFAULT = 7,
  CONSOLE_LOGLEVEL_QUIET = 4,
  CONSOLE_LOGLEVEL_DEBUG = 10;
/** MESSAGE_LOGLEVEL_DEFAULT: the level of a printk without one. */
export const MESSAGE_LOGLEVEL_DEFAULT = KERN_WARNING;

/** The console level a kernel command line asks for: quiet, debug, loglevel=N (the last one wins). */
export function consoleLevelFromCmdline(cmdline: string): number {
  let level = CONSOLE_LOGLEVEL_DEFAULT;
  for (const w of cmdline.split(/\s+/)) {
    if (w === 'quiet') level = CONSOLE_LOGLEVEL_QUIET;
    else if (w === 'debug') level = CONSOLE_LOGLEVEL_DEBUG;
    else if (/^loglevel=\d+$/.test(w)) level = Number(w.slice(9));
  }
  return level;
}

export class KernelLog {
  records: LogRecord[] = [];
  private seq = 0;
  /** syslog(2)'s cursors: what SYSLOG_ACTION_READ has consumed, where READ_ALL starts (after CLEAR). */
  syslogSeq = 0;
  clearSeq = 0;
  /** Readers waiting for new records (syslog READ, /proc/kmsg, /dev/kmsg). */
  readonly wait = new WaitQueue();
  /** Bytes kept, like CONFIG_LOG_BUF_SHIFT=17. */
  readonly capacity = 1 << 17;
  private bytes = 0;
  consoleLevel = CONSOLE_LOGLEVEL_DEFAULT;
  /** saved_console_loglevel: the level SYSLOG_ACTION_CONSOLE_OFF put aside for CONSOLE_ON (-1: none). */
  savedConsoleLevel = -1;
  /** Where console output goes; null when the machine has no console attached. */
  onConsole: ((line: string) => void) | null = null;

  constructor(private nowNs: () => number) {}

  printk(level: number, text: string, facility = LOG_KERN): void {
    // A message with several lines is one record per line, as printk stores them.
    for (const line of text.replace(/\n$/, '').split('\n')) this.store(level, line, facility);
  }

  private store(level: number, text: string, facility: number): void {
    const r: LogRecord = { level, facility, seq: this.seq++, tsNs: this.nowNs(), text };
    this.records.push(r);
    this.bytes += text.length + 16;
    while (this.bytes > this.capacity && this.records.length > 1) this.bytes -= this.records.shift()!.text.length + 16;
    if (level < this.consoleLevel && this.onConsole) this.onConsole(this.format(r) + '\n');
    this.wait.wakeAll();
  }

  /** Records from sequence number `from` on (older ones may have left the ring). */
  since(from: number): LogRecord[] {
    const first = this.firstSeq;
    return this.records.slice(Math.max(0, from - first));
  }

  /** The record with this sequence number, if still in the ring. */
  at(seq: number): LogRecord | undefined {
    return this.records[seq - this.firstSeq];
  }

  /** The oldest record still kept, and the number the next one will get. */
  get firstSeq(): number {
    return this.records.length ? this.records[0].seq : this.seq;
  }
  get nextSeq(): number {
    return this.seq;
  }

  /** Bytes of the record at syslogSeq already read by a read too small for it (syslog_partial). */
  private syslogPartial = 0;

  /**
   * SYSLOG_ACTION_READ and /proc/kmsg: the unread records, oldest first, as
   * many whole ones as fit in len bytes, consumed. A record bigger than the
   * whole buffer is read in pieces, the next read going on where this stopped.
   */
  readUnread(len: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let n = 0;
    if (this.syslogSeq < this.firstSeq) {
      this.syslogSeq = this.firstSeq;
      this.syslogPartial = 0;
    }
    for (const r of this.since(this.syslogSeq)) {
      const p = enc.encode(this.syslogText(r)).subarray(this.syslogPartial);
      if (n + p.length <= len) {
        parts.push(p);
        n += p.length;
        this.syslogSeq = r.seq + 1;
        this.syslogPartial = 0;
      } else {
        if (n === 0) {
          parts.push(p.subarray(0, len));
          n = len;
          this.syslogPartial += len;
        }
        break;
      }
    }
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** Records syslog(2) and /proc/kmsg have not read yet. */
  get unread(): boolean {
    return this.syslogSeq < this.seq;
  }

  /** A record as syslog(2) returns it: "<prio>[    s.us] text\n", prio = facility << 3 | level. */
  syslogText(r: LogRecord): string {
    return `<${(r.facility << 3) | r.level}>${this.format(r)}\n`;
  }

  /** "[    0.000000] text" as the console and dmesg print it. */
  format(r: LogRecord): string {
    const us = Math.floor(r.tsNs / 1000);
    const sec = Math.floor(us / 1e6);
    return `[${String(sec).padStart(5, ' ')}.${String(us % 1e6).padStart(6, '0')}] ${r.text}`;
  }

  /**
   * /dev/kmsg's form: "prio,seq,ts_usec,flags;text\n", with bytes below
   * space, DEL and above, and the backslash escaped as \xNN.
   */
  kmsgText(r: LogRecord): string {
    let text = '';
    for (const ch of r.text) {
      const c = ch.charCodeAt(0);
      text += c < 0x20 || c >= 0x7f || ch === '\\' ? `\\x${c.toString(16).padStart(2, '0')}` : ch;
    }
    return `${(r.facility << 3) | r.level},${r.seq},${Math.floor(r.tsNs / 1000)},-;${text}\n`;
  }
}
