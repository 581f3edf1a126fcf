// The BFQ I/O scheduler (block/bfq-iosched.c, bfq-wf2q.c), simplified: every
// process has its own queue (a bfq_queue), and the device serves one queue
// at a time. Which queue comes next is B-WF2Q+'s choice: each queue has a
// virtual start and finish time; among those already eligible (start not
// after the system's virtual time) the one that finishes first is served.
// A queue is served until it has had timeout_sync of device time, or it runs
// dry and no new request of its own arrives within slice_idle (BFQ idles
// for a synchronous queue so that a process issuing one read after the
// other keeps the disk, which is what makes its share real). The service
// charged is device time divided by the queue's weight, as BFQ charges the
// seeky and timed-out queues that dominate on a disk, so queues share the
// device's time in proportion to their weights; the weight comes from the
// I/O priority ((8 - level) * 10, bfq_ioprio_to_weight). Within a queue the
// requests go in sector order from where the last one ended, with a FIFO
// deadline (fifo_expire_sync, fifo_expire_async). Left out: budgets
// estimated from the peak rate, weight raising for interactive queues
// (low_latency is kept and shown), cgroups and queue merging.
import type { Bio, Request } from './request.js';
import { isSync } from './request.js';
import { numAttr, type Elevator, type ElevatorType } from './elevator.js';

const MS = 1_000_000;

interface BfqQueue {
  readonly owner: number;
  weight: number;
  readonly sorted: Request[];
  readonly fifo: Request[];
  /** Virtual start and finish (B-WF2Q+), in ns of device time per unit weight. */
  start: number;
  finish: number;
  /** Requests of this queue in the device. */
  inFlight: number;
  sync: boolean;
  /** Where its last dispatched request ended. */
  pos: number;
}

export class Bfq implements Elevator {
  readonly name = 'bfq';
  sliceIdleNs = 8 * MS;
  timeoutSyncMs = 125;
  fifoExpireSyncMs = 125;
  fifoExpireAsyncMs = 250;
  backSeekMax = 16384;
  backSeekPenalty = 2;
  maxBudget = 0;
  lowLatency = 1;
  strictGuarantees = 0;
  private readonly queues = new Map<number, BfqQueue>();
  /** The system's virtual time. */
  private vtime = 0;
  private inService: BfqQueue | null = null;
  /** When the in-service queue began its turn, and the device time it used. */
  private serviceStart = 0;
  private idleUntil: number | null = null;
  readonly attrs = [
    numAttr(
      'slice_idle',
      () => Math.floor(this.sliceIdleNs / MS),
      (v) => (this.sliceIdleNs = v * MS),
    ),
    numAttr(
      'slice_idle_us',
      () => Math.floor(this.sliceIdleNs / 1000),
      (v) => (this.sliceIdleNs = v * 1000),
    ),
    numAttr(
      'timeout_sync',
      () => this.timeoutSyncMs,
      (v) => (this.timeoutSyncMs = v),
      1,
    ),
    numAttr(
      'fifo_expire_sync',
      () => this.fifoExpireSyncMs,
      (v) => (this.fifoExpireSyncMs = v),
    ),
    numAttr(
      'fifo_expire_async',
      () => this.fifoExpireAsyncMs,
      (v) => (this.fifoExpireAsyncMs = v),
    ),
    numAttr(
      'back_seek_max',
      () => this.backSeekMax,
      (v) => (this.backSeekMax = v),
    ),
    numAttr(
      'back_seek_penalty',
      () => this.backSeekPenalty,
      (v) => (this.backSeekPenalty = v),
      1,
    ),
    numAttr(
      'max_budget',
      () => this.maxBudget,
      (v) => (this.maxBudget = v),
    ),
    numAttr(
      'low_latency',
      () => this.lowLatency,
      (v) => (this.lowLatency = v),
      0,
      1,
    ),
    numAttr(
      'strict_guarantees',
      () => this.strictGuarantees,
      (v) => (this.strictGuarantees = v),
      0,
      1,
    ),
  ];

  private queueOf(owner: number): BfqQueue | undefined {
    return this.queues.get(owner);
  }

  insert(rq: Request, nowNs: number): void {
    let q = this.queueOf(rq.owner);
    if (!q) {
      q = { owner: rq.owner, weight: 10, sorted: [], fifo: [], start: 0, finish: 0, inFlight: 0, sync: true, pos: 0 };
      this.queues.set(rq.owner, q);
    }
    q.weight = (8 - rq.prio) * 10;
    q.sync = isSync(rq);
    if (!q.fifo.length && q !== this.inService) {
      // The queue becomes busy: it starts no earlier than the system's virtual time (bfq_activate_bfqq).
      q.start = Math.max(this.vtime, q.finish);
    }
    rq.fifoTime = nowNs + (isSync(rq) ? this.fifoExpireSyncMs : this.fifoExpireAsyncMs) * MS;
    let i = q.sorted.length;
    while (i > 0 && q.sorted[i - 1].sector > rq.sector) i--;
    q.sorted.splice(i, 0, rq);
    q.fifo.push(rq);
    // A new request for the queue being idled on ends the idling.
    if (q === this.inService) this.idleUntil = null;
  }

  hasWork(): boolean {
    for (const q of this.queues.values()) if (q.fifo.length) return true;
    return false;
  }

  mergeCandidates(bio: Bio): Iterable<Request> {
    // bfq_allow_bio_merge: only into the bio's own process's queue.
    return this.queueOf(bio.owner)?.fifo ?? [];
  }
  allowFrontMerge(): boolean {
    return true;
  }
  merged(rq: Request, kind: 'back' | 'front'): void {
    if (kind !== 'front') return;
    const q = this.queueOf(rq.owner)!;
    q.sorted.splice(q.sorted.indexOf(rq), 1);
    let i = q.sorted.length;
    while (i > 0 && q.sorted[i - 1].sector > rq.sector) i--;
    q.sorted.splice(i, 0, rq);
  }

  completed(rq: Request, nowNs: number): void {
    const q = this.queueOf(rq.owner);
    if (!q) return;
    q.inFlight--;
    // The in-service queue ran dry and its last request is done: idle for its next one (bfq_arm_slice_timer).
    if (q === this.inService && !q.fifo.length && !q.inFlight && q.sync && this.sliceIdleNs > 0) this.idleUntil = nowNs + this.sliceIdleNs;
  }

  drain(): Request[] {
    const all = [...this.queues.values()].flatMap((q) => q.fifo.splice(0)).sort((a, b) => a.id - b.id);
    this.queues.clear();
    this.inService = null;
    this.idleUntil = null;
    return all;
  }

  wakeAt(): number | null {
    return this.idleUntil;
  }

  /** The queue's turn ends: charge its device time over its weight, and the system's virtual time moves on. */
  private expire(nowNs: number): void {
    const q = this.inService!;
    const used = Math.max(1, nowNs - this.serviceStart);
    q.finish = q.start + used / q.weight;
    let total = 0;
    for (const x of this.queues.values()) if (x.fifo.length || x === q) total += x.weight;
    this.vtime += used / total;
    q.start = q.finish;
    this.inService = null;
    this.idleUntil = null;
    // An idle queue is forgotten once the system's virtual time passed its finish: it would start at vtime anyway.
    for (const x of this.queues.values()) if (!x.fifo.length && !x.inFlight && x.finish <= this.vtime) this.queues.delete(x.owner);
  }

  /** B-WF2Q+: the eligible busy queue with the smallest virtual finish. */
  private select(nowNs: number): BfqQueue | null {
    const busy = [...this.queues.values()].filter((q) => q.fifo.length);
    if (!busy.length) return null;
    const minStart = Math.min(...busy.map((q) => q.start));
    if (minStart > this.vtime) this.vtime = minStart;
    let best: BfqQueue | null = null;
    for (const q of busy) {
      if (q.start > this.vtime) continue;
      const f = q.start + (this.timeoutSyncMs * MS) / q.weight;
      const bf = best ? best.start + (this.timeoutSyncMs * MS) / best.weight : Infinity;
      if (f < bf) best = q;
    }
    this.inService = best;
    this.serviceStart = nowNs;
    return best;
  }

  dispatch(nowNs: number): Request | null {
    let q = this.inService;
    if (q) {
      const timedOut = nowNs - this.serviceStart >= this.timeoutSyncMs * MS;
      if (!q.fifo.length) {
        // Idling for the queue's next request: the device waits, even past the turn's timeout, so that
        // the queue is still busy when its turn ends and B-WF2Q+ weighs it (bfq_may_expire_for_budg_timeout).
        const waiting = q.inFlight > 0 || (this.idleUntil !== null && nowNs < this.idleUntil);
        if (waiting) return null;
        this.expire(nowNs);
        q = null;
      } else if (timedOut) {
        this.expire(nowNs);
        q = null;
      }
    }
    q ??= this.select(nowNs);
    if (!q) return null;
    // The oldest request once its deadline passed, else the next one up from where the queue left off.
    const head = q.fifo[0];
    const rq = nowNs >= head.fifoTime ? head : (q.sorted.find((r) => r.sector >= q.pos) ?? q.sorted[0]);
    q.sorted.splice(q.sorted.indexOf(rq), 1);
    q.fifo.splice(q.fifo.indexOf(rq), 1);
    q.pos = rq.sector + rq.nrSectors;
    q.inFlight++;
    return rq;
  }
}

export const bfq: ElevatorType = { name: 'bfq', init: () => new Bfq() };
