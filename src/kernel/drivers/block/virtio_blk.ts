// The virtio block driver (drivers/block/virtio_blk.c): a disk in a
// virtio-mmio slot becomes vda, vdb, ... (virtblk_name_format) with the
// major the block layer hands virtblk at register_blkdev(0, ...): the first
// free dynamic major counting down from 254, which on QEMU's virt board is
// 254 itself. Each disk has 16 minors (PART_BITS 4). The messages are
// virtblk_probe's and virtblk_update_capacity's.
import type { Kernel } from '../../kernel.js';
import type { Disk } from '../../../machine/disk.js';
import { KERN_INFO, KERN_NOTICE } from '../../printk.js';
import { addDisk, diskLetters, SECTOR_SIZE, type Gendisk } from '../../block/genhd.js';
import { deviceModel } from '../../device/core.js';
import { stringGetSize } from '../../lib/string_helpers.js';
import { VIRT_VIRTIO } from '../../../machine/memmap.js';
import { platformResourceName } from '../../resource.js';

export const VIRTBLK_MAJOR = 254;
const PART_BITS = 4;

/** virtblk_name_format: vda..vdz, vdaa... */
export function virtblkName(index: number): string {
  return 'vd' + diskLetters(index);
}

export function virtblkProbe(k: Kernel, hw: Disk, index: number, irq: number): Gendisk {
  const name = virtblkName(index);
  const dev = `virtio${index}`;
  const blocks = Math.floor(hw.size / SECTOR_SIZE);
  k.log.printk(KERN_INFO, `virtio_blk ${dev}: 1/0/0 default/read/poll queues`);
  k.log.printk(
    KERN_NOTICE,
    `virtio_blk ${dev}: [${name}] ${blocks} ${SECTOR_SIZE}-byte logical blocks (${stringGetSize(blocks, SECTOR_SIZE, 10)}/${stringGetSize(blocks, SECTOR_SIZE, 2)})`,
  );
  const addr = VIRT_VIRTIO.base + index * VIRT_VIRTIO.size;
  const base = addr.toString(16);
  // virtio_mmio_probe claims the transport's registers.
  k.iomem.insert(platformResourceName(addr, 'virtio_mmio', 'virtio_mmio'), addr, VIRT_VIRTIO.size);
  const vdev = deviceModel(k).platform.dir(`${base}.virtio_mmio`).dir(dev);
  vdev.attr('device', () => '0x0002\n');
  vdev.attr('vendor', () => '0x554d4551\n');
  return addDisk(k, hw, {
    name,
    major: VIRTBLK_MAJOR,
    firstMinor: index << PART_BITS,
    minors: 1 << PART_BITS,
    parent: vdev,
    irq: { line: irq, name: dev },
    // virtio_blk's tag set has BLK_MQ_F_NO_SCHED_BY_DEFAULT: its disks start with none.
    noSchedByDefault: true,
  });
}
