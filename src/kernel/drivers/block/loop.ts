// The loop driver (drivers/block/loop.c): /dev/loopN (major 7) is a block
// device whose sectors are a file's bytes. /dev/loop-control (misc 10:237)
// adds, removes and finds free devices; ioctls on /dev/loopN bind a file
// (LOOP_SET_FD, LOOP_CONFIGURE), unbind it (LOOP_CLR_FD, or autoclear at the
// last close), and read or change its settings (LOOP_GET/SET_STATUS64,
// LOOP_SET_CAPACITY, LOOP_SET_BLOCK_SIZE, LOOP_SET_DIRECT_IO). A bound
// device has /sys/block/loopN/loop/ with what losetup reads.
//
// Devices are made on demand (CONFIG_BLK_DEV_LOOP_MIN_COUNT=0): losetup
// and LTP ask /dev/loop-control for a free one, and opening a loop device
// number nobody made yet makes it (loop_probe). Partition scanning
// (LO_FLAGS_PARTSCAN) is recorded but not done: with max_part=0 Linux gives
// a loop device's partitions extended device numbers (major 259), which
// this kernel does not hand out.
import type { Kernel } from '../../kernel.js';
import type { File, FileOps, IoctlIo } from '../../fs/file.js';
import type { DiskCompletion, DiskRequest } from '../../../machine/disk.js';
import type { BlockStatus } from '../../../machine/backends.js';
import { addDisk, delGendisk, SECTOR_SIZE, type BlockDev, type DiskHw, type Gendisk } from '../../block/genhd.js';
import { makedev, registerChrdev } from '../../fs/special.js';
import { S_IFCHR, S_IFMT, S_IFREG, S_IFBLK } from '../../fs/inode.js';
import { classDeviceAdd, deviceModel } from '../../device/core.js';
import { dPath } from '../../fs/namei.js';
import { EBADF, EBUSY, EEXIST, EFAULT, EINVAL, ENODEV, ENXIO, EPERM, ENOTTY, EOVERFLOW } from '../../errno.js';
import { capable, CAP_SYS_ADMIN } from '../../security/commoncap.js';

export const LOOP_MAJOR = 7;
export const LOOP_CTRL_MINOR = 237;
export const LOOP_SET_FD = 0x4c00,
  LOOP_CLR_FD = 0x4c01,
  LOOP_SET_STATUS = 0x4c02,
  LOOP_GET_STATUS = 0x4c03,
  LOOP_SET_STATUS64 = 0x4c04,
  LOOP_GET_STATUS64 = 0x4c05,
  LOOP_CHANGE_FD = 0x4c06,
  LOOP_SET_CAPACITY = 0x4c07,
  LOOP_SET_DIRECT_IO = 0x4c08,
  LOOP_SET_BLOCK_SIZE = 0x4c09,
  LOOP_CONFIGURE = 0x4c0a,
  LOOP_CTL_ADD = 0x4c80,
  LOOP_CTL_REMOVE = 0x4c81,
  LOOP_CTL_GET_FREE = 0x4c82;
export const LO_FLAGS_READ_ONLY = 1,
  LO_FLAGS_AUTOCLEAR = 4,
  LO_FLAGS_PARTSCAN = 8,
  LO_FLAGS_DIRECT_IO = 16;
/** What LOOP_SET_STATUS may set and clear, and what LOOP_CONFIGURE may set. */
const LOOP_SET_STATUS_SETTABLE_FLAGS = LO_FLAGS_AUTOCLEAR | LO_FLAGS_PARTSCAN;
const LOOP_SET_STATUS_CLEARABLE_FLAGS = LO_FLAGS_AUTOCLEAR;
const LOOP_CONFIGURE_SETTABLE_FLAGS = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR | LO_FLAGS_PARTSCAN | LO_FLAGS_DIRECT_IO;
/** struct loop_info64 and struct loop_config sizes. */
const LOOP_INFO64_SIZE = 232,
  LOOP_CONFIG_SIZE = 304;
const LO_NAME_SIZE = 64;
/** The most devices LOOP_CTL_ADD may make (minors of major 7, one each). */
const MAX_LOOP = 1 << 20;

interface LoopInfo64 {
  offset: number;
  sizelimit: number;
  flags: number;
  encryptKeySize: number;
  fileName: Uint8Array;
}

function parseInfo64(b: Uint8Array): LoopInfo64 {
  const dv = new DataView(b.buffer, b.byteOffset, LOOP_INFO64_SIZE);
  return {
    offset: Number(dv.getBigUint64(24, true)),
    sizelimit: Number(dv.getBigUint64(32, true)),
    encryptKeySize: dv.getUint32(48, true),
    flags: dv.getUint32(52, true),
    fileName: b.slice(56, 56 + LO_NAME_SIZE),
  };
}

/**
 * struct loop_info, the old interface (LOOP_GET_STATUS, LOOP_SET_STATUS):
 * on riscv64 lo_number @0, lo_device (u32) @4, lo_inode @8, lo_rdevice @16,
 * lo_offset (int) @20, lo_encrypt_type @24, lo_encrypt_key_size @28,
 * lo_flags @32, lo_name @36, lo_encrypt_key @100, lo_init @136; 160 bytes.
 */
const LOOP_INFO_SIZE = 160;

/** loop_info64_to_old: a field that does not fit the old struct is EOVERFLOW. */
function infoToOld(i64: Uint8Array): Uint8Array | number {
  const src = new DataView(i64.buffer, i64.byteOffset, LOOP_INFO64_SIZE);
  const out = new Uint8Array(LOOP_INFO_SIZE),
    dv = new DataView(out.buffer);
  const device = Number(src.getBigUint64(0, true)),
    rdevice = Number(src.getBigUint64(16, true)),
    offset = Number(src.getBigUint64(24, true));
  if (device > 0xffffffff || rdevice > 0xffffffff || offset > 0x7fffffff) return -EOVERFLOW;
  dv.setInt32(0, src.getUint32(40, true), true);
  dv.setUint32(4, device, true);
  dv.setBigUint64(8, src.getBigUint64(8, true), true);
  dv.setUint32(16, rdevice, true);
  dv.setInt32(20, offset, true);
  dv.setInt32(32, src.getUint32(52, true), true);
  out.set(i64.subarray(56, 56 + LO_NAME_SIZE), 36);
  return out;
}

/** loop_info_to_64: the old struct's settings (no sizelimit). */
function oldToInfo(b: Uint8Array): LoopInfo64 {
  const dv = new DataView(b.buffer, b.byteOffset, LOOP_INFO_SIZE);
  return {
    offset: Math.max(0, dv.getInt32(20, true)),
    sizelimit: 0,
    encryptKeySize: dv.getInt32(28, true),
    flags: dv.getInt32(32, true) >>> 0,
    fileName: b.slice(36, 36 + LO_NAME_SIZE),
  };
}

/** A loop device's own state (struct loop_device). */
class LoopDevice implements DiskHw {
  readonly iface = 'loop';
  readonly rotational = false;
  file: File | null = null;
  offset = 0;
  sizelimit = 0;
  flags = 0;
  fileName: Uint8Array = new Uint8Array(LO_NAME_SIZE);
  gendisk: Gendisk | null = null;
  readonly nextCompletion = null;
  private readonly waiter = { sleepOn: () => {}, pid: 0 };

  constructor(
    readonly k: Kernel,
    readonly index: number,
  ) {}

  get bound(): boolean {
    return this.file !== null;
  }
  /** get_loop_size: the file past the offset, capped by sizelimit, in whole sectors. */
  private computeSize(): number {
    if (!this.file) return 0;
    const i = this.file.inode;
    const fileSize = (i.mode & S_IFMT) === S_IFBLK ? (this.k.vfs.fs.bdevs.get(i.rdev)?.size ?? 0) : i.size;
    let size = Math.max(0, fileSize - this.offset);
    if (this.sizelimit > 0 && this.sizelimit < size) size = this.sizelimit;
    return size - (size % SECTOR_SIZE);
  }
  size = 0;
  get readOnly(): boolean {
    return (this.flags & LO_FLAGS_READ_ONLY) !== 0;
  }
  updateSize(): void {
    this.size = this.computeSize();
    this.gendisk?.setCapacity(this.size / SECTOR_SIZE);
  }

  submit(r: DiskRequest, nowNs: number): DiskCompletion {
    const done = (status: BlockStatus, data?: Uint8Array): DiskCompletion => ({ status, data, startNs: nowNs, doneNs: nowNs });
    const f = this.file;
    if (!f) return done('io-error');
    if (r.op === 'flush' || r.op === 'discard') return done(f.ops.fsync ? (f.ops.fsync(f) < 0 ? 'io-error' : 'ok') : 'ok');
    const pos = this.offset + r.offset;
    if (r.op === 'read') {
      const buf = new Uint8Array(r.length);
      // lo_read_simple: what lies past the file's end reads as zeros.
      for (let got = 0; got < r.length;) {
        const n = f.ops.read?.(f, buf.subarray(got), pos + got, this.waiter);
        if (typeof n !== 'number' || n < 0) return done('io-error');
        if (n === 0) break;
        got += n;
      }
      return done('ok', buf);
    }
    if (this.readOnly || !r.data) return done('io-error');
    for (let put = 0; put < r.data.length;) {
      const n = f.ops.write?.(f, r.data.subarray(put), pos + put, this.waiter);
      if (typeof n !== 'number') return done('io-error');
      if (n <= 0) return done(n === -28 ? 'no-space' : 'io-error');
      put += n;
    }
    return done('ok');
  }
  complete(): void {}
  ack(): number {
    return 0;
  }
}

/** The loop driver's state on one kernel: its devices by index. */
export class LoopDriver {
  readonly devices = new Map<number, LoopDevice>();
  constructor(readonly k: Kernel) {}

  /** loop_add: a new unbound /dev/loopN. */
  add(index: number): LoopDevice | number {
    if (index < 0 || index >= MAX_LOOP) return -EINVAL;
    if (this.devices.has(index)) return -EEXIST;
    const lo = new LoopDevice(this.k, index);
    lo.gendisk = addDisk(this.k, lo, {
      name: `loop${index}`,
      major: LOOP_MAJOR,
      firstMinor: index,
      minors: 1,
      parent: deviceModel(this.k).virtual,
      noPartScan: () => true,
      ioctl: (b, cmd, arg, io) => this.ioctl(lo, b, cmd, arg, io),
      release: () => {
        if (lo.bound && lo.flags & LO_FLAGS_AUTOCLEAR) this.clear(lo);
      },
    });
    this.devices.set(index, lo);
    return lo;
  }

  /** loop_control_ioctl. */
  control(cmd: number, arg: number): number {
    switch (cmd) {
      case LOOP_CTL_ADD: {
        const lo = this.add(arg);
        return typeof lo === 'number' ? lo : lo.index;
      }
      case LOOP_CTL_REMOVE: {
        const lo = this.devices.get(arg);
        if (!lo) return -ENODEV;
        if (lo.bound || lo.gendisk!.part0.openers > 0) return -EBUSY;
        delGendisk(this.k, lo.gendisk!);
        this.devices.delete(arg);
        return 0;
      }
      case LOOP_CTL_GET_FREE: {
        for (const [i, lo] of [...this.devices].sort((a, b) => a[0] - b[0])) if (!lo.bound) return i;
        let i = 0;
        while (this.devices.has(i)) i++;
        const lo = this.add(i);
        return typeof lo === 'number' ? lo : lo.index;
      }
    }
    return -ENOTTY;
  }

  private ioctl(lo: LoopDevice, b: BlockDev, cmd: number, arg: number, io: IoctlIo): number | null {
    const t = this.k.current;
    switch (cmd) {
      case LOOP_SET_FD:
        return this.configure(lo, arg, 0, null, b);
      case LOOP_CONFIGURE: {
        const raw = io.read(arg, LOOP_CONFIG_SIZE);
        if (!raw) return -EFAULT;
        const dv = new DataView(raw.buffer, raw.byteOffset, LOOP_CONFIG_SIZE);
        const info = parseInfo64(raw.subarray(8, 8 + LOOP_INFO64_SIZE));
        if (info.flags & ~LOOP_CONFIGURE_SETTABLE_FLAGS) return -EINVAL;
        return this.configure(lo, dv.getUint32(0, true), dv.getUint32(4, true), info, b);
      }
      case LOOP_CLR_FD:
        if (!lo.bound) return -ENXIO;
        // Still open elsewhere: cleared when the last opener goes (__loop_clr_fd via autoclear).
        if (lo.gendisk!.part0.openers > 1) {
          lo.flags |= LO_FLAGS_AUTOCLEAR;
          return 0;
        }
        this.clear(lo);
        return 0;
      case LOOP_GET_STATUS64: {
        if (!lo.bound) return -ENXIO;
        return io.write(arg, this.info64(lo)) ? 0 : -EFAULT;
      }
      case LOOP_GET_STATUS: {
        if (!lo.bound) return -ENXIO;
        const old = infoToOld(this.info64(lo));
        if (typeof old === 'number') return old;
        return io.write(arg, old) ? 0 : -EFAULT;
      }
      case LOOP_SET_STATUS64:
      case LOOP_SET_STATUS: {
        const raw = cmd === LOOP_SET_STATUS ? io.read(arg, LOOP_INFO_SIZE) : io.read(arg, LOOP_INFO64_SIZE);
        if (!raw) return -EFAULT;
        if (!lo.bound) return -ENXIO;
        const info = cmd === LOOP_SET_STATUS ? oldToInfo(raw) : parseInfo64(raw);
        if (info.encryptKeySize && !(t && capable(t.cred, CAP_SYS_ADMIN))) return -EPERM;
        lo.offset = info.offset;
        lo.sizelimit = info.sizelimit;
        lo.fileName = info.fileName;
        lo.flags = (lo.flags & ~LOOP_SET_STATUS_CLEARABLE_FLAGS) | (info.flags & LOOP_SET_STATUS_SETTABLE_FLAGS) | (lo.flags & LO_FLAGS_PARTSCAN);
        lo.updateSize();
        return 0;
      }
      case LOOP_SET_CAPACITY:
        if (!lo.bound) return -ENXIO;
        lo.updateSize();
        return 0;
      case LOOP_SET_BLOCK_SIZE:
        if (!lo.bound) return -ENXIO;
        return this.setBlockSize(lo, b, arg);
      case LOOP_SET_DIRECT_IO:
        if (!lo.bound) return -ENXIO;
        if (arg && lo.offset % b.logicalBlockSize) return -EINVAL;
        lo.flags = arg ? lo.flags | LO_FLAGS_DIRECT_IO : lo.flags & ~LO_FLAGS_DIRECT_IO;
        return 0;
      case LOOP_CHANGE_FD: {
        // loop_change_fd: only a read-only device, and only for a file of the same size (a CD's next image).
        if (!lo.bound) return -ENXIO;
        if (!lo.readOnly) return -EINVAL;
        const f = t?.files.getUsable(arg) ?? null;
        if (!f) return -EBADF;
        const type = f.inode.mode & S_IFMT;
        if (type !== S_IFREG && type !== S_IFBLK) return -EINVAL;
        const old = lo.file!;
        if (f.inode.size !== old.inode.size) return -EINVAL;
        lo.file = f.get();
        old.put();
        lo.updateSize();
        return 0;
      }
    }
    return null;
  }

  /** blk_validate_block_size: a power of two from 512 to the page size. */
  private setBlockSize(lo: LoopDevice, b: BlockDev, size: number): number {
    if (size < 512 || size > 4096 || size & (size - 1)) return -EINVAL;
    b.logicalBlockSize = size;
    lo.updateSize();
    return 0;
  }

  /** loop_configure (LOOP_SET_FD is it with no settings). */
  private configure(lo: LoopDevice, fd: number, blockSize: number, info: LoopInfo64 | null, b: BlockDev): number {
    const t = this.k.current;
    const f = t?.files.getUsable(fd) ?? null;
    if (!f) return -EBADF;
    if (lo.bound) return -EBUSY;
    const type = f.inode.mode & S_IFMT;
    if (type !== S_IFREG && type !== S_IFBLK) return -EINVAL;
    if (blockSize && (blockSize < 512 || blockSize > 4096 || blockSize & (blockSize - 1))) return -EINVAL;
    lo.file = f.get();
    lo.offset = info?.offset ?? 0;
    lo.sizelimit = info?.sizelimit ?? 0;
    lo.flags = info?.flags ?? 0;
    // A file opened read-only, or a device opened read-only, makes a read-only loop device.
    if (!f.writable) lo.flags |= LO_FLAGS_READ_ONLY;
    lo.fileName = info?.fileName ?? new Uint8Array(LO_NAME_SIZE);
    if (!info) {
      const name = new TextEncoder().encode(this.backingPath(lo));
      lo.fileName.set(name.subarray(0, LO_NAME_SIZE - 1));
    }
    b.logicalBlockSize = blockSize || SECTOR_SIZE;
    lo.updateSize();
    this.addLoopSysfs(lo);
    return 0;
  }

  /** __loop_clr_fd: the file is let go and the device is empty again. */
  clear(lo: LoopDevice): void {
    const g = lo.gendisk!;
    g.cache.writeback();
    const f = lo.file;
    lo.file = null;
    lo.flags = 0;
    lo.offset = 0;
    lo.sizelimit = 0;
    lo.fileName = new Uint8Array(LO_NAME_SIZE);
    g.part0.logicalBlockSize = SECTOR_SIZE;
    lo.updateSize();
    g.part0.kobj?.children.get('loop')?.del();
    f?.put();
  }

  private backingPath(lo: LoopDevice): string {
    return lo.file ? dPath(lo.file.path, this.k.vfs.root) : '';
  }

  private info64(lo: LoopDevice): Uint8Array {
    const out = new Uint8Array(LOOP_INFO64_SIZE),
      dv = new DataView(out.buffer);
    const i = lo.file!.inode;
    dv.setBigUint64(0, BigInt(i.sb.dev), true);
    dv.setBigUint64(8, BigInt(i.ino), true);
    dv.setBigUint64(16, BigInt(i.rdev), true);
    dv.setBigUint64(24, BigInt(lo.offset), true);
    dv.setBigUint64(32, BigInt(lo.sizelimit), true);
    dv.setUint32(40, lo.index, true);
    dv.setUint32(52, lo.flags, true);
    out.set(lo.fileName.subarray(0, LO_NAME_SIZE), 56);
    return out;
  }

  /** loop_sysfs_init: /sys/block/loopN/loop/, there while a file is bound. */
  private addLoopSysfs(lo: LoopDevice): void {
    const kobj = lo.gendisk!.part0.kobj;
    if (!kobj) return;
    const dir = kobj.dir('loop');
    const flag = (f: number) => () => ((lo.flags & f) !== 0 ? '1\n' : '0\n');
    dir.attr('backing_file', () => this.backingPath(lo) + '\n');
    dir.attr('offset', () => `${lo.offset}\n`);
    dir.attr('sizelimit', () => `${lo.sizelimit}\n`);
    dir.attr('autoclear', flag(LO_FLAGS_AUTOCLEAR));
    dir.attr('partscan', flag(LO_FLAGS_PARTSCAN));
    dir.attr('dio', flag(LO_FLAGS_DIRECT_IO));
  }
}

/** loop_init: /dev/loop-control (misc 10:237), whose ioctls make the devices. */
export function loopInit(k: Kernel): LoopDriver {
  const drv = new LoopDriver(k);
  const ops: FileOps = { ioctl: (_f, cmd, arg) => drv.control(cmd, arg) };
  registerChrdev(k.vfs.fs, 10, LOOP_CTRL_MINOR, () => ops);
  // loop_probe: opening /dev/loopN's number makes the device (max_loop is not set).
  k.block.probes.set(LOOP_MAJOR, (minor) => void drv.add(minor));
  const d = k.block.devRoot;
  if (d) d.inode.mknod(d, 'loop-control', S_IFCHR | 0o660, makedev(10, LOOP_CTRL_MINOR), { fsuid: 0, fsgid: 6, groups: [] });
  classDeviceAdd(k, 'misc', 'loop-control', { devt: makedev(10, LOOP_CTRL_MINOR) });
  return drv;
}
