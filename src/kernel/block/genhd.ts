// Disks as the kernel holds them (Linux's struct gendisk and block/genhd.c):
// a disk driver (drivers/scsi/sd.ts, drivers/block/virtio_blk.ts) adds one
// per device it finds; the disk gets its name and device numbers, a page
// cache, its partitions read from the table on it, /dev nodes, its /sys/
// block directory and a place in /proc/partitions and /proc/diskstats.
//
// The disk and each partition are a `BlockDev` (struct block_device): the
// BlockDevice that mount(2) and the file systems use (bdev.ts) and the
// queue limits the block ioctls report (ioctl.ts), registered under the
// device number. A partition is a window on the disk: its I/O goes through
// the disk's cache and queue, and is counted in both their statistics.
import type { Kernel } from '../kernel.js';
import type { DiskCompletion, DiskOp, DiskRequest } from '../../machine/disk.js';
import type { BlockStatus } from '../../machine/backends.js';
import type { Dentry } from '../fs/dentry.js';
import type { Kobject } from '../device/kobject.js';
import { EIO, ENOSPC, EROFS, EINVAL } from '../errno.js';
import { addBlockDevice, removeBlockDevice, type BlockDevice } from './bdev.js';
import { registerBlockQueue, type BlockQueue } from './ioctl.js';
import { BdevCache, PAGE_SIZE } from './bdev_cache.js';
import { DiskStats } from './stat.js';
import { ELEVATORS, RequestQueue, type QueueHost } from './blk_mq.js';
import type { Request } from './request.js';
import { checkPartition, DISK_MAX_PARTS, type ParsedPartition } from './partitions/check.js';
import { makedev } from '../fs/special.js';
import { S_IFBLK } from '../fs/inode.js';
import { KERN_INFO } from '../printk.js';
import { addDiskSysfs, addPartSysfs, removeDiskSysfs, removePartSysfs } from './blk_sysfs.js';
import type { IoctlIo } from '../fs/file.js';

export const SECTOR_SIZE = 512;

/**
 * What a gendisk sends its requests to: a disk on the board (machine/
 * disk.ts) or a driver that serves them itself (the loop driver, from its
 * backing file). Completion times are virtual; one that finishes at once
 * has no completion to signal.
 */
export interface DiskHw {
  readonly size: number;
  readonly readOnly: boolean;
  readonly rotational: boolean;
  readonly iface: 'scsi' | 'virtio' | 'loop';
  readonly serial?: string;
  submit(r: DiskRequest, nowNs: number): DiskCompletion;
  /**
   * A device with a request queue (machine/disk.ts) splits submit in two:
   * the data at once, the service when the queue dispatches the request.
   * A driver without them (loop) serves each request at once.
   */
  access?(r: DiskRequest): { status: BlockStatus; data?: Uint8Array };
  service?(r: DiskRequest, nowNs: number): { startNs: number; doneNs: number };
  /** Requests the device takes at once (its tags). */
  readonly queueDepth?: number;
  readonly nextCompletion: number | null;
  complete(nowNs: number): void;
  ack(): number;
}

/** The queue settings /sys/block/X/queue shows (struct queue_limits and the request_queue's own). */
export interface QueueSettings {
  readAheadKb: number;
  maxSectorsKb: number;
  readonly maxHwSectorsKb: number;
  readonly nrRequests: number;
  readonly discardMaxBytes: number;
  readonly rotational: boolean;
}

/** elevator_get_default: a single hardware queue gets mq-deadline. */
const defaultElevator = () => ELEVATORS.find((e) => e.name === 'mq-deadline')!;

/**
 * The best-effort level a task's requests carry (get_current_ioprio): what
 * ioprio_set gave for the real-time or best-effort class, else the level
 * task_nice_ioprio derives from the nice value.
 */
export function ioprioLevel(ioprio: number, nice: number): number {
  const cls = ioprio >> 13;
  if (cls === 1 || cls === 2) return ioprio & 7;
  if (cls === 3) return 7;
  return Math.min(7, Math.max(0, Math.floor((nice + 20) / 5)));
}

/** A request's outcome as 0 or -errno (a read's data counts as success). */
const toErrno = (st: BlockStatus | Uint8Array) => (typeof st !== 'string' || st === 'ok' ? 0 : st === 'no-space' ? -ENOSPC : -EIO);

/** A disk or one of its partitions (struct block_device). */
export class BlockDev implements BlockDevice, BlockQueue {
  /** LOOP_SET_BLOCK_SIZE changes it for a loop device; disks have 512. */
  logicalBlockSize = SECTOR_SIZE;
  get physicalBlockSize(): number {
    return this.logicalBlockSize;
  }
  readonly ioMin = SECTOR_SIZE;
  readonly ioOpt = 0;
  readonly alignmentOffset = 0;
  readonly stats = new DiskStats();
  /** Set by BLKROSET. */
  private roFlag = false;
  kobj: Kobject | null = null;
  /** Open files of this device (bd_openers). */
  openers = 0;

  constructor(
    readonly disk: Gendisk,
    readonly partno: number,
    readonly name: string,
    readonly rdev: number,
    /** First sector on the disk, and length in sectors (a loop device's changes as it is bound). */
    readonly startSect: number,
    public nrSects: number,
    readonly info: ParsedPartition | null,
  ) {}

  get size(): number {
    return this.nrSects * SECTOR_SIZE;
  }
  get readOnly(): boolean {
    return this.roFlag || this.disk.hw.readOnly || (this.partno !== 0 && this.disk.part0.readOnly);
  }
  set readOnly(v: boolean) {
    this.roFlag = v;
  }
  private inRange(offset: number, length: number): boolean {
    return Number.isSafeInteger(offset) && offset >= 0 && length >= 0 && offset + length <= this.size;
  }

  read(offset: number, length: number): Uint8Array | number {
    if (!this.inRange(offset, length)) return -EINVAL;
    const r = this.disk.cache.read(this.startSect * SECTOR_SIZE + offset, length);
    return typeof r === 'string' ? toErrno(r) : r;
  }
  write(offset: number, data: Uint8Array): number {
    if (this.readOnly) return -EROFS;
    if (!this.inRange(offset, data.length)) return -EINVAL;
    return toErrno(this.disk.cache.write(this.startSect * SECTOR_SIZE + offset, data));
  }
  /** blkdev_issue_flush after writing back the cache: the disk's volatile cache is emptied too. */
  flush(): number {
    const st = this.disk.cache.writeback();
    if (st !== 'ok') return toErrno(st);
    return toErrno(this.disk.request('flush', 0, 0));
  }
  discard(offset: number, length: number): number {
    if (this.readOnly) return -EROFS;
    if (!this.inRange(offset, length) || offset % SECTOR_SIZE || length % SECTOR_SIZE) return -EINVAL;
    const at = this.startSect * SECTOR_SIZE + offset;
    const st = this.disk.cache.writeback();
    if (st !== 'ok') return toErrno(st);
    this.disk.cache.drop(at, length);
    return toErrno(this.disk.request('discard', at, length));
  }
}

/** What a disk driver gives add_disk. */
export interface DiskInfo {
  name: string;
  major: number;
  firstMinor: number;
  /** Minors the disk owns: itself and its partitions. */
  minors: number;
  /** /sys/devices/... under which /sys/block/<name> really lives. */
  parent: Kobject;
  /** The interrupt the device completes requests on (none for a loop device). */
  irq?: { line: number; name: string };
  /** GENHD_FL_NO_PART: the table is not read (a loop device without LO_FLAGS_PARTSCAN). */
  noPartScan?: () => boolean;
  /** block_device_operations.ioctl: the driver's own commands, null for one it does not know. */
  ioctl?: (b: BlockDev, cmd: number, arg: number, io: IoctlIo) => number | null;
  /** block_device_operations.release: the last opener closed the disk. */
  release?: () => void;
  /** BLK_MQ_F_NO_SCHED_BY_DEFAULT (virtio_blk, loop): the queue starts with none, not mq-deadline. */
  noSchedByDefault?: boolean;
}

/** struct gendisk. */
export class Gendisk {
  readonly cache: BdevCache;
  readonly part0: BlockDev;
  readonly parts = new Map<number, BlockDev>();
  /** The label the last scan found ("dos", "gpt"), or null. */
  label: 'dos' | 'gpt' | null = null;
  readonly queue: QueueSettings;
  /** The request queue and its I/O scheduler; null for a driver that serves requests at once (loop). */
  readonly rq: RequestQueue | null;
  private armedAt: number | null = null;
  private armed: ReturnType<Kernel['timers']['add']> | null = null;
  /** Completion interrupts taken. */
  completions = 0;

  constructor(
    readonly k: Kernel,
    readonly hw: DiskHw,
    readonly info: DiskInfo,
  ) {
    this.queue = {
      readAheadKb: 128,
      maxSectorsKb: 1280,
      maxHwSectorsKb: 32767,
      nrRequests: 256,
      discardMaxBytes: 2147483136,
      rotational: hw.rotational,
    };
    const queue = this.queue;
    this.rq = hw.access && hw.service ? new RequestQueue(this.queueHost(), info.noSchedByDefault ? null : defaultElevator()) : null;
    this.part0 = new BlockDev(this, 0, info.name, makedev(info.major, info.firstMinor), 0, Math.floor(hw.size / SECTOR_SIZE), null);
    this.cache = new BdevCache({
      get size() {
        return hw.size;
      },
      get readaheadPages() {
        return Math.max(1, Math.floor(queue.readAheadKb / 4));
      },
      get maxRequestPages() {
        return Math.max(1, Math.floor(queue.maxSectorsKb / 4));
      },
      readPages: (first, pages) => {
        const off = first * PAGE_SIZE,
          len = Math.min(pages * PAGE_SIZE, hw.size - off);
        return this.request('read', off, len, undefined, pages);
      },
      writePages: (first, data, pages) => {
        const r = this.request('write', first * PAGE_SIZE, data.length, data, pages);
        return typeof r === 'string' ? r : 'ok';
      },
    });
  }

  get name(): string {
    return this.info.name;
  }

  /** The block device a sector belongs to for accounting: its partition, else the disk. */
  private partOf(sector: number): BlockDev | null {
    for (const p of this.parts.values()) if (sector >= p.startSect && sector < p.startSect + p.nrSects) return p;
    return null;
  }

  /**
   * One request to the device, of `bios` bios (the pages a cache call
   * covers): its data moves at once; the bios go through the request queue,
   * merged under one plug, and complete in virtual time when the scheduler
   * and the disk get to them, accounted in the disk's and the partition's
   * statistics. The issuing task waits for them at its return to user mode
   * (entry.ts ioWait).
   */
  request(op: DiskOp, offset: number, length: number, data?: Uint8Array, bios = 1): Uint8Array | BlockStatus {
    const now = this.k.clock.monotonic();
    const q = this.rq;
    if (!q) return this.requestAtOnce(op, offset, length, data, bios - 1, now);
    const r = this.hw.access!({ op, offset, length, data });
    const t = this.k.current;
    const endIo = t
      ? () => {
          t.ioPending--;
          if (t.ioPending === 0 && t.sys?.kind === 'iowait' && t.state === 'D') t.wake();
        }
      : undefined;
    const owner = t?.pid ?? 0,
      prio = t ? ioprioLevel(t.ioprio, t.nice) : 4;
    const first = offset / SECTOR_SIZE,
      sectors = length / SECTOR_SIZE;
    const per = op === 'read' || op === 'write' ? Math.max(1, Math.ceil(sectors / Math.max(1, bios))) : sectors;
    q.startPlug();
    for (let s = 0; s < sectors || (s === 0 && sectors === 0); s += Math.max(1, per)) {
      if (t) t.ioPending++;
      q.submitBio({ op, sector: first + s, nrSectors: Math.min(per, sectors - s), owner, prio, endIo }, now);
    }
    q.finishPlug(now);
    this.armCompletion();
    if (r.status !== 'ok') return r.status;
    return op === 'read' ? r.data! : 'ok';
  }

  /** A driver that serves a request itself at once (loop): the old single step. */
  private requestAtOnce(op: DiskOp, offset: number, length: number, data: Uint8Array | undefined, merges: number, now: number): Uint8Array | BlockStatus {
    const c = this.hw.submit({ op, offset, length, data }, now);
    const sectors = op === 'flush' ? 0 : length / SECTOR_SIZE;
    this.part0.stats.account(op, sectors, merges, now, c.doneNs);
    if (op !== 'flush') this.partOf(offset / SECTOR_SIZE)?.stats.account(op, sectors, merges, now, c.doneNs);
    this.armCompletion();
    const t = this.k.current;
    if (t && c.doneNs > now) t.ioWaitUntil = Math.max(t.ioWaitUntil, c.doneNs);
    if (c.status !== 'ok') return c.status;
    return op === 'read' ? c.data! : 'ok';
  }

  /** What the request queue asks of this disk: its tags, the device, the kernel's timers and the accounting. */
  private queueHost(): QueueHost {
    const hw = this.hw;
    return {
      depth: hw.queueDepth ?? 1,
      start: (rq, nowNs) => {
        const sectors = rq.op === 'flush' ? 0 : rq.nrSectors;
        const { doneNs } = hw.service!({ op: rq.op, offset: rq.sector * SECTOR_SIZE, length: sectors * SECTOR_SIZE, fua: rq.fua }, nowNs);
        for (const b of this.accounted(rq)) b.stats.started(rq.op);
        return doneNs;
      },
      at: (ns, fn) => {
        this.k.timers.add(ns, () => {
          fn();
          this.armCompletion();
        });
      },
      done: (rq) => {
        const sectors = rq.op === 'flush' ? 0 : rq.nrSectors;
        for (const b of this.accounted(rq)) b.stats.done(rq.op, sectors, rq.merges, rq.queuedNs, rq.doneNs);
      },
    };
  }

  /** The disk and (unless a flush) the partition a request counts in. */
  private accounted(rq: Request): BlockDev[] {
    const p = rq.op === 'flush' ? null : this.partOf(rq.sector);
    return p ? [this.part0, p] : [this.part0];
  }

  /** A timer at the device's next completion, which then raises its interrupt. */
  private armCompletion(): void {
    const next = this.hw.nextCompletion;
    if (next === null || (this.armedAt !== null && this.armedAt <= next)) return;
    if (this.armed) this.k.timers.cancel(this.armed);
    this.armedAt = next;
    this.armed = this.k.timers.add(next, () => {
      this.armed = null;
      this.armedAt = null;
      const now = this.k.clock.monotonic();
      this.hw.complete(now);
      this.rq?.complete(now);
      this.armCompletion();
    });
  }

  /** The driver's interrupt handler. */
  irqHandler(): void {
    this.completions += this.hw.ack();
  }

  /** Partition device name: sda1, but nvme0n1p1 and loop0p1 (a name ending in a digit takes a "p"). */
  partName(partno: number): string {
    return /\d$/.test(this.name) ? `${this.name}p${partno}` : `${this.name}${partno}`;
  }

  /** Sectors the whole disk has. */
  get capacity(): number {
    return this.part0.nrSects;
  }

  /** set_capacity: the disk's size changed (a loop device bound, cleared or resized); cached pages are dropped. */
  setCapacity(sectors: number): void {
    this.cache.invalidate();
    this.part0.nrSects = sectors;
  }
}

/** Every disk of one kernel, in the order they were added, and where their /dev nodes go. */
export class BlockLayer {
  readonly disks: Gendisk[] = [];
  devRoot: Dentry | null = null;
  /** The loop driver, once /dev/loop-control exists (drivers/block/loop.ts). */
  loop: unknown = null;
  /**
   * A major's probe (__register_blkdev's): opening a device number nobody
   * has yet lets the driver make it (blk_request_module,
   * CONFIG_BLOCK_LEGACY_AUTOLOAD), as loop_probe makes /dev/loopN.
   */
  readonly probes = new Map<number, (minor: number) => void>();
}

/** del_gendisk: the disk, its partitions, nodes and sysfs go (a removed loop device). */
/**
 * The letters of a disk's name from its index: a..z, then aa..zz, then
 * aaa... (the scheme sd_format_disk_name and virtblk_name_format share).
 */
export function diskLetters(index: number): string {
  let name = '';
  let n = index;
  do {
    name = String.fromCharCode(97 + (n % 26)) + name;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return name;
}

export function delGendisk(k: Kernel, g: Gendisk): void {
  for (const p of [g.part0, ...g.parts.values()]) {
    removeBlockDevice(k.vfs.fs, p.rdev);
    k.vfs.fs.blkdevs.delete(p.rdev);
    rmnod(k, p.name);
  }
  for (const p of g.parts.values()) removePartSysfs(k, p);
  removeDiskSysfs(k, g);
  const i = k.block.disks.indexOf(g);
  if (i >= 0) k.block.disks.splice(i, 1);
}

const DISK_GID = 6;
const nodeCred = { fsuid: 0, fsgid: DISK_GID, groups: [] as number[] };

function mknod(k: Kernel, name: string, rdev: number): void {
  const d = k.block.devRoot;
  if (!d || d.children.has(name)) return;
  d.inode.mknod(d, name, S_IFBLK | 0o660, rdev, nodeCred);
}
function rmnod(k: Kernel, name: string): void {
  const d = k.block.devRoot;
  const victim = d?.children.get(name);
  if (d && victim) d.inode.unlink(d, name, victim);
}

function registerBdev(k: Kernel, b: BlockDev): void {
  addBlockDevice(k.vfs.fs, b);
  registerBlockQueue(k.vfs.fs, b.rdev, b);
}

/** device_add_disk: the disk's node, sysfs, interrupt and partitions. */
export function addDisk(k: Kernel, hw: DiskHw, info: DiskInfo): Gendisk {
  const g = new Gendisk(k, hw, info);
  k.block.disks.push(g);
  registerBdev(k, g.part0);
  mknod(k, g.name, g.part0.rdev);
  addDiskSysfs(k, g);
  if (info.irq) {
    k.plic.map(info.irq.line, info.irq.line);
    k.irqs.request(info.irq.line, info.irq.name, () => g.irqHandler());
    k.plic.enable(info.irq.line);
  }
  scanPartitions(k, g, true);
  return g;
}

/** add_partition: the partition's block device, /dev node and sysfs directory. */
export function addPartition(k: Kernel, g: Gendisk, pp: ParsedPartition): BlockDev {
  const p = new BlockDev(g, pp.partno, g.partName(pp.partno), makedev(g.info.major, g.info.firstMinor + pp.partno), pp.start, pp.size, pp);
  g.parts.set(pp.partno, p);
  registerBdev(k, p);
  mknod(k, p.name, p.rdev);
  addPartSysfs(k, g, p);
  return p;
}

/** delete_partition: the partition's device, node and sysfs go. */
export function deletePartition(k: Kernel, g: Gendisk, p: BlockDev): void {
  removeBlockDevice(k.vfs.fs, p.rdev);
  k.vfs.fs.blkdevs.delete(p.rdev);
  rmnod(k, p.name);
  removePartSysfs(k, p);
  g.parts.delete(p.partno);
}

/**
 * bdev_disk_changed: drop the partitions the disk had, read the table again
 * and add what it holds now. add_disk prints the " sda: sda1 sda2" line.
 */
export function scanPartitions(k: Kernel, g: Gendisk, log: boolean): void {
  for (const p of [...g.parts.values()]) deletePartition(k, g, p);
  g.cache.invalidate();
  if (g.info.noPartScan?.() || g.capacity === 0) {
    g.label = null;
    return;
  }
  const read = (sector: number, count: number): Uint8Array | null => {
    if (sector < 0 || sector + count > g.capacity) return null;
    const r = g.part0.read(sector * SECTOR_SIZE, count * SECTOR_SIZE);
    return typeof r === 'number' ? null : r;
  };
  const table = checkPartition(read, g.capacity);
  g.label = table?.type ?? null;
  const names: string[] = [];
  let open = false;
  for (const pp of table?.parts ?? []) {
    if (pp.partno > DISK_MAX_PARTS || pp.partno >= g.info.minors) continue;
    const p = addPartition(k, g, pp);
    // parse_extended brackets the logical partitions it finds: "sda2 < sda5 sda6 >".
    if (open && !pp.logical) {
      names.push('>');
      open = false;
    }
    names.push(p.name);
    if (pp.extended) {
      names.push('<');
      open = true;
    }
  }
  if (open) names.push('>');
  // check_partition prints the line only when some parser knew the disk.
  if (log && table) k.log.printk(KERN_INFO, ` ${g.name}:${names.map((n) => ' ' + n).join('')}`);
}
