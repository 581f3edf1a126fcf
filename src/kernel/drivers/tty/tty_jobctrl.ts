// Job control on a terminal (drivers/tty/tty_jobctrl.c): the controlling
// tty of a session, its foreground process group, the SIGTTIN/SIGTTOU a
// background group gets, and what a session leader's exit or setsid undoes.
import type { Kernel } from '../../kernel.js';
import type { Task } from '../../sched/task.js';
import type { ThreadGroup } from '../../sched/threadgroup.js';
import type { File, IoctlIo } from '../../fs/file.js';
import { WaitQueue } from '../../sched/waitqueue.js';
import { killPgrp, pgrpOrphaned } from '../../sched/pgrp.js';
import { sendSignal } from '../../signal/deliver.js';
import { SIGCONT, SIGHUP, SIGTTIN, SIG_IGN, SI_KERNEL, sigbit } from '../../signal/signals.js';
import { EFAULT, EINVAL, EIO, ENOTTY, EPERM, ESRCH } from '../../errno.js';
import { BLOCKED, type Blocked } from '../../syscalls/result.js';
import type { TtyStruct } from './tty_struct.js';
import { CAP_SYS_ADMIN, capable } from '../../security/commoncap.js';

export const TIOCSCTTY = 0x540e,
  TIOCGPGRP = 0x540f,
  TIOCSPGRP = 0x5410,
  TIOCNOTTY = 0x5422,
  TIOCGSID = 0x5429;

export { killPgrp, pgrpOrphaned };

export const isSessionLeader = (tg: ThreadGroup) => tg.sid === tg.tgid;

/** A sleep that ends at once: the signal just sent to the caller's group interrupts it (-ERESTARTSYS). */
function restartAfterSignal(t: Task): number | Blocked {
  // A queue of its own that nobody wakes: only the signal ends the sleep.
  t.sleepOn(new WaitQueue());
  return BLOCKED;
}

/**
 * __tty_check_change: a background process touching its controlling tty
 * gets `sig` for its group (and the call restarts after the stop), or EIO
 * when it cannot be stopped (SIGTTIN ignored or blocked, orphaned group).
 */
export function ttyCheckChange(k: Kernel, t: Task, tty: TtyStruct, sig: number): number | Blocked {
  if (t.tg.tty !== tty || !tty.fgPgrp || t.tg.pgid === tty.fgPgrp) return 0;
  const ignored = (t.blocked & sigbit(sig)) !== 0n || t.sighand.actions[sig].handler === SIG_IGN;
  if (ignored) return sig === SIGTTIN ? -EIO : 0;
  if (pgrpOrphaned(k, t.tg.pgid)) return -EIO;
  killPgrp(k, t.tg.pgid, sig);
  return restartAfterSignal(t);
}

/** __proc_set_tty: the caller's session takes the terminal, its group in the foreground. */
export function procSetTty(k: Kernel, tg: ThreadGroup, tty: TtyStruct): void {
  tty.session = tg.sid;
  tty.fgPgrp = tg.pgid;
  for (const g of k.pids.session(tg.sid)) if (!g.zombie) g.tty = tty;
}

/** session_clear_tty: no process of the session has a controlling tty any more. */
export function sessionClearTty(k: Kernel, sid: number): void {
  for (const g of k.pids.session(sid)) g.tty = null;
}

/**
 * tty_open_proc_set_tty: a session leader without a controlling tty that
 * opens one (for reading, without O_NOCTTY) that no session has, gets it.
 */
export function openSetTty(k: Kernel, t: Task, tty: TtyStruct, f: File, noctty: boolean): void {
  if (noctty || !isSessionLeader(t.tg) || t.tg.tty || tty.session) return;
  if (!f.readable) return;
  procSetTty(k, t.tg, tty);
}

/** disassociate_ctty: on exit (or TIOCNOTTY by the leader) the foreground group hears SIGHUP; the tty is free again. */
export function disassociateCtty(k: Kernel, tg: ThreadGroup, onExit: boolean, hangup: (tty: TtyStruct) => void): void {
  const tty = tg.tty;
  if (tty) {
    if (onExit && tty.driver.kind !== 'pty_slave' && tty.driver.kind !== 'pty_master') hangup(tty);
    else if (tty.fgPgrp) {
      killPgrp(k, tty.fgPgrp, SIGHUP);
      if (!onExit) killPgrp(k, tty.fgPgrp, SIGCONT);
    }
  } else if (onExit && tg.ttyOldPgrp) {
    killPgrp(k, tg.ttyOldPgrp, SIGHUP);
    killPgrp(k, tg.ttyOldPgrp, SIGCONT);
  }
  tg.ttyOldPgrp = 0;
  const cur = tg.tty;
  if (cur && cur.session === tg.sid) {
    cur.session = 0;
    cur.fgPgrp = 0;
  }
  sessionClearTty(k, tg.sid);
}

/**
 * tty_signal_session_leader (a hang-up): processes of the session lose the
 * terminal; its leader gets SIGHUP and SIGCONT and remembers the foreground group.
 */
export function signalSessionLeader(k: Kernel, tty: TtyStruct): void {
  if (!tty.session) return;
  for (const g of k.pids.session(tty.session)) {
    if (g.zombie) continue;
    if (g.tty === tty) g.tty = null;
    if (!isSessionLeader(g)) continue;
    sendSignal(k, g, { signo: SIGHUP, code: SI_KERNEL });
    sendSignal(k, g, { signo: SIGCONT, code: SI_KERNEL });
    g.ttyOldPgrp = tty.fgPgrp;
  }
  tty.session = 0;
  tty.fgPgrp = 0;
}

const i32 = (v: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return b;
};

/**
 * The job-control ioctls (tty_jobctrl_ioctl). `tty` is the file's end,
 * `real` the slave for a pty master. null: not one of them.
 */
export function jobctrlIoctl(k: Kernel, t: Task, tty: TtyStruct, real: TtyStruct, f: File, cmd: number, arg: number, io: IoctlIo): number | Blocked | null {
  switch (cmd) {
    case TIOCNOTTY:
      if (t.tg.tty !== tty) return -ENOTTY;
      if (isSessionLeader(t.tg)) disassociateCtty(k, t.tg, false, () => {});
      else t.tg.tty = null;
      return 0;
    case TIOCSCTTY: {
      if (isSessionLeader(t.tg) && real.session === t.tg.sid) return 0;
      if (!isSessionLeader(t.tg) || t.tg.tty) return -EPERM;
      if (real.session) {
        // Stolen from another session only by CAP_SYS_ADMIN asking with arg 1.
        if (arg === 1 && capable(t.cred, CAP_SYS_ADMIN)) sessionClearTty(k, real.session);
        else return -EPERM;
      }
      if (!f.readable && !capable(t.cred, CAP_SYS_ADMIN)) return -EPERM;
      procSetTty(k, t.tg, real);
      return 0;
    }
    case TIOCGPGRP:
      if (tty === real && t.tg.tty !== real) return -ENOTTY;
      return io.write(arg, i32(real.fgPgrp)) ? 0 : -EFAULT;
    case TIOCSPGRP: {
      const r = ttyCheckChange(k, t, real, 22 /* SIGTTOU */);
      if (r === -EIO) return -ENOTTY;
      if (r) return r;
      const b = io.read(arg, 4);
      if (!b) return -EFAULT;
      const nr = new DataView(b.buffer, b.byteOffset).getInt32(0, true);
      if (nr < 0) return -EINVAL;
      if (!t.tg.tty || t.tg.tty !== real || real.session !== t.tg.sid) return -ENOTTY;
      // find_vpid: any pid; session_of_pgrp: a group member's session, else that process's.
      let sid = -1;
      if (nr === 0) return -ESRCH;
      for (const g of k.pids.processGroup(nr))
        if (!g.reaped) {
          sid = g.sid;
          break;
        }
      if (sid < 0) {
        const g = k.pids.findThreadGroup(nr);
        if (g && !g.reaped) sid = g.sid;
      }
      if (sid < 0) return -ESRCH;
      if (sid !== t.tg.sid) return -EPERM;
      real.fgPgrp = nr;
      return 0;
    }
    case TIOCGSID:
      if (tty === real && t.tg.tty !== real) return -ENOTTY;
      if (!real.session) return -ENOTTY;
      return io.write(arg, i32(real.session)) ? 0 : -EFAULT;
  }
  return null;
}

/** The hooks into process life: setsid drops the controlling tty, a session leader's exit frees it. */
export function installJobctrlHooks(k: Kernel, hangup: (tty: TtyStruct) => void): void {
  const prev = k.onSetsid;
  k.onSetsid = (t) => {
    prev?.(t);
    t.tg.tty = null;
  };
  k.exitHooks.push((tg) => {
    if (isSessionLeader(tg)) disassociateCtty(k, tg, true, hangup);
  });
}
