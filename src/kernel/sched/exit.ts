// Task exit: release what the task held, turn the process into a zombie for
// its parent to reap, and hand its children to init.
import { exitItimers } from '../time/posix-timers.js';
import type { Timer } from '../time/timers.js';
import { killOrphanedPgrp } from './pgrp.js';
import { panic } from '../boot/panic.js';
import type { Kernel } from '../kernel.js';
import type { Task } from './task.js';
import type { ThreadGroup } from './threadgroup.js';
import { NSIG, SIGCHLD, SIG_IGN, SA_NOCLDWAIT, CLD_EXITED, CLD_KILLED, CLD_DUMPED, SI_USER } from '../signal/signals.js';
import { sendSignal } from '../signal/deliver.js';
import { ptraceExitNotify } from '../ptrace/ptrace.js';
import { mmRelease } from '../futex/robust.js';
import { addUsage, groupUsage } from './cputime.js';
import { acctProcess } from '../acct.js';

/**
 * `code` is a wait status word: (exit code << 8) for exit, signal | 0x80
 * core for a kill. With `group`, every thread of the process dies.
 */
export function doExit(k: Kernel, t: Task, status: number, group: boolean): void {
  const tg = t.tg;
  if (group && !tg.groupExiting) {
    tg.groupExiting = true;
    tg.exitStatus = status;
    for (const x of tg.tasks) if (x !== t && x.state !== 'Z' && x.state !== 'X') releaseTask(k, x, status);
  }
  if (!tg.groupExiting) tg.exitStatus = status;
  // acct_process: the last thread out writes the process's accounting record, while its mm is still there.
  if (k.acct.file && tg.tasks.every((x) => x === t || x.state === 'Z' || x.state === 'X')) acctProcess(k, t, tg.groupExiting ? tg.exitStatus : status);
  releaseTask(k, t, tg.groupExiting ? tg.exitStatus : status);
  // A thread other than the leader is gone at once, unless a tracer has yet to collect it.
  for (const x of [...tg.tasks]) if (x !== tg.leader && x.state === 'Z' && !x.ptrace) detachThread(k, tg, x);
  if (tg.tasks.every((x) => x.state === 'Z' || x.state === 'X')) exitGroup(k, tg);
}

/** __exit_signal + __unhash_process: the process keeps a dead thread's counters, not the thread. */
function detachThread(k: Kernel, tg: ThreadGroup, x: Task): void {
  addUsage(tg.exited, x);
  const io = tg.exitedIo,
    i = x.ioac;
  io.rchar += i.rchar;
  io.wchar += i.wchar;
  io.syscr += i.syscr;
  io.syscw += i.syscw;
  io.readBytes += i.readBytes;
  io.writeBytes += i.writeBytes;
  io.cancelledWriteBytes += i.cancelledWriteBytes;
  x.markDead();
  k.pids.releaseTask(x);
  const at = tg.tasks.indexOf(x);
  if (at > 0) tg.tasks.splice(at, 1);
}

function releaseTask(k: Kernel, t: Task, status: number): void {
  t.becomeZombie();
  // setmax_mm_hiwater_rss: the largest the address space was while the process used it (ru_maxrss).
  t.tg.maxrss = Math.max(t.tg.maxrss, t.mm.rss * 4);
  k.dequeue(t);
  k.detach(t);
  k.onInterrupt.delete(t);
  mmRelease(k, t);
  if (t.vforkDone) {
    t.vforkDone.wakeAll();
    t.vforkDone = null;
  }
  if (--t.mm.users === 0) {
    k.dropMm(t.mm);
    t.mm.release();
  }
  if (--t.files.users === 0) t.files.closeAll();
  if (t.exe) {
    t.exe.put();
    t.exe = null;
  }
  t.sys = null;
  ptraceExitNotify(k, t, status);
  k.pids.exitTask(t);
}

/**
 * de_thread (execve): every other thread of the process dies at once, and a
 * non-leader that execs takes the leader's place and its PID.
 */
export function deThread(k: Kernel, t: Task): void {
  const tg = t.tg;
  for (const x of [...tg.tasks]) {
    if (x === t) continue;
    if (x.state !== 'Z' && x.state !== 'X') releaseTask(k, x, 9); // SIGKILLed, as zap_other_threads does
    detachThread(k, tg, x);
  }
  tg.tasks = [t];
  if (t.tid !== tg.tgid) {
    k.pids.changeTid(t, tg.tgid);
  }
}

function exitGroup(k: Kernel, tg: ThreadGroup): void {
  for (const h of k.exitHooks) h(tg);
  // do_exit, group_dead: ITIMER_REAL and the POSIX timers are cancelled (a timer left armed
  // would hold the dead process, its mm and files, until it fired).
  if (tg.itimerReal) {
    k.timers.cancel(tg.itimerReal.timer as Timer);
    tg.itimerReal = null;
  }
  exitItimers(tg);
  tg.itimerVirt = tg.itimerProf = null;
  tg.zombie = true;
  tg.exitWait.wakeAll();
  const status = tg.exitStatus;
  for (const h of k.trace.processExit) {
    h(tg.leader, status & 0x7f ? { signal: status & 0x7f, core: (status & 0x80) !== 0 } : { code: (status >> 8) & 0xff });
  }
  // The machine's life is init's.
  if (k.init && tg === k.init.tg) {
    // A booted machine cannot lose init (do_exit: is_global_init).
    if (k.booted) panic(k, `Attempted to kill init! exitcode=0x${(status >>> 0).toString(16).padStart(8, '0')}`);
    else k.halt(status);
    return;
  }
  // Children that asked (PR_SET_PDEATHSIG) hear of their parent's death.
  for (const c of tg.children) {
    for (const x of c.tasks) {
      if (x.pdeathSig && x.state !== 'Z' && x.state !== 'X') sendSignal(k, c, { signo: x.pdeathSig, code: SI_USER, pid: tg.tgid, uid: tg.leader.cred.uid });
    }
  }
  // Orphans go to the nearest subreaper or to init (forget_original_parent).
  const reaper = findReaper(k, tg);
  const orphans = [...tg.children];
  tg.children.clear();
  for (const c of orphans) {
    c.parent = reaper;
    if (!reaper) continue;
    reaper.children.add(c);
    // reparent_leader: "we don't want people slaying init" — an adopted child's
    // exit signal becomes SIGCHLD; one that is already a zombie tells its new
    // parent at once, or stays unreaped until another child of it exits.
    c.exitSignal = SIGCHLD;
    if (c.zombie && !c.reaped && !c.leader.ptrace) doNotifyParent(k, c);
  }
  // forget_original_parent, then exit_notify: groups that lost their last link to the session get SIGHUP+SIGCONT.
  for (const c of orphans) killOrphanedPgrp(k, c, tg);
  killOrphanedPgrp(k, tg, null);
  if (!tg.parent) {
    reap(k, tg);
    return;
  }
  doNotifyParent(k, tg);
}

/**
 * do_notify_parent for a dead process: its exit signal (only a valid one: clone
 * takes any number in CSIGNAL, and one above 64 is never sent), a wake-up for
 * wait(), and the reap at once of a SIGCHLD child whose parent ignores SIGCHLD
 * or set SA_NOCLDWAIT.
 */
function doNotifyParent(k: Kernel, tg: ThreadGroup): void {
  const parent = tg.parent!;
  const status = tg.exitStatus;
  let sig = tg.exitSignal;
  const act = parent.leader?.sighand.actions[SIGCHLD];
  const code = (status & 0x7f) === 0 ? CLD_EXITED : status & 0x80 ? CLD_DUMPED : CLD_KILLED;
  const ws = code === CLD_EXITED ? (status >> 8) & 0xff : status & 0x7f;
  const leader = tg.leader;
  let autoreap = false;
  if (!leader.ptrace && sig === SIGCHLD && act && (act.handler === SIG_IGN || act.flags & SA_NOCLDWAIT)) {
    autoreap = true;
    if (act.handler === SIG_IGN) sig = 0;
  }
  // si_utime/si_stime: the whole process's CPU time, in clock ticks.
  const used = groupUsage(tg);
  if (sig > 0 && sig <= NSIG)
    sendSignal(k, parent, {
      signo: sig,
      code,
      pid: tg.tgid,
      uid: leader.cred.uid,
      status: ws,
      utime: Math.floor(used.utime / 1e7),
      stime: Math.floor(used.stime / 1e7),
    });
  // A parent ignoring SIGCHLD (or with SA_NOCLDWAIT) never sees zombies.
  if (autoreap) reap(k, tg, false);
  parent.childWait.wakeAll();
}

function findReaper(k: Kernel, tg: ThreadGroup): ThreadGroup | null {
  for (let p = tg.parent; p; p = p.parent) if (p.subreaper && !p.zombie) return p;
  return k.init && !k.init.tg.zombie ? k.init.tg : null;
}

/**
 * Remove a zombie for good. `collected`: a wait() took it, so its times join
 * the parent's children's times; an auto-reaped child's (SIGCHLD ignored) do not.
 */
export function reap(k: Kernel, tg: ThreadGroup, collected = true): void {
  tg.reaped = true;
  tg.exitWait.wakeAll();
  tg.parent?.children.delete(tg);
  const p = tg.parent;
  if (p && collected) {
    // wait_task_zombie: the child's own figures and those of the children it reaped.
    const u = groupUsage(tg);
    p.cutime += u.utime + tg.cutime;
    p.cstime += u.stime + tg.cstime;
    p.cminFlt += u.minFlt + tg.cminFlt;
    p.cmajFlt += u.majFlt + tg.cmajFlt;
    p.cnvcsw += u.nvcsw + tg.cnvcsw;
    p.cnivcsw += u.nivcsw + tg.cnivcsw;
    p.cmaxrss = Math.max(p.cmaxrss, tg.maxrss, tg.cmaxrss);
  }
  for (const x of tg.tasks) {
    x.markDead();
    k.pids.releaseTask(x);
  }
  k.pids.detachGroup(tg);
}
