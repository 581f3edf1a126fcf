// The tty devices of a machine (tty_init, pty_init, the serial console):
// /dev/tty (5:0, the caller's controlling terminal), /dev/console (5:1, the
// console's tty, never a controlling one), /dev/ptmx (5:2), /dev/ttyS0 (4:64),
// devpts on /dev/pts, their /sys/class/tty entries and /proc/tty/drivers.
import type { Kernel } from '../../kernel.js';
import type { Task } from '../../sched/task.js';
import { File, O_RDWR, type FileOps } from '../../fs/file.js';
import { EIO, ENXIO } from '../../errno.js';
import { registerChrdev, makedev } from '../../fs/special.js';
import { S_IFCHR } from '../../fs/inode.js';
import type { Dentry } from '../../fs/dentry.js';
import { Devpts } from './devpts.js';
import { PtyDevices } from './pty.js';
import { SerialPort } from './serial.js';
import { ttyOpen, ttyHangup } from './tty_io.js';
import { installJobctrlHooks } from './tty_jobctrl.js';

export interface TtyLayer {
  serial: SerialPort;
  devpts: Devpts;
  ptys: PtyDevices;
}

/** The machine's tty layer (Kernel.tty), once registerTtys made it. */
export const ttyLayer = (k: Kernel) => k.tty;

const root = { fsuid: 0, fsgid: 0, groups: [] as number[] };

/** Registers the tty character devices and makes their nodes in `dev` (the devtmpfs root). */
export function registerTtys(k: Kernel, dev: Dentry): TtyLayer {
  const serial = new SerialPort(k, k.host.console);
  let ptys: PtyDevices | null = null;
  const devpts = new Devpts(k.vfs.fs, (f, o) => ptys!.openMaster(f, o));
  ptys = new PtyDevices(k, devpts);
  const layer: TtyLayer = { serial, devpts, ptys };
  k.tty = layer;
  const openSerial = (f: File, opener: Task | undefined, consoleFile: boolean): FileOps | number => {
    serial.startInput();
    return ttyOpen(k, serial.tty, f, opener, { noctty: consoleFile, console: consoleFile });
  };
  registerChrdev(k.vfs.fs, 4, 64, (_i, f, o) => openSerial(f, o, false));
  registerChrdev(k.vfs.fs, 5, 1, (_i, f, o) => openSerial(f, o, true));
  registerChrdev(k.vfs.fs, 5, 2, (_i, f, o) => ptys!.openMaster(f, o));
  // /dev/tty: the opener's controlling terminal, ENXIO without one.
  registerChrdev(k.vfs.fs, 5, 0, (_i, f, o) => {
    const tty = o?.tg.tty;
    if (!tty) return -ENXIO;
    if (tty === serial.tty) serial.startInput();
    return ttyOpen(k, tty, f, o, { noctty: true });
  });
  const d = dev;
  for (const [name, min, mode] of [
    ['tty', 0, 0o666],
    ['console', 1, 0o600],
    ['ptmx', 2, 0o666],
  ] as const) {
    d.inode.mknod(d, name, S_IFCHR | mode, makedev(5, min), root);
  }
  d.inode.mkdir(d, 'pts', 0o755, root);
  const ttyS0 = d.inode.mknod(d, 'ttyS0', S_IFCHR | 0o660, makedev(4, 64), root);
  if (typeof ttyS0 !== 'number') ttyS0.gid = 5; // group tty, as udev leaves it
  installJobctrlHooks(k, (tty) => ttyHangup(k, tty));
  return layer;
}

/** After /dev is mounted: devpts on /dev/pts, with the options systemd mounts it with. */
export function mountDevpts(k: Kernel): void {
  const l = ttyLayer(k);
  if (!l) return;
  const m = k.vfs.mountAt('/dev/pts', l.devpts.sb, l.devpts.root, 'devpts', ['rw', 'nosuid', 'noexec', 'relatime', ...l.devpts.options]);
  if (typeof m !== 'number') l.devpts.mnt = m;
}

/** mount -t devpts: the one instance (what a booted system's init mounts on /dev/pts). */
export function registerDevpts(k: Kernel): void {
  const l = ttyLayer(k);
  if (l) k.vfs.fsTypes.register('devpts', () => ({ sb: l.devpts.sb, root: l.devpts.root, options: l.devpts.options }));
}

/** /proc/tty/drivers (show_tty_driver): the pseudo-drivers first, then the registered ones. */
export function procTtyDrivers(): string {
  const row = (driver: string, name: string, major: number, minors: string, type: string) =>
    `${driver.padEnd(20)} /dev/${name.padEnd(8)} ${String(major).padStart(3)} ${minors} ${type}\n`;
  return (
    row('/dev/tty', 'tty', 5, '      0', 'system:/dev/tty') +
    row('/dev/console', 'console', 5, '      1', 'system:console') +
    row('/dev/ptmx', 'ptmx', 5, '      2', 'system') +
    row('serial', 'ttyS', 4, '     64', 'serial') +
    row('pty_slave', 'pts', 136, '0-1048575', 'pty:slave') +
    row('pty_master', 'ptm', 128, '0-1048575', 'pty:master')
  );
}

/**
 * For `tuxglass boot`: init's fds 0, 1, 2 on /dev/console (read/write, as
 * the kernel's console_on_rootfs opens it). Returns 0 or -errno.
 */
export function openConsole(k: Kernel, t: Task): number {
  const p = k.vfs.resolve(t, -100, '/dev/console', true);
  if (typeof p === 'number') return p;
  const f = new File(p, p.dentry.inode, O_RDWR, null as unknown as FileOps);
  const ops = p.dentry.inode.open(f, t);
  // A console never waits in open (only a FIFO's does).
  if (typeof ops !== 'object') return typeof ops === 'number' ? ops : -EIO;
  f.ops = ops;
  t.files.install(0, f, false);
  t.files.install(1, f.get(), false);
  t.files.install(2, f.get(), false);
  return 0;
}

/** Kernel messages on the console through the console tty's output processing (\n -> \r\n). */
export function consolePrint(k: Kernel, text: string): void {
  const l = ttyLayer(k);
  const data = new TextEncoder().encode(text);
  if (!l) {
    k.host.console.stdout.write(data);
    return;
  }
  l.serial.tty.ldisc.write(data);
}
