// The I/O scheduler interface (block/elevator.c, include/linux/elevator.h):
// a queue's elevator holds the requests the device has no room for yet and
// picks which one goes next when it has. The schedulers register in the
// order block/Makefile links them (mq-deadline, kyber, bfq), which is the
// order /sys/block/X/queue/scheduler lists them in, with "none" last.
import type { Bio, Request } from './request.js';
import { EINVAL } from '../errno.js';

/** A file in /sys/block/X/queue/iosched/: show, and store (0 or -errno). */
export interface ElvAttr {
  name: string;
  show(): string;
  store(text: string): number;
}

export interface Elevator {
  readonly name: string;
  /** insert_requests: rq is queued at nowNs. */
  insert(rq: Request, nowNs: number): void;
  /** dispatch_request: the next request for the device, or null (none queued, or the scheduler chooses to wait). */
  dispatch(nowNs: number): Request | null;
  /** has_work */
  hasWork(): boolean;
  /** Requests a bio may merge into (elv_merge's candidates), oldest first. */
  mergeCandidates(bio: Bio): Iterable<Request>;
  /** front_merges=0 turns front merging off (mq-deadline). */
  allowFrontMerge(): boolean;
  /** A bio merged into rq, which may now sort elsewhere (requests_merged/request_merged). */
  merged(rq: Request, kind: 'back' | 'front'): void;
  /** finish_request: the device completed rq at nowNs. */
  completed(rq: Request, nowNs: number): void;
  /** Every queued request, in arrival order, leaving the scheduler empty (the switch to another scheduler). */
  drain(): Request[];
  /** When the scheduler wants to be run again with nothing completing (bfq's idle slice end), or null. */
  wakeAt(): number | null;
  readonly attrs: ElvAttr[];
}

export interface ElevatorType {
  readonly name: string;
  /** init_sched for a queue whose tags (nr_requests) are given. */
  init(nrRequests: number): Elevator;
}

/** A whole number written to a tunable (kstrtoul in the *_store functions), or -EINVAL. */
export function parseTunable(text: string): number {
  const t = text.trim();
  return /^\d+$/.test(t) && Number(t) <= Number.MAX_SAFE_INTEGER ? Number(t) : -EINVAL;
}

/** A tunable stored as a number: shown as it is, stored through parseTunable (and a clamp, as the *_store macros do). */
export function numAttr(name: string, get: () => number, set: (v: number) => void, min = 0, max = Number.MAX_SAFE_INTEGER): ElvAttr {
  return {
    name,
    show: () => `${get()}\n`,
    store: (text) => {
      const v = parseTunable(text);
      if (v < 0) return v;
      set(Math.min(max, Math.max(min, v)));
      return 0;
    },
  };
}
