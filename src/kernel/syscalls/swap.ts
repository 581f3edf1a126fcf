// swapon(2) and swapoff(2) (Linux's mm/swapfile.c SYSCALL_DEFINEs): make a
// block device with a swap header an active swap area, or empty one and
// give it up. The areas themselves are mm/swapfile.ts; reclaim writes to
// them (mm/vmscan.ts) and faults read back (mm/fault.ts do_swap_page).
//
// Regular files are not taken yet: a file on tmpfs or ramfs has no
// read_folio and is refused with EINVAL as Linux refuses it; so is a file
// on ext4 for now (Linux maps its extents with bmap), or EROFS on a
// read-only mount, where Linux's open for writing fails first.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';
import { capable, CAP_SYS_ADMIN } from '../security/commoncap.js';
import { EBUSY, EINVAL, EIO, ENOMEM, ENOSPC, EPERM, EROFS } from '../errno.js';
import { userPath } from './uaccess.js';
import { dPath } from '../fs/namei.js';
import { S_IFBLK, S_IFMT, S_IFREG } from '../fs/inode.js';
import { lookupBdev, type BlockDevice } from '../block/bdev.js';
import { BlockDev } from '../block/genhd.js';
import { SwapMap } from '../mm/swap_map.js';
import {
  addingMessage,
  readSwapHeader,
  SwapInfo,
  SWAP_FLAG_DISCARD,
  SWAP_FLAG_DISCARD_ONCE,
  SWAP_FLAG_DISCARD_PAGES,
  SWAP_FLAG_PREFER,
  SWAP_FLAG_PRIO_MASK,
  SWAP_FLAGS_VALID,
  type SwapBacking,
} from '../mm/swapfile.js';
import { doSwapPage, FAULT_OK, FAULT_OOM } from '../mm/fault.js';
import type { Mm } from '../mm/mm.js';
import { PAGE_SIZE } from '../mm/layout.js';
import { pteToSwpEntry } from '../mm/swapops.js';

const PAGE = 4096;

/**
 * Swap I/O on a block device goes to the disk directly, past the device's
 * page cache (as Linux's swap bios do): what the cache held of the area is
 * written back and dropped when the area is taken, and dropped again when
 * it is given up, so reads of the device never see stale pages.
 */
function bdevBacking(b: BlockDevice): SwapBacking {
  if (b instanceof BlockDev) {
    const disk = b.disk,
      at = b.startSect * 512;
    disk.cache.writeback();
    disk.cache.drop(at, b.size);
    return {
      size: b.size,
      solidState: !disk.hw.rotational,
      readPage(off, dst) {
        const r = disk.request('read', at + off * PAGE, PAGE);
        if (typeof r === 'string') return -EIO;
        dst.set(r.subarray(0, PAGE));
        return 0;
      },
      writePage(off, src) {
        const r = disk.request('write', at + off * PAGE, PAGE, src);
        return r === 'ok' ? 0 : r === 'no-space' ? -ENOSPC : -EIO;
      },
      release() {
        disk.cache.drop(at, b.size);
      },
    };
  }
  return {
    size: b.size,
    solidState: false,
    readPage(off, dst) {
      const r = b.read(off * PAGE, PAGE);
      if (typeof r === 'number') return r;
      dst.set(r);
      return 0;
    },
    writePage: (off, src) => b.write(off * PAGE, src),
    release() {},
  };
}

export function sys_swapon(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(1);
  if (flags & ~SWAP_FLAGS_VALID) return -EINVAL;
  if (!capable(t.cred, CAP_SYS_ADMIN)) return -EPERM;
  const type = k.swap.freeType();
  if (type < 0) return -EPERM;
  const raw = userPath(t, a.ulong(0));
  if (typeof raw === 'number') return raw;
  const name = new TextDecoder().decode(raw);
  const path = k.vfs.resolve(t, -100, raw, true);
  if (typeof path === 'number') return path;
  const inode = path.dentry.inode;
  const fmt = inode.mode & S_IFMT;
  // claim_swapfile: a block device is opened exclusively; a regular file must not be swap already.
  if (fmt === S_IFREG) {
    // file_open_name(O_RDWR) fails first on a read-only mount.
    if (path.mnt.flags.includes('ro') || path.mnt.sb.forceReadOnly) return -EROFS;
    return k.swap.find(inode) ? -EBUSY : -EINVAL;
  }
  if (fmt !== S_IFBLK) return -EINVAL;
  const bdev = lookupBdev(k.vfs.fs, inode.mode, inode.rdev);
  if (typeof bdev === 'number') return bdev;
  // The exclusive open fails while the device is swap already or a mounted file system's.
  if (k.swap.find(bdev) || k.vfs.mounts.some((m) => m.sb.dev === bdev.rdev)) return -EBUSY;
  const header = bdev.read(0, PAGE);
  if (typeof header === 'number') return header;
  const log = (level: number, text: string) => k.log.printk(level, text);
  const h = readSwapHeader(log, header, bdev.size, false);
  if (!h) return -EINVAL;
  const map = new SwapMap(h.maxpages, h.bad);
  if (map.pages <= 0) {
    log(4, 'Empty swap-file');
    return -EINVAL;
  }
  const backing = bdevBacking(bdev);
  let letters = backing.solidState ? 'SS' : '';
  if (flags & SWAP_FLAG_DISCARD && bdev.discard) {
    // SWP_DISCARDABLE with area (s) and page (c) discards, unless one was asked for alone.
    const area = !(flags & SWAP_FLAG_DISCARD_PAGES) || !!(flags & SWAP_FLAG_DISCARD_ONCE);
    const pages = !(flags & SWAP_FLAG_DISCARD_ONCE);
    letters += 'D' + (area ? 's' : '') + (pages ? 'c' : '');
    // discard_swap: everything but the header page.
    if (area) bdev.discard(PAGE, (h.maxpages - 1) * PAGE);
  }
  const prio = flags & SWAP_FLAG_PREFER ? flags & SWAP_FLAG_PRIO_MASK : null;
  const shown = dPath(path, t.fs.root);
  const info = k.swap.enable((p) => new SwapInfo(type, p, shown, true, bdev, map, backing, letters), prio);
  const [level, text] = addingMessage(info, 1, info.pages);
  log(level, text.replace(` on ${shown}.`, ` on ${name}.`));
  return 0;
}

/**
 * try_to_unuse: every swap entry of area `type` in every address space is
 * read back into a page of its own. ENOMEM when a page cannot be had even
 * after reclaim (to the other areas) and the OOM killer.
 */
function tryToUnuse(k: Kernel, type: number): number {
  const seen = new Set<Mm>();
  for (const t of k.pids.tasks()) {
    if (t.kthread || t.state === 'Z' || t.state === 'X' || seen.has(t.mm)) continue;
    const mm = t.mm;
    seen.add(mm);
    const i32 = mm.alloc.mem.i32;
    let err = 0;
    for (const v of [...mm.vmas]) {
      mm.pt.forEach(
        v.start / PAGE_SIZE,
        v.end / PAGE_SIZE,
        (e) => {
          if (pteToSwpEntry(i32[e], i32[e + 1]).type !== type) return;
          const r = doSwapPage(mm, v, e, false, false);
          if (r === FAULT_OOM) err = -ENOMEM;
          else if (r !== FAULT_OK) err = -EIO;
          return err !== 0;
        },
        'swap',
      );
      if (err) return err;
    }
  }
  return 0;
}

export function sys_swapoff(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  if (!capable(t.cred, CAP_SYS_ADMIN)) return -EPERM;
  const raw = userPath(t, a.ulong(0));
  if (typeof raw === 'number') return raw;
  const path = k.vfs.resolve(t, -100, raw, true);
  if (typeof path === 'number') return path;
  const inode = path.dentry.inode;
  let key: object = inode;
  if ((inode.mode & S_IFMT) === S_IFBLK) {
    const bdev = lookupBdev(k.vfs.fs, inode.mode, inode.rdev);
    if (typeof bdev === 'number') return -EINVAL;
    key = bdev;
  }
  const area = k.swap.find(key);
  if (!area || !area.writeOk) return -EINVAL;
  // The area's pages must fit in what stays (security_vm_enough_memory_mm; it matters in overcommit mode 2).
  if (k.pages.commit && !k.pages.commit.enough(t.mm, area.pages)) return -ENOMEM;
  k.swap.stopWrites(area);
  const err = tryToUnuse(k, area.type);
  if (err) {
    k.swap.reinsert(area);
    return err;
  }
  area.backing.release();
  k.swap.remove(area);
  return 0;
}
