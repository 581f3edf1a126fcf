// pidfd_open, pidfd_send_signal, pidfd_getfd, and signalfd4: processes and
// signals as file descriptors.
import { define } from './table.js';
import { NR } from './nr.js';
import { EBADF, EINVAL, ESRCH, EPERM } from '../errno.js';
import { O_NONBLOCK, O_CLOEXEC } from '../fs/file.js';
import { installFile } from './fs-io.js';
import { createPidfd, pidfdTarget } from '../sched/pidfd.js';
import { createSignalfd, signalfdCtx } from '../signal/signalfd.js';
import { sendSignal } from '../signal/deliver.js';
import { NSIG, SI_USER, UNBLOCKABLE } from '../signal/signals.js';
import { canSignal, userSigInfo } from './signal.js';

const PIDFD_NONBLOCK = O_NONBLOCK;

define(NR.pidfd_open, (k, t) => {
  const pid = k.argInt(0), flags = k.argInt(1) >>> 0;
  if (flags & ~PIDFD_NONBLOCK) return -EINVAL;
  if (pid <= 0) return -EINVAL;
  const tg = k.groups.get(pid);
  // Only a thread-group leader names a process; a reaped one is gone.
  if (!tg || tg.reaped) return -ESRCH;
  return installFile(t, createPidfd(k, tg, flags), true);
});

define(NR.pidfd_send_signal, (k, t) => {
  const fd = k.argInt(0), sig = k.argInt(1), infoAddr = k.arg(2), flags = k.argInt(3);
  if (flags) return -EINVAL;
  const f = t.files.get(fd);
  if (!f) return -EBADF;
  const tg = pidfdTarget(f);
  if (!tg) return -EBADF;
  if (sig < 0 || sig > NSIG) return -EINVAL;
  if (tg.zombie || tg.reaped) return -ESRCH;
  let info;
  if (infoAddr) {
    const i = userSigInfo(t, tg === t.tg, sig, infoAddr);
    if (typeof i === 'number') return i;
    if (i.signo !== sig) return -EINVAL;
    info = i;
  } else info = { signo: sig, code: SI_USER, pid: t.pid, uid: t.cred.uid };
  if (!canSignal(t, tg.leader, sig)) return -EPERM;
  return sig ? sendSignal(k, tg, info) : 0;
});

define(NR.pidfd_getfd, (k, t) => {
  const fd = k.argInt(0), target = k.argInt(1), flags = k.argInt(2);
  if (flags) return -EINVAL;
  const f = t.files.get(fd);
  if (!f) return -EBADF;
  const tg = pidfdTarget(f);
  if (!tg) return -EBADF;
  if (tg.zombie || tg.reaped) return -ESRCH;
  // PTRACE_MODE_ATTACH_REALCREDS: same real uid, or root.
  if (t.cred.euid !== 0 && t.cred.uid !== tg.leader.cred.uid) return -EPERM;
  const file = tg.leader.files.get(target);
  if (!file) return -EBADF;
  return installFile(t, file.get(), true);
});

const SFD_CLOEXEC = O_CLOEXEC, SFD_NONBLOCK = O_NONBLOCK;

define(NR.signalfd4, (k, t) => {
  const fd = k.argInt(0), maskAddr = k.arg(1), size = k.arg(2), flags = k.argInt(3);
  if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK)) return -EINVAL;
  if (size !== 8) return -EINVAL;
  const mask = t.mm.readU64(maskAddr);
  if (mask === null) return -14;
  if (fd === -1) return installFile(t, createSignalfd(k, mask, flags), (flags & SFD_CLOEXEC) !== 0);
  const f = t.files.get(fd);
  if (!f) return -EBADF;
  const ctx = signalfdCtx(f);
  if (!ctx) return -EINVAL;
  ctx.mask = mask & ~UNBLOCKABLE;
  t.tg.signalfdWait.wakeAll();
  return fd;
});
