// The OOM killer's view of a process (Linux's mm/oom_kill.c oom_badness and
// the oom_* files of fs/proc/base.c): a score from its memory footprint and
// the adjustment userland writes.
import { EACCES, EINVAL } from '../../errno.js';
import type { Kernel } from '../../kernel.js';
import type { Task } from '../../sched/task.js';
import type { ProcStore } from './generic.js';
import { extras, reader, taskMm } from './pid.js';
import { ptPages } from './task_mmu.js';

export const OOM_SCORE_ADJ_MIN = -1000,
  OOM_SCORE_ADJ_MAX = 1000;
const OOM_DISABLE = -17,
  OOM_ADJUST_MIN = -16,
  OOM_ADJUST_MAX = 15;

/** oom_badness: rss + swap entries + page-table pages, shifted by the adjustment; null = unkillable. */
export function oomBadness(k: Kernel, t: Task, totalPages: number): number | null {
  const mm = taskMm(t);
  if (!mm || t.tg.tgid === 1) return null; // no memory, or the global init
  const adj = t.tg.oomScoreAdj;
  if (adj === OOM_SCORE_ADJ_MIN) return null;
  const swap = (mm as unknown as { swapEnts?: number }).swapEnts ?? 0;
  let points = mm.rss + swap + ptPages(mm);
  points += adj * Math.floor(totalPages / 1000);
  return points;
}

/** proc_oom_score: the badness scaled into [0, 2000], then by 2/3. */
export function oomScore(k: Kernel, t: Task): string {
  const total = k.pages.total + (extras(k).swap?.totalPages ?? 0);
  const b = oomBadness(k, t, total);
  const points = b === null ? 0 : Math.trunc(((1000 + Math.trunc((b * 1000) / total)) * 2) / 3);
  return `${Math.max(0, points)}\n`;
}

const root = (k: Kernel) => (reader(k)?.cred.euid ?? 0) === 0;

function parseInt10(data: Uint8Array): number | null {
  const s = String.fromCharCode(...data.subarray(0, 23)).trim();
  if (!/^[+-]?(0x[0-9a-f]+|[0-9]+)$/i.test(s)) return null;
  const n = Number(s.replace(/^\+/, ''));
  return Number.isSafeInteger(n) ? n : null;
}

/** oom_score_adj_write: -1000..1000; going below the floor needs CAP_SYS_RESOURCE. */
export function oomScoreAdjStore(k: Kernel, t: Task): ProcStore {
  return (data) => {
    const v = parseInt10(data);
    if (v === null || v < OOM_SCORE_ADJ_MIN || v > OOM_SCORE_ADJ_MAX) return -EINVAL;
    if (v < t.tg.oomScoreAdjMin && !root(k)) return -EACCES;
    t.tg.oomScoreAdj = v;
    if (root(k)) t.tg.oomScoreAdjMin = v;
    return data.length;
  };
}

/** The legacy oom_adj scale: -17 (disable) or -16..15, mapped onto oom_score_adj. */
export function oomAdjShow(t: Task): string {
  const adj = t.tg.oomScoreAdj;
  const v = adj === OOM_SCORE_ADJ_MAX ? OOM_ADJUST_MAX : Math.trunc((adj * -OOM_DISABLE) / OOM_SCORE_ADJ_MAX);
  return `${v}\n`;
}

export function oomAdjStore(k: Kernel, t: Task): ProcStore {
  return (data) => {
    let v = parseInt10(data);
    if (v === null || ((v < OOM_ADJUST_MIN || v > OOM_ADJUST_MAX) && v !== OOM_DISABLE)) return -EINVAL;
    // Scale to oom_score_adj: OOM_ADJUST_MAX means "kill first" outright.
    v = v === OOM_ADJUST_MAX ? OOM_SCORE_ADJ_MAX : Math.trunc((v * OOM_SCORE_ADJ_MAX) / -OOM_DISABLE);
    if (v < t.tg.oomScoreAdj && !root(k)) return -EACCES;
    t.tg.oomScoreAdj = v;
    return data.length;
  };
}
