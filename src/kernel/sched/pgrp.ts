// Process groups as job control sees them (kernel/exit.c): a group is
// orphaned when no member has a parent in another group of the same session,
// the link a shell keeps to its jobs. A group that becomes orphaned with a
// stopped member gets SIGHUP then SIGCONT, so no job stays stopped with
// nobody left to continue it (POSIX; kill_orphaned_pgrp).
import type { Kernel } from '../kernel.js';
import type { ThreadGroup } from './threadgroup.js';
import { sendSignal } from '../signal/deliver.js';
import { SIGCONT, SIGHUP, SI_KERNEL } from '../signal/signals.js';

/** kill_pgrp with SEND_SIG_PRIV: every live process of the group. */
export function killPgrp(k: Kernel, pgid: number, sig: number): void {
  for (const g of k.pids.processGroup(pgid)) {
    if (!g.zombie) sendSignal(k, g, { signo: sig, code: SI_KERNEL });
  }
}

/**
 * will_become_orphaned_pgrp: no member (but `ignored`) has a parent in
 * another group of the same session; a parent that is init does not count.
 */
export function pgrpOrphaned(k: Kernel, pgid: number, ignored: ThreadGroup | null = null): boolean {
  for (const g of k.pids.processGroup(pgid)) {
    if (g === ignored || g.zombie) continue;
    const p = g.parent;
    if (!p || p.zombie || (k.init && p === k.init.tg)) continue;
    if (p.pgid !== pgid && p.sid === g.sid) return false;
  }
  return true;
}

function hasStoppedJobs(k: Kernel, pgid: number): boolean {
  return k.pids.processGroup(pgid).some((g) => !g.zombie && g.stopped);
}

/**
 * kill_orphaned_pgrp: `tg` exits (parent null: its own group may lose its
 * link) or was just reparented away from `parent` (its group may have lost
 * the link through that parent).
 */
export function killOrphanedPgrp(k: Kernel, tg: ThreadGroup, parent: ThreadGroup | null): void {
  const ignored = parent ? null : tg;
  const p = parent ?? tg.parent;
  if (!p || p.pgid === tg.pgid || p.sid !== tg.sid) return;
  if (!pgrpOrphaned(k, tg.pgid, ignored) || !hasStoppedJobs(k, tg.pgid)) return;
  killPgrp(k, tg.pgid, SIGHUP);
  killPgrp(k, tg.pgid, SIGCONT);
}
