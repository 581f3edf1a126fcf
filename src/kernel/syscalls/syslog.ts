// syslog(2) (kernel/printk/printk.c do_syslog): reading and clearing the
// kernel log ring and setting the console level. Records read back as
// "<prio>[    s.us] text\n", which util-linux dmesg parses.
import { EFAULT, EINVAL, EPERM } from '../errno.js';
import { BLOCKED, type SyscallResult } from './result.js';
import type { KernelLog, LogRecord } from '../printk.js';
import { TASK_SIZE } from '../mm/mm.js';
import type { SyscallArgs } from './args.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { CAP_SYSLOG, CAP_SYS_ADMIN, capable } from '../security/commoncap.js';

const SYSLOG_ACTION_CLOSE = 0,
  SYSLOG_ACTION_OPEN = 1,
  SYSLOG_ACTION_READ = 2,
  SYSLOG_ACTION_READ_ALL = 3,
  SYSLOG_ACTION_READ_CLEAR = 4,
  SYSLOG_ACTION_CLEAR = 5,
  SYSLOG_ACTION_CONSOLE_OFF = 6,
  SYSLOG_ACTION_CONSOLE_ON = 7,
  SYSLOG_ACTION_CONSOLE_LEVEL = 8,
  SYSLOG_ACTION_SIZE_UNREAD = 9,
  SYSLOG_ACTION_SIZE_BUFFER = 10;
const MINIMUM_CONSOLE_LOGLEVEL = 1;

const enc = new TextEncoder();
const textOf = (log: KernelLog, rs: LogRecord[]) => rs.map((r) => enc.encode(log.syslogText(r)));

export function sys_syslog(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const type = a.int(0),
    buf = a.ulong(1),
    len = a.int(2);
  const log = k.log;
  // kernel.dmesg_restrict=1 (Debian's default): every action needs CAP_SYSLOG.
  // check_syslog_permissions: CAP_SYSLOG, or CAP_SYS_ADMIN as it was before CAP_SYSLOG existed.
  if (!capable(t.cred, CAP_SYSLOG) && !capable(t.cred, CAP_SYS_ADMIN) && type !== SYSLOG_ACTION_CLOSE && type !== SYSLOG_ACTION_OPEN) return -EPERM;
  switch (type) {
    case SYSLOG_ACTION_CLOSE:
    case SYSLOG_ACTION_OPEN:
      return 0;
    case SYSLOG_ACTION_READ: {
      if (!buf || len < 0) return -EINVAL;
      if (!len) return 0;
      if (buf + len > TASK_SIZE) return -EFAULT;
      if (!log.unread) {
        t.sleepOn(log.wait);
        return BLOCKED;
      }
      const out = log.readUnread(len);
      return t.mm.write(buf, out) ? out.length : -EFAULT;
    }
    case SYSLOG_ACTION_READ_ALL:
    case SYSLOG_ACTION_READ_CLEAR: {
      if (!buf || len < 0) return -EINVAL;
      if (!len) return 0;
      if (buf + len > TASK_SIZE) return -EFAULT;
      // The newest records that fit, in order.
      const texts = textOf(log, log.since(log.clearSeq));
      let start = texts.length,
        n = 0;
      while (start > 0 && n + texts[start - 1].length <= len) n += texts[--start].length;
      const out = new Uint8Array(n);
      let o = 0;
      for (const p of texts.slice(start)) {
        out.set(p, o);
        o += p.length;
      }
      if (type === SYSLOG_ACTION_READ_CLEAR) log.clearSeq = log.nextSeq;
      return !n || t.mm.write(buf, out) ? n : -EFAULT;
    }
    case SYSLOG_ACTION_CLEAR:
      log.clearSeq = log.nextSeq;
      return 0;
    case SYSLOG_ACTION_CONSOLE_OFF:
      if (log.savedConsoleLevel === -1) log.savedConsoleLevel = log.consoleLevel;
      log.consoleLevel = MINIMUM_CONSOLE_LOGLEVEL;
      return 0;
    case SYSLOG_ACTION_CONSOLE_ON:
      if (log.savedConsoleLevel !== -1) {
        log.consoleLevel = log.savedConsoleLevel;
        log.savedConsoleLevel = -1;
      }
      return 0;
    case SYSLOG_ACTION_CONSOLE_LEVEL:
      if (len < 1 || len > 8) return -EINVAL;
      log.consoleLevel = Math.max(len, MINIMUM_CONSOLE_LOGLEVEL);
      log.savedConsoleLevel = -1;
      return 0;
    case SYSLOG_ACTION_SIZE_UNREAD:
      return textOf(log, log.since(log.syslogSeq)).reduce((n, p) => n + p.length, 0);
    case SYSLOG_ACTION_SIZE_BUFFER:
      return log.capacity;
    default:
      return -EINVAL;
  }
}
