// The two kernels a unit runs under.
//
// qemu-user: the guest root (with the suite in it) as an overlayfs lower
// layer, chrooted into by qemu-riscv64-static through binfmt_misc, so the
// real Linux kernel answers every syscall. Each run gets fresh namespaces
// (mount, UTS, IPC, network, PID) and its own overlay upper layer: a test
// that sets the hostname, kills -1, binds a port or writes /etc changes only
// its own copy, and killing the namespace's first process ends every process
// of the test. /proc, /sys, /dev (with a private /dev/shm and devpts) and a
// tmpfs /tmp are mounted as on a booted system. No core files by default,
// as under tuxglass, but only the soft limit is lowered: tests such as
// abort01 raise RLIMIT_CORE themselves, and a host without
// CAP_SYS_RESOURCE could not raise a lowered hard limit again.
//
// tuxglass: `tuxglass run --rootfs ROOT`, a fresh kernel per unit. The root
// tree is read lazily and never written, so the same hard-linked tree serves
// both sides.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { GUEST_ENV, REPO } from '../diff/harness.js';
import type { UnitRun } from './suite.js';

export type Side = 'qemu' | 'tuxglass';

const REF_WRAPPER = `
set -e
lower=$1; work=$2; shift 2
mkdir -p "$work/u" "$work/w" "$work/m"
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$work/u,workdir=$work/w" "$work/m"
r=$work/m
mount -t proc proc "$r/proc"
mount -t sysfs sysfs "$r/sys"
mount --rbind /dev "$r/dev"
mount -t tmpfs -o mode=1777 tmpfs "$r/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$r/dev/pts"
mount --bind "$r/dev/pts/ptmx" "$r/dev/ptmx"
mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"
ip link set lo up 2>/dev/null || true
for f in /proc/$$/fd/*; do n=\${f##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-"; fi; done
ulimit -S -c 0
umask 022
exec chroot "$r" /usr/bin/env -i ${GUEST_ENV.join(' ')} "$@"
`;

export interface SideOptions {
  /** The merged guest root on the host. */
  root: string;
  /** Scratch space for the reference's overlay layers. */
  scratch: string;
  /** tuxglass --mem. */
  mem?: string;
  /** tuxglass --cpus (default 1). */
  cpus?: number;
}

/** Runs argv under one kernel; never throws for what the guest does, never waits past the timeout. */
export async function runUnit(side: Side, o: SideOptions, argv: string[], timeoutSeconds: number): Promise<UnitRun> {
  if (side === 'tuxglass') {
    const args = [
      join(REPO, 'bin', 'tuxglass.js'),
      'run',
      '--rootfs',
      o.root,
      ...(o.mem ? ['--mem', o.mem] : []),
      ...(o.cpus ? ['--cpus', String(o.cpus)] : []),
      '--',
      ...argv,
    ];
    const r = await capture(process.execPath, args, timeoutSeconds);
    const crash = /tuxglass: internal error.*|^\s+at .*\/dist\/src\/.*$/m.exec(r.output);
    if (crash && !r.timedOut) r.hostCrash = `host side failed (status ${r.status}): ${crash[0].trim().slice(0, 200)}`;
    return r;
  }
  const work = mkdtempSync(join(o.scratch, 'ref-'));
  try {
    // --kill-child: when the runner kills unshare at the timeout, the namespace's first process gets SIGKILL, and with it every process in the namespace.
    return await capture(
      'unshare',
      [
        '--mount',
        '--uts',
        '--ipc',
        '--net',
        '--pid',
        '--fork',
        '--kill-child=SIGKILL',
        '--propagation',
        'private',
        'bash',
        '-c',
        REF_WRAPPER,
        'ref-wrapper',
        o.root,
        work,
        ...argv,
      ],
      timeoutSeconds,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Process groups still running, so that a runner that is stopped can end them (see stopAll). */
const live = new Set<number>();

/** Kills every unit still running: for a runner stopped by SIGINT or SIGTERM. */
export function stopAll(): void {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  live.clear();
}

/** Spawns in a new process group; output in arrival order; the whole group killed at the timeout. */
function capture(cmd: string, args: string[], timeoutSeconds: number): Promise<UnitRun> {
  return new Promise((resolve) => {
    const start = performance.now();
    const chunks: Buffer[] = [];
    let timedOut = false;
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, TERM: 'linux' } });
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    };
    if (child.pid !== undefined) live.add(child.pid);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutSeconds * 1000);
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => chunks.push(b));
    const finish = (status: number, extra = '') => {
      clearTimeout(timer);
      killGroup();
      if (child.pid !== undefined) live.delete(child.pid);
      resolve({ output: Buffer.concat(chunks).toString('latin1') + extra, status, timedOut, seconds: (performance.now() - start) / 1000, timeoutSeconds });
    };
    child.on('error', (e) => finish(127, `\nspawn ${cmd} failed: ${e.message}\n`));
    child.on('close', (code, signal) => finish(code ?? 128 + (signal ? osConstants.signals[signal] : 0)));
  });
}

/** Why the reference cannot run here, or undefined when it can. */
export async function referenceProblem(o: SideOptions): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'the reference needs a Linux host';
  if (process.getuid?.() !== 0) return 'the reference needs root (namespaces, overlayfs, chroot)';
  mkdirSync(o.scratch, { recursive: true });
  const r = await runUnit('qemu', o, ['/bin/sh', '-c', 'echo ok | cat'], 60);
  if (r.status !== 0 || r.output.trim() !== 'ok') {
    const hint = /exec format error/i.test(r.output) ? ' (register qemu-riscv64-static with binfmt_misc: sh scripts/binfmt-riscv64.sh)' : '';
    return `the reference chroot does not work here: status ${r.status}: ${r.output.trim().slice(0, 300)}${hint}`;
  }
  return undefined;
}
