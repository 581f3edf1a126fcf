// A disk's request queue (block/blk-core.c, blk-mq.c, blk-merge.c,
// blk-mq-sched.c): bios come in, become requests (merged where they touch a
// queued one), wait in the I/O scheduler (the elevator) and go to the device
// when it has a free tag; completions free the tag and the queue runs again.
// One hardware queue per disk, as the disks here have.
//
// Plugging (blk_start_plug / blk_finish_plug): a task that submits a batch
// (the page cache writing back a run of pages, readahead) holds its bios in
// a plug; contiguous ones merge there (blk_attempt_plug_merge) and the
// requests reach the scheduler together when the plug is finished.
//
// The data moves when a bio is submitted (the driver's access, see
// machine/disk.ts); what the queue orders is the service time: which
// request the device takes next, and so when each completes in virtual
// time. A caller's task sleeps in D state until its requests complete.
import type { Bio, Request } from './request.js';
import { applyMerge, canMerge, mergeKind } from './request.js';
import type { Elevator, ElevatorType } from './elevator.js';
import { mqDeadline } from './mq_deadline.js';
import { kyber } from './kyber.js';
import { bfq } from './bfq.js';

/** The schedulers this kernel has, in the order Linux's link order registers them (elv_list). */
export const ELEVATORS: readonly ElevatorType[] = [mqDeadline, kyber, bfq];

/** What the queue needs of the device and of time. */
export interface QueueHost {
  /** Requests the device takes at once. */
  readonly depth: number;
  /** The device starts rq at nowNs: when it will be done. */
  start(rq: Request, nowNs: number): number;
  /** A callback at virtual time ns (the kernel's timers). */
  at(ns: number, fn: () => void): void;
  /** The request is done (accounting). */
  done(rq: Request): void;
}

/** A batch of one task's bios held back until blk_finish_plug. */
export class Plug {
  readonly rqs: Request[] = [];
}

export class RequestQueue {
  elevator: Elevator | null;
  /** nr_requests: the scheduler's tags (with none, the device's). */
  nrRequests = 256;
  /** max_sectors_kb in sectors: the largest request a merge may make. */
  maxSectors = 2560;
  /** /sys/block/X/queue/nomerges: 0 merges, 1 only the simple one-hit merges, 2 none. */
  nomerges = 0;
  /** Flushes go ahead of the scheduler (blk_insert_flush puts them on the dispatch list). */
  private readonly dispatchList: Request[] = [];
  /** With none: requests in arrival order. */
  private readonly fifo: Request[] = [];
  readonly inFlight: Request[] = [];
  /** Requests queued and not yet completed, by direction (/sys/block/X/inflight). */
  readonly pending = { read: 0, write: 0 };
  private nextId = 1;
  private wakeArmed: number | null = null;
  /** The scheduler each request on the device came from: one switched away from is not told of completions. */
  private readonly dispatchedBy = new WeakMap<Request, Elevator>();
  plug: Plug | null = null;

  constructor(
    private readonly host: QueueHost,
    elevator: ElevatorType | null,
  ) {
    this.elevator = elevator ? elevator.init(this.nrRequests) : null;
  }

  /** elevator_switch: the queue drains first (the old scheduler's requests go out), then the new one takes over. */
  switchElevator(type: ElevatorType | null, nowNs: number): void {
    if (this.elevator) this.fifo.push(...this.elevator.drain());
    this.elevator = type ? type.init(this.nrRequests) : null;
    const old = this.fifo.splice(0);
    for (const rq of old) this.insert(rq, nowNs);
    this.run(nowNs);
  }

  /** Requests waiting in the scheduler or for the device, not yet on it. */
  get queued(): number {
    return this.fifo.length + this.dispatchList.length + (this.elevator?.hasWork() ? 1 : 0);
  }

  private newRequest(bio: Bio, nowNs: number): Request {
    return {
      id: this.nextId++,
      op: bio.op,
      sector: bio.sector,
      nrSectors: bio.nrSectors,
      merges: 0,
      fua: bio.fua ?? false,
      owner: bio.owner,
      prio: bio.prio,
      queuedNs: nowNs,
      fifoTime: 0,
      startNs: 0,
      doneNs: 0,
      endIo: bio.endIo ? [bio.endIo] : [],
    };
  }

  /** A merge into one of the candidates: the first the bio continues or precedes. */
  private tryMerge(cands: Iterable<Request>, bio: Bio, front: boolean): { rq: Request; kind: 'back' | 'front' } | null {
    if (this.nomerges === 2) return null;
    for (const rq of cands) {
      if (!canMerge(rq, bio, this.maxSectors)) continue;
      const kind = mergeKind(rq, bio);
      if (kind === 'back' || (kind === 'front' && front)) {
        applyMerge(rq, bio, kind);
        return { rq, kind };
      }
    }
    return null;
  }

  /** submit_bio: plug merge, scheduler merge, else a new request. */
  submitBio(bio: Bio, nowNs: number): void {
    if (bio.op === 'flush') {
      this.dispatchList.push(this.newRequest(bio, nowNs));
      this.pending.write++;
      this.run(nowNs);
      return;
    }
    if (this.plug) {
      // blk_attempt_plug_merge looks at the last request plugged.
      const last = this.plug.rqs.slice(-1);
      if (this.tryMerge(last, bio, true)) return;
    }
    const e = this.elevator;
    const merged = e ? this.tryMerge(e.mergeCandidates(bio), bio, e.allowFrontMerge()) : this.tryMerge(this.fifo.slice(-8).reverse(), bio, true);
    if (merged) {
      e?.merged(merged.rq, merged.kind);
      return;
    }
    const rq = this.newRequest(bio, nowNs);
    this.pending[rq.op === 'read' ? 'read' : 'write']++;
    if (this.plug) {
      this.plug.rqs.push(rq);
      return;
    }
    this.insert(rq, nowNs);
    this.run(nowNs);
  }

  startPlug(): void {
    this.plug ??= new Plug();
  }

  /** blk_finish_plug: the plugged requests go to the scheduler, and the queue runs. */
  finishPlug(nowNs: number): void {
    const p = this.plug;
    this.plug = null;
    if (!p) return;
    for (const rq of p.rqs) this.insert(rq, nowNs);
    this.run(nowNs);
  }

  private insert(rq: Request, nowNs: number): void {
    if (this.elevator) this.elevator.insert(rq, nowNs);
    else this.fifo.push(rq);
  }

  /** blk_mq_run_hw_queue: feed the device while it has free tags. */
  run(nowNs: number): void {
    while (this.inFlight.length < this.host.depth) {
      const rq = this.dispatchList.shift() ?? (this.elevator ? this.elevator.dispatch(nowNs) : (this.fifo.shift() ?? null));
      if (!rq) break;
      if (this.elevator) this.dispatchedBy.set(rq, this.elevator);
      rq.startNs = nowNs;
      rq.doneNs = this.host.start(rq, nowNs);
      this.inFlight.push(rq);
    }
    // A scheduler waiting on purpose (bfq idling) is run again when its wait ends.
    const wake = this.elevator?.wakeAt() ?? null;
    if (wake !== null && wake > nowNs && this.wakeArmed !== wake) {
      this.wakeArmed = wake;
      this.host.at(wake, () => {
        if (this.wakeArmed === wake) this.wakeArmed = null;
        this.run(wake);
      });
    }
  }

  /** The device finished what was due by nowNs: account, wake the waiters, run the queue. */
  complete(nowNs: number): void {
    const due = this.inFlight.filter((rq) => rq.doneNs <= nowNs).sort((a, b) => a.doneNs - b.doneNs || a.id - b.id);
    if (!due.length) return;
    for (const rq of due) {
      this.inFlight.splice(this.inFlight.indexOf(rq), 1);
      this.pending[rq.op === 'read' ? 'read' : 'write']--;
      if (this.elevator && this.dispatchedBy.get(rq) === this.elevator) this.elevator.completed(rq, rq.doneNs);
      this.host.done(rq);
      for (const f of rq.endIo) f(rq.doneNs);
    }
    this.run(nowNs);
  }

  /** The earliest completion of a request on the device, or null. */
  get nextCompletion(): number | null {
    let t: number | null = null;
    for (const rq of this.inFlight) if (t === null || rq.doneNs < t) t = rq.doneNs;
    return t;
  }
}
