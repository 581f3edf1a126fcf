// A disk on the board: the medium (a block backend), the drive's volatile
// write cache, and a service-time model, behind the controller interface
// the kernel's disk drivers (kernel/drivers/scsi/sd.ts, kernel/drivers/block/
// virtio_blk.ts) talk to.
//
// The controller interface is a request call, not a register file: the
// kernel's drivers are TypeScript, so a request hands over its buffer the
// way a DMA descriptor would, and the device answers with a status and the
// virtual time it finishes at. When that time comes the driver calls
// `complete(now)`, the device raises its interrupt line and the driver's
// handler takes the completions and lowers it (ack), as a virtio-blk
// used-ring interrupt or a SCSI host's completion interrupt goes.
//
// Service time. Every request occupies the medium from when it starts (it
// waits for a free channel) to when it ends:
//  - model=ssd: a flat latency plus the transfer at the flash bandwidth;
//    SSD_CHANNELS requests are served at once.
//  - model=hdd: one actuator. Seek time grows with the square root of the
//    distance the head moves, then the platter turns until the first sector
//    passes under the head (where it is at that virtual time), then the
//    transfer. Sorted requests are cheap and scattered ones dear, which is
//    what makes the I/O schedulers' order measurable.
// Writes are charged as the medium would take them even though the cache
// acknowledges them: a drive destages its cache soon, and a model that
// charged nothing for writes would hide the schedulers' effect on them.
//
// The write cache. A write lands in the cache (unless it is FUA) and reaches
// the medium when the cache is full or flushed; a power cut (powerCut())
// loses what is still there, as a real drive's volatile cache does. Flushed
// data always survives.
import type { BlockBackend, BlockStatus } from './backends.js';
import { IrqLine } from './irq.js';

export type DiskInterface = 'scsi' | 'virtio';
export type DiskModelKind = 'ssd' | 'hdd';
export type DiskOp = 'read' | 'write' | 'flush' | 'discard';

export interface DiskConfig {
  backend: BlockBackend;
  iface: DiskInterface;
  model: DiskModelKind;
  serial?: string;
}

export interface DiskRequest {
  op: DiskOp;
  /** Bytes, a multiple of SECTOR (flush: 0). */
  offset: number;
  length: number;
  /** write: the data (length bytes). */
  data?: Uint8Array;
  /** Force Unit Access: this write goes through the cache to the medium. */
  fua?: boolean;
}

export interface DiskCompletion {
  status: BlockStatus;
  /** read: the bytes. */
  data?: Uint8Array;
  /** Virtual time (ns) the request started being served and finished at. */
  startNs: number;
  doneNs: number;
}

export const SECTOR = 512;
const PAGE = 4096;

/** The flash model: latencies in ns, bandwidth in bytes per ns, and how many requests run at once. */
export const SSD_READ_NS = 80_000,
  SSD_WRITE_NS = 30_000,
  SSD_FLUSH_NS = 200_000,
  SSD_BYTES_PER_NS = 0.5,
  SSD_CHANNELS = 4;
/** The disk model: a 7200 rpm drive with 1 MiB tracks. */
export const HDD_REV_NS = 8_333_333,
  HDD_TRACK_BYTES = 1 << 20,
  HDD_SETTLE_NS = 600_000,
  HDD_FULL_SEEK_NS = 14_000_000,
  HDD_BYTES_PER_NS = 0.15,
  HDD_FLUSH_NS = 1_000_000;
/** Pages the volatile write cache holds before it destages the oldest (8 MiB). */
export const WRITE_CACHE_PAGES = 2048;

export class Disk {
  readonly irq = new IrqLine();
  readonly backend: BlockBackend;
  readonly iface: DiskInterface;
  readonly model: DiskModelKind;
  readonly serial: string | undefined;
  /** The volatile write cache: page index -> the page as the drive holds it. */
  private readonly cache = new Map<number, Uint8Array>();
  /** When each channel (SSD) or the actuator (HDD, channel 0) is next free. */
  private readonly busyUntil: number[];
  /** HDD: where the head ended its last request (a byte offset). */
  private head = 0;
  /** Completion times not yet signalled, in order. */
  private readonly pending: number[] = [];
  /** Completions signalled and not yet taken by the driver. */
  private completed = 0;
  /** Requests served, and every one of them in order when a test listens. */
  served = 0;
  onRequest: ((r: DiskRequest, t: { startNs: number; doneNs: number }) => void) | null = null;

  constructor(cfg: DiskConfig) {
    this.backend = cfg.backend;
    this.iface = cfg.iface;
    this.model = cfg.model;
    this.serial = cfg.serial;
    this.busyUntil = new Array<number>(cfg.model === 'ssd' ? SSD_CHANNELS : 1).fill(0);
  }

  get size(): number {
    return this.backend.size;
  }
  get readOnly(): boolean {
    return this.backend.readOnly;
  }
  /** Spinning media: /sys/block/X/queue/rotational. */
  get rotational(): boolean {
    return this.model === 'hdd';
  }
  /**
   * Requests the drive takes at once (its tags): as many as it serves in
   * parallel, one for the HDD's single actuator. A deeper queue would let the
   * drive reorder on its own, which the model does not do; the requests
   * beyond it wait in the kernel's I/O scheduler, whose order then counts.
   */
  get queueDepth(): number {
    return this.busyUntil.length;
  }
  /** Dirty pages in the write cache (a test's view). */
  get cachedPages(): number {
    return this.cache.size;
  }

  /** Serve one request issued at virtual time nowNs: its data now, its service time from nowNs. */
  submit(r: DiskRequest, nowNs: number): DiskCompletion {
    const { status, data } = this.access(r);
    return { status, data, ...this.service(r, nowNs) };
  }

  /**
   * The request's effect on the data, at once: a read's bytes, a write into
   * the cache (or through it). The block layer does this when the request is
   * queued, so what a caller reads never depends on the order the scheduler
   * later picks; the order decides only the service time (service()).
   */
  access(r: DiskRequest): { status: BlockStatus; data?: Uint8Array } {
    let status: BlockStatus;
    let data: Uint8Array | undefined;
    const bad = !Number.isSafeInteger(r.offset) || r.offset < 0 || r.length < 0 || r.offset % SECTOR || r.length % SECTOR || r.offset + r.length > this.size;
    if (r.op !== 'flush' && bad) status = 'io-error';
    else if ((r.op === 'write' || r.op === 'discard') && this.readOnly) status = 'io-error';
    else if (r.op === 'read') {
      data = new Uint8Array(r.length);
      status = this.readThrough(r.offset, data);
    } else if (r.op === 'write') {
      status = !r.data || r.data.length !== r.length ? 'io-error' : this.writeCached(r.offset, r.data, r.fua ?? false);
    } else if (r.op === 'discard') {
      status = this.writeCached(r.offset, new Uint8Array(r.length), false);
    } else status = this.flushCache();
    return { status, data };
  }

  /** The request reaches the medium at nowNs: when it starts and ends there (see the header), and its completion is queued. */
  service(r: DiskRequest, nowNs: number): { startNs: number; doneNs: number } {
    const t = this.schedule(r, nowNs);
    this.pending.push(t.doneNs);
    this.pending.sort((a, b) => a - b);
    this.served++;
    this.onRequest?.(r, t);
    return t;
  }

  /** The earliest completion not yet signalled, or null. */
  get nextCompletion(): number | null {
    return this.pending.length ? this.pending[0] : null;
  }

  /** Signals the completions due at nowNs: raises the line if there are any. */
  complete(nowNs: number): void {
    while (this.pending.length && this.pending[0] <= nowNs) {
      this.pending.shift();
      this.completed++;
    }
    if (this.completed) this.irq.raise();
  }

  /** The driver's interrupt handler: takes the signalled completions and lowers the line. */
  ack(): number {
    const n = this.completed;
    this.completed = 0;
    this.irq.lower();
    return n;
  }

  /**
   * The machine stops with power still on (tuxglass exits, the guest
   * reboots): the drive writes its cache to the medium, as QEMU's own
   * caches reach the image file when it quits. Returns the status.
   */
  shutdown(): BlockStatus {
    return this.flushCache();
  }

  /** Power lost: what the write cache holds never reaches the medium. */
  powerCut(): void {
    this.cache.clear();
  }

  /** When the request starts and ends: see the header for the two models. */
  private schedule(r: DiskRequest, nowNs: number): { startNs: number; doneNs: number } {
    let ch = 0;
    for (let i = 1; i < this.busyUntil.length; i++) if (this.busyUntil[i] < this.busyUntil[ch]) ch = i;
    const startNs = Math.max(nowNs, this.busyUntil[ch]);
    let cost: number;
    if (r.op === 'discard')
      cost = SSD_WRITE_NS; // a mapping update: no data moves
    else if (this.model === 'ssd') {
      const base = r.op === 'read' ? SSD_READ_NS : r.op === 'flush' ? SSD_FLUSH_NS : SSD_WRITE_NS;
      cost = base + Math.round(r.length / SSD_BYTES_PER_NS);
    } else if (r.op === 'flush') cost = HDD_FLUSH_NS;
    else {
      const dist = Math.abs(Math.floor(r.offset / HDD_TRACK_BYTES) - Math.floor(this.head / HDD_TRACK_BYTES));
      const tracks = Math.max(1, Math.ceil(this.size / HDD_TRACK_BYTES));
      const seek = dist === 0 ? 0 : HDD_SETTLE_NS + Math.round((HDD_FULL_SEEK_NS - HDD_SETTLE_NS) * Math.sqrt(dist / tracks));
      // The platter's angle at the end of the seek, and the target sector's.
      const at = (startNs + seek) % HDD_REV_NS;
      const want = Math.round(((r.offset % HDD_TRACK_BYTES) / HDD_TRACK_BYTES) * HDD_REV_NS);
      const rotate = (want - at + HDD_REV_NS) % HDD_REV_NS;
      cost = seek + rotate + Math.round(r.length / HDD_BYTES_PER_NS);
      this.head = r.offset + r.length;
    }
    const doneNs = startNs + Math.max(1, cost);
    this.busyUntil[ch] = doneNs;
    return { startNs, doneNs };
  }

  private readThrough(offset: number, buf: Uint8Array): BlockStatus {
    const st = this.backend.read(offset, buf);
    if (st !== 'ok') return st;
    // Newer data waiting in the cache wins over the medium's.
    if (this.cache.size === 0) return 'ok';
    const first = Math.floor(offset / PAGE),
      last = Math.floor((offset + buf.length - 1) / PAGE);
    for (let p = first; p <= last; p++) {
      const page = this.cache.get(p);
      if (!page) continue;
      const from = Math.max(offset, p * PAGE),
        to = Math.min(offset + buf.length, (p + 1) * PAGE);
      buf.set(page.subarray(from - p * PAGE, to - p * PAGE), from - offset);
    }
    return 'ok';
  }

  private writeCached(offset: number, data: Uint8Array, fua: boolean): BlockStatus {
    if (fua) {
      // Through to the medium; an older cached copy of those pages must not overwrite it later.
      const st = this.backend.write(offset, data);
      if (st !== 'ok') return st;
      this.dropCached(offset, data.length, data);
      return 'ok';
    }
    const first = Math.floor(offset / PAGE),
      last = Math.floor((offset + data.length - 1) / PAGE);
    for (let p = first; p <= last; p++) {
      let page = this.cache.get(p);
      if (!page) {
        page = new Uint8Array(PAGE);
        const len = Math.min(PAGE, this.size - p * PAGE);
        const st = this.backend.read(p * PAGE, page.subarray(0, len));
        if (st !== 'ok') return st;
      } else this.cache.delete(p); // re-inserted below: the map's order is the age order
      const from = Math.max(offset, p * PAGE),
        to = Math.min(offset + data.length, (p + 1) * PAGE);
      page.set(data.subarray(from - offset, to - offset), from - p * PAGE);
      this.cache.set(p, page);
    }
    while (this.cache.size > WRITE_CACHE_PAGES) {
      const st = this.destageOldest();
      if (st !== 'ok') return st;
    }
    return 'ok';
  }

  /** Cached pages over [offset, offset+len) after a FUA write: refreshed with data so later reads and destages agree. */
  private dropCached(offset: number, len: number, data: Uint8Array): void {
    for (let p = Math.floor(offset / PAGE); p <= Math.floor((offset + len - 1) / PAGE); p++) {
      const page = this.cache.get(p);
      if (!page) continue;
      const from = Math.max(offset, p * PAGE),
        to = Math.min(offset + len, (p + 1) * PAGE);
      page.set(data.subarray(from - offset, to - offset), from - p * PAGE);
    }
  }

  private destageOldest(): BlockStatus {
    const [p, page] = this.cache.entries().next().value as [number, Uint8Array];
    const len = Math.min(PAGE, this.size - p * PAGE);
    const st = this.backend.write(p * PAGE, page.subarray(0, len));
    if (st === 'ok') this.cache.delete(p);
    return st;
  }

  private flushCache(): BlockStatus {
    const pages = [...this.cache.keys()].sort((a, b) => a - b);
    for (const p of pages) {
      const page = this.cache.get(p)!;
      const len = Math.min(PAGE, this.size - p * PAGE);
      const st = this.backend.write(p * PAGE, page.subarray(0, len));
      if (st !== 'ok') return st;
      this.cache.delete(p);
    }
    return this.backend.flush();
  }
}
