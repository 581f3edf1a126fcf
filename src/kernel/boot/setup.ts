// Bring-up of a fresh kernel for one program (`tuxglass run`): devices,
// /dev, the console on fds 0-2, and PID 1 executing the program.
import type { Kernel } from '../kernel.js';
import { registerMemDevices, MEM_NODES } from '../drivers/mem.js';
import { registerKmsg } from '../drivers/kmsg.js';
import { bootDevices, bootRunInit } from './messages.js';
import { startKthreadd } from '../sched/kthread.js';
import { startWorker, queueWork } from '../sched/workqueue.js';
import { COPY_NS_PER_BYTE, SYSCALL_NS } from '../sched/cputime.js';
import { HostInput, hostConsoleHangup, hostStdioOps } from '../drivers/hoststdio.js';
import { makedev, registerChrdev } from '../fs/special.js';
import { GoldfishRtcDriver, RTC_MAJOR, RTC_DEVICE } from '../drivers/rtc/rtc-goldfish.js';
import { hwrngOps, HWRNG_MAJOR, HWRNG_MINOR } from '../drivers/char/hw_random/timeriomem-rng.js';
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
import type { Dentry } from '../fs/dentry.js';
import { blkdevOpen } from '../block/fops.js';
import { sdProbe } from '../drivers/scsi/sd.js';
import { virtblkProbe } from '../drivers/block/virtio_blk.js';
import { loopInit } from '../drivers/block/loop.js';
import { EACCES, ENOENT, ENOEXEC, ENOTDIR } from '../errno.js';

const enc = new TextEncoder();
const root = { fsuid: 0, fsgid: 0, groups: [] as number[] };

/**
 * mountPseudo: mount /sys, /proc, /dev and /dev/shm as a started system has
 * them (`tuxglass run`); a booted machine leaves that to its init.
 */
export function setupDevices(k: Kernel, opts: { mountPseudo: boolean } = { mountPseudo: true }): void {
  registerMemDevices(
    k.vfs.fs,
    (b) => k.host.random(b),
    () => k.current,
  );
  registerKmsg(k);
  const con = k.host.console;
  // Console input reaches its readers from a kworker, as tty_flip_buffer_push defers flush_to_ldisc.
  const input = new HostInput(con, (deliver, bytes) =>
    queueWork(k.unboundWq, () => {
      deliver();
      return SYSCALL_NS + Math.floor(bytes * COPY_NS_PER_BYTE);
    }),
  );
  let fgPgrp = 1;
  const ops = [0, 1, 2].map((w) =>
    hostStdioOps(
      con,
      input,
      w as 0 | 1 | 2,
      () => fgPgrp,
      (p) => {
        fgPgrp = p;
      },
    ),
  );
  k.consoleOps = ops;
  // The console belongs to the session of PID 1, the program being run.
  con.onHangup?.(() =>
    queueWork(k.unboundWq, () => {
      hostConsoleHangup(k, input, 1);
      return SYSCALL_NS;
    }),
  );
  const dev = makeTmpfs(k.vfs.fs, 'devtmpfs', 0o755);
  const d = dev.root;
  for (const [name, maj, min, mode] of MEM_NODES) d.inode.mknod(d, name, S_IFCHR | mode, makedev(maj, min), root);
  // The tty layer: /dev/tty, /dev/console and /dev/ttyS0 over the host console, /dev/ptmx and devpts.
  registerTtys(k, d);
  // The board's RTC (/dev/rtc0) and entropy source (/dev/hwrng).
  const rtc = new GoldfishRtcDriver(k);
  registerChrdev(k.vfs.fs, RTC_MAJOR, 0, () => rtc.fileOps());
  d.inode.mknod(d, 'rtc0', S_IFCHR | 0o600, makedev(RTC_MAJOR, 0), root);
  const hwrng = hwrngOps(k);
  registerChrdev(k.vfs.fs, HWRNG_MAJOR, HWRNG_MINOR, () => hwrng);
  d.inode.mknod(d, 'hwrng', S_IFCHR | 0o600, makedev(HWRNG_MAJOR, HWRNG_MINOR), root);
  for (const [name, target] of [
    ['fd', '/proc/self/fd'],
    ['stdin', '/proc/self/fd/0'],
    ['stdout', '/proc/self/fd/1'],
    ['stderr', '/proc/self/fd/2'],
  ]) {
    d.inode.symlink(d, name, enc.encode(target), root);
  }
  d.inode.mkdir(d, 'shm', 0o1777, root);
  setupDeviceModel(k);
  probeDisks(k, d);
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

/**
 * The board's disks: the block layer's /dev nodes go into devtmpfs, block
 * special files open through it, and each disk's driver probes it (SCSI
 * disks first, as the SCSI host's scan comes before virtio in Linux's
 * initcall order here).
 */
function probeDisks(k: Kernel, dev: Dentry): void {
  k.block.devRoot = dev;
  k.vfs.fs.blockOpen = (inode) => blkdevOpen(k, inode);
  for (const { disk, irq, index } of k.machine.disks) if (disk.iface === 'scsi') sdProbe(k, disk, index, irq);
  for (const { disk, irq, index } of k.machine.disks) if (disk.iface === 'virtio') virtblkProbe(k, disk, index, irq);
  k.block.loop = loopInit(k);
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
  classDeviceAdd(k, 'rtc', 'rtc0', { devt: makedev(RTC_MAJOR, 0), parent: m.platform.dir(RTC_DEVICE).dir('rtc') });
  classDeviceAdd(k, 'misc', 'hw_random', { devt: makedev(HWRNG_MAJOR, HWRNG_MINOR) });
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
  const r = execvp(k, t, path, argv, envp);
  if (r < 0) return r;
  return t;
}

/**
 * Start `name` in t as execvp(3) would: a name with a slash is run as it is;
 * otherwise each directory of PATH (from envp, else glibc's default) is
 * tried in turn, past those where it is missing or not permitted, and
 * EACCES wins over ENOENT at the end. A file the kernel cannot execute
 * (ENOEXEC: a script without #!) runs under /bin/sh. Returns execve's result.
 */
function execvp(k: Kernel, t: Task, name: string, argv: string[], envp: string[]): number {
  const envb = envp.map((e) => enc.encode(e));
  const exec = (path: string, args: string[]): number => {
    bootRunInit(k, path);
    const r = execve(
      k,
      t,
      enc.encode(path),
      args.map((a) => enc.encode(a)),
      envb,
    );
    return r === -ENOEXEC
      ? execve(
          k,
          t,
          enc.encode('/bin/sh'),
          ['/bin/sh', path, ...args.slice(1)].map((a) => enc.encode(a)),
          envb,
        )
      : r;
  };
  if (name.includes('/') || name === '') return exec(name, argv);
  const pathVar = envp.find((e) => e.startsWith('PATH='))?.slice(5) ?? '/bin:/usr/bin';
  let denied = false;
  for (const dir of pathVar.split(':')) {
    const path = dir === '' ? name : `${dir.replace(/\/+$/, '')}/${name}`;
    // Only names that exist are tried (and logged): the kernel's "Run ... as init process" line names the one run.
    if (typeof k.vfs.resolve(t, -100, path, true) === 'number') continue;
    const r = exec(path, argv);
    if (r === -EACCES) {
      denied = true;
      continue;
    }
    if (r === -ENOENT || r === -ENOTDIR) continue;
    return r;
  }
  return denied ? -EACCES : -ENOENT;
}
