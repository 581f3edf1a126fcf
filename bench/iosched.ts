// A fixed random workload under each I/O scheduler on the hdd disk model,
// in virtual time (issue 14's benchmark). The kernel's request queue
// (kernel/block/blk_mq.ts) with each scheduler feeds a model disk
// (machine/disk.ts); PROCS processes each read random 4 KiB blocks one after
// the other (a synchronous reader: the next read leaves when the last one
// completes, after THINK_NS of computing), and one writer keeps WRITE_BATCH
// random 4 KiB writes queued. Nothing here runs guest code: the figures are
// the disk's virtual time, the same on every host and every run.
import { Disk } from '../src/machine/disk.js';
import { MemoryBlockBackend } from '../src/machine/disk-backends.js';
import { ELEVATORS, RequestQueue } from '../src/kernel/block/blk_mq.js';
import type { ElevatorType } from '../src/kernel/block/elevator.js';
import type { Bio } from '../src/kernel/block/request.js';

export const DISK_BYTES = 1 << 30;
const PROCS = 4,
  READS = 64,
  THINK_NS = 50_000,
  WRITE_BATCH = 8,
  WRITES = 128;

export interface WorkloadResult {
  /** Virtual ns from the first submission to the last completion. */
  totalNs: number;
  /** Reads done per reader process (pid 1..PROCS) by the time the first reader finished: the share each got. */
  readsAtFirstDone: number[];
  /** Byte offsets in the order the disk served them. */
  order: number[];
}

/** A tiny event loop standing in for the kernel's timers. */
export class VirtualTimers {
  now = 0;
  private readonly events: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;
  at(ns: number, fn: () => void): void {
    this.events.push({ at: Math.max(ns, this.now), seq: this.seq++, fn });
    this.events.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }
  /** Runs events in time order until none are left (or `limit` ran: a runaway guard). */
  run(limit = 1_000_000): void {
    for (let n = 0; this.events.length && n < limit; n++) {
      const e = this.events.shift()!;
      this.now = e.at;
      e.fn();
    }
  }
}

/** A request queue with the given scheduler (null: none) on a model disk, driven by VirtualTimers. */
export function queueOnDisk(sched: ElevatorType | null, model: 'hdd' | 'ssd' = 'hdd') {
  const disk = new Disk({ backend: new MemoryBlockBackend(DISK_BYTES), iface: 'scsi', model });
  const timers = new VirtualTimers();
  const order: number[] = [];
  disk.onRequest = (r) => order.push(r.offset);
  const q: RequestQueue = new RequestQueue(
    {
      depth: disk.queueDepth,
      start: (rq, now) => {
        const done = disk.service({ op: rq.op, offset: rq.sector * 512, length: rq.nrSectors * 512 }, now).doneNs;
        timers.at(done, () => q.complete(done));
        return done;
      },
      at: (ns, fn) => timers.at(ns, fn),
      done: () => {},
    },
    sched,
  );
  return { disk, timers, q, order };
}

/** The workload under one scheduler (a name from ELEVATORS, or "none"). */
export function randomWorkload(name: string, seed = 1): WorkloadResult {
  const sched = name === 'none' ? null : ELEVATORS.find((e) => e.name === name)!;
  const { timers, q, order } = queueOnDisk(sched);
  let x = seed >>> 0 || 1;
  const rand = () => {
    // xorshift32: the same offsets for every scheduler.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % (DISK_BYTES / 4096);
  };
  const reads = new Array<number>(PROCS).fill(0);
  let readsAtFirstDone: number[] | null = null;
  const submit = (bio: Omit<Bio, 'nrSectors'>) => q.submitBio({ ...bio, nrSectors: 8 }, timers.now);
  const reader = (pid: number) => {
    const next = () => {
      if (reads[pid - 1] === READS) {
        readsAtFirstDone ??= [...reads];
        return;
      }
      submit({
        op: 'read',
        sector: rand() * 8,
        owner: pid,
        prio: 4,
        endIo: () => {
          reads[pid - 1]++;
          timers.at(timers.now + THINK_NS, next);
        },
      });
    };
    timers.at(0, next);
  };
  for (let p = 1; p <= PROCS; p++) reader(p);
  let writes = 0;
  const writer = () => {
    if (writes >= WRITES) return;
    writes++;
    submit({ op: 'write', sector: rand() * 8, owner: PROCS + 1, prio: 4, endIo: () => timers.at(timers.now, writer) });
  };
  for (let i = 0; i < WRITE_BATCH; i++) timers.at(0, writer);
  timers.run();
  return { totalNs: timers.now, readsAtFirstDone: readsAtFirstDone ?? reads, order };
}

/** The figure `npm run bench` prints: the workload's virtual time under each scheduler. */
export function benchIosched(): string[] {
  const lines = [`I/O schedulers, hdd model: ${PROCS} readers x ${READS} random 4 KiB reads + ${WRITES} random writes, virtual time`];
  for (const name of ['none', ...ELEVATORS.map((e) => e.name)]) {
    const r = randomWorkload(name);
    lines.push(`  ${name.padEnd(12)} ${(r.totalNs / 1e6).toFixed(1).padStart(8)} ms`);
  }
  return lines;
}
