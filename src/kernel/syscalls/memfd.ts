// memfd_create(2) and the file-handle call name_to_handle_at(2).
import { define } from './table.js';
import { NR } from './nr.js';
import { EFAULT, EINVAL, EOPNOTSUPP, EOVERFLOW } from '../errno.js';
import { createMemfd } from '../fs/memfd.js';
import { installFile } from './fs-io.js';
import { userPath } from './uaccess.js';
import { AT_EMPTY_PATH, AT_SYMLINK_FOLLOW } from '../fs/vfs.js';
import { TMPFS_MAGIC } from '../fs/tmpfs.js';

const MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_HUGETLB = 4, MFD_NOEXEC_SEAL = 8, MFD_EXEC = 0x10;
const MFD_ALL_FLAGS = MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC;
/** NAME_MAX minus "memfd:". */
const MFD_NAME_MAX_LEN = 249;

define(NR.memfd_create, (k, t) => {
  const flags = k.argInt(1) >>> 0;
  if (flags & ~MFD_ALL_FLAGS) return -EINVAL;
  // No hugetlbfs here: huge-page memfds are refused as an unknown flag would be.
  if (flags & MFD_HUGETLB) return -EINVAL;
  if ((flags & MFD_EXEC) && (flags & MFD_NOEXEC_SEAL)) return -EINVAL;
  const name = t.mm.readCString(k.arg(0), MFD_NAME_MAX_LEN);
  if (!name) return t.mm.read(k.arg(0), 1) ? -EINVAL : -EFAULT;
  const f = createMemfd(String.fromCharCode(...name), { fsuid: t.cred.fsuid, fsgid: t.cred.fsgid, groups: t.cred.groups },
    (flags & MFD_ALLOW_SEALING) !== 0, (flags & MFD_NOEXEC_SEAL) !== 0);
  return installFile(t, f, (flags & MFD_CLOEXEC) !== 0);
});

const AT_HANDLE_FID = 0x200, MAX_HANDLE_SZ = 128, FILEID_INVALID = 255, FILEID_INO32_GEN = 1;

/**
 * tmpfs encodes a handle as generation, inode low and high words (12 bytes,
 * type 1); procfs has no export operations.
 */
define(NR.name_to_handle_at, (k, t) => {
  const flags = k.argInt(4);
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH | AT_HANDLE_FID)) return -EINVAL;
  const pb = userPath(t, k.arg(1));
  if (typeof pb === 'number' && (pb === -EFAULT || !(flags & AT_EMPTY_PATH))) return pb;
  const p = k.vfs.resolve(t, k.argInt(0), typeof pb === 'number' ? '' : pb, (flags & AT_SYMLINK_FOLLOW) !== 0, (flags & AT_EMPTY_PATH) !== 0);
  if (typeof p === 'number') return p;
  const inode = p.dentry.inode;
  if (inode.sb.magic !== TMPFS_MAGIC) return -EOPNOTSUPP;
  const fh = k.arg(2);
  const hdr = t.mm.read(fh, 8);
  if (!hdr) return -EFAULT;
  const want = new DataView(hdr.buffer).getUint32(0, true);
  if (want > MAX_HANDLE_SZ) return -EINVAL;
  const need = 12;
  const out = new Uint8Array(8 + (want >= need ? need : 0));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, need, true);
  let ret = 0;
  if (want < need) { dv.setInt32(4, FILEID_INVALID, true); ret = -EOVERFLOW; }
  else {
    dv.setInt32(4, FILEID_INO32_GEN, true);
    dv.setUint32(8, 0, true); // i_generation
    dv.setUint32(12, inode.ino >>> 0, true);
    dv.setUint32(16, Math.floor(inode.ino / 2 ** 32), true);
  }
  if (!t.mm.writeU32(k.arg(3), p.mnt.id) || !t.mm.write(fh, out)) return -EFAULT;
  return ret;
});
