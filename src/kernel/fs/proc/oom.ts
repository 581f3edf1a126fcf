// The OOM killer's view of a process (Linux's mm/oom_kill.c oom_badness and
// the oom_* files of fs/proc/base.c): a score from its memory footprint and
// the adjustment userland writes.
import { EACCES, EINVAL } from '../../errno.js';
import type { Kernel } from '../../kernel.js';
import type { Task } from '../../sched/task.js';
import type { ProcStore } from './generic.js';
import { reader } from './pid.js';
import { OOM_SCORE_ADJ_MAX, OOM_SCORE_ADJ_MIN, oomScore as oomScoreOf, oomTotalPages } from '../../mm/oom_kill.js';
import { capable, CAP_SYS_RESOURCE } from '../../security/commoncap.js';

const OOM_DISABLE = -17,
  OOM_ADJUST_MIN = -16,
  OOM_ADJUST_MAX = 15;

/** proc_oom_score: mm/oom_kill.ts's score against RAM plus swap. */
export function oomScore(k: Kernel, t: Task): string {
  return `${oomScoreOf(t, oomTotalPages(k))}\n`;
}

/** capable(CAP_SYS_RESOURCE) of the writer, as __set_oom_adj asks. */
const canResource = (k: Kernel) => {
  const c = reader(k)?.cred;
  return c ? capable(c, CAP_SYS_RESOURCE) : true;
};

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
    if (v < t.tg.oomScoreAdjMin && !canResource(k)) return -EACCES;
    t.tg.oomScoreAdj = v;
    if (canResource(k)) t.tg.oomScoreAdjMin = v;
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
    if (v < t.tg.oomScoreAdj && !canResource(k)) return -EACCES;
    t.tg.oomScoreAdj = v;
    return data.length;
  };
}
