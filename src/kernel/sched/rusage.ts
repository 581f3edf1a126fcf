// getrusage (kernel/sys.c): a task's, its process's or its reaped children's
// resource usage as a riscv64 struct rusage (144 bytes: two timevals, then
// fourteen longs). wait4 reports a child with RUSAGE_BOTH.
import type { Task } from './task.js';
import type { ThreadGroup } from './threadgroup.js';
import { StructWriter } from '../syscalls/uaccess.js';
import { emptyUsage, groupUsage, type Usage } from './cputime.js';

export const RUSAGE_SELF = 0,
  RUSAGE_CHILDREN = -1,
  RUSAGE_THREAD = 1;
/** Internal to Linux: the process and its children together (wait4's rusage). */
export const RUSAGE_BOTH = -2;

function childrenUsage(tg: ThreadGroup): Usage {
  return { utime: tg.cutime, stime: tg.cstime, nvcsw: tg.cnvcsw, nivcsw: tg.cnivcsw, minFlt: tg.cminFlt, majFlt: tg.cmajFlt };
}

/** The usage of `who` for task t encoded as struct rusage, or null for a bad `who`. */
export function rusage(t: Task, who: number): Uint8Array | null {
  const tg = t.tg;
  let u: Usage, maxrss: number;
  // ru_maxrss: the largest the address space has been (sig->maxrss, or the live mm's).
  const selfRss = () => Math.max(tg.maxrss, tg.tasks.some((x) => x.state !== 'Z' && x.state !== 'X') ? t.mm.rss * 4 : 0);
  switch (who) {
    case RUSAGE_SELF:
      u = groupUsage(tg);
      maxrss = selfRss();
      break;
    case RUSAGE_THREAD:
      u = { utime: t.utime, stime: t.stime, nvcsw: t.nvcsw, nivcsw: t.nivcsw, minFlt: t.minFlt, majFlt: t.majFlt };
      maxrss = selfRss();
      break;
    case RUSAGE_CHILDREN:
      u = childrenUsage(tg);
      maxrss = tg.cmaxrss;
      break;
    case RUSAGE_BOTH: {
      u = groupUsage(tg);
      const c = childrenUsage(tg);
      for (const key of Object.keys(c) as (keyof Usage)[]) u[key] += c[key];
      maxrss = Math.max(selfRss(), tg.cmaxrss);
      break;
    }
    default:
      return null;
  }
  return encodeRusage(u, maxrss);
}

export function encodeRusage(u: Usage = emptyUsage(), maxrssKb = 0): Uint8Array {
  const w = new StructWriter(144);
  const tv = (off: number, ns: number) => {
    w.i64(off, Math.floor(ns / 1e9));
    w.i64(off + 8, Math.floor((ns % 1e9) / 1000));
  };
  tv(0, u.utime);
  tv(16, u.stime);
  // ru_maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd, msgrcv, nsignals, nvcsw, nivcsw
  w.i64(32, maxrssKb).i64(64, u.minFlt).i64(72, u.majFlt).i64(128, u.nvcsw).i64(136, u.nivcsw);
  return w.buf;
}
