// The mq-deadline I/O scheduler (block/mq-deadline.c): reads and writes
// each kept twice, sorted by sector and in arrival order with a deadline
// (read_expire, write_expire). The device is fed in batches of up to
// fifo_batch requests in one direction, climbing the sectors from where the
// last one in that direction ended; a batch starts over from the oldest
// request when that one's deadline passed or no request lies further up.
// Reads are preferred, but writes waiting through writes_starved read
// batches go next. (Linux's I/O priority levels are left out: every request
// is of the default class, so one level is all mq-deadline would use.)
import type { Bio, Request } from './request.js';
import { dataDir } from './request.js';
import { numAttr, type Elevator, type ElevatorType } from './elevator.js';

type Dir = 'read' | 'write';
const MS = 1_000_000;

export class MqDeadline implements Elevator {
  readonly name = 'mq-deadline';
  /** The tunables, as the sysfs files show them (expiries in ms). */
  readExpireMs = 500;
  writeExpireMs = 5000;
  writesStarved = 2;
  frontMerges = 1;
  fifoBatch = 16;
  prioAgingExpireMs = 10_000;
  asyncDepth: number;
  /** Sorted by sector (the rb tree), and in arrival order (the FIFO). */
  private readonly sorted: Record<Dir, Request[]> = { read: [], write: [] };
  private readonly fifo: Record<Dir, Request[]> = { read: [], write: [] };
  /** Where the last dispatched request of each direction ended (latest_pos). */
  private readonly latestPos: Record<Dir, number> = { read: 0, write: 0 };
  private lastDir: Dir = 'read';
  private batching = 0;
  private starved = 0;
  readonly attrs;

  constructor(nrRequests: number) {
    // dd_depth_updated: three quarters of the tags for asynchronous requests.
    this.asyncDepth = Math.max(1, Math.floor((3 * nrRequests) / 4));
    this.attrs = [
      numAttr(
        'read_expire',
        () => this.readExpireMs,
        (v) => (this.readExpireMs = v),
      ),
      numAttr(
        'write_expire',
        () => this.writeExpireMs,
        (v) => (this.writeExpireMs = v),
      ),
      numAttr(
        'writes_starved',
        () => this.writesStarved,
        (v) => (this.writesStarved = v),
      ),
      numAttr(
        'front_merges',
        () => this.frontMerges,
        (v) => (this.frontMerges = v),
        0,
        1,
      ),
      numAttr(
        'async_depth',
        () => this.asyncDepth,
        (v) => (this.asyncDepth = v),
        1,
        nrRequests,
      ),
      numAttr(
        'fifo_batch',
        () => this.fifoBatch,
        (v) => (this.fifoBatch = v),
      ),
      numAttr(
        'prio_aging_expire',
        () => this.prioAgingExpireMs,
        (v) => (this.prioAgingExpireMs = v),
      ),
    ];
  }

  private addSorted(rq: Request): void {
    const list = this.sorted[dataDir(rq.op)];
    let i = list.length;
    while (i > 0 && list[i - 1].sector > rq.sector) i--;
    list.splice(i, 0, rq);
  }

  insert(rq: Request, nowNs: number): void {
    const dir = dataDir(rq.op);
    rq.fifoTime = nowNs + (dir === 'read' ? this.readExpireMs : this.writeExpireMs) * MS;
    this.addSorted(rq);
    this.fifo[dir].push(rq);
  }

  hasWork(): boolean {
    return this.fifo.read.length > 0 || this.fifo.write.length > 0;
  }

  mergeCandidates(bio: Bio): Iterable<Request> {
    return this.fifo[dataDir(bio.op)];
  }
  allowFrontMerge(): boolean {
    return this.frontMerges !== 0;
  }
  merged(rq: Request, kind: 'back' | 'front'): void {
    // A front merge moved the request's start: it sorts anew.
    if (kind !== 'front') return;
    const list = this.sorted[dataDir(rq.op)];
    list.splice(list.indexOf(rq), 1);
    this.addSorted(rq);
  }
  completed(): void {}
  drain(): Request[] {
    const all = [...this.fifo.read, ...this.fifo.write].sort((a, b) => a.id - b.id);
    for (const d of ['read', 'write'] as const) this.sorted[d].length = this.fifo[d].length = 0;
    return all;
  }
  wakeAt(): number | null {
    return null;
  }

  /** deadline_from_pos: the first request at or above pos in sector order (or one holding pos). */
  private nextRequest(dir: Dir): Request | null {
    const pos = this.latestPos[dir];
    for (const rq of this.sorted[dir]) if (rq.sector + rq.nrSectors > pos) return rq;
    return null;
  }

  private fifoExpired(dir: Dir, nowNs: number): boolean {
    const head = this.fifo[dir][0];
    return head !== undefined && nowNs >= head.fifoTime;
  }

  dispatch(nowNs: number): Request | null {
    let rq = this.nextRequest(this.lastDir);
    let dir = this.lastDir;
    if (!(rq && this.batching < this.fifoBatch)) {
      // Not in a batch: choose the direction, reads first unless writes starved.
      if (this.fifo.read.length) {
        if (this.fifo.write.length && this.starved++ >= this.writesStarved) {
          this.starved = 0;
          dir = 'write';
        } else dir = 'read';
      } else if (this.fifo.write.length) {
        this.starved = 0;
        dir = 'write';
      } else return null;
      const next = this.nextRequest(dir);
      // An expired deadline, or nothing further up: start again from the oldest.
      rq = this.fifoExpired(dir, nowNs) || !next ? this.fifo[dir][0] : next;
      this.batching = 0;
    }
    this.batching++;
    this.sorted[dir].splice(this.sorted[dir].indexOf(rq), 1);
    this.fifo[dir].splice(this.fifo[dir].indexOf(rq), 1);
    this.latestPos[dir] = rq.sector + rq.nrSectors;
    this.lastDir = dir;
    return rq;
  }
}

export const mqDeadline: ElevatorType = { name: 'mq-deadline', init: (n) => new MqDeadline(n) };
