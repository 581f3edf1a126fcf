// The SCSI disk driver (drivers/scsi/sd.c) with the little of the SCSI
// midlayer it needs (drivers/scsi/scsi_scan.c): the board's SCSI host
// adapter reports one disk per target; each is announced as the midlayer
// does, named sda, sdb, ... (sd_format_disk_name), given major 8 and 16
// minors (SD_MINORS), and added as a gendisk, with the messages sd prints
// when it reads a disk's capacity, write protection and cache mode.
import type { Kernel } from '../../kernel.js';
import type { Disk } from '../../../machine/disk.js';
import { KERN_DEBUG, KERN_INFO, KERN_NOTICE } from '../../printk.js';
import { addDisk, diskLetters, SECTOR_SIZE, type Gendisk } from '../../block/genhd.js';
import { deviceModel } from '../../device/core.js';
import { stringGetSize } from '../../lib/string_helpers.js';

export const SCSI_DISK0_MAJOR = 8;
export const SD_MINORS = 16;
/** What the adapter's disks answer to INQUIRY: vendor (8), product (16), revision (4). */
const VENDOR = 'TUXGLASS',
  PRODUCT = 'VIRTUAL DISK',
  REVISION = '1.0';
/** scsi_device_types[TYPE_DISK], padded as the table has it. */
const TYPE_DISK_NAME = 'Direct-Access    ';

/** sd_format_disk_name: a..z, then aa..zz, then aaa... */
export function sdDiskName(index: number): string {
  return 'sd' + diskLetters(index);
}

/** sd_probe for the disk at target `index` of host 0. */
export function sdProbe(k: Kernel, hw: Disk, index: number, irq: number): Gendisk {
  const log = k.log;
  const hctl = `0:0:${index}:0`;
  if (index === 0) log.printk(KERN_INFO, 'scsi host0: tuxglass SCSI host adapter');
  log.printk(KERN_NOTICE, `scsi ${hctl}: ${TYPE_DISK_NAME} ${VENDOR.padEnd(8)} ${PRODUCT.padEnd(16)} ${REVISION.padEnd(4)} PQ: 0 ANSI: 5`);
  const name = sdDiskName(index);
  const pfx = `sd ${hctl}: [${name}]`;
  const blocks = Math.floor(hw.size / SECTOR_SIZE);
  log.printk(
    KERN_NOTICE,
    `${pfx} ${blocks} ${SECTOR_SIZE}-byte logical blocks: (${stringGetSize(blocks, SECTOR_SIZE, 10)}/${stringGetSize(blocks, SECTOR_SIZE, 2)})`,
  );
  log.printk(KERN_NOTICE, `${pfx} Write Protect is ${hw.readOnly ? 'on' : 'off'}`);
  // The MODE SENSE(6) header: data length 0x63, medium type 0, the WP bit in the device-specific byte, block descriptor length 8.
  log.printk(KERN_DEBUG, `${pfx} Mode Sense: 63 00 ${hw.readOnly ? '80' : '00'} 08`);
  log.printk(KERN_NOTICE, `${pfx} Write cache: enabled, read cache: enabled, doesn't support DPO or FUA`);
  const m = deviceModel(k);
  const sdev = m.platform.dir('scsi').dir('host0').dir(`target0:0:${index}`).dir(hctl);
  sdev.attr('vendor', () => VENDOR.padEnd(8) + '\n');
  sdev.attr('model', () => PRODUCT.padEnd(16) + '\n');
  sdev.attr('rev', () => REVISION.padEnd(4) + '\n');
  sdev.attr('type', () => '0\n');
  sdev.attr('state', () => 'running\n');
  if (hw.serial) sdev.attr('serial', () => hw.serial + '\n');
  const g = addDisk(k, hw, {
    name,
    major: SCSI_DISK0_MAJOR,
    firstMinor: index * SD_MINORS,
    minors: SD_MINORS,
    parent: sdev,
    irq: { line: irq, name: `sd${index}` },
  });
  log.printk(KERN_NOTICE, `${pfx} Attached SCSI disk`);
  return g;
}
