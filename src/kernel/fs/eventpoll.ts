// epoll (fs/eventpoll.c): an interest list of (file, fd) items, each hooked
// on the wait queues its file's poll names. A wake-up on such a queue runs
// the item's callback (ep_poll_callback), which puts it on the ready list;
// epoll_wait then polls the ready items again and reports what is really
// ready. Level-triggered items go back on the ready list after each report,
// edge-triggered ones wait for the next wake-up, one-shot ones are disabled.
import { File, type FileOps, type EpollLink, O_RDWR, POLLIN, POLLOUT, POLLRDNORM } from './file.js';
import { anonInodeFile } from './anon_inodes.js';
import type { Mount } from './mount.js';
import { WaitQueue, type WaitEntry } from '../sched/waitqueue.js';

export const EPOLLIN = 0x1,
  EPOLLPRI = 0x2,
  EPOLLOUT = 0x4,
  EPOLLERR = 0x8,
  EPOLLHUP = 0x10,
  EPOLLRDNORM = 0x40,
  EPOLLRDHUP = 0x2000,
  EPOLLEXCLUSIVE = 0x10000000,
  EPOLLWAKEUP = 0x20000000,
  EPOLLONESHOT = 0x40000000,
  EPOLLET = 0x80000000;
/** Flags that steer epoll itself rather than name events. */
export const EP_PRIVATE_BITS = (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE) >>> 0;
/** The only events an EPOLLEXCLUSIVE item may ask for. */
export const EPOLLEXCLUSIVE_OK_BITS = (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE) >>> 0;
/** Longest chain of epoll instances inside each other. */
export const EP_MAX_NESTS = 4;
/** INT_MAX / sizeof(struct epoll_event) */
export const EP_MAX_EVENTS = Math.floor(0x7fffffff / 16);

/** struct epitem: one watched (file, fd) pair. */
export class Epitem implements WaitEntry, EpollLink {
  /** The queues this item is hooked on (its eppoll_entry list). */
  readonly queues = new Set<WaitQueue>();
  /** On the ready list (rdllink linked). */
  ready = false;
  constructor(
    readonly ep: EventPoll,
    readonly file: File,
    readonly fd: number,
    public events: number,
    public data: bigint,
  ) {}
  get exclusive(): boolean {
    return (this.events & EPOLLEXCLUSIVE) !== 0;
  }

  /** ep_poll_callback: a queue the file named was woken with `key` (0 = any event). */
  func(key: number): boolean {
    const ep = this.ep;
    let ewake = false;
    const interest = (this.events & ~EP_PRIVATE_BITS) >>> 0;
    if (interest && !(key && !(key & this.events))) {
      ep.queueReady(this);
      if (ep.wq.waiters) {
        if (this.exclusive) {
          const io = key & (EPOLLIN | EPOLLOUT);
          ewake = io === 0 || (io === EPOLLIN && (this.events & EPOLLIN) !== 0) || (io === EPOLLOUT && (this.events & EPOLLOUT) !== 0);
        }
        ep.wq.wakeAll();
      }
      ep.pollWait.wakeAll(EPOLLIN | key);
    }
    return this.exclusive ? ewake : true;
  }

  /** The file's poll, filtered by the interest (ep_item_poll); hooks this item on the queues it names. */
  poll(): number {
    const f = this.file;
    const m = f.ops.poll ? f.ops.poll(f, (q) => this.hook(q)) : POLLIN | POLLOUT;
    return (m & this.events) >>> 0;
  }

  hook(q: WaitQueue): void {
    if (this.queues.has(q)) return;
    this.queues.add(q);
    q.addEntry(this);
  }

  /** ep_remove: off the queues, the ready list, the file and the interest list. */
  unlink(): void {
    for (const q of this.queues) q.removeEntry(this);
    this.queues.clear();
    this.ep.dequeueReady(this);
    this.file.epollLinks?.delete(this);
    this.ep.items.delete(this);
  }
}

/** struct eventpoll */
export class EventPoll {
  /** The interest list, in insertion order. */
  readonly items = new Set<Epitem>();
  /** rdllist: items some wake-up said may be ready. */
  rdllist: Epitem[] = [];
  /** Tasks in epoll_wait. */
  readonly wq = new WaitQueue();
  /** Pollers of the epoll file itself (poll(2), an outer epoll). */
  readonly pollWait = new WaitQueue();
  file: File | null = null;

  find(file: File, fd: number): Epitem | undefined {
    for (const e of this.items) if (e.file === file && e.fd === fd) return e;
    return undefined;
  }

  queueReady(e: Epitem): void {
    if (e.ready) return;
    e.ready = true;
    this.rdllist.push(e);
  }

  dequeueReady(e: Epitem): void {
    if (!e.ready) return;
    e.ready = false;
    const i = this.rdllist.indexOf(e);
    if (i >= 0) this.rdllist.splice(i, 1);
  }

  /** Tell waiters that e is ready (what ep_insert and ep_modify do after polling). */
  private announce(e: Epitem): void {
    this.queueReady(e);
    this.wq.wakeAll();
    this.pollWait.wakeAll(EPOLLIN);
  }

  /** ep_insert */
  insert(file: File, fd: number, events: number, data: bigint): void {
    const e = new Epitem(this, file, fd, events >>> 0, data);
    this.items.add(e);
    (file.epollLinks ??= new Set()).add(e);
    if (e.poll() && !e.ready) this.announce(e);
  }

  /** ep_modify: new interest; re-poll so a re-armed one-shot item reports what is pending. */
  modify(e: Epitem, events: number, data: bigint): void {
    e.events = events >>> 0;
    e.data = data;
    if (e.poll() && !e.ready) this.announce(e);
  }

  /** ep_send_events: up to max (events, data) pairs from the ready list. */
  sendEvents(max: number): { events: number; data: bigint }[] {
    const out: { events: number; data: bigint }[] = [];
    const tx = this.rdllist;
    this.rdllist = [];
    let i = 0;
    for (; i < tx.length && out.length < max; i++) {
      const e = tx[i];
      e.ready = false;
      const revents = e.poll();
      if (!revents) continue;
      out.push({ events: revents, data: e.data });
      if (e.events & EPOLLONESHOT) e.events = (e.events & EP_PRIVATE_BITS) >>> 0;
      else if (!(e.events & EPOLLET)) this.queueReady(e);
    }
    // Items not reached go back in front, ahead of the level-triggered ones just re-queued.
    const rest = tx.slice(i).filter((e) => e.ready);
    if (rest.length) {
      const set = new Set(rest);
      this.rdllist = [...rest, ...this.rdllist.filter((e) => !set.has(e))];
    }
    if (this.rdllist.length) this.wq.wakeAll();
    return out;
  }

  /** ep_eventpoll_poll: readable when some ready item really is ready; the others leave the list. */
  pollSelf(wait?: (q: WaitQueue) => void): number {
    wait?.(this.pollWait);
    for (const e of [...this.rdllist]) {
      if (depth > EP_MAX_NESTS) return 0;
      depth++;
      let m: number;
      try {
        m = e.poll();
      } finally {
        depth--;
      }
      if (m) return POLLIN | POLLRDNORM;
      this.dequeueReady(e);
    }
    return 0;
  }

  /** ep_free: the last reference to the epoll file is gone. */
  release(): void {
    for (const e of [...this.items]) e.unlink();
  }

  /** The epoll instances this one is watched by (file->f_ep, upwards). */
  parents(): EventPoll[] {
    const out: EventPoll[] = [];
    for (const l of this.file?.epollLinks ?? []) if (l instanceof Epitem) out.push(l.ep);
    return out;
  }

  /** The epoll instances this one watches. */
  children(): EventPoll[] {
    const out: EventPoll[] = [];
    for (const e of this.items) {
      const c = eventPollOf(e.file);
      if (c) out.push(c);
    }
    return out;
  }
}

let depth = 0;

/** ep_loop_check: adding `to` into `ep` must make no cycle and no chain longer than EP_MAX_NESTS. */
export function loopCheck(ep: EventPoll, to: EventPoll): boolean {
  const down = (x: EventPoll, d: number, seen: Map<EventPoll, number>): number => {
    const memo = seen.get(x);
    if (memo !== undefined) return memo;
    seen.set(x, 0);
    let r = 0;
    for (const c of x.children()) {
      r = c === ep || d > EP_MAX_NESTS ? EP_MAX_NESTS + 1 : Math.max(r, down(c, d + 1, seen) + 1);
      if (r > EP_MAX_NESTS) break;
    }
    seen.set(x, r);
    return r;
  };
  const d = down(to, 0, new Map());
  if (d > EP_MAX_NESTS) return false;
  const upMemo = new Map<EventPoll, number>();
  const up = (x: EventPoll): number => {
    const memo = upMemo.get(x);
    if (memo !== undefined) return memo;
    upMemo.set(x, 0);
    let r = 0;
    for (const p of x.parents()) r = Math.max(r, up(p) + 1);
    upMemo.set(x, r);
    return r;
  };
  return d + 1 + up(ep) <= EP_MAX_NESTS;
}

export function eventPollOf(f: File): EventPoll | null {
  return f.privateData instanceof EventPoll ? f.privateData : null;
}

const hex = (v: bigint) => v.toString(16);

const eventpollOps: FileOps = {
  poll(f, wait) {
    return eventPollOf(f)?.pollSelf(wait) ?? 0;
  },
  release(f) {
    eventPollOf(f)?.release();
  },
  // ep_show_fdinfo: one line per watched item.
  showFdinfo(f) {
    const ep = eventPollOf(f);
    if (!ep) return '';
    let s = '';
    for (const e of ep.items) {
      const ino = e.file.inode.ino,
        sdev = e.file.inode.sb.dev;
      s += `tfd: ${String(e.fd).padStart(8)} events: ${(e.events >>> 0).toString(16).padStart(8)} data: ${hex(BigInt.asUintN(64, e.data)).padStart(16)}  pos:${e.file.pos} ino:${ino.toString(16)} sdev:${sdev.toString(16)}\n`;
    }
    return s;
  },
};

/** epoll_create1: a new instance behind an "anon_inode:[eventpoll]" file. */
export function createEventPoll(mnt: Mount): File {
  const ep = new EventPoll();
  const f = anonInodeFile(mnt, 'eventpoll', O_RDWR, eventpollOps);
  ep.file = f;
  f.privateData = ep;
  return f;
}
