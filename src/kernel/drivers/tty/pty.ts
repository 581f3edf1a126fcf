// Unix98 pseudo-terminals (drivers/tty/pty.c): /dev/ptmx hands out a master,
// whose slave appears as /dev/pts/N. What one end writes the other end's
// line discipline receives; closing one end leaves the other EIO or hung up.
import type { Kernel } from '../../kernel.js';
import type { Task } from '../../sched/task.js';
import { File, O_CLOEXEC, type FileOps, type IoctlIo } from '../../fs/file.js';
import { EFAULT, EINVAL, EIO } from '../../errno.js';
import type { Blocked } from '../../syscalls/result.js';
import { B38400, CREAD, CS8, stdTermios } from './termbits.js';
import { TtyStruct, type TtyDriver } from './tty_struct.js';
import { ttyHangup, ttyOpen } from './tty_io.js';
import { sessionClearTty, killPgrp } from './tty_jobctrl.js';
import type { Devpts } from './devpts.js';

const TIOCPKT = 0x5420,
  TIOCGPTN = 0x80045430,
  TIOCSPTLCK = 0x40045431,
  TIOCSIG = 0x40045436,
  TIOCGPKT = 0x80045438,
  TIOCGPTLCK = 0x80045439,
  TIOCGPTPEER = 0x5441;

const u32 = (v: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
};
const readInt = (io: IoctlIo, arg: number): number | null => {
  const b = io.read(arg, 4);
  return b ? new DataView(b.buffer, b.byteOffset).getInt32(0, true) : null;
};

/** pty_write: into the other end's input. */
const ptyWrite = (tty: TtyStruct, data: Uint8Array) => (tty.link ? tty.link.receive(data) : data.length);
const ptyRoom = (tty: TtyStruct) => (tty.link ? tty.link.flipRoom : 0);

export class PtyDevices {
  readonly master: TtyDriver;
  readonly slave: TtyDriver;

  constructor(
    private k: Kernel,
    private devpts: Devpts,
  ) {
    this.master = {
      name: 'ptm',
      major: 128,
      minorStart: 0,
      kind: 'pty_master',
      // A master is raw: no input or output processing, no echo.
      initTermios: () => {
        const t = stdTermios();
        t.iflag = 0;
        t.oflag = 0;
        t.cflag = B38400 | CS8 | CREAD;
        t.lflag = 0;
        return t;
      },
      write: ptyWrite,
      writeRoom: ptyRoom,
      close: (tty) => this.masterClosed(tty),
    };
    this.slave = {
      name: 'pts',
      major: 136,
      minorStart: 0,
      kind: 'pty_slave',
      initTermios: () => {
        const t = stdTermios();
        t.cflag = B38400 | CS8 | CREAD;
        return t;
      },
      write: ptyWrite,
      writeRoom: ptyRoom,
      close: (tty) => this.slaveClosed(tty),
    };
  }

  /** ptmx_open: a new pair, the slave locked until unlockpt. */
  openMaster(f: File, opener?: Task): FileOps | number {
    const index = this.devpts.allocIndex();
    const m = new TtyStruct(this.k, this.master, index);
    const s = new TtyStruct(this.k, this.slave, index);
    m.link = s;
    s.link = m;
    m.ptyLocked = true;
    this.devpts.addNode(index, opener, (sf, o) => this.openSlave(s, sf, o));
    return ttyOpen(this.k, m, f, opener, { driverIoctl: (k, t, _f, cmd, arg, io) => this.masterIoctl(k, t, m, cmd, arg, io) });
  }

  /** pty_open on the slave: not while locked, nor once the master is gone. */
  openSlave(s: TtyStruct, f: File, opener?: Task): FileOps | number {
    const m = s.link!;
    if (s.otherClosed || m.ptyLocked || !m.files.size) return -EIO;
    m.otherClosed = false;
    return ttyOpen(this.k, s, f, opener);
  }

  private masterClosed(m: TtyStruct): void {
    const s = m.link!;
    s.otherClosed = true;
    this.devpts.removeNode(m.index);
    ttyHangup(this.k, s);
    if (!s.files.size) this.release(m);
  }

  private slaveClosed(s: TtyStruct): void {
    const m = s.link!;
    m.otherClosed = true;
    m.wakeAll();
    if (!m.files.size) this.release(m);
  }

  /** Both ends closed: the number is free, no session keeps the terminal. */
  private release(m: TtyStruct): void {
    const s = m.link!;
    if (s.session) sessionClearTty(this.k, s.session);
    this.devpts.freeIndex(m.index);
  }

  /** pty_unix98_ioctl, and TIOCGPTPEER (ptm_open_peer). */
  private masterIoctl(k: Kernel, t: Task, m: TtyStruct, cmd: number, arg: number, io: IoctlIo): number | Blocked | null {
    const s = m.link!;
    switch (cmd) {
      case TIOCSPTLCK: {
        const v = readInt(io, arg);
        if (v === null) return -EFAULT;
        m.ptyLocked = v !== 0;
        return 0;
      }
      case TIOCGPTLCK:
        return io.write(arg, u32(m.ptyLocked ? 1 : 0)) ? 0 : -EFAULT;
      case TIOCPKT: {
        const v = readInt(io, arg);
        if (v === null) return -EFAULT;
        if (v) {
          if (!m.packet) {
            m.ctrlStatus = 0;
            m.packet = true;
          }
        } else m.packet = false;
        return 0;
      }
      case TIOCGPKT:
        return io.write(arg, u32(m.packet ? 1 : 0)) ? 0 : -EFAULT;
      case TIOCGPTN:
        return io.write(arg, u32(m.index)) ? 0 : -EFAULT;
      case TIOCSIG: {
        if (arg <= 0 || arg > 64) return -EINVAL;
        if (s.fgPgrp) killPgrp(k, s.fgPgrp, arg);
        return 0;
      }
      case TIOCGPTPEER:
        return this.openPeer(t, s, arg);
    }
    return null;
  }

  /** TIOCGPTPEER: the slave opened from its devpts node, as a new descriptor. */
  private openPeer(t: Task, s: TtyStruct, flags: number): number | Blocked {
    const d = this.devpts.lookup(s.index);
    const mnt = this.devpts.mnt ?? this.k.vfs.mounts.find((x) => x.sb === this.devpts.sb);
    if (!d || !mnt) return -EIO;
    const f = new File({ mnt, dentry: d }, d.inode, flags & ~O_CLOEXEC, null as unknown as FileOps);
    const ops = d.inode.open(f, t);
    if (typeof ops !== 'object') return ops;
    f.ops = ops;
    const fd = t.files.alloc(f, (flags & O_CLOEXEC) !== 0);
    if (fd < 0) f.put();
    return fd;
  }
}
