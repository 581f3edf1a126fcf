// What every file system of one machine shares, kept on the machine (the
// Vfs owns one) rather than at module level, so two machines in one process
// never see each other's: the file-time clock (current_time), anonymous
// device numbers (get_anon_bdev), mount ids (mnt_id_ida), the character
// device table (cdev_map), the block queues, and the internal superblocks
// of pipefs, sockfs and anon_inodefs. Every superblock points here.
import { HZ } from '../time/clock.js';
import type { DeviceOpen } from './special.js';
import type { BlockQueue } from '../block/ioctl.js';
import type { BlockDevice } from '../block/bdev.js';
import { SuperBlock } from './superblock.js';
import type { Inode } from './inode.js';
import type { FileOps } from './file.js';

export interface Timespec {
  sec: number;
  nsec: number;
}

const TICK_NS = 1_000_000_000 / HZ;

export class FsState {
  private anonMinor = 1;
  private nextMountId = 21;
  /** (major, minor) -> the driver's open (fs/char_dev.c's cdev_map). */
  readonly chrdevs = new Map<number, DeviceOpen>();
  /** Block device number -> its request queue's limits (block/ioctl.ts). */
  readonly blkdevs = new Map<number, BlockQueue>();
  /** Block device number -> the device itself (block/bdev.ts), what mount(2) of a /dev node finds. */
  readonly bdevs = new Map<number, BlockDevice>();
  /** blkdev_open, set when the block layer comes up: what opening a block special file gives. */
  blockOpen: ((inode: Inode) => FileOps | number) | null = null;

  /** The kernel-internal mounts (pipe_mnt, sock_mnt, anon_inode_mnt): never in the tree. */
  readonly pipeSb: SuperBlock;
  readonly sockSb: SuperBlock;
  readonly anonSb: SuperBlock;

  /** realtime: the machine's CLOCK_REALTIME as seconds and nanoseconds. */
  constructor(private readonly realtime: () => Timespec = () => ({ sec: 0, nsec: 0 })) {
    // Made first, as at boot: pipefs takes anonymous device 0:1.
    this.pipeSb = new SuperBlock(this, 'pipefs', 0x50495045);
    this.anonSb = new SuperBlock(this, 'anon_inodefs', 0x09041934);
    this.sockSb = new SuperBlock(this, 'sockfs', 0x534f434b);
  }

  /**
   * current_time(): like Linux 6.12's, coarse: the time of the last timer
   * tick, so files touched within one jiffy share a timestamp.
   */
  now(): Timespec {
    const t = this.realtime();
    return { sec: t.sec, nsec: t.nsec - (t.nsec % TICK_NS) };
  }

  /** Anonymous devices get major 0, as Linux gives tmpfs/proc/sysfs. */
  anonDev(): number {
    return this.anonMinor++;
  }

  mountId(): number {
    return this.nextMountId++;
  }

  private generations = 0;
  /** shmem's i_generation: distinct for every tmpfs inode of the machine (Linux draws it at random). */
  inodeGeneration(): number {
    this.generations = (this.generations + 0x9e3779b1) >>> 0; // a step odd and large: all 2^32 values, none small
    return this.generations;
  }

  private cookies = 0;
  /** fsnotify_get_cookie: what ties IN_MOVED_FROM to its IN_MOVED_TO; never 0. */
  fsnotifyCookie(): number {
    return (this.cookies = (this.cookies + 1) >>> 0) || (this.cookies = 1);
  }
}
