// /proc/partitions and /proc/diskstats (block/genhd.c: show_partition,
// diskstats_show), disk by disk in the order they were added, each disk
// followed by its partitions.
import type { Kernel } from '../kernel.js';
import type { BlockDev } from './genhd.js';
import { major, minor } from '../fs/special.js';
import { diskstatsLine } from './stat.js';

function devices(k: Kernel): BlockDev[][] {
  return k.block.disks.map((g) => [g.part0, ...[...g.parts.values()].sort((a, b) => a.partno - b.partno)]);
}

/** The header comes with the first disk; disks of no capacity and empty partitions are left out. */
export function procPartitions(k: Kernel): string {
  if (k.block.disks.length === 0) return '';
  let out = 'major minor  #blocks  name\n\n';
  for (const [disk, ...parts] of devices(k)) {
    if (disk.nrSects === 0) continue;
    for (const b of [disk, ...parts]) {
      if (b.nrSects === 0) continue;
      out += `${String(major(b.rdev)).padStart(4)}  ${String(minor(b.rdev)).padStart(7)} ${String(Math.floor(b.nrSects / 2)).padStart(10)} ${b.name}\n`;
    }
  }
  return out;
}

/** Every disk, and its partitions that have sectors. */
export function procDiskstats(k: Kernel): string {
  let out = '';
  for (const [disk, ...parts] of devices(k)) {
    out += diskstatsLine(major(disk.rdev), minor(disk.rdev), disk.name, disk.stats);
    for (const p of parts) if (p.nrSects) out += diskstatsLine(major(p.rdev), minor(p.rdev), p.name, p.stats);
  }
  return out;
}
