// kernel_init (init/main.c): with the initramfs unpacked into the rootfs,
// PID 1 gets /dev/console on fds 0-2 (console_on_rootfs), then becomes the
// first program that executes: rdinit= (/init) from the initramfs, else the
// init= program (whose failure panics), else /sbin/init, /etc/init,
// /bin/init, /bin/sh in turn. Without an executable rdinit, root= is
// mounted over / first (prepare_namespace, do_mounts.ts). One difference:
// an initramfs without /init and no root= stays the root file system, where
// Linux would panic for want of a root device (tuxglass boot packs the guest
// root, which has /sbin/init but no /init).
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { KERN_ERR, KERN_NOTICE } from '../printk.js';
import { startKthreadd } from '../sched/kthread.js';
import { startWorker } from '../sched/workqueue.js';
import { O_RDWR } from '../fs/file.js';
import { isReg } from '../fs/inode.js';
import { execve, EXEC_KILLED } from '../exec/execve.js';
import { ENOENT } from '../errno.js';
import { bootRunInit } from './messages.js';
import { parseBootParams, type BootParams } from './params.js';
import { panic } from './panic.js';
import { prepareNamespace } from './do_mounts.js';

const enc = new TextEncoder();

/** Consoles this machine registers (the 8250 UART's first port). */
const CONSOLES = new Set(['ttyS0']);

/** Whether console= (if given) names a console this machine has. */
export function consoleSelected(p: BootParams): boolean {
  return p.consoles.length === 0 || p.consoles.some((c) => CONSOLES.has(c));
}

/** Bring up PID 1 and exec init; null when the kernel panicked instead. */
export function kernelInit(k: Kernel): Task | null {
  const p = parseBootParams(k.cmdline);
  const t = k.createInit();
  // rest_init: kthreadd is PID 2, then the kernel threads it parents.
  const kthreadd = startKthreadd(k);
  startWorker(k, k.unboundWq, kthreadd);
  k.current = t;
  if (p.unknown.length) k.log.printk(KERN_NOTICE, `Unknown kernel command line parameters "${p.unknown.join(' ')}", will be passed to user space.`);
  consoleOnRootfs(k, t, p);
  // init_eaccess: rdinit= is used only if it is there and executable.
  if (p.rdinit && executable(k, t, p.rdinit)) {
    const r = runInitProcess(k, t, p.rdinit, p);
    if (r === 0) return t;
    if (r === EXEC_KILLED) return null;
    k.log.printk(KERN_ERR, `Failed to execute ${p.rdinit} (error ${r})`);
  } else if (p.root !== null || !k.bootedInitramfs) {
    if (!prepareNamespace(k, t, p)) return null;
  }
  if (p.init) {
    const r = runInitProcess(k, t, p.init, p);
    if (r === 0) return t;
    if (r !== EXEC_KILLED) panic(k, `Requested init ${p.init} failed (error ${r}).`);
    return null;
  }
  for (const path of ['/sbin/init', '/etc/init', '/bin/init', '/bin/sh']) {
    const r = runInitProcess(k, t, path, p);
    if (r === 0) return t;
    if (r === EXEC_KILLED) return null;
    if (r !== -ENOENT) k.log.printk(KERN_ERR, `Starting init: ${path} exists but couldn't execute it (error ${r})`);
  }
  panic(k, 'No working init found.  Try passing init= option to kernel. See Linux Documentation/admin-guide/init.rst for guidance.');
  return null;
}

/** console_on_rootfs: one open of /dev/console, dup'd to fds 0, 1 and 2. */
function consoleOnRootfs(k: Kernel, t: Task, p: BootParams): void {
  const f = consoleSelected(p) ? k.vfs.open(t, -100, enc.encode('/dev/console'), O_RDWR, 0) : -1;
  // A console never waits in open: BLOCKED (a FIFO's) would be as much a failure as -errno.
  if (typeof f !== 'object') {
    k.log.printk(KERN_ERR, 'Warning: unable to open an initial console.');
    return;
  }
  t.files.install(0, f, false);
  t.files.install(1, f.get(), false);
  t.files.install(2, f.get(), false);
}

function executable(k: Kernel, t: Task, path: string): boolean {
  const r = k.vfs.resolve(t, -100, path, true);
  return typeof r !== 'number' && isReg(r.dentry.inode.mode) && (r.dentry.inode.mode & 0o111) !== 0;
}

/** run_init_process: argv is the program and the command line's plain words. */
function runInitProcess(k: Kernel, t: Task, path: string, p: BootParams): number | typeof EXEC_KILLED {
  bootRunInit(k, path);
  const argv = [path, ...p.argv].map((a) => enc.encode(a));
  const r = execve(
    k,
    t,
    enc.encode(path),
    argv,
    p.envp.map((e) => enc.encode(e)),
  );
  if (r === EXEC_KILLED) return EXEC_KILLED;
  return r < 0 ? r : 0;
}
