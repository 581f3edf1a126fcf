// nsfs: the inodes behind /proc/PID/ns/* (Linux's fs/nsfs.c). There is one
// namespace of each kind so far, the initial one, and each is an inode with
// the number Linux gives it, so tools that compare namespaces by st_ino
// (lsns, ip netns identify, systemd) see the answer a fresh Linux boot gives.
import { Dentry } from './dentry.js';
import { Inode, S_IFREG } from './inode.js';
import type { File, FileOps } from './file.js';
import { Mount, type Path } from './mount.js';
import { SuperBlock } from './superblock.js';
import type { FsState } from './fs_state.js';

export const NSFS_MAGIC = 0x6e736673;

/** proc_ns_operations names, in /proc/PID/ns order, and init namespaces' inode numbers. */
export const NAMESPACES: [string, string, number][] = [
  ['net', 'net', 0xf0000000], // the first dynamic number (PROC_DYNAMIC_FIRST)
  ['uts', 'uts', 0xeffffffe], // PROC_UTS_INIT_INO
  ['ipc', 'ipc', 0xefffffff], // PROC_IPC_INIT_INO
  ['pid', 'pid', 0xeffffffc], // PROC_PID_INIT_INO
  ['pid_for_children', 'pid', 0xeffffffc],
  ['user', 'user', 0xeffffffd], // PROC_USER_INIT_INO
  ['mnt', 'mnt', 0xf0000001], // allocated right after init_net's
  ['cgroup', 'cgroup', 0xeffffffb], // PROC_CGROUP_INIT_INO
  ['time', 'time', 0xeffffffa], // PROC_TIME_INIT_INO
  ['time_for_children', 'time', 0xeffffffa],
];

class NsInode extends Inode {
  constructor(sb: SuperBlock, ino: number) {
    super(sb, S_IFREG | 0o444, ino);
  }
  override get blocks(): number {
    return 0;
  }
  /** Opened for setns(2) or to hold the namespace: no data to read. */
  override open(_f: File): FileOps {
    return {};
  }
}

class NsfsSuper extends SuperBlock {
  constructor(fs: FsState) {
    super(fs, 'nsfs', NSFS_MAGIC);
  }
}

/** nsfs_mnt of one machine: made on first use, never in the tree. */
export interface Nsfs {
  mnt: Mount;
  paths: Map<number, Path>;
}

/** The nsfs path of a namespace: the dentry is named "type:[inode]" as readlink shows. */
export function nsPath(vfs: { fs: FsState; nsfs: Nsfs | null }, type: string, ino: number): Path {
  let nsfs = vfs.nsfs;
  if (!nsfs) {
    const sb = new NsfsSuper(vfs.fs);
    const root = new Dentry('/', null, new NsInode(sb, sb.nextIno()));
    nsfs = vfs.nsfs = { mnt: new Mount(sb, root, null, null, 'nsfs'), paths: new Map() };
  }
  let p = nsfs.paths.get(ino);
  if (!p) {
    p = { mnt: nsfs.mnt, dentry: new Dentry(`${type}:[${ino}]`, null, new NsInode(nsfs.mnt.sb, ino)) };
    nsfs.paths.set(ino, p);
  }
  return p;
}
