// `tuxglass disk rootfs FILE [--size N]`: a bootable ext4 root disk made
// from the guest root by the guest's own tools, so the host needs no
// e2fsprogs. The host writes only the MBR (one Linux partition from 1 MiB
// to the end, as fdisk lays it out); a machine in run mode, with the guest
// root as its / and FILE as /dev/sda, then runs mkfs.ext4 -d over a bind
// mount of / (which shows the root's own files and none of /proc, /sys,
// /dev or the other mounts) onto /dev/sda1. The image's /etc/fstab names
// /dev/sda1 as / (rw), and its inittab remounts / as fstab says, since the
// kernel mounts root= read-only.
import { readFileSync, writeFileSync, openSync, writeSync, closeSync, readdirSync, lstatSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createDiskImage } from './disk-image.js';

/** Where the partition starts (sectors): 1 MiB, fdisk's alignment. */
export const ROOT_PART_START = 2048;

/** The MBR of a disk with one Linux (0x83) partition from ROOT_PART_START to the end, and its NT disk signature. */
export function rootMbr(sectors: number, signature: number): Uint8Array {
  const mbr = new Uint8Array(512);
  const dv = new DataView(mbr.buffer);
  dv.setUint32(440, signature >>> 0, true);
  const e = 446;
  mbr[e] = 0x00; // not bootable: no boot loader reads it
  // CHS fields: 0xfe/0xff/0xff, what fdisk writes for addresses past CHS's reach.
  mbr.set([0xfe, 0xff, 0xff], e + 1);
  mbr[e + 4] = 0x83;
  mbr.set([0xfe, 0xff, 0xff], e + 5);
  dv.setUint32(e + 8, ROOT_PART_START, true);
  dv.setUint32(e + 12, sectors - ROOT_PART_START, true);
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  return mbr;
}

/** The fstab the image gets: / is /dev/sda1, read-write once init remounts it. */
export const ROOT_FSTAB = [
  '# /etc/fstab: static file system information.',
  '#',
  '# <file system> <mount point>   <type>  <options>       <dump>  <pass>',
  '/dev/sda1       /               ext4    rw,relatime     0       1',
  'proc            /proc           proc    defaults        0       0',
  '',
].join('\n');

/** The guest's inittab with the remount of / (as fstab says) once /proc is there (mount reads /proc/mounts). */
export function rootInittab(inittab: string): string {
  // util-linux's mount: it takes the options from fstab's line for / (busybox's remount keeps ro).
  const line = '::sysinit:/usr/bin/mount -o remount /';
  const lines = inittab.split('\n');
  const proc = lines.findIndex((l) => l.startsWith('::sysinit:') && / \/proc$/.test(l));
  const at = proc >= 0 ? proc + 1 : lines.findIndex((l) => l.startsWith('::sysinit:'));
  lines.splice(at < 0 ? lines.length : at, 0, '# The kernel mounted root= read-only: remount it as /etc/fstab says.', line);
  return lines.join('\n');
}

/** Bytes of the regular files under dir (not following links). */
function treeBytes(dir: string): number {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) n += treeBytes(p);
    else n += st.size;
  }
  return n;
}

/** A size that holds the tree with room to spare: twice its bytes plus 64 MiB, in whole MiB, at least 256 MiB. */
export function defaultRootSize(rootfs: string): number {
  const mib = 1 << 20;
  return Math.max(256 * mib, Math.ceil((2 * treeBytes(rootfs) + 64 * mib) / mib) * mib);
}

/** Makes FILE with its partition table, and the files the guest copies in; the `tuxglass run` arguments that build it. */
export function prepareRootDisk(file: string, size: number, rootfs: string, tmp: string): string[] {
  createDiskImage(file, size);
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, rootMbr(size / 512, randomBytes(4).readUInt32LE(0)), 0, 512, 0);
  } finally {
    closeSync(fd);
  }
  writeFileSync(join(tmp, 'fstab'), ROOT_FSTAB);
  writeFileSync(join(tmp, 'inittab'), rootInittab(readFileSync(join(rootfs, 'etc/inittab'), 'utf8')));
  const script = [
    'set -e',
    'mkdir -p /tmp/tuxglass-rootfs',
    'mount --bind / /tmp/tuxglass-rootfs',
    // 4 KiB blocks whatever the size (mke2fs.conf's "small" type would pick 1 KiB); no discard: the image is new and sparse.
    'mkfs.ext4 -F -b 4096 -E nodiscard -L tuxglass-root -d /tmp/tuxglass-rootfs /dev/sda1',
    'umount /tmp/tuxglass-rootfs',
  ].join('\n');
  const disk = file.replace(/,/g, ',,');
  return [
    '--rootfs',
    rootfs,
    '--disk',
    disk,
    '--add',
    `${join(tmp, 'fstab')}:/etc/fstab`,
    '--add',
    `${join(tmp, 'inittab')}:/etc/inittab`,
    '--',
    '/bin/sh',
    '-c',
    script,
  ];
}
