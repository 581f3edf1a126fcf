// The fair class (kernel/sched/fair.c) for SCHED_NORMAL, SCHED_BATCH and
// SCHED_IDLE, in its two Linux forms: EEVDF (the default since 6.6: the
// eligible entity with the earliest virtual deadline runs; lag carries over a
// sleep) and CFS (before 6.6: the smallest vruntime runs, slices from
// sched_latency). Both keep the waiting tasks in a red-black tree; the running
// task is out of the tree, as Linux's cfs_rq->curr is.
//
// EEVDF follows 6.18: the picked task is protected from other picks up to
// vprot (RUN_TO_PARITY, its deadline here: every task has the base slice);
// past that, update_curr reschedules as soon as it is no longer eligible
// (resched_next_slice), so a task whose deadline lies far ahead still shares
// the CPU by eligibility; sched_yield forfeits the rest of the request
// (vruntime moves to the deadline) instead of only pushing the deadline on.
import type { Task } from './task.js';
import type { Runqueue } from './core.js';
import { RbTree } from './rbtree.js';
import type { SchedEntity } from './entity.js';
import { DEQUEUE_SLEEP, ENQUEUE_INITIAL, ENQUEUE_WAKEUP, type SchedClass } from './sched_class.js';
import { SCHED_IDLE, SCHED_NORMAL } from './attrs.js';

/** sched_prio_to_weight for nice -20..19: each step is about 10% of CPU. */
export const SCHED_PRIO_TO_WEIGHT = [
  88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916, 9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277, 1024, 820, 655, 526, 423,
  335, 272, 215, 172, 137, 110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
];
export const NICE_0_LOAD = 1024;
/** WEIGHT_IDLEPRIO: SCHED_IDLE tasks. */
export const WEIGHT_IDLEPRIO = 3;

// Tunables scaled as Linux's SCHED_TUNABLESCALING_LOG does: factor 1 + ilog2(ncpus) = 1 on one CPU.
export const SYSCTL_SCHED_LATENCY = 6_000_000;
export const SYSCTL_SCHED_MIN_GRANULARITY = 750_000;
export const SYSCTL_SCHED_WAKEUP_GRANULARITY = 1_000_000;
export const SYSCTL_SCHED_BASE_SLICE = 750_000;
/** sched_nr_latency = latency / min_granularity. */
const SCHED_NR_LATENCY = 8;
/** TICK_NSEC at HZ=250. */
const TICK_NSEC = 4_000_000;

export function taskWeight(t: Task): number {
  if (t.policy === SCHED_IDLE) return WEIGHT_IDLEPRIO;
  return SCHED_PRIO_TO_WEIGHT[Math.max(-20, Math.min(19, t.nice)) + 20];
}

/** calc_delta_fair: real time to virtual time at this weight. */
export const calcDeltaFair = (delta: number, weight: number) => (weight === NICE_0_LOAD ? delta : (delta * NICE_0_LOAD) / weight);

export class FairClass implements SchedClass {
  readonly name = 'fair';
  readonly tree: RbTree<Task>;
  /** The running task of this class (cfs_rq->curr), out of the tree. */
  curr: Task | null = null;
  /** The task that ran last, for EEVDF's RUN_TO_PARITY while picking. */
  private last: Task | null = null;
  nrRunning = 0;
  /** Sum of the weights of queued tasks, curr included (cfs_rq->load). */
  load = 0;
  /**
   * min_vruntime, brought up to date when read: update_curr runs on every
   * slice and syscall, and finding the minimum walks the tree (EEVDF's is
   * sorted by deadline), so the walk waits until someone needs the value.
   */
  private minV = 0;
  private minStale = false;
  get minVruntime(): number {
    if (this.minStale) {
      this.minStale = false;
      this.updateMinVruntime();
    }
    return this.minV;
  }

  constructor(readonly eevdf: boolean) {
    this.tree = eevdf ? new RbTree<Task>((a, b) => a.se.deadline < b.se.deadline) : new RbTree<Task>((a, b) => a.se.vruntime < b.se.vruntime);
  }

  private insert(t: Task): void {
    if (!t.se.node) t.se.node = this.tree.insert(t);
  }
  private remove(t: Task): void {
    if (t.se.node) {
      this.tree.remove(t.se.node);
      t.se.node = null;
    }
  }

  /** avg_vruntime: the load-weighted mean vruntime of everything queued (the zero-lag point V). */
  avgVruntime(): number {
    let sum = 0,
      load = 0;
    const base = this.minVruntime;
    const c = this.curr;
    if (c && c.se.onRq) {
      sum += (c.se.vruntime - base) * c.se.weight;
      load += c.se.weight;
    }
    // A node walk, not the tree's iterator: this runs at every pick and wake-up.
    for (let n = this.tree.firstNode(); n; n = this.tree.next(n)) {
      const se = n.value.se;
      sum += (se.vruntime - base) * se.weight;
      load += se.weight;
    }
    return load ? base + sum / load : base;
  }

  /** entity_eligible: lag >= 0, i.e. vruntime not past the average. */
  eligible(t: Task, avg = this.avgVruntime()): boolean {
    return t.se.vruntime <= avg;
  }

  private updateMinVruntime(): void {
    let m = Infinity;
    if (this.curr && this.curr.se.onRq) m = this.curr.se.vruntime;
    if (this.eevdf) {
      for (let n = this.tree.firstNode(); n; n = this.tree.next(n)) if (n.value.se.vruntime < m) m = n.value.se.vruntime;
    } else {
      const l = this.tree.first();
      if (l && l.se.vruntime < m) m = l.se.vruntime;
    }
    if (m !== Infinity && m > this.minV) this.minV = m;
  }

  /** CFS's __sched_period and sched_slice: a share of the latency period by weight. */
  schedSlice(t: Task, queued: boolean): number {
    const nr = this.nrRunning + (queued ? 0 : 1);
    const period = nr > SCHED_NR_LATENCY ? nr * SYSCTL_SCHED_MIN_GRANULARITY : SYSCTL_SCHED_LATENCY;
    const load = this.load + (queued ? 0 : t.se.weight);
    return (period * t.se.weight) / Math.max(1, load);
  }

  /** place_entity: where a new or waking task enters virtual time. */
  private place(t: Task, flags: number): void {
    const se = t.se;
    if (this.eevdf) {
      se.slice = SYSCTL_SCHED_BASE_SLICE;
      let vslice = calcDeltaFair(se.slice, se.weight);
      const v = this.avgVruntime();
      let lag = 0;
      if (this.nrRunning > 0) {
        // PLACE_LAG: keep the lag it left with, inflated for the weight it adds back.
        lag = (se.vlag * (this.load + se.weight)) / this.load;
      }
      se.vruntime = v - lag;
      // PLACE_REL_DEADLINE: a task moved (not woken) keeps what was left of its request.
      if (se.relDeadline) {
        se.deadline += se.vruntime;
        se.relDeadline = false;
        return;
      }
      if (flags & ENQUEUE_INITIAL) vslice /= 2; // PLACE_DEADLINE_INITIAL
      se.deadline = se.vruntime + vslice;
      return;
    }
    let vruntime = this.minVruntime;
    if (flags & ENQUEUE_INITIAL)
      vruntime += calcDeltaFair(this.schedSlice(t, false), se.weight); // START_DEBIT
    else vruntime -= SYSCTL_SCHED_LATENCY / 2; // GENTLE_FAIR_SLEEPERS
    se.vruntime = Math.max(se.vruntime, vruntime);
  }

  enqueue(_rq: Runqueue, t: Task, flags: number): void {
    t.se.weight = taskWeight(t);
    if (flags & (ENQUEUE_WAKEUP | ENQUEUE_INITIAL)) this.place(t, flags);
    else if (!this.eevdf)
      t.se.vruntime += this.minVruntime; // renormalise (it left with min subtracted)
    else this.place(t, 0);
    this.nrRunning++;
    this.load += t.se.weight;
    if (t !== this.curr) this.insert(t);
  }

  dequeue(_rq: Runqueue, t: Task, flags: number): void {
    const se = t.se;
    if (this.eevdf) {
      // update_entity_lag, clamped to what a slice or a tick could owe.
      const limit = calcDeltaFair(Math.max(2 * se.slice, TICK_NSEC), se.weight);
      se.vlag = Math.max(-limit, Math.min(limit, this.avgVruntime() - se.vruntime));
      if (!(flags & DEQUEUE_SLEEP)) {
        se.deadline -= se.vruntime;
        se.relDeadline = true;
      }
    }
    this.remove(t);
    if (this.last === t) this.last = null;
    this.nrRunning--;
    this.load -= se.weight;
    if (!this.eevdf && !(flags & DEQUEUE_SLEEP)) se.vruntime -= this.minVruntime;
    this.minStale = true;
  }

  /**
   * set_protect_slice: the picked task runs undisturbed up to vruntime vprot.
   * RUN_TO_PARITY bounds that by the shortest slice queued; with no custom
   * slices (sched_attr's sched_runtime for fair tasks) every slice is the base
   * slice, so the bound is the task's own deadline.
   */
  private setProtectSlice(se: SchedEntity): void {
    se.vprot = se.deadline;
  }
  /** protect_slice */
  private protectSlice(se: SchedEntity): boolean {
    return se.vruntime < se.vprot;
  }
  /** cancel_protect_slice */
  private cancelProtectSlice(se: SchedEntity): void {
    if (this.protectSlice(se)) se.vprot = se.vruntime;
  }

  /**
   * pick_eevdf: the earliest virtual deadline among the eligible; the running
   * task, while eligible, keeps the CPU inside its protected slice (`protect`).
   */
  private pickEevdf(curr: Task | null, protect = true): Task | null {
    if (this.nrRunning === 1) return curr && curr.se.onRq ? curr : this.tree.first();
    const avg = this.avgVruntime();
    if (curr && (!curr.se.onRq || !this.eligible(curr, avg))) curr = null;
    if (curr && protect && this.protectSlice(curr.se)) return curr;
    let best: Task | null = null;
    for (let n = this.tree.firstNode(); n; n = this.tree.next(n))
      if (this.eligible(n.value, avg)) {
        best = n.value;
        break;
      }
    if (!best || (curr && curr.se.deadline < best.se.deadline)) best = curr;
    return best ?? this.tree.first();
  }

  pick(_rq: Runqueue): Task | null {
    if (!this.nrRunning) return null;
    if (this.eevdf) {
      // In schedule() the task just put back is still "current" for RUN_TO_PARITY.
      const last = this.last && this.last.se.onRq ? this.last : null;
      return this.pickEevdf(this.curr ?? last);
    }
    return this.tree.first();
  }

  setNext(_rq: Runqueue, t: Task): void {
    this.remove(t);
    this.curr = t;
    this.last = null;
    t.se.prevSumExec = t.se.sumExec;
    if (this.eevdf) this.setProtectSlice(t.se);
  }

  putPrev(_rq: Runqueue, t: Task): void {
    if (t.se.onRq) this.insert(t);
    if (this.curr === t) this.curr = null;
    this.last = t.se.onRq ? t : null;
  }

  updateCurr(rq: Runqueue, t: Task, delta: number): void {
    if (delta <= 0) return;
    const se = t.se;
    se.vruntime += calcDeltaFair(delta, se.weight);
    this.minStale = true;
    if (!this.eevdf) return; // CFS preempts from the tick
    let resched = false;
    if (se.vruntime >= se.deadline) {
      // update_deadline: the request is used up; ask for a new slice and let the scheduler choose.
      se.slice = SYSCTL_SCHED_BASE_SLICE;
      se.deadline = se.vruntime + calcDeltaFair(se.slice, se.weight);
      resched = true;
    }
    if (this.nrRunning === 1) return;
    // resched_next_slice: out of its protected slice and no longer owed service, it lets another run.
    if (resched || (!this.protectSlice(se) && !this.eligible(t))) rq.resched();
  }

  tick(rq: Runqueue, t: Task): void {
    if (this.eevdf || this.nrRunning < 2) return; // EEVDF preempts from update_deadline
    // check_preempt_tick: slice used up, or far ahead of the leftmost task.
    const ideal = this.schedSlice(t, true);
    const ran = t.se.sumExec - t.se.prevSumExec;
    if (ran > ideal) {
      rq.resched();
      return;
    }
    if (ran < SYSCTL_SCHED_MIN_GRANULARITY) return;
    const left = this.tree.first();
    if (left && t.se.vruntime - left.se.vruntime > ideal) rq.resched();
  }

  checkPreempt(rq: Runqueue, curr: Task, p: Task): void {
    if (rq.needResched) return; // already going to pick
    // An idle-policy task yields to any other (without slice protection); batch and idle wakers never preempt.
    if (curr.policy === SCHED_IDLE && p.policy !== SCHED_IDLE) {
      if (this.eevdf) this.cancelProtectSlice(curr.se);
      rq.resched();
      return;
    }
    if (p.policy !== SCHED_NORMAL) return;
    if (this.eevdf) {
      // check_preempt_wakeup_fair: p preempts if it is now the pick. PREEMPT_SHORT
      // (p asks for a shorter slice) overrides curr's protection; never so here,
      // where every slice is the base slice.
      const short = p.se.slice < curr.se.slice;
      if (this.pickEevdf(curr, !short) === p) {
        if (short) this.cancelProtectSlice(curr.se);
        rq.resched();
      }
      return;
    }
    // wakeup_preempt_entity: ahead by more than the wakeup granularity, in p's virtual time.
    const vdiff = curr.se.vruntime - p.se.vruntime;
    if (vdiff > calcDeltaFair(SYSCTL_SCHED_WAKEUP_GRANULARITY, p.se.weight)) rq.resched();
  }

  yieldTask(rq: Runqueue, t: Task): void {
    if (rq.nrRunning < 2) return;
    if (this.eevdf) {
      // yield_task_fair (6.18): forfeit the rest of the request and ask for a
      // new one. Only while eligible: pushing an ineligible task's deadline on
      // and on would let it run away from the others' (and starve it later).
      const se = t.se;
      if (this.eligible(t)) {
        se.vruntime = se.deadline;
        se.deadline += calcDeltaFair(se.slice, se.weight);
        this.minStale = true;
      }
    } else {
      // The skip buddy: go behind everything queued now.
      const right = this.tree.lastNode();
      if (right) t.se.vruntime = Math.max(t.se.vruntime, right.value.se.vruntime + 1);
    }
  }
}
