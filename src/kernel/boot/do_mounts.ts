// prepare_namespace (init/do_mounts.c, Linux 6.12): when there is no
// early userspace (/init in the initramfs), the kernel itself mounts the
// root= device read-only (unless "rw") on /root, mounts devtmpfs on its
// /dev (CONFIG_DEVTMPFS_MOUNT), moves it over / and chroots into it. The
// device is named as early_lookup_bdev (block/early-lookup.c) reads it:
// /dev/<disk>[p]<n>, PARTUUID=<uuid>[/PARTNROFF=<n>], PARTLABEL=<name>,
// <major>:<minor> or a hex device number. A file system UUID (UUID=) is
// none of these: only an initramfs can find a disk by it, so the kernel
// fails as for a missing disk.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { BootParams } from './params.js';
import type { Path } from '../fs/mount.js';
import { KERN_EMERG, KERN_ERR, KERN_INFO, KERN_WARNING } from '../printk.js';
import { EACCES, EINVAL, ENODEV } from '../errno.js';
import { MS_RDONLY, MS_SILENT, pathMount } from '../fs/namespace.js';
import { S_IFBLK } from '../fs/inode.js';
import { major, makedev, minor } from '../fs/special.js';
import { BDEV_FILESYSTEMS } from '../fs/proc/root.js';
import { panic } from './panic.js';

const root = { fsuid: 0, fsgid: 0, groups: [] as number[] };

/** The block-device name, without "/dev/", to a dev_t: a whole disk, or its partition n (devt_from_devname). */
function devtFromDevname(k: Kernel, name: string): number | null {
  if (name.length > 31) return null;
  const s = name.replace(/\//g, '!');
  const lookup = (disk: string, partno: number): number | null => {
    const g = k.block.disks.find((d) => d.name === disk);
    if (!g) return null;
    // blk_lookup_devt: a partition number within the disk's minors is valid even before the partition exists.
    if (partno < g.info.minors) return makedev(g.info.major, g.info.firstMinor + partno);
    return g.parts.get(partno)?.rdev ?? null;
  };
  const whole = lookup(s, 0);
  if (whole !== null) return whole;
  const m = /^(.*?)(\d+)$/.exec(s);
  if (!m || m[1] === '' || m[2].startsWith('0')) return null;
  const part = Number(m[2]);
  const byName = lookup(m[1], part);
  if (byName !== null) return byName;
  // "<disk>p<n>", for disk names that end in a digit.
  if (m[1].length < 2 || !m[1].endsWith('p') || !/\d/.test(m[1][m[1].length - 2])) return null;
  return lookup(m[1].slice(0, -1), part);
}

/** early_lookup_bdev: the dev_t root= names, or -errno (-EINVAL: malformed, -ENODEV: no such device). */
export function earlyLookupBdev(k: Kernel, name: string): number {
  if (name.startsWith('PARTUUID=')) {
    const text = name.slice(9);
    const slash = text.indexOf('/');
    let offset = 0;
    const uuid = slash < 0 ? text : text.slice(0, slash);
    if (slash >= 0) {
      const m = /^PARTNROFF=(-?\d+)$/.exec(text.slice(slash + 1));
      if (!m || uuid.length === 0) return badPartuuid(k);
      offset = Number(m[1]);
    }
    if (uuid.length === 0) return badPartuuid(k);
    for (const g of k.block.disks)
      for (const p of g.parts.values()) {
        // strncasecmp over the given length: a prefix of the UUID matches.
        if (!p.info?.uuid || p.info.uuid.slice(0, uuid.length).toLowerCase() !== uuid.toLowerCase()) continue;
        if (!offset) return p.rdev;
        return g.parts.get(p.partno + offset)?.rdev ?? 0;
      }
    return -ENODEV;
  }
  if (name.startsWith('PARTLABEL=')) {
    for (const g of k.block.disks) for (const p of g.parts.values()) if (p.info?.name === name.slice(10)) return p.rdev;
    return -ENODEV;
  }
  if (name.startsWith('/dev/')) return devtFromDevname(k, name.slice(5)) ?? -ENODEV;
  // devt_from_devnum: "major:minor" in decimal, else the whole word in hex (new_decode_dev).
  const mm = /^(\d+):(\d+)$/.exec(name) ?? /^(\d+):(\d+):\d+$/.exec(name);
  if (mm) {
    const ma = Number(mm[1]),
      mi = Number(mm[2]);
    if (ma > 0xfff || mi > 0xfffff) return -EINVAL;
    return makedev(ma, mi);
  }
  const hex = /^[0-9a-fA-F]*/.exec(name)![0];
  if (hex.length !== name.length) return -EINVAL;
  const v = hex === '' ? 0 : parseInt(hex, 16) >>> 0;
  return makedev((v & 0xfff00) >>> 8, (v & 0xff) | ((v >>> 12) & 0xfff00));
}

function badPartuuid(k: Kernel): number {
  k.log.printk(KERN_ERR, 'VFS: PARTUUID= is invalid.');
  k.log.printk(KERN_ERR, 'Expected PARTUUID=<valid-uuid-id>[/PARTNROFF=%d]');
  return -EINVAL;
}

/** bdevt_str: "0801     " for small numbers, else "major:minor" in hex. */
function bdevtStr(devt: number): string {
  const ma = major(devt),
    mi = minor(devt);
  if (ma <= 0xff && mi <= 0xff) return (ma.toString(16).padStart(2, '0') + mi.toString(16).padStart(2, '0')).padEnd(9);
  return `${ma.toString(16).padStart(3, '0')}:${mi.toString(16).padStart(5, '0')}`;
}

/** The driver behind a disk's parent device, by the disk's major (a loop device's parent has none). */
const DRIVERS = new Map([
  [8, ' driver: sd'],
  [254, ' driver: virtio_blk'],
]);

/** printk_all_partitions: every disk and partition, in hex as root= takes them, with the disk's driver. */
function printkAllPartitions(k: Kernel): void {
  for (const g of k.block.disks) {
    if (g.capacity === 0) continue;
    for (const p of [g.part0, ...[...g.parts.values()].sort((a, b) => a.partno - b.partno)]) {
      if (p.nrSects === 0) continue;
      const line = `${p.partno ? '  ' : ''}${bdevtStr(p.rdev)} ${String(Math.floor(p.nrSects / 2)).padStart(10)} ${p.name} ${p.info?.uuid ?? ''}`;
      k.log.printk(KERN_WARNING, p.partno ? line : `${line}${DRIVERS.get(g.info.major) ?? ' (driver?)'}`);
    }
  }
}

/**
 * Mount root= over / and chroot PID 1 (t) into it. False when the kernel
 * panicked instead.
 */
export function prepareNamespace(k: Kernel, t: Task, p: BootParams): boolean {
  const name = p.root ?? '';
  // Devices are probed before init here: whatever the delay, the set of disks does not change.
  if (p.rootdelay) k.log.printk(KERN_INFO, `Waiting ${p.rootdelay} sec before mounting root device...`);
  let rootDev = 0;
  let rootwait = p.rootwait;
  if (name) {
    const r = earlyLookupBdev(k, name);
    if (r < 0 && r === -EINVAL && rootwait) {
      k.log.printk(KERN_ERR, 'Disabling rootwait; root= is invalid.');
      rootwait = false;
    }
    rootDev = r < 0 ? 0 : r;
  }
  if (rootDev === 0 && rootwait) {
    // wait_for_root: this machine has no hotplug, so a disk missing now never comes; Linux would wait forever.
    k.log.printk(KERN_INFO, `Waiting for root device ${name}...`);
  }
  // mount_block_root: /dev/root is the node the mount opens.
  const dev = k.vfs.resolve(t, -100, '/dev', true);
  let made = typeof dev === 'number' ? dev : 0;
  if (typeof dev !== 'number') {
    const d = dev.dentry;
    const old = d.inode.lookup(d, 'root') ? d.children.get('root') : undefined;
    if (old) d.inode.unlink(d, 'root', old);
    const r = d.inode.mknod(d, 'root', S_IFBLK | 0o600, rootDev, root);
    if (typeof r === 'number') made = r;
  }
  if (made < 0) k.log.printk(KERN_EMERG, `Failed to create /dev/root: ${made}`);
  const mounted = mountRootGeneric(k, t, name, rootDev, p);
  if (!mounted) return false;
  // init_mount(".", "/", MS_MOVE) and init_chroot("."): the new root covers the rootfs, which nothing can reach again.
  // (Linux mounts devtmpfs on ./dev just before the move; after it, the result is the same.)
  const old = mounted.mnt;
  k.vfs.mounts.splice(k.vfs.mounts.indexOf(old), 1);
  if (old.mountpoint && old.mountpoint.mounted === old) old.mountpoint.mounted = old.covered;
  const m = k.vfs.attach(k.vfs.root, old.sb, old.root, old.source, old.flags);
  const newRoot: Path = { mnt: m, dentry: old.root };
  t.fs.root = newRoot;
  t.fs.cwd = newRoot;
  devtmpfsMount(k, t);
  return true;
}

/** mount_root_generic: each type in turn, read-write then read-only if asked; any other failure panics. */
function mountRootGeneric(k: Kernel, t: Task, prettyName: string, rootDev: number, p: BootParams): Path | null {
  const b = `unknown-block(${major(rootDev)},${minor(rootDev)})`;
  const names = p.rootfstype ?? BDEV_FILESYSTEMS;
  let flags = MS_SILENT | (p.rootReadOnly ? MS_RDONLY : 0);
  for (;;) {
    for (const type of names) {
      if (!type) continue;
      const err = doMountRoot(k, t, type, flags, p.rootflags);
      if (typeof err !== 'number') return err;
      if (err === -EACCES || err === -EINVAL) continue;
      k.log.printk(KERN_WARNING, `VFS: Cannot open root device "${prettyName}" or ${b}: error ${err}`);
      k.log.printk(KERN_WARNING, 'Please append a correct "root=" boot option; here are the available partitions:');
      printkAllPartitions(k);
      if (BDEV_FILESYSTEMS.length === 0) k.log.printk(KERN_ERR, "Can't find any bdev filesystem to be used for mount!");
      else {
        k.log.printk(KERN_ERR, 'List of all bdev filesystems:');
        for (const n of BDEV_FILESYSTEMS) k.log.printk(KERN_ERR, ` ${n}`);
        k.log.printk(KERN_ERR, '');
      }
      panic(k, `VFS: Unable to mount root fs on ${b}`);
      return null;
    }
    if (flags & MS_RDONLY) break;
    flags |= MS_RDONLY;
  }
  k.log.printk(KERN_WARNING, 'List of all partitions:');
  printkAllPartitions(k);
  k.log.printk(KERN_WARNING, `No filesystem could mount root, tried: ${names.map((n) => ` ${n}`).join('')}`);
  panic(k, `VFS: Unable to mount root fs on "${prettyName}" or ${b}`);
  return null;
}

/** do_mount_root: /dev/root on /root, the cwd moved there; the mounted root, or -errno. */
function doMountRoot(k: Kernel, t: Task, type: string, flags: number, data: string): Path | number {
  const target = k.vfs.resolve(t, -100, '/root', true);
  if (typeof target === 'number') return target;
  const r = pathMount(k, true, target, { source: '/dev/root', type, flags, data }, () => k.vfs.resolve(t, -100, '/dev/root', true));
  if (r < 0) return r;
  const at = k.vfs.resolve(t, -100, '/root', true);
  if (typeof at === 'number') return at;
  t.fs.cwd = at;
  const ro = at.mnt.flags.includes('ro');
  const bdev = k.vfs.resolve(t, -100, '/dev/root', true);
  const devt = typeof bdev === 'number' ? 0 : bdev.dentry.inode.rdev;
  k.log.printk(KERN_INFO, `VFS: Mounted root (${at.mnt.sb.fsType} filesystem)${ro ? ' readonly' : ''} on device ${major(devt)}:${minor(devt)}.`);
  return at;
}

/** devtmpfs_mount (CONFIG_DEVTMPFS_MOUNT): devtmpfs on the new root's /dev, when it has one. */
function devtmpfsMount(k: Kernel, t: Task): void {
  const target = k.vfs.resolve(t, -100, '/dev', true);
  const make = k.vfs.fsTypes.get('devtmpfs');
  if (typeof target === 'number' || !make) {
    if (typeof target === 'number') k.log.printk(KERN_INFO, `devtmpfs: error mounting ${target}`);
    return;
  }
  const r = pathMount(k, true, target, { source: 'devtmpfs', type: 'devtmpfs', flags: MS_SILENT, data: '' }, () => target);
  k.log.printk(KERN_INFO, r < 0 ? `devtmpfs: error mounting ${r}` : 'devtmpfs: mounted');
}
