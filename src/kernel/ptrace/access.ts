// Who may trace whom: __ptrace_may_access (PTRACE_MODE_ATTACH_REALCREDS) and
// Yama's ptrace_scope (security/yama/yama_lsm.c). Privilege is CAP_SYS_PTRACE in the
// tracer's effective set (ptrace_has_cap).
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { ThreadGroup } from '../sched/threadgroup.js';
import { ptraceScope } from '../sysctl/kernel.js';
import { CAP_SYS_PTRACE, capable as hasCap } from '../security/commoncap.js';

const capable = (t: Task) => hasCap(t.cred, CAP_SYS_PTRACE);

function isDescendant(ancestor: ThreadGroup, tg: ThreadGroup): boolean {
  for (let g: ThreadGroup | null = tg; g; g = g.parent) if (g === ancestor) return true;
  return false;
}

/** Real ids of the tracer match all of the target's (uid and gid alike). */
function sameCreds(tracer: Task, target: Task): boolean {
  const c = tracer.cred,
    tc = target.cred;
  return c.uid === tc.uid && c.uid === tc.euid && c.uid === tc.suid && c.gid === tc.gid && c.gid === tc.egid && c.gid === tc.sgid;
}

/**
 * PTRACE_MODE_READ_REALCREDS (kcmp, /proc/PID/stat's wchan...): the same
 * process, a capable caller, or one whose real ids match all the target's.
 * Yama restricts attaching only, not reading.
 */
export function ptraceMayRead(tracer: Task, target: Task): boolean {
  return tracer.tg === target.tg || capable(tracer) || sameCreds(tracer, target);
}

/** PTRACE_ATTACH/SEIZE and process_vm_*: may `tracer` reach `target`? */
export function ptraceMayAccess(k: Kernel, tracer: Task, target: Task): boolean {
  if (tracer.tg === target.tg) return true;
  if (!capable(tracer) && !sameCreds(tracer, target)) return false;
  if (capable(tracer)) return ptraceScope.get(k) < 3;
  switch (ptraceScope.get(k)) {
    case 0:
      return true;
    case 1: {
      if (isDescendant(tracer.tg, target.tg)) return true;
      const allowed = target.tg.yamaPtracer;
      if (allowed === -1) return true;
      const declared = allowed > 0 ? k.pids.findThreadGroup(allowed) : undefined;
      return declared !== undefined && isDescendant(declared, tracer.tg);
    }
    default:
      return false;
  }
}

/** PTRACE_TRACEME: Yama refuses it only in its stricter scopes. */
export function ptraceMayTraceme(k: Kernel, parent: Task | undefined): boolean {
  const scope = ptraceScope.get(k);
  if (scope === 3) return false;
  if (scope === 2) return parent !== undefined && capable(parent);
  return true;
}
