// procfs against a small fake kernel: real VFS, tasks and address spaces, no
// hart. Formats are checked the way procps and util-linux parse them.
import type { Dentry } from '../../src/kernel/fs/dentry.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kernel } from '../../src/kernel/kernel.js';
import { PhysMem } from '../../src/cpu/physmem.js';
import { PageAllocator } from '../../src/kernel/mm/pagealloc.js';
import { Mm, type MapRequest } from '../../src/kernel/mm/mm.js';
import { VirtualClock } from '../../src/kernel/time/clock.js';
import { Vfs, AT_FDCWD } from '../../src/kernel/fs/vfs.js';
import { Task, Cred } from '../../src/kernel/sched/task.js';
import { ThreadGroup } from '../../src/kernel/sched/threadgroup.js';
import { PidTable } from '../../src/kernel/pid.js';
import { SigHand, SIG_IGN } from '../../src/kernel/signal/signals.js';
import { File, O_RDONLY, O_WRONLY, O_RDWR, type FileOps } from '../../src/kernel/fs/file.js';
import { S_IFREG, S_IFLNK, S_IFMT, isDir, type Inode } from '../../src/kernel/fs/inode.js';
import { lookupChild } from '../../src/kernel/fs/namei.js';
import type { Path } from '../../src/kernel/fs/mount.js';
import { createPipe } from '../../src/kernel/fs/pipe.js';
import { makeProcfs } from '../../src/kernel/fs/proc/index.js';
import { ENOENT } from '../../src/kernel/errno.js';
import { IrqTable } from '../../src/kernel/irq/irqdesc.js';
import { mmapRegion } from '../../src/kernel/mm/mmap.js';

const enc = new TextEncoder();
const dec = new TextDecoder('latin1');
const root = { fsuid: 0, fsgid: 0, groups: [] as number[] };
const noWait = { sleepOn() {}, pid: 1 };

function fixture() {
  const instret = 3_000_000_000; // with 2 s idle: 5 s since boot
  const mem = new PhysMem(8 * 1024 * 1024);
  const k = {
    pids: new PidTable(),
    current: null as Task | null,
    pages: new PageAllocator(mem),
    clock: new VirtualClock(1_700_000_000e9, () => instret),
    stats: { syscalls: 1000, forks: 3, interrupts: 7 },
    irqs: new IrqTable(1),
    hart: { instret },
    runqueues: [{ cpu: 0, nrSwitches: 42, cpustat: { user: instret, nice: 0, system: 0, idle: 2e9, iowait: 0 }, irqs: { timer: 7, resched: 0 } }],
    cmdline: 'console=ttyS0',
    hostname: 'tux',
    domainname: '(none)',
    host: { image: null },
    sysctlValues: new Map<string, unknown>(),
    ipcNs: {},
    devices: null,
    net: null,
    tty: null,
    inotifyInstances: 0,
  } as unknown as Kernel & { vfs: Vfs };
  (k as { vfs: Vfs }).vfs = new Vfs(k);
  k.clock.advanceTo(5_000_000_000);
  const r = k.vfs.root;
  const ri = r.dentry.inode;
  ri.mkdir(r.dentry, 'bin', 0o755, root);
  const bin = lookupChild(r.dentry, 'bin') as Dentry;
  bin.inode.create(bin, 'busybox', S_IFREG | 0o755, root);
  const proc = makeProcfs(k);
  k.vfs.mountAt('/proc', proc.sb, proc.root, 'proc', ['rw', 'nosuid', 'nodev', 'noexec', 'relatime']);

  const mm = Mm.create(k.pages, { flush() {} })!;
  const bbPath: Path = { mnt: r.mnt, dentry: lookupChild(bin, 'busybox') as Dentry };
  const bb = bbPath.dentry.inode;
  const src = { readAt: (_o: number, d: Uint8Array) => d.fill(0), dev: bb.sb.dev, ino: bb.ino, path: '/bin/busybox' };
  const map = (addr: number, len: number, v: MapRequest) => assert.equal(mmapRegion(mm, addr, len, v, 'fixed'), addr);
  map(0x10000, 0x20000, { prot: 5, shared: false, file: src, offset: 0 });
  map(0x30000, 0x2000, { prot: 3, shared: false, file: src, offset: 0x20000 });
  map(0x32000, 0x3000, { prot: 3, shared: false, name: '[heap]' });
  mm.brkStart = 0x32000;
  mm.brk = 0x35000;
  map(0x3fffff0000, 0x10000, { prot: 3, shared: false, name: '[stack]', growsDown: true });
  map(0x3fffe00000, 0x2000, { prot: 5, shared: false, name: '[vdso]', file: { ...src, dev: 0, ino: 0, path: '[vdso]' } });
  const args = enc.encode('sh\0-c\0echo hi\0'),
    env = enc.encode('HOME=/\0TERM=vt100\0');
  mm.argStart = 0x3ffffff000;
  mm.argEnd = mm.argStart + args.length;
  mm.envStart = mm.argEnd;
  mm.envEnd = mm.envStart + env.length;
  assert.ok(mm.write(mm.argStart, args) && mm.write(mm.envStart, env));
  mm.startStack = 0x3fffffe000;

  assert.equal(k.pids.alloc(32768), 1);
  const tg = new ThreadGroup(1);
  const t = new Task(1, tg, mm, k.vfs.newFdTable(), k.vfs.newFsStruct(), new SigHand(), new Cred());
  t.comm = 'sh';
  t.startTime = 1_230_000_000; // 1.23 s after boot
  t.utime = 250_000_000;
  t.stime = 30_000_000;
  t.nvcsw = 5;
  t.nivcsw = 2;
  tg.tasks.push(t);
  k.pids.attachTask(t);
  k.pids.attachGroup(tg);
  t.exe = new File(bbPath, bb, O_RDONLY, {});
  t.files.install(0, new File(bbPath, bb, O_RDONLY, {}), false);
  const [rd, wr] = createPipe(r.mnt, 0);
  t.files.install(1, wr, true);
  t.files.install(2, new File(bbPath, bb, O_RDWR, {}), false);
  void rd;
  t.sighand.actions[2].handler = 0x10400; // SIGINT caught
  t.sighand.actions[13].handler = SIG_IGN; // SIGPIPE ignored
  k.current = t;
  return { k, t, tg, mm, wr };
}

type Fx = ReturnType<typeof fixture>;

function resolve(fx: Fx, path: string, follow = true): Path | number {
  return fx.k.vfs.resolve(fx.t, AT_FDCWD, path, follow);
}

function open(fx: Fx, path: string, flags = O_RDONLY): File {
  const f = fx.k.vfs.open(fx.t, AT_FDCWD, enc.encode(path), flags, 0);
  assert.notEqual(typeof f, 'number', `open ${path}: ${String(f)}`);
  return f as File;
}

function readAll(f: File, chunk = 4096): Uint8Array {
  const parts: number[] = [];
  for (;;) {
    const buf = new Uint8Array(chunk);
    const n = f.ops.read!(f, buf, f.pos, noWait);
    assert.ok(typeof n === 'number' && n >= 0, `read: ${String(n)}`);
    if (n === 0) break;
    f.pos += n;
    parts.push(...buf.subarray(0, n));
  }
  return Uint8Array.from(parts);
}

const read = (fx: Fx, path: string) => dec.decode(readAll(open(fx, path)));

function readlink(fx: Fx, path: string): string | number {
  const p = resolve(fx, path, false);
  if (typeof p === 'number') return p;
  const r = p.dentry.inode.readlink();
  return typeof r === 'number' ? r : dec.decode(r);
}

function names(fx: Fx, path: string): string[] {
  const p = resolve(fx, path) as Path;
  const l = p.dentry.inode.readdir(p.dentry);
  assert.notEqual(typeof l, 'number');
  return (l as { name: string }[]).map((e) => e.name);
}

test('/proc/PID/stat has the 52 fields of do_task_stat', () => {
  const fx = fixture();
  const s = read(fx, '/proc/1/stat');
  assert.ok(s.endsWith('\n'));
  const m = /^(\d+) \((.*)\) (\S) (.*)$/.exec(s.trimEnd())!;
  assert.ok(m, s);
  const f = [m[1], m[2], m[3], ...m[4].split(' ')];
  assert.equal(f.length, 52);
  assert.equal(f[0], '1');
  assert.equal(f[1], 'sh');
  assert.equal(f[2], 'R');
  assert.equal(f[3], '0'); // no parent
  assert.equal(f[6], '0');
  assert.equal(f[7], '-1'); // no tty, tpgid -1
  assert.equal(f[13], '25');
  assert.equal(f[14], '3'); // utime/stime in ticks
  assert.equal(f[17], '20');
  assert.equal(f[18], '0');
  assert.equal(f[19], '1');
  assert.equal(f[21], '123'); // starttime ticks since boot
  assert.equal(Number(f[22]), fx.mm.totalVm * 4096);
  assert.equal(Number(f[23]), fx.mm.rss);
  assert.equal(f[24], '18446744073709551615');
  assert.equal(Number(f[25]), 0x10000);
  assert.equal(Number(f[26]), 0x30000);
  assert.equal(Number(f[27]), 0x3fffffe000);
  assert.equal(f[32], String(1 << 12)); // sigignore: SIGPIPE
  assert.equal(f[33], String(1 << 1)); // sigcatch: SIGINT
  assert.equal(f[34], '0'); // wchan flag: running
  assert.equal(f[37], '17'); // exit_signal
  assert.equal(Number(f[47]), fx.mm.argStart);
  for (const x of f.slice(3)) assert.match(x, /^-?\d+$/);
});

test('/proc/PID/status follows 6.12 field order and formats', () => {
  const fx = fixture();
  fx.t.cred.groups = [4, 24];
  const s = read(fx, '/proc/self/status');
  const keys = s
    .trimEnd()
    .split('\n')
    .map((l) => l.slice(0, l.indexOf(':')));
  assert.deepEqual(keys, [
    'Name',
    'Umask',
    'State',
    'Tgid',
    'Ngid',
    'Pid',
    'PPid',
    'TracerPid',
    'Uid',
    'Gid',
    'FDSize',
    'Groups',
    'NStgid',
    'NSpid',
    'NSpgid',
    'NSsid',
    'Kthread',
    'VmPeak',
    'VmSize',
    'VmLck',
    'VmPin',
    'VmHWM',
    'VmRSS',
    'RssAnon',
    'RssFile',
    'RssShmem',
    'VmData',
    'VmStk',
    'VmExe',
    'VmLib',
    'VmPTE',
    'VmSwap',
    'HugetlbPages',
    'CoreDumping',
    'THP_enabled',
    'untag_mask',
    'Threads',
    'SigQ',
    'SigPnd',
    'ShdPnd',
    'SigBlk',
    'SigIgn',
    'SigCgt',
    'CapInh',
    'CapPrm',
    'CapEff',
    'CapBnd',
    'CapAmb',
    'NoNewPrivs',
    'Seccomp',
    'Seccomp_filters',
    'Speculation_Store_Bypass',
    'SpeculationIndirectBranch',
    'Cpus_allowed',
    'Cpus_allowed_list',
    'Mems_allowed',
    'Mems_allowed_list',
    'voluntary_ctxt_switches',
    'nonvoluntary_ctxt_switches',
  ]);
  assert.match(s, /^Name:\tsh\nUmask:\t0022\nState:\tR \(running\)\n/);
  assert.match(s, /\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t4 24 \n/);
  for (const l of s.split('\n').filter((x) => /^(Vm|Rss|Hugetlb)/.test(x))) assert.match(l, /^\w+:\t[ \d]{8} kB$/);
  assert.match(s, /\nVmSize:\t {5}220 kB\n/); // 128 + 20 + 64 + 8
  assert.match(s, /\nVmExe:\t {5}128 kB\n/); // the program's 0x20000 text
  assert.match(s, /\nVmLib:\t {7}8 kB\n/); // the vdso
  assert.match(s, /\nVmStk:\t {6}64 kB\n/);
  assert.match(s, /\nSigIgn:\t0000000000001000\nSigCgt:\t0000000000000002\n/);
  assert.match(s, /\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n/);
  assert.match(s, /\nvoluntary_ctxt_switches:\t5\nnonvoluntary_ctxt_switches:\t2\n$/);
});

test('zombies lose mm, fs and files, as in Linux', () => {
  const fx = fixture();
  const child = new ThreadGroup(7);
  child.parent = fx.tg;
  const z = new Task(7, child, fx.mm, fx.t.files, fx.t.fs, new SigHand(), new Cred(1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000));
  z.comm = 'false';
  z.becomeZombie();
  child.tasks.push(z);
  child.zombie = true;
  child.exitStatus = 1 << 8;
  fx.k.pids.attachGroup(child);
  const s = read(fx, '/proc/7/status');
  assert.match(s, /State:\tZ \(zombie\)\n/);
  assert.doesNotMatch(s, /Umask|VmSize|THP_enabled/);
  assert.match(s, /\nPPid:\t1\n/);
  assert.match(s, /\nCapPrm:\t0000000000000000\n/);
  assert.equal(read(fx, '/proc/7/statm'), '0 0 0 0 0 0 0\n');
  assert.equal(read(fx, '/proc/7/cmdline'), '');
  const st = read(fx, '/proc/7/stat').trimEnd().split(' ');
  assert.equal(st[2], 'Z');
  assert.equal(st[22], '0');
  assert.equal(st[51], '256');
  assert.deepEqual(names(fx, '/proc/7/fd'), []);
  assert.equal(readlink(fx, '/proc/7/cwd'), -ENOENT);
  // Reaped: the directory is gone.
  child.reaped = true;
  z.markDead();
  fx.k.pids.detachGroup(child);
  assert.equal(resolve(fx, '/proc/7'), -ENOENT);
});

test('/proc/meminfo: every line is "%-16s%8lu kB" from the page allocator', () => {
  const fx = fixture();
  const s = read(fx, '/proc/meminfo');
  const lines = s.trimEnd().split('\n');
  for (const l of lines) assert.match(l, /^[A-Za-z0-9_()]+:\s+\d+( kB)?$/);
  for (const l of lines.filter((x) => x.endsWith(' kB'))) assert.equal(l.length, 27, l);
  assert.deepEqual(
    lines.slice(0, 6).map((l) => l.split(':')[0]),
    ['MemTotal', 'MemFree', 'MemAvailable', 'Buffers', 'Cached', 'SwapCached'],
  );
  assert.equal(lines[0], `MemTotal:       ${String(fx.k.pages.total * 4).padStart(8)} kB`);
  assert.equal(lines[1], `MemFree:        ${String(fx.k.pages.free * 4).padStart(8)} kB`);
  assert.ok(lines.includes('HugePages_Total:       0'));
  assert.ok(lines.includes('Hugepagesize:       2048 kB'));
});

test('/proc/PID/maps: show_map_vma columns, names at column 73', () => {
  const fx = fixture();
  const lines = read(fx, '/proc/1/maps').trimEnd().split('\n');
  assert.equal(lines.length, 5);
  for (const l of lines) assert.match(l, /^[0-9a-f]{8,}-[0-9a-f]{8,} [r-][w-][x-][sp] [0-9a-f]{8} [0-9a-f]{2}:[0-9a-f]{2} \d+ {1,}\S/);
  const dev = fx.k.vfs.root.mnt.sb.dev.toString(16).padStart(2, '0');
  const ino = (lookupChild(lookupChild(fx.k.vfs.root.dentry, 'bin') as Dentry, 'busybox') as Dentry).inode.ino;
  assert.equal(lines[0], `00010000-00030000 r-xp 00000000 00:${dev} ${ino}`.padEnd(72) + ' /bin/busybox');
  assert.equal(lines[1].slice(0, 32), '00030000-00032000 rw-p 00020000 ');
  assert.equal(lines[2], '00032000-00035000 rw-p 00000000 00:00 0'.padEnd(72) + ' [heap]');
  assert.equal(lines[3], '3fffe00000-3fffe02000 r-xp 00000000 00:00 0'.padEnd(72) + ' [vdso]');
  assert.equal(lines[4].indexOf('[stack]'), 73);
});

test('cmdline and environ are the argv/envp bytes of user memory', () => {
  const fx = fixture();
  assert.equal(read(fx, '/proc/1/cmdline'), 'sh\0-c\0echo hi\0');
  assert.equal(read(fx, '/proc/1/environ'), 'HOME=/\0TERM=vt100\0');
  // setproctitle overwrote argv, NULs included: the title runs into the environment.
  fx.mm.write(fx.mm.argStart, enc.encode('sh -c echo hi '));
  assert.equal(read(fx, '/proc/1/cmdline'), 'sh -c echo hi HOME=/\0');
  assert.equal(read(fx, '/proc/1/comm'), 'sh\n');
});

test('self, thread-self, exe and fd links', () => {
  const fx = fixture();
  assert.equal(readlink(fx, '/proc/self'), '1');
  assert.equal(readlink(fx, '/proc/thread-self'), '1/task/1');
  assert.equal(readlink(fx, '/proc/mounts'), 'self/mounts');
  assert.equal(readlink(fx, '/proc/self/exe'), '/bin/busybox');
  assert.equal(readlink(fx, '/proc/1/cwd'), '/');
  assert.equal(readlink(fx, '/proc/1/root'), '/');
  assert.equal(readlink(fx, '/proc/self/fd/0'), '/bin/busybox');
  assert.match(readlink(fx, '/proc/self/fd/1') as string, /^pipe:\[\d+\]$/);
  assert.deepEqual(names(fx, '/proc/self/fd'), ['0', '1', '2']);
  const mode = (p: string) => ((resolve(fx, p, false) as Path).dentry.inode as Inode).mode;
  assert.equal(mode('/proc/1/fd/0'), S_IFLNK | 0o500);
  assert.equal(mode('/proc/1/fd/1'), S_IFLNK | 0o300);
  assert.equal(mode('/proc/1/fd/2'), S_IFLNK | 0o700);
  assert.equal(mode('/proc/1/fd') & S_IFMT, 0o040000);
  // Following a magic link lands on the object itself.
  const p = resolve(fx, '/proc/self/exe') as Path;
  assert.equal(p.dentry.name, 'busybox');
  assert.equal(resolve(fx, '/proc/self/fd/9'), -ENOENT);
  fx.t.files.get(1)!.pos = 0;
  assert.equal(read(fx, '/proc/1/fdinfo/1'), `pos:\t0\nflags:\t02000001\nmnt_id:\t${fx.k.vfs.root.mnt.id}\nino:\t${fx.wr.inode.ino}\n`);
  fx.k.current = null;
  assert.equal(readlink(fx, '/proc/self'), -ENOENT);
});

test('the /proc listing, stable inode numbers and thread directories', () => {
  const fx = fixture();
  const th = new Task(3, fx.tg, fx.mm, fx.t.files, fx.t.fs, fx.t.sighand, fx.t.cred);
  th.comm = 'worker';
  th.sleep();
  fx.tg.tasks.push(th);
  fx.k.pids.attachTask(th);
  const top = names(fx, '/proc');
  for (const n of ['cpuinfo', 'meminfo', 'stat', 'uptime', 'version', 'self', 'thread-self', 'mounts', 'sys', '1']) assert.ok(top.includes(n), n);
  assert.ok(!top.includes('3'), 'threads are not listed');
  assert.deepEqual(names(fx, '/proc/1/task'), ['1', '3']);
  assert.ok(typeof resolve(fx, '/proc/3/status') !== 'number', 'but can be looked up');
  assert.match(read(fx, '/proc/1/task/3/stat'), /^3 \(worker\) S 0 1 1 0 -1 /);
  assert.match(read(fx, '/proc/1/status'), /\nThreads:\t2\n/);
  const ino = (p: string) => (resolve(fx, p, false) as Path).dentry.inode.ino;
  assert.equal(ino('/proc/1/status'), ino('/proc/1/status'));
  assert.notEqual(ino('/proc/1/status'), ino('/proc/1/task/1/status'));
  assert.equal(ino('/proc'), 1);
  const st = (resolve(fx, '/proc/1') as Path).dentry.inode;
  assert.ok(isDir(st.mode));
  assert.equal(st.mode & 0o7777, 0o555);
  assert.equal(st.size, 0);
  assert.equal((resolve(fx, '/proc/1/environ') as Path).dentry.inode.mode & 0o777, 0o400);
});

test('reads at offsets see one snapshot; reading from 0 again refreshes', () => {
  const fx = fixture();
  const f = open(fx, '/proc/uptime');
  const first = dec.decode(readAll(f));
  assert.equal(first, '5.00 2.00\n');
  const buf = new Uint8Array(3);
  assert.equal(f.ops.read!(f, buf, 2, noWait), 3);
  assert.equal(dec.decode(buf), '00 ');
  fx.k.clock.advanceTo(9_990_000_000);
  assert.equal(f.ops.read!(f, buf, 0, noWait), 3);
  assert.equal(dec.decode(buf), '9.9');
});

test('limits, loadavg, stat, cpuinfo, version, sysctl', () => {
  const fx = fixture();
  const lim = read(fx, '/proc/1/limits').split('\n');
  assert.equal(lim[0], 'Limit                     Soft Limit           Hard Limit           Units     ');
  assert.equal(lim[1], 'Max cpu time              unlimited            unlimited            seconds   ');
  assert.equal(lim[4], 'Max stack size            8388608              unlimited            bytes     ');
  assert.equal(lim[14], 'Max nice priority         0                    0                    ');
  assert.equal(lim.length, 18);
  assert.match(read(fx, '/proc/loadavg'), /^0\.00 0\.00 0\.00 1\/1 1\n$/);
  const st = read(fx, '/proc/stat').split('\n');
  assert.match(st[0], /^cpu {2}\d+( \d+){9}$/);
  assert.match(st[1], /^cpu0( \d+){10}$/);
  assert.equal(st[0].split(' ')[5], '200'); // idle ticks
  assert.match(st[2], /^intr 7( \d+){64}$/);
  assert.deepEqual(st.slice(3, 8), ['ctxt 42', 'btime 1700000000', 'processes 3', 'procs_running 1', 'procs_blocked 0']);
  assert.match(st[8], /^softirq 0( 0){10}$/);
  assert.equal(
    read(fx, '/proc/cpuinfo'),
    'processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc_zicntr_zicond_zicsr_zifencei_zihintntl_zihintpause_zihpm_zca_zcb_zcd_zba_zbb_zbs\n' +
      'mmu\t\t: sv39\nmvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\nhart isa\t: rv64imafdc_zicntr_zicond_zicsr_zifencei_zihintntl_zihintpause_zihpm_zca_zcb_zcd_zba_zbb_zbs\n\n',
  );
  assert.match(read(fx, '/proc/version'), /^Linux version 6\.12\.\S+ .*\n$/);
  assert.equal(read(fx, '/proc/cmdline'), 'console=ttyS0\n');
  assert.equal(read(fx, '/proc/sys/kernel/ostype'), 'Linux\n');
  assert.equal(read(fx, '/proc/sys/kernel/pid_max'), '32768\n');
  const h = open(fx, '/proc/sys/kernel/hostname', O_WRONLY);
  assert.equal(h.ops.write!(h, enc.encode('box\n'), 0, noWait), 4);
  assert.equal(fx.k.hostname, 'box');
  assert.equal(read(fx, '/proc/sys/kernel/hostname'), 'box\n');
  assert.match(read(fx, '/proc/filesystems'), /^nodev\tsysfs\n(.*\n)*\text4\n/);
});

test('mounts and mountinfo from the process root', () => {
  const fx = fixture();
  const m = read(fx, '/proc/self/mounts').split('\n');
  assert.equal(m[0], 'rootfs / rootfs rw 0 0');
  assert.equal(m[1], 'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0');
  const mi = read(fx, '/proc/1/mountinfo').split('\n');
  const [rootMnt, procMnt] = fx.k.vfs.mounts;
  assert.equal(mi[1], `${procMnt.id} ${rootMnt.id} 0:${procMnt.sb.dev} / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw`);
  // chrooted into /proc: only what is below the new root shows, relative to it.
  fx.t.fs.root = resolve(fx, '/proc') as Path;
  assert.equal(read(fx, '/1/mounts'), 'proc / proc rw,nosuid,nodev,noexec,relatime 0 0\n');
  fx.t.fs.root = fx.k.vfs.root;
});

test('comm is writable by the process itself', () => {
  const fx = fixture();
  const f = open(fx, '/proc/self/comm', O_WRONLY);
  const ops: FileOps = f.ops;
  assert.equal(ops.write!(f, enc.encode('renamed-process-with-long-name'), 0, noWait), 30);
  assert.equal(fx.t.comm, 'renamed-process');
  assert.match(read(fx, '/proc/1/stat'), /^1 \(renamed-process\) /);
});
