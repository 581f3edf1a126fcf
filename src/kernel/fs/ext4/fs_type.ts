// The ext2, ext3 and ext4 file system types (Linux's ext4_fs_type and the
// ext2/ext3 aliases ext4 registers when it serves those names): mount(2)
// resolves the block device, __ext4_fill_super checks the superblock and
// descriptors (super.ts), then the journal inode and the root directory are
// read and Linux's "mounted filesystem" line is logged.
//
// A read-write mount writes without a journal (jbd2 is not here yet): an
// image whose journal needs recovery is refused read-write, and while it
// is mounted read-write the superblock says "not clean" (EXT4_VALID_FS
// cleared), so a crash leaves it for e2fsck; umount marks it clean again.
import type { FsInstance, MountContext } from '../filesystems.js';
import type { FsState } from '../fs_state.js';
import { Dentry } from '../dentry.js';
import { isDir } from '../inode.js';
import { EACCES } from '../../errno.js';
import { KERN_ERR, KERN_INFO } from '../../printk.js';
import { COMPAT_HAS_JOURNAL, EXT4_ROOT_INO, u32 } from './ext4.js';
import { EFSCORRUPTED, fillSuper, uuidString, type Ext4Flavour, type Ext4Host } from './super.js';
import { ext4Iget } from './inode.js';

const MS_RDONLY = 1,
  MS_SILENT = 32768;

/** EXT4_DEFM_JMODE in s_default_mount_opts: the data mode mke2fs or tune2fs chose for mounts without data=. */
function defaultDataMode(defm: number): 'journal' | 'ordered' | 'writeback' {
  const j = defm & 0x60;
  return j === 0x20 ? 'journal' : j === 0x60 ? 'writeback' : 'ordered';
}

const JOURNAL_DESCR = { journal: ' journalled data mode', ordered: ' ordered data mode', writeback: ' writeback data mode' };

export function mountExt4(fs: FsState, host: Ext4Host, flavour: Ext4Flavour, data: string, ctx: MountContext): FsInstance | number {
  const bdev = ctx.bdev();
  if (typeof bdev === 'number') return bdev;
  // A write-protected device cannot be opened for writing: mount(8) retries read-only on EACCES.
  if (bdev.readOnly && !(ctx.flags & MS_RDONLY)) return -EACCES;
  // The feature checks see the mount as asked (an unknown ro_compat feature refuses only a read-write mount).
  const sb = fillSuper(fs, flavour, bdev, host, data, (ctx.flags & MS_RDONLY) !== 0, (ctx.flags & MS_SILENT) !== 0);
  if (typeof sb === 'number') return sb;
  const hasJournal = (sb.g.compat & COMPAT_HAS_JOURNAL) !== 0 && !sb.opts.noload;
  if (hasJournal) {
    const j = ext4Iget(sb, sb.g.journalInum || 8);
    if (typeof j === 'number') {
      sb.msg(KERN_ERR, 'no journal found');
      return -EFSCORRUPTED;
    }
    sb.journalBlocks = Math.ceil(j.size / sb.blockSize);
  }
  const root = ext4Iget(sb, EXT4_ROOT_INO);
  if (typeof root === 'number') {
    sb.msg(KERN_ERR, 'get root inode failed');
    return root;
  }
  if (!isDir(root.mode) || !root.blocks || !root.size) {
    sb.msg(KERN_ERR, 'corrupt root inode, run e2fsck');
    return -EFSCORRUPTED;
  }
  const defm = u32(sb.sbRaw, 0x100);
  const descr = hasJournal ? JOURNAL_DESCR[sb.opts.data ?? defaultDataMode(defm)] : 'out journal';
  const ro = (ctx.flags & MS_RDONLY) !== 0;
  if (!ro) {
    const s = sb.setupSuper();
    if (s < 0) return s;
  }
  sb.msg(KERN_INFO, `mounted filesystem ${uuidString(sb.g.uuid)} ${ro ? 'ro' : 'r/w'} with${descr}. Quota mode: none.`);
  return { sb, root: new Dentry('/', null, root), options: sb.opts.shown, readOnly: ro };
}
