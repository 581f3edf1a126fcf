// pidfd_open, pidfd_send_signal, pidfd_getfd: processes as file descriptors.
import { EBADF, EFAULT, EINVAL, ESRCH, EPERM } from '../errno.js';
import { O_NONBLOCK } from '../fs/file.js';
import { installFile } from './fs-io.js';
import { createPidfd, pidfdTarget } from '../sched/pidfd.js';
import { ProcDir } from '../fs/proc/generic.js';
import { sendSignal } from '../signal/deliver.js';
import { NSIG, SI_USER } from '../signal/signals.js';
import { canSignal, userSigInfo } from './signal.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { CAP_SYS_PTRACE, capable } from '../security/commoncap.js';

const PIDFD_NONBLOCK = O_NONBLOCK;

export function sys_pidfd_open(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid = a.int(0),
    flags = a.int(1) >>> 0;
  if (flags & ~PIDFD_NONBLOCK) return -EINVAL;
  if (pid <= 0) return -EINVAL;
  const tg = k.pids.findThreadGroup(pid);
  // Only a thread-group leader names a process; a reaped one is gone.
  if (!tg || tg.reaped) return -ESRCH;
  return installFile(t, createPidfd(k, tg, flags), true);
}

export function sys_pidfd_send_signal(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const fd = a.int(0),
    sig = a.int(1),
    infoAddr = a.ulong(2),
    flags = a.int(3);
  if (flags) return -EINVAL;
  const f = t.files.get(fd);
  if (!f) return -EBADF;
  // pidfd_to_pid: a pidfd, or an open /proc/N directory (tgid_pidfd_to_pid).
  const procTask = f.inode instanceof ProcDir ? f.inode.pidTask : null;
  const tg = pidfdTarget(f) ?? procTask?.tg;
  if (!tg) return -EBADF;
  if (sig < 0 || sig > NSIG) return -EINVAL;
  if (tg.zombie || tg.reaped) return -ESRCH;
  let info;
  if (infoAddr) {
    // The caller's si_signo must name the signal sent, checked before si_code's permission.
    const signo = t.mm.read(infoAddr, 4);
    if (!signo) return -EFAULT;
    if (new DataView(signo.buffer).getInt32(0, true) !== sig) return -EINVAL;
    const i = userSigInfo(t, tg === t.tg, sig, infoAddr);
    if (typeof i === 'number') return i;
    info = i;
  } else info = { signo: sig, code: SI_USER, pid: t.pid, uid: t.cred.uid };
  if (!canSignal(t, tg.leader, sig)) return -EPERM;
  return sig ? sendSignal(k, tg, info) : 0;
}

export function sys_pidfd_getfd(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const fd = a.int(0),
    target = a.int(1),
    flags = a.int(2);
  if (flags) return -EINVAL;
  const f = t.files.get(fd);
  if (!f) return -EBADF;
  // pidfd_to_pid: a pidfd, or an open /proc/N directory (tgid_pidfd_to_pid).
  const procTask = f.inode instanceof ProcDir ? f.inode.pidTask : null;
  const tg = pidfdTarget(f) ?? procTask?.tg;
  if (!tg) return -EBADF;
  if (tg.zombie || tg.reaped) return -ESRCH;
  // PTRACE_MODE_ATTACH_REALCREDS: same real uid, or CAP_SYS_PTRACE.
  if (!capable(t.cred, CAP_SYS_PTRACE) && t.cred.uid !== tg.leader.cred.uid) return -EPERM;
  const file = tg.leader.files.get(target);
  if (!file) return -EBADF;
  return installFile(t, file.get(), true);
}
