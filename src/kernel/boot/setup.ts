// Bring-up of a fresh kernel for one program (`tuxglass run`): devices,
// /dev, the console on fds 0-2, and PID 1 executing the program.
import type { Kernel } from '../kernel.js';
import { registerMemDevices, MEM_NODES } from '../drivers/mem.js';
import { registerKmsg } from '../drivers/kmsg.js';
import { bootDevices, bootRunInit } from './messages.js';
import { startKthreadd } from '../sched/kthread.js';
import { startWorker, queueWork } from '../sched/workqueue.js';
import { COPY_NS_PER_BYTE, SYSCALL_NS } from '../sched/cputime.js';
import { HostInput, hostStdioOps } from '../drivers/hoststdio.js';
import { makedev } from '../fs/special.js';
import { registerTtys, mountDevpts, registerDevpts } from '../drivers/tty/console.js';
import { makeTmpfs } from '../fs/tmpfs.js';
import { File, O_RDONLY, O_WRONLY } from '../fs/file.js';
import { S_IFCHR } from '../fs/inode.js';
import { execve } from '../exec/execve.js';
import { makeProcfs } from '../fs/proc/index.js';
import { mountMqueue } from '../ipc/mqueue.js';
import { makeSysfs } from '../fs/sysfs/index.js';
import { classDeviceAdd, deviceModel } from '../device/core.js';
import { registerCpus } from '../device/cpu.js';
import { registerKernelKobj } from '../device/ksysfs.js';
import { netdevSysfsAttrs } from '../net/netdevice.js';
import { netDevices } from '../net/net_namespace.js';
import type { Task } from '../sched/task.js';

const enc = new TextEncoder();
const root = { fsuid: 0, fsgid: 0, groups: [] as number[] };

/**
 * mountPseudo: mount /sys, /proc, /dev and /dev/shm as a started system has
 * them (`tuxglass run`); a booted machine leaves that to its init.
 */
export function setupDevices(k: Kernel, opts: { mountPseudo: boolean } = { mountPseudo: true }): void {
  registerMemDevices(k.vfs.fs, (b) => k.host.random(b), () => k.current);
  registerKmsg(k);
  const con = k.host.console;
  // Console input reaches its readers from a kworker, as tty_flip_buffer_push defers flush_to_ldisc.
  const input = new HostInput(con, (deliver, bytes) => queueWork(k.unboundWq, () => { deliver(); return SYSCALL_NS + Math.floor(bytes * COPY_NS_PER_BYTE); }));
  let fgPgrp = 1;
  const ops = [0, 1, 2].map((w) => hostStdioOps(con, input, w as 0 | 1 | 2, () => fgPgrp, (p) => { fgPgrp = p; }));
  k.consoleOps = ops;
  const dev = makeTmpfs(k.vfs.fs, 'devtmpfs', 0o755);
  const d = dev.root;
  for (const [name, maj, min, mode] of MEM_NODES) d.inode.mknod(d, name, S_IFCHR | mode, makedev(maj, min), root);
  // The tty layer: /dev/tty, /dev/console and /dev/ttyS0 over the host console, /dev/ptmx and devpts.
  registerTtys(k, d);
  for (const [name, target] of [['fd', '/proc/self/fd'], ['stdin', '/proc/self/fd/0'], ['stdout', '/proc/self/fd/1'], ['stderr', '/proc/self/fd/2']]) {
    d.inode.symlink(d, name, enc.encode(target), root);
  }
  d.inode.mkdir(d, 'shm', 0o1777, root);
  setupDeviceModel(k);
  // The order systemd and initramfs-tools leave them in: /sys, /proc, /dev, /dev/shm.
  const sys = makeSysfs(k);
  if (opts.mountPseudo) {
    k.vfs.mountAt('/sys', sys.sb, sys.root, 'sysfs', ['rw', 'nosuid', 'nodev', 'noexec', 'relatime']);
    const proc = makeProcfs(k);
    k.vfs.mountAt('/proc', proc.sb, proc.root, 'proc', ['rw', 'nosuid', 'nodev', 'noexec', 'relatime']);
    k.vfs.mountAt('/dev', dev.sb, dev.root, 'devtmpfs', ['rw', 'nosuid', 'relatime', 'mode=755']);
    // POSIX shared memory (shm_open) lives in a tmpfs of its own.
    const shm = makeTmpfs(k.vfs.fs, 'tmpfs', 0o1777);
    k.vfs.mountAt('/dev/shm', shm.sb, shm.root, 'tmpfs', ['rw', 'nosuid', 'nodev']);
    mountDevpts(k);
  }
  registerDevpts(k);
  // devtmpfs and sysfs are one instance however often they are mounted; each proc mount is a new one.
  k.vfs.fsTypes.register('devtmpfs', () => ({ sb: dev.sb, root: dev.root }));
  k.vfs.fsTypes.register('sysfs', () => ({ sb: sys.sb, root: sys.root }));
  k.vfs.fsTypes.register('proc', () => makeProcfs(k));
  k.vfs.fsTypes.register('mqueue', () => mountMqueue(k));
  bootDevices(k);
}

/** The /sys tree: CPUs, /sys/kernel, and the class devices behind the /dev nodes made here. */
function setupDeviceModel(k: Kernel): void {
  const m = deviceModel(k);
  registerCpus(m, k.runqueues.length);
  registerKernelKobj(m);
  for (const [name, maj, min] of MEM_NODES) classDeviceAdd(k, 'mem', name, { devt: makedev(maj, min) });
  classDeviceAdd(k, 'tty', 'tty', { devt: makedev(5, 0) });
  classDeviceAdd(k, 'tty', 'console', { devt: makedev(5, 1) });
  classDeviceAdd(k, 'tty', 'ptmx', { devt: makedev(5, 2) });
  classDeviceAdd(k, 'tty', 'ttyS0', { devt: makedev(4, 64), parent: m.platform.dir('10000000.serial').dir('tty') });
  // Network devices: /sys/class/net/<name> -> /sys/devices/virtual/net/<name>.
  for (const dev of netDevices(k)) {
    const kobj = classDeviceAdd(k, 'net', dev.name, { uevent: () => [`INTERFACE=${dev.name}`, `IFINDEX=${dev.ifindex}`] });
    for (const [name, show] of netdevSysfsAttrs(dev)) {
      const slash = name.indexOf('/');
      if (slash < 0) kobj.attr(name, show);
      else kobj.dir(name.slice(0, slash)).attr(name.slice(slash + 1), show);
    }
  }
}

/** PID 1 runs `path` with the host's stdio (the run-mode console) on fds 0, 1, 2. */
export function startInit(k: Kernel, path: string, argv: string[], envp: string[]): Task | number {
  const t = k.createInit();
  // rest_init: kthreadd is PID 2, then the kernel threads it parents.
  const kthreadd = startKthreadd(k);
  startWorker(k, k.unboundWq, kthreadd);
  const con = k.consoleOps!;
  const consolePath = k.vfs.resolve(t, -100, '/dev/console', true);
  const devPath = typeof consolePath === 'number' ? k.vfs.root : consolePath;
  const flags = [O_RDONLY, O_WRONLY, O_WRONLY];
  for (let fd = 0; fd < 3; fd++) {
    const f = new File(devPath, devPath.dentry.inode, flags[fd], con[fd]);
    t.files.install(fd, f, false);
  }
  k.current = t;
  bootRunInit(k, path);
  const r = execve(k, t, enc.encode(path), argv.map((a) => enc.encode(a)), envp.map((e) => enc.encode(e)));
  if (r < 0) return r;
  return t;
}
