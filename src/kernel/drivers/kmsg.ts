// /dev/kmsg (char 1:11, kernel/printk/printk.c devkmsg_*) and /proc/kmsg.
//
// /dev/kmsg: each read returns one whole record as "prio,seq,ts_usec,flags;
// text\n" (EINVAL if it does not fit the buffer), from the open file's own
// position; a reader the ring overtook gets EPIPE once and continues from
// the oldest record. lseek with offset 0 moves to the oldest record
// (SEEK_SET), the first after the last clear (SEEK_DATA) or past the end
// (SEEK_END). A write logs one record, with an optional "<N>" prefix giving
// facility and level (facility 0 becomes LOG_USER), rate limited per open
// file as printk.devkmsg=ratelimit does: 10 records per 5 s.
//
// /proc/kmsg reads what syslog(2) SYSLOG_ACTION_READ would: it consumes.
import type { Kernel } from '../kernel.js';
import type { File, FileOps } from '../fs/file.js';
import { O_ACCMODE, O_NONBLOCK, O_WRONLY, POLLERR, POLLIN, POLLPRI, POLLRDNORM } from '../fs/file.js';
import { EAGAIN, EINVAL, EPERM, EPIPE, ESPIPE } from '../errno.js';
import { BLOCKED } from '../syscalls/result.js';
import { registerChrdev } from '../fs/special.js';
import { LOG_USER, MESSAGE_LOGLEVEL_DEFAULT } from '../printk.js';

const SEEK_SET = 0,
  SEEK_END = 2,
  SEEK_DATA = 3;
/** PRINTK_MESSAGE_MAX - PRINTK_PREFIX_MAX: the longest record a write may make. */
const LOG_LINE_MAX = 1024 - 32;
/** DEFAULT_RATELIMIT_INTERVAL (5 s) and DEFAULT_RATELIMIT_BURST. */
const RATELIMIT_NS = 5e9,
  RATELIMIT_BURST = 10;

interface KmsgUser {
  seq: number;
  rlBegin: number;
  rlPrinted: number;
  rlMissed: number;
}

const enc = new TextEncoder(),
  dec = new TextDecoder();

/** kernel.dmesg_restrict=1 (Debian's default): reading the log needs CAP_SYSLOG. */
const mayRead = (k: Kernel) => (k.current?.cred.euid ?? 0) === 0;

export function registerKmsg(k: Kernel): void {
  registerChrdev(k.vfs.fs, 1, 11, (_inode, f) => {
    if ((f.flags & O_ACCMODE) !== O_WRONLY && !mayRead(k)) return -EPERM;
    return devkmsgOps(k, { seq: k.log.firstSeq, rlBegin: -1, rlPrinted: 0, rlMissed: 0 });
  });
}

function devkmsgOps(k: Kernel, u: KmsgUser): FileOps {
  const log = k.log;
  return {
    stream: true,
    read(f: File, buf, _pos, w) {
      if (u.seq < log.firstSeq) {
        u.seq = log.firstSeq;
        return -EPIPE;
      }
      const r = log.at(u.seq);
      if (!r) {
        if (f.flags & O_NONBLOCK) return -EAGAIN;
        w.sleepOn(log.wait);
        return BLOCKED;
      }
      const b = enc.encode(log.kmsgText(r));
      if (b.length > buf.length) return -EINVAL;
      buf.set(b);
      u.seq++;
      return b.length;
    },
    write(_f, data) {
      if (data.length > LOG_LINE_MAX) return -EINVAL;
      if (!ratelimit(k, u)) return data.length;
      let text = dec.decode(data);
      let level = MESSAGE_LOGLEVEL_DEFAULT,
        facility = LOG_USER;
      const m = /^<(\d+)>/.exec(text);
      if (m) {
        const v = Number(m[1]) >>> 0;
        level = v & 7;
        if (v >> 3) facility = v >> 3;
        text = text.slice(m[0].length);
      }
      log.printk(level, text.replace(/\n$/, ''), facility);
      return data.length;
    },
    llseek(_f, offset, whence) {
      if (offset) return -ESPIPE;
      switch (whence) {
        case SEEK_SET:
          u.seq = log.firstSeq;
          return 0;
        case SEEK_DATA:
          u.seq = Math.max(log.clearSeq, log.firstSeq);
          return 0;
        case SEEK_END:
          u.seq = log.nextSeq;
          return 0;
        default:
          return -EINVAL;
      }
    },
    poll(_f, wait) {
      wait?.(log.wait);
      if (u.seq < log.firstSeq) return POLLIN | POLLRDNORM | POLLERR | POLLPRI;
      return u.seq < log.nextSeq ? POLLIN | POLLRDNORM : 0;
    },
    release() {
      if (u.rlMissed) log.printk(MESSAGE_LOGLEVEL_DEFAULT, `printk: ${k.current?.comm ?? 'kernel'}: ${u.rlMissed} output lines suppressed due to ratelimiting`);
    },
  };
}

/** ___ratelimit: at most RATELIMIT_BURST records per interval, the rest counted as missed. */
function ratelimit(k: Kernel, u: KmsgUser): boolean {
  const now = k.clock.monotonic();
  if (u.rlBegin < 0 || now - u.rlBegin >= RATELIMIT_NS) {
    u.rlBegin = now;
    u.rlPrinted = 0;
  }
  if (u.rlPrinted < RATELIMIT_BURST) {
    u.rlPrinted++;
    return true;
  }
  u.rlMissed++;
  return false;
}

/** /proc/kmsg (mode 0400): syslog(2)'s consuming read, blocking until there is something. */
export function procKmsgOps(k: Kernel): FileOps | number {
  if (!mayRead(k)) return -EPERM;
  const log = k.log;
  return {
    stream: true,
    read(file, buf, _pos, w) {
      if (!log.unread) {
        if (file.flags & O_NONBLOCK) return -EAGAIN;
        w.sleepOn(log.wait);
        return BLOCKED;
      }
      const out = log.readUnread(buf.length);
      buf.set(out);
      return out.length;
    },
    poll(_file, wait) {
      wait?.(log.wait);
      return log.unread ? POLLIN | POLLRDNORM : 0;
    },
  };
}
