// /proc/PID/stat and /proc/PID/status in the text Linux 6.12's
// fs/proc/array.c prints (do_task_stat, proc_pid_status): ps, top and pgrep
// parse these field by field.
import { capHex } from '../../security/commoncap.js';
import { groupUsage } from '../../sched/cputime.js';
import type { Kernel } from '../../kernel.js';
import type { Task } from '../../sched/task.js';
import { RLIMIT_RSS, RLIMIT_SIGPENDING } from '../../sched/threadgroup.js';
import { SIG_DFL, SIG_IGN } from '../../signal/signals.js';
import { groupTty, isDead, mayPtrace, taskFiles, taskFs, taskMm, taskNice, ticks, tracerPid, visibleThreads } from './pid.js';
import { segments, taskMem } from './task_mmu.js';
import { taskPrio } from '../../sched/attrs.js';
import { cpumaskHex, cpumaskList } from '../../device/cpu.js';

const PF_EXITING = 0x4,
  PF_WQ_WORKER = 0x20,
  PF_NOFREEZE = 0x8000,
  PF_KTHREAD = 0x200000,
  PF_RANDOMIZE = 0x400000;

const STATE_NAMES: Record<string, string> = {
  R: 'R (running)',
  S: 'S (sleeping)',
  D: 'D (disk sleep)',
  T: 'T (stopped)',
  t: 't (tracing stop)',
  X: 'X (dead)',
  Z: 'Z (zombie)',
  P: 'P (parked)',
  I: 'I (idle)',
};

/** Ignored and caught signals from the handler table (collect_sigign_sigcatch). */
function sigIgnCatch(t: Task): { ign: bigint; catch: bigint } {
  let ign = 0n,
    cat = 0n;
  const acts = t.sighand.actions;
  for (let sig = 1; sig <= 64 && sig < acts.length; sig++) {
    const h = acts[sig].handler;
    if (h === SIG_IGN) ign |= 1n << BigInt(sig - 1);
    else if (h !== SIG_DFL) cat |= 1n << BigInt(sig - 1);
  }
  return { ign, catch: cat };
}

/** Times of the whole group, dead threads included (thread_group_cputime). */
function groupTimes(t: Task): { utime: number; stime: number } {
  return groupUsage(t.tg);
}

const low31 = (s: bigint) => Number(s & 0x7fffffffn);

/** do_task_stat: 52 space-separated fields. `whole` = /proc/PID (vs task/TID). */
export function taskStat(k: Kernel, t: Task, whole: boolean): string {
  const tg = t.tg;
  const mm = taskMm(t);
  const permitted = mayPtrace(k, t);
  const nthreads = visibleThreads(tg).length;
  const tty = groupTty(tg);
  const { ign, catch: cat } = sigIgnCatch(t);
  const { utime, stime } = whole ? groupTimes(t) : { utime: t.utime, stime: t.stime };
  // Faults of this thread, or of every thread of the group (dead ones included).
  const { minFlt, majFlt } = whole ? groupUsage(tg) : t;
  const seg = mm ? segments(t, mm) : null;
  const leader = tg.tasks[0] === t;
  let exitCode = t.state === 'Z' ? tg.exitStatus : 0;
  if (whole && tg.groupExiting) exitCode = tg.exitStatus;
  const wchan = permitted && (!whole || nthreads < 2) && t.state !== 'R' ? 1 : 0;
  const f: (number | string)[] = [
    tg.parent ? tg.parent.tgid : 0,
    tg.pgid,
    tg.sid,
    tty ? tty.rdev : 0,
    tty ? tty.pgrp : -1,
    (t.kthread ? PF_KTHREAD | PF_NOFREEZE | (t.wqWorker ? PF_WQ_WORKER : 0) : PF_RANDOMIZE) | (isDead(t) ? PF_EXITING : 0),
    minFlt,
    tg.cminFlt,
    majFlt,
    tg.cmajFlt,
    ticks(utime),
    ticks(stime),
    ticks(tg.cutime),
    ticks(tg.cstime),
    taskPrio(t),
    taskNice(t),
    nthreads,
    0,
    ticks(t.startTime),
    mm ? mm.totalVm * 4096 : 0,
    mm ? mm.rss : 0,
    tg.rlimits[RLIMIT_RSS][0].toString(),
    mm ? (permitted ? seg!.startCode : 1) : 0,
    mm ? (permitted ? seg!.endCode : 1) : 0,
    permitted && mm ? mm.startStack : 0,
    0,
    0, // esp, eip: zeroed unless core dumping
    low31(t.pending),
    low31(t.blocked),
    low31(ign),
    low31(cat),
    wchan,
    0,
    0,
    leader ? tg.exitSignal : -1, // threads have no exit signal
    t.cpu,
    t.rtPriority,
    t.policy, // processor, rt_priority, policy
    0,
    0,
    0, // delayacct_blkio_ticks, guest_time, cguest_time
  ];
  if (mm && permitted) f.push(seg!.startData, seg!.endData, mm.brkStart, mm.argStart, mm.argEnd, mm.envStart, mm.envEnd);
  else f.push(0, 0, 0, 0, 0, 0, 0);
  f.push(permitted ? exitCode : 0);
  return `${t.tid} (${t.comm.slice(0, 64)}) ${t.state} ${f.join(' ')}\n`;
}

/** Name: escapes only newline and backslash (seq_escape_str with "\n\\"). */
const escapeComm = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** render_sigset_t: 64 signals as 16 hex digits, highest first. */
const sigset = (s: bigint) => (s & 0xffffffffffffffffn).toString(16).padStart(16, '0');

/** Capabilities: all of 6.12's 41 (CAP_LAST_CAP 40) for root, none otherwise. */

/** Linux starts an fd table at 64 slots (BITS_PER_LONG) and doubles it. */
function maxFds(n: number): number {
  let size = 64;
  while (size < n) size *= 2;
  return size;
}

export function taskStatus(t: Task, ncpus: number): string {
  const tg = t.tg;
  const allowed = Array.from({ length: ncpus }, (_, c) => c).filter((c) => (t.cpusAllowed >>> c) & 1);
  const mm = taskMm(t);
  const fs = taskFs(t);
  const files = taskFiles(t);
  const c = t.cred;
  const { ign, catch: cat } = sigIgnCatch(t);
  let s = `Name:\t${escapeComm(t.comm)}\n`;
  if (fs) s += `Umask:\t${fs.umask.toString(8).padStart(4, '0')}\n`;
  s +=
    `State:\t${STATE_NAMES[t.state] ?? t.state}\n` +
    `Tgid:\t${tg.tgid}\nNgid:\t0\nPid:\t${t.tid}\n` +
    `PPid:\t${t.state !== 'X' && tg.parent ? tg.parent.tgid : 0}\nTracerPid:\t${tracerPid(t)}\n` +
    `Uid:\t${c.uid}\t${c.euid}\t${c.suid}\t${c.fsuid}\n` +
    `Gid:\t${c.gid}\t${c.egid}\t${c.sgid}\t${c.fsgid}\n` +
    `FDSize:\t${files ? maxFds(files.files.length) : 0}\n` +
    // The trailing space is Linux's too ("shouldn't have been added in the first place").
    `Groups:\t${c.groups.join(' ')} \n` +
    `NStgid:\t${tg.tgid}\nNSpid:\t${t.tid}\nNSpgid:\t${tg.pgid}\nNSsid:\t${tg.sid}\n` +
    `Kthread:\t${t.kthread ? 1 : 0}\n`;
  if (mm) {
    s += taskMem(t, mm);
    s += `CoreDumping:\t0\n`;
    s += `THP_enabled:\t1\n`;
    // riscv has no pointer tagging in 6.12: mm_untag_mask is all ones.
    s += `untag_mask:\t0xffffffffffffffff\n`;
  }
  s +=
    `Threads:\t${visibleThreads(tg).length}\n` +
    `SigQ:\t${t.pendingInfo.length + tg.pendingInfo.length}/${tg.rlimits[RLIMIT_SIGPENDING][0]}\n` +
    `SigPnd:\t${sigset(t.pending)}\nShdPnd:\t${sigset(tg.pending)}\nSigBlk:\t${sigset(t.blocked)}\n` +
    `SigIgn:\t${sigset(ign)}\nSigCgt:\t${sigset(cat)}\n` +
    `CapInh:\t${capHex(c.capInh)}\nCapPrm:\t${capHex(c.capPrm)}\nCapEff:\t${capHex(c.capEff)}\n` +
    `CapBnd:\t${capHex(c.capBnd)}\nCapAmb:\t${capHex(c.capAmb)}\n` +
    `NoNewPrivs:\t${t.noNewPrivs ? 1 : 0}\nSeccomp:\t0\nSeccomp_filters:\t0\n` +
    // riscv's arch_prctl_spec_ctrl_get is the generic -EINVAL one.
    `Speculation_Store_Bypass:\tunknown\nSpeculationIndirectBranch:\tunsupported\n` +
    `Cpus_allowed:\t${cpumaskHex(allowed, ncpus)}\nCpus_allowed_list:\t${cpumaskList(allowed)}\n` +
    `Mems_allowed:\t${cpumaskHex([0], 1)}\nMems_allowed_list:\t0\n` +
    `voluntary_ctxt_switches:\t${t.nvcsw}\nnonvoluntary_ctxt_switches:\t${t.nivcsw}\n`;
  return s;
}
