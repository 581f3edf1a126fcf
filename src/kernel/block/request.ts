// Bios and requests (include/linux/blk_types.h, blk-mq.h): a bio is one
// piece of I/O a caller submits (a run of sectors, read or write); the
// block layer turns bios into requests, merging a bio that continues a
// request (a back merge) or precedes it (a front merge) into it, so the
// device sees fewer, larger transfers. The data already moved when the bio
// was submitted (see blk_mq.ts); a request here carries what the scheduler
// orders by and what the accounting counts.

export type ReqOp = 'read' | 'write' | 'flush' | 'discard';

/** What a caller submits: sectors [sector, sector + nrSectors) of the whole disk. */
export interface Bio {
  op: ReqOp;
  sector: number;
  nrSectors: number;
  /** REQ_FUA: through the drive's cache; such a request is never merged (REQ_NOMERGE_FLAGS). */
  fua?: boolean;
  /** The submitting process (its tgid; 0 for the kernel): bfq's per-process queue. */
  owner: number;
  /** The best-effort I/O priority level, 0 (high) to 7 (task_nice_ioprio: (nice + 20) / 5). */
  prio: number;
  /** Called once the request holding this bio completes (bio_endio), with its completion time. */
  endIo?: (doneNs: number) => void;
}

export interface Request {
  /** Order of allocation: ties in the schedulers' sorts go to the older request. */
  readonly id: number;
  readonly op: ReqOp;
  sector: number;
  nrSectors: number;
  /** Bios merged into it after the first: /proc/diskstats' "merged" columns. */
  merges: number;
  readonly fua: boolean;
  readonly owner: number;
  readonly prio: number;
  /** blk_account_io_start: when it entered the queue; time in queue counts from here. */
  readonly queuedNs: number;
  /** mq-deadline's and bfq's FIFO deadline (rq->fifo_time). */
  fifoTime: number;
  /** Set at dispatch: when the device started and will finish it. */
  startNs: number;
  doneNs: number;
  readonly endIo: ((doneNs: number) => void)[];
}

/** Reads, and writes a caller waits for, are synchronous (op_is_sync); plain writeback is not. */
export const isSync = (rq: Request | Bio): boolean => rq.op === 'read' || rq.op === 'flush';

/** rq_data_dir: reads one way, everything that moves data to the disk the other. */
export const dataDir = (op: ReqOp): 'read' | 'write' => (op === 'read' ? 'read' : 'write');

/** blk_rq_merge_ok + ll_back/front_merge_fn: same op, no FUA or flush, within max_sectors. */
export function canMerge(rq: Request, bio: Bio, maxSectors: number): boolean {
  if (rq.op !== bio.op || rq.fua || bio.fua || rq.op === 'flush' || rq.op === 'discard') return false;
  return rq.nrSectors + bio.nrSectors <= maxSectors;
}

/** elv_merge's answer: the bio continues rq (back) or ends where rq starts (front). */
export function mergeKind(rq: Request, bio: Bio): 'back' | 'front' | null {
  if (rq.sector + rq.nrSectors === bio.sector) return 'back';
  if (bio.sector + bio.nrSectors === rq.sector) return 'front';
  return null;
}

/** The bio becomes part of rq. */
export function applyMerge(rq: Request, bio: Bio, kind: 'back' | 'front'): void {
  if (kind === 'front') rq.sector = bio.sector;
  rq.nrSectors += bio.nrSectors;
  rq.merges++;
  if (bio.endIo) rq.endIo.push(bio.endIo);
}
