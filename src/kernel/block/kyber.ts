// The Kyber I/O scheduler (block/kyber-iosched.c): requests are sorted into
// scheduling domains (reads, writes, discards, the rest), each with a token
// depth that bounds how many of its requests the device holds at once. The
// domains take turns in batches (16 reads, 8 writes, 1 discard, 1 other)
// and keep arrival order within a domain. Kyber meets its latency targets
// (read_lat_nsec, write_lat_nsec) by watching completion latencies over a
// window: when reads run late it shrinks the other domains' depths so fewer
// of their requests sit ahead of reads in the device, and it lets the depths
// grow back when every domain is on target. Linux keeps latency histograms
// in buckets; here the window's 90th percentile scales a depth directly,
// which is the same feedback with a simpler estimator.
import type { Bio, Request } from './request.js';
import { numAttr, type Elevator, type ElevatorType } from './elevator.js';

type Domain = 'read' | 'write' | 'discard' | 'other';
const DOMAINS: readonly Domain[] = ['read', 'write', 'discard', 'other'];
/** kyber_depth and kyber_batch_size. */
const DEPTH: Record<Domain, number> = { read: 256, write: 128, discard: 64, other: 16 };
const BATCH: Record<Domain, number> = { read: 16, write: 8, discard: 1, other: 1 };
/** The latency window the depths are revised over (kyber_timer_fn's 100 ms). */
const WINDOW_NS = 100_000_000;

const domainOf = (rq: Request | Bio): Domain => (rq.op === 'read' ? 'read' : rq.op === 'write' ? 'write' : rq.op === 'discard' ? 'discard' : 'other');

export class Kyber implements Elevator {
  readonly name = 'kyber';
  readLatNsec = 2_000_000;
  writeLatNsec = 10_000_000;
  private readonly queues: Record<Domain, Request[]> = { read: [], write: [], discard: [], other: [] };
  /** Tokens in use (requests of the domain in the device) and the domain's current depth. */
  private readonly busy: Record<Domain, number> = { read: 0, write: 0, discard: 0, other: 0 };
  readonly depth: Record<Domain, number> = { ...DEPTH };
  private cur: Domain = 'read';
  private batching = 0;
  private windowStart = 0;
  private readonly samples: Record<Domain, number[]> = { read: [], write: [], discard: [], other: [] };
  readonly attrs = [
    numAttr(
      'read_lat_nsec',
      () => this.readLatNsec,
      (v) => (this.readLatNsec = v),
    ),
    numAttr(
      'write_lat_nsec',
      () => this.writeLatNsec,
      (v) => (this.writeLatNsec = v),
    ),
  ];

  insert(rq: Request): void {
    this.queues[domainOf(rq)].push(rq);
  }
  hasWork(): boolean {
    return DOMAINS.some((d) => this.queues[d].length > 0);
  }
  mergeCandidates(bio: Bio): Iterable<Request> {
    return this.queues[domainOf(bio)];
  }
  allowFrontMerge(): boolean {
    return true;
  }
  merged(): void {}
  drain(): Request[] {
    const all = DOMAINS.flatMap((d) => this.queues[d].splice(0)).sort((a, b) => a.id - b.id);
    return all;
  }
  wakeAt(): number | null {
    return null;
  }

  private take(d: Domain): Request | null {
    if (!this.queues[d].length || this.busy[d] >= this.depth[d]) return null;
    this.busy[d]++;
    return this.queues[d].shift()!;
  }

  dispatch(): Request | null {
    // Keep to the current domain for its batch, then go round the others.
    if (this.batching < BATCH[this.cur]) {
      const rq = this.take(this.cur);
      if (rq) {
        this.batching++;
        return rq;
      }
    }
    const at = DOMAINS.indexOf(this.cur);
    for (let i = 1; i <= DOMAINS.length; i++) {
      const d = DOMAINS[(at + i) % DOMAINS.length];
      const rq = this.take(d);
      if (rq) {
        this.cur = d;
        this.batching = 1;
        return rq;
      }
    }
    return null;
  }

  private target(d: Domain): number {
    return d === 'read' ? this.readLatNsec : d === 'write' ? this.writeLatNsec : this.writeLatNsec;
  }

  completed(rq: Request, nowNs: number): void {
    const d = domainOf(rq);
    this.busy[d]--;
    this.samples[d].push(nowNs - rq.queuedNs);
    if (nowNs - this.windowStart < WINDOW_NS) return;
    this.windowStart = nowNs;
    const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)] ?? 0;
    const late = DOMAINS.filter((x) => this.samples[x].length && p90(this.samples[x]) > this.target(x));
    if (late.includes('read')) {
      // Reads late: the other domains hold fewer requests in the device.
      const ratio = this.readLatNsec / p90(this.samples.read);
      for (const x of DOMAINS) if (x !== 'read') this.depth[x] = Math.max(1, Math.floor(this.depth[x] * ratio));
    } else if (late.length === 0) {
      for (const x of DOMAINS) this.depth[x] = Math.min(DEPTH[x], this.depth[x] * 2);
    }
    for (const x of DOMAINS) this.samples[x] = [];
  }
}

export const kyber: ElevatorType = { name: 'kyber', init: () => new Kyber() };
