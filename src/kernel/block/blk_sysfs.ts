// /sys/block: a disk's directory (block/genhd.c's disk_attrs), its queue/
// directory (block/blk-sysfs.c) and its partitions' directories (block/
// partitions/core.c's part_attrs), with the values lsblk, iostat, blkid and
// udev read. /sys/block/<name> is a link into /sys/devices, where the disk
// hangs under the device that holds it.
import type { Kernel } from '../kernel.js';
import type { BlockDev, Gendisk } from './genhd.js';
import { classDeviceAdd, classDeviceRemove, deviceModel } from '../device/core.js';
import { partInflightShow, partStatShow } from './stat.js';
import { EINVAL } from '../errno.js';
import { ELEVATORS } from './blk_mq.js';

const n = (v: number | boolean) => `${typeof v === 'boolean' ? (v ? 1 : 0) : v}\n`;

/** A whole number written to a queue attribute (queue_var_store), or -EINVAL. */
function parseUint(text: string): number {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : -EINVAL;
}

function commonAttrs(b: BlockDev): Record<string, () => string> {
  return {
    size: () => n(b.nrSects),
    ro: () => n(b.readOnly),
    alignment_offset: () => n(0),
    discard_alignment: () => n(0),
    stat: () => partStatShow(b.stats),
    inflight: () => partInflightShow(b.stats.inflight.read, b.stats.inflight.write),
  };
}

export function addDiskSysfs(k: Kernel, g: Gendisk): void {
  const b = g.part0,
    q = g.queue;
  const kobj = classDeviceAdd(k, 'block', g.name, {
    devt: b.rdev,
    block: true,
    parent: g.info.parent.dir('block'),
    attrs: {
      ...commonAttrs(b),
      range: () => n(g.info.minors),
      ext_range: () => n(256),
      removable: () => n(0),
      hidden: () => n(0),
      // The GENHD_FL_* flags: not removable, not hidden, partitions allowed.
      capability: () => '0\n',
      events: () => '\n',
      events_async: () => '\n',
      events_poll_msecs: () => '-1\n',
      diskseq: () => n(k.block.disks.indexOf(g) + 1),
      ...(g.hw.iface === 'virtio' ? { serial: () => `${g.hw.serial ?? ''}\n` } : {}),
    },
    uevent: () => ['DEVTYPE=disk', `DISKSEQ=${k.block.disks.indexOf(g) + 1}`],
  });
  b.kobj = kobj;
  // A disk behind a device links to it; a virtual one (loop) has none.
  if (g.hw.iface !== 'loop') kobj.link('device', g.info.parent);
  deviceModel(k).block.link(g.name, kobj);
  const queue = kobj.dir('queue');
  const attrs: Record<string, () => string> = {
    scheduler: () => schedulerShow(g),
    rotational: () => n(q.rotational),
    nr_requests: () => n(q.nrRequests),
    max_hw_sectors_kb: () => n(q.maxHwSectorsKb),
    logical_block_size: () => n(b.logicalBlockSize),
    physical_block_size: () => n(b.physicalBlockSize),
    hw_sector_size: () => n(b.logicalBlockSize),
    minimum_io_size: () => n(b.ioMin),
    optimal_io_size: () => n(b.ioOpt),
    discard_max_bytes: () => n(q.discardMaxBytes),
    discard_max_hw_bytes: () => n(q.discardMaxBytes),
    discard_granularity: () => n(b.logicalBlockSize),
    write_cache: () => 'write back\n',
    add_random: () => '0\n',
    rq_affinity: () => '1\n',
    iostats: () => '1\n',
    zoned: () => 'none\n',
    dax: () => '0\n',
    fua: () => '0\n',
    max_segments: () => '254\n',
    max_segment_size: () => '65536\n',
  };
  for (const [name, show] of Object.entries(attrs)) queue.attr(name, show);
  queue.attr('scheduler', attrs.scheduler, (text) => schedulerStore(k, g, text));
  ioschedDir(g);
  // nomerges (queue_nomerges_store): 2 is no merging at all; any other non-zero value only the simple merges (NOXMERGES).
  queue.attr(
    'nomerges',
    () => n(g.rq?.nomerges ?? 0),
    (text) => {
      const v = parseUint(text);
      if (v < 0) return v;
      if (g.rq) g.rq.nomerges = v === 2 ? 2 : v ? 1 : 0;
      return 0;
    },
  );
  queue.attr(
    'read_ahead_kb',
    () => n(q.readAheadKb),
    (text) => {
      const v = parseUint(text);
      if (v < 0) return v;
      q.readAheadKb = v;
      return 0;
    },
  );
  queue.attr(
    'max_sectors_kb',
    () => n(q.maxSectorsKb),
    (text) => {
      // queue_max_sectors_store: at least a page, at most the hardware's limit.
      const v = parseUint(text);
      if (v < 0 || v > q.maxHwSectorsKb || v < 4) return -EINVAL;
      q.maxSectorsKb = v;
      if (g.rq) g.rq.maxSectors = v * 2;
      return 0;
    },
  );
}

/**
 * elv_iosched_show: "none" first, then the schedulers in registration
 * order, the one in use in brackets. A queue without a request queue (loop
 * here) offers only none.
 */
function schedulerShow(g: Gendisk): string {
  if (!g.rq) return '[none] \n';
  const cur = g.rq.elevator?.name ?? null;
  let s = cur === null ? '[none] ' : 'none ';
  for (const e of ELEVATORS) s += e.name === cur ? `[${e.name}] ` : `${e.name} `;
  return s + '\n';
}

/** elv_iosched_store: switch to the named scheduler (the same one is no change); an unknown name is -EINVAL. */
function schedulerStore(k: Kernel, g: Gendisk, text: string): number {
  const name = text.trim();
  if (!g.rq) return name === 'none' ? 0 : -EINVAL;
  const type = name === 'none' ? null : ELEVATORS.find((e) => e.name === name);
  if (type === undefined) return -EINVAL;
  if ((g.rq.elevator?.name ?? null) === (type?.name ?? null)) return 0;
  g.rq.switchElevator(type, k.clock.monotonic());
  ioschedDir(g);
  return 0;
}

/** queue/iosched/: the scheduler's tunables (elv_register_queue), absent with none. */
function ioschedDir(g: Gendisk): void {
  const queue = g.part0.kobj?.children.get('queue');
  if (!queue) return;
  queue.children.get('iosched')?.del();
  const e = g.rq?.elevator;
  if (!e) return;
  const dir = queue.dir('iosched');
  for (const a of e.attrs) dir.attr(a.name, a.show, a.store);
}

export function addPartSysfs(k: Kernel, g: Gendisk, p: BlockDev): void {
  const info = p.info;
  p.kobj = classDeviceAdd(k, 'block', p.name, {
    devt: p.rdev,
    block: true,
    parent: g.part0.kobj!,
    attrs: { ...commonAttrs(p), partition: () => n(p.partno), start: () => n(p.startSect) },
    uevent: () => ['DEVTYPE=partition', `DISKSEQ=${k.block.disks.indexOf(g) + 1}`, `PARTN=${p.partno}`, ...(info?.name ? [`PARTNAME=${info.name}`] : [])],
  });
}

export function removeDiskSysfs(k: Kernel, g: Gendisk): void {
  const kobj = g.part0.kobj;
  if (!kobj) return;
  deviceModel(k).block.links.delete(g.name);
  classDeviceRemove(k, kobj);
  g.part0.kobj = null;
}

export function removePartSysfs(k: Kernel, p: BlockDev): void {
  if (p.kobj) classDeviceRemove(k, p.kobj);
  p.kobj = null;
}
