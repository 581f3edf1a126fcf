// vhangup(2) (tty_vhangup_self in drivers/tty/tty_io.c): hang up the caller's
// controlling terminal, as if the line had dropped. It needs CAP_SYS_ADMIN;
// a process without a controlling terminal has nothing to hang up and
// succeeds.
import type { Kernel } from '../../kernel.js';
import type { Task } from '../../sched/task.js';
import type { SyscallArgs } from '../../syscalls/args.js';
import type { SyscallResult } from '../../syscalls/result.js';
import { EPERM } from '../../errno.js';
import { ttyHangup } from './tty_io.js';
import { CAP_SYS_TTY_CONFIG, capable } from '../../security/commoncap.js';

export function sys_vhangup(k: Kernel, t: Task, _a: SyscallArgs): SyscallResult {
  if (!capable(t.cred, CAP_SYS_TTY_CONFIG)) return -EPERM;
  const tty = t.tg.tty;
  if (tty) ttyHangup(k, tty);
  return 0;
}
