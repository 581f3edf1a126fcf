// The kernel: owns the simulated RAM, the hart, the task table and the file
// system tree, and runs the loop that executes user code and handles every
// trap (system calls, page faults, illegal instructions) in TypeScript.
import { FileLockRegistry } from './fs/locks.js';
import { FutexTable } from './futex/core.js';
import { PipeAccounting } from './fs/pipe.js';
import type { DeviceModel } from './device/core.js';
import type { Net } from './net/net_namespace.js';
import type { TtyLayer } from './drivers/tty/console.js';
import { KcmpIds } from './syscalls/kcmp.js';
import { runPosixCpuTimers } from './time/posix-cpu-timers.js';
import { PhysMem } from '../cpu/physmem.js';
import { Hart, Cause } from '../cpu/hart.js';
import { PageAllocator } from './mm/pagealloc.js';
import { PageCache } from './mm/filemap.js';
import { Mm, FAULT_OK, FAULT_SIGBUS } from './mm/mm.js';
import { SigHand } from './signal/signals.js';
import { Task, Cred } from './sched/task.js';
import { ThreadGroup } from './sched/threadgroup.js';
import { VirtualClock, TIMEBASE_HZ, CPU_HZ } from './time/clock.js';
import { TimerQueue } from './time/timers.js';
import { virtualTime, wallTime, type TimeSource } from './time/timesource.js';
import type { HostServices } from './host.js';
import { BLOCKED, NORETURN, type SyscallResult } from './syscalls/result.js';
import { SyscallArgs } from './syscalls/args.js';
import { invokeSyscall } from './syscalls/table.js';
import { Tracepoints } from './trace/tracepoint.js';
import { SIGBUS, SIGILL, SIGSEGV, SIGTRAP, SEGV_MAPERR, SEGV_ACCERR, ILL_ILLOPC, BUS_ADRALN, TRAP_BRKPT } from './signal/signals.js';
import { forceSignal, handleSignals, hasDeliverable, fatalSignalPending } from './signal/deliver.js';
import { doExit } from './sched/exit.js';
import { Vfs } from './fs/vfs.js';
import { KernelLog, consoleLevelFromCmdline } from './printk.js';
import { vdsoImage } from './exec/vdso-map.js';
import { rseqPreempt, rseqResume } from './sched/rseq.js';
import { LoadAvg } from './sched/loadavg.js';
import { pidMax } from './sysctl/kernel.js';
import { ptraceSyscallEntry, ptraceSyscallExit, ptraceSkipResult, SYSCALL_STOPPED, SYSCALL_SKIP } from './ptrace/ptrace.js';
import { Runqueue, RootDomain, fairFromCmdline } from './sched/core.js';
import { placeTask, loadBalance } from './sched/smp.js';
import { Workqueue } from './sched/workqueue.js';
import type { WaitQueue } from './sched/waitqueue.js';
import { DEQUEUE_SLEEP, ENQUEUE_INITIAL, ENQUEUE_WAKEUP } from './sched/sched_class.js';
import { SCHED_DEADLINE } from './sched/attrs.js';
import { SYSCALL_NS, COPY_NS_PER_BYTE, FAULT_NS, MAJOR_FAULT_NS } from './sched/cputime.js';
import { seededHost, SEED_EPOCH_MS } from './seed/host.js';
import { parseBootParams } from './boot/params.js';

export interface KernelOptions {
  memBytes: number;
  host: HostServices;
  cmdline?: string;
  hostname?: string;
  /** Number of harts (CPUs), 1 to 32; default 1. */
  cpus?: number;
  /** Boot mode: the initramfs image (gzip'd cpio newc) to unpack into the rootfs; init comes from it. */
  initrd?: Uint8Array;
  /**
   * Seed mode: a reproducible machine (seed/host.ts). Entropy comes from a
   * generator seeded with this, console input arrives at fixed virtual times,
   * and virtual time never waits for the wall clock.
   */
  seed?: number;
  /** Seed mode: realtime at boot, ms since the epoch (default SEED_EPOCH_MS). */
  epochMs?: number;
}

/** How the machine stopped, when it did not just lose init (`tuxglass run`). */
export type Shutdown = 'power_off' | 'halt' | 'restart' | 'panic';

/** The cost of switching to a kernel thread and back, beyond the work it reports (ns). */
const KTHREAD_RUN_NS = 500;

/** SMP: each CPU runs this much virtual time per turn (a cross-CPU wake-up waits at most this long). */
const SMP_QUANTUM_NS = 100_000;

/** Host event loop gets a turn at least this often (wall ms). */
const YIELD_MS = 15;

export class Kernel {
  readonly mem: PhysMem;
  readonly pages: PageAllocator;
  /** File pages in RAM (Linux's page cache): /proc/meminfo's Cached, Shmem, Dirty, Mapped. */
  readonly pageCache: PageCache;
  readonly hart: Hart;
  readonly clock: VirtualClock;
  /** Wall or virtual time (time/timesource.ts): what the clock must keep up with, and the budgets' unit. */
  readonly time: TimeSource;
  readonly timers = new TimerQueue();
  /** Every inode's file locks, for /proc/locks and deadlock detection (fs/locks.ts). */
  readonly fileLocks = new FileLockRegistry();
  /** The futex hash table (futex/core.ts). */
  readonly futexes = new FutexTable();
  /** sysctl values as Linux keeps them in globals, by name (sysctl/ctl_table.ts Knob). */
  readonly sysctlValues = new Map<string, unknown>();
  /** The IPC namespace's state of each kind: msg, sem, shm, mqueue (ipc/util.ts nsState). */
  readonly ipcNs = new Map<string, unknown>();
  /** The device model behind /sys (device/core.ts), made on first use. */
  devices: DeviceModel | null = null;
  /** init_net (net/net_namespace.ts), made on first use. */
  net: Net | null = null;
  /** The tty layer: serial console, devpts, ptys (drivers/tty/console.ts). */
  tty: TtyLayer | null = null;
  /** Open inotify instances, against fs.inotify.max_user_instances (fs/inotify.ts). */
  inotifyInstances = 0;
  /** Pipe pages charged per user, against fs.pipe-user-pages-* (fs/pipe.ts). */
  readonly pipeBook = new PipeAccounting();
  readonly trace = new Tracepoints();
  readonly host: HostServices;
  readonly vfs: Vfs;
  readonly log: KernelLog;
  readonly tasks = new Map<number, Task>();
  readonly groups = new Map<number, ThreadGroup>();
  readonly cmdline: string;
  hostname: string;
  domainname = '(none)';
  /** The run queue of each CPU. One hart engine runs them in turn, each on its own clock. */
  readonly runqueues: Runqueue[];
  /** The CPU whose turn it is (this_rq()). */
  private cpuNow: Runqueue;
  get rq(): Runqueue { return this.cpuNow; }
  /** The run queue a task is on, or was on last (task_rq). */
  rqOf(t: Task): Runqueue { return this.runqueues[t.cpu]; }
  /** SMP: the start of the current round of CPU turns. */
  private roundStart = 0;
  current: Task | null = null;
  /** Whose registers are live in the hart. */
  private onHart: Task | null = null;
  private hartMm: Mm | null = null;
  private nextPid = 1;
  init: Task | null = null;
  /** events_unbound (system_unbound_wq): deferred work such as pushing console input to its readers. */
  readonly unboundWq = new Workqueue('events_unbound');
  /** Set when the machine should stop: the init task's wait status. */
  halted: number | null = null;
  /** Why it stopped: reboot(2)'s command or a panic. */
  shutdown: Shutdown | null = null;
  /** Booted from an initramfs: init exiting is a panic, as on Linux. */
  bootedInitramfs = false;
  /** C_A_D: Ctrl-Alt-Del reboots at once (reboot(2) CAD_ON, the default) or signals init (CAD_OFF). */
  cadEnabled = true;
  /** modeSwitches: user->kernel entries (traps and timer interrupts). */
  stats = { syscalls: 0, enosys: 0, enosysByNr: new Map<number, number>(), forks: 0, interrupts: 0, pgfault: 0, pgmajfault: 0, modeSwitches: 0 };
  bootWallMs: number;
  /** Exited tasks not yet reaped (shown as Z in /proc). */
  readonly zombieTasks = new Map<number, Task>();
  readonly forkHooks: ((parent: Task, child: Task) => void)[] = [];
  readonly execHooks: ((t: Task) => void)[] = [];
  /** Run when the last thread of a process exits, before the parent hears of it (exit_sem, exit_shm). */
  readonly exitHooks: ((tg: import('./sched/threadgroup.js').ThreadGroup) => void)[] = [];
  /** Run when a sleeping syscall is interrupted by a signal (nanosleep's remaining time). */
  readonly onInterrupt = new Map<Task, () => number | void>();
  /** The order kcmp(2) gives kernel objects (syscalls/kcmp.ts). */
  readonly kcmpIds = new KcmpIds();
  onSetsid: ((t: Task) => void) | null = null;
  /** The 1, 5 and 15 minute load averages (calc_global_load every 5 s). */
  readonly load = new LoadAvg();
  get loadavg(): [number, number, number] { return this.load.averages(); }
  consoleOps: import('./fs/file.js').FileOps[] | null = null;

  /** Seed mode: nothing the guest sees depends on the host's time (see seed/). */
  readonly seeded: boolean;

  constructor(readonly opts: KernelOptions) {
    this.seeded = opts.seed !== undefined;
    this.host = opts.host;
    this.cmdline = opts.cmdline ?? 'console=ttyS0';
    this.hostname = opts.hostname ?? '(none)';
    // mem= caps the RAM the kernel uses.
    const memCap = parseBootParams(this.cmdline).mem;
    this.mem = new PhysMem(memCap ? Math.min(opts.memBytes, Math.max(16 << 20, Math.floor(memCap / 4096) * 4096)) : opts.memBytes);
    this.pages = new PageAllocator(this.mem);
    this.pageCache = new PageCache(this.pages);
    this.hart = new Hart(this.mem, 0);
    const bootMs = this.seeded ? (opts.epochMs ?? SEED_EPOCH_MS) : this.host.wallClockMs();
    this.time = this.seeded ? virtualTime() : wallTime(() => opts.host.monotonicMs());
    this.clock = new VirtualClock(Math.round(bootMs * 1e6), () => this.hart.instret);
    if (opts.seed !== undefined) {
      this.host = seededHost(opts.host, opts.seed, bootMs, {
        now: () => this.clock.monotonic(), timers: this.timers, idle: () => !this.anyRunnable(),
        onIdle: (fn) => this.idleHooks.push(fn), stall: (p) => this.waitForHost(p), kick: () => this.kickIdle(),
      });
    }
    this.hart.timeSource = () => Math.floor(this.clock.monotonic() / (CPU_HZ / TIMEBASE_HZ));
    this.bootWallMs = this.host.monotonicMs();
    this.log = new KernelLog(() => this.clock.monotonic());
    this.log.consoleLevel = consoleLevelFromCmdline(this.cmdline);
    this.vfs = new Vfs(this);
    const ncpus = Math.max(1, Math.min(32, Math.floor(opts.cpus ?? 1)));
    const rd = new RootDomain(), fair = fairFromCmdline(this.cmdline);
    this.runqueues = Array.from({ length: ncpus }, (_, cpu) => new Runqueue(this, cpu, fair, rd));
    for (const rq of this.runqueues) rq.cpus = ncpus;
    this.cpuNow = this.runqueues[0];
  }

  /** The TLB hook the address spaces call after changing page tables. */
  readonly tlb = { flush: (mm: Mm) => { if (this.hartMm === mm) this.hart.flushTlb(); } };

  allocPid(): number {
    let pid = this.nextPid;
    // alloc_pid: past kernel.pid_max numbering wraps to RESERVED_PIDS (300).
    const max = pidMax.get(this);
    const taken = (p: number) => this.tasks.has(p) || this.groups.has(p);
    for (let tries = 0; taken(pid) || pid >= max; tries++) {
      pid = pid >= max ? 300 : pid + 1;
      // Every number below pid_max in use (fork would fail with EAGAIN): go past it rather than loop.
      if (tries > max) { pid = max; while (taken(pid)) pid++; break; }
    }
    this.nextPid = pid + 1;
    return pid;
  }

  /** Create PID 1 with an empty address space; execve fills it. */
  createInit(): Task {
    const pid = this.allocPid();
    const tg = new ThreadGroup(pid);
    const mm = Mm.create(this.pages, this.tlb)!;
    const t = new Task(pid, tg, mm, this.vfs.newFdTable(), this.vfs.newFsStruct(), new SigHand(), new Cred());
    t.comm = 'swapper';
    tg.tasks.push(t);
    this.tasks.set(pid, t);
    this.groups.set(pid, tg);
    this.init = t;
    t.startTime = this.clock.monotonic();
    this.makeRunnable(t);
    return t;
  }

  /** wake_up_new_task: a new task joins the run queue. */
  makeRunnable(t: Task): void {
    t.onWake = (w) => this.enqueue(w, ENQUEUE_WAKEUP);
    this.enqueue(t, ENQUEUE_INITIAL);
  }

  /** A new task that starts asleep on q (a kernel thread waiting for work): it joins a run queue when woken. */
  makeSleeping(t: Task, q: WaitQueue, state: 'S' | 'I'): void {
    t.onWake = (w) => this.enqueue(w, ENQUEUE_WAKEUP);
    t.sleepOn(q, state);
  }

  enqueue(t: Task, flags = ENQUEUE_WAKEUP): void {
    if (t.state === 'R' && !t.se.onRq) {
      const rq = placeTask(this, t, flags);
      const now = this.clock.monotonic();
      // An idle CPU woken from another one idles until the wake-up (its clock may be behind).
      const remote = rq !== this.cpuNow, wasIdle = rq.nrRunning === 0, resched = rq.needResched;
      if (remote && wasIdle) rq.wakeAt = Math.max(rq.wakeAt, now);
      rq.enqueue(t, flags);
      // Another CPU must reschedule: it is sent an IPI (smp_send_reschedule).
      if (remote && rq.needResched && !resched) rq.irqs.resched++;
      if (t !== rq.curr) t.queuedAt = now;
    }
    this.wakeIdle?.();
  }

  dequeue(t: Task): void {
    const rq = this.rqOf(t);
    if (t.se.onRq) {
      if (t === rq.curr) rq.account(t, 0);
      rq.dequeue(t, DEQUEUE_SLEEP);
    }
    // task_dead_dl: a dead deadline task's bandwidth is free again.
    if ((t.state === 'Z' || t.state === 'X') && t.policy === SCHED_DEADLINE && t.se.dlBw) rq.dl.releaseBw(t);
  }

  /** Wake the idle loop (a timer or the host made work). */
  kickIdle(): void { this.wakeIdle?.(); }

  /** Kernel work done for t in virtual time: stime, and the clock moves on. */
  chargeSystem(t: Task, ns: number): void {
    t.stime += ns;
    this.clock.chargeSystem(ns);
    this.cpuNow.cpustat.system += ns;
    this.rqOf(t).account(t, ns);
  }

  /** The CPU whose turn it is idles until ns. */
  private idleTo(ns: number): void {
    this.cpuNow.cpustat.idle += this.clock.advanceTo(ns);
  }

  private wakeIdle: (() => void) | null = null;

  /** Switch the hart to task t (registers and address space). */
  private switchTo(t: Task): void {
    if (this.onHart === t) return;
    if (this.onHart) {
      rseqPreempt(this.onHart);
      this.onHart.ctx.saveFrom(this.hart);
    }
    t.ctx.loadInto(this.hart);
    this.hart.clearReservation();
    if (this.hartMm !== t.mm) {
      this.hart.setPageTable(t.mm.root);
      this.hartMm = t.mm;
    }
    this.onHart = t;
  }

  /**
   * Registers of a task as the kernel sees them: the hart's while the task is
   * on it, its saved context otherwise. Call `syncRegs` before reading ctx.
   */
  syncRegs(t: Task): void {
    if (this.onHart === t) t.ctx.saveFrom(this.hart);
  }
  /** After editing t.ctx, push it back to the hart if t is live there. */
  reloadRegs(t: Task): void {
    if (this.onHart === t) t.ctx.loadInto(this.hart);
  }
  /** Drop a task's hart binding (exit): its context is not saved again. */
  detach(t: Task): void {
    if (this.onHart === t) this.onHart = null;
  }
  /** An address space is going away: never leave it installed in the hart. */
  dropMm(mm: Mm): void {
    if (this.hartMm === mm) { this.hartMm = null; this.hart.setPageTable(-1); }
  }

  /** Install a task's (new) address space in the hart if it is running. */
  switchMm(t: Task): void {
    if (this.onHart === t) { this.hart.setPageTable(t.mm.root); this.hartMm = t.mm; }
  }

  /** sched_yield: the task's class moves it back; the scheduler picks again. */
  yieldTask(t: Task): void {
    this.rqOf(t).yieldTask(t);
  }

  /** Address of the vDSO's rt_sigreturn trampoline in t's address space. */
  vdsoSigreturn(t: Task): number { return t.mm.vdso + (vdsoImage().symbols['__vdso_rt_sigreturn'] ?? 0); }

  /** The main loop; resolves with init's wait status when the machine stops. */
  async run(): Promise<number> {
    if (this.runqueues.length > 1) return this.runSmp();
    const rq = this.cpuNow;
    let lastYield = this.host.monotonicMs();
    while (this.halted === null) {
      if (this.hostWait) { await this.hostWait; lastYield = this.host.monotonicMs(); continue; }
      // Nothing picked but something runnable (say, every task throttled) is no idle: it still passes the yield check below.
      if (!this.step(rq, Infinity) && this.goingIdle()) {
        await this.idle();
        lastYield = this.host.monotonicMs();
        continue;
      }
      const wall = this.hostNow();
      if (wall - lastYield > YIELD_MS) {
        await this.host.yield();
        this.time.pause();
        lastYield = this.host.monotonicMs();
      }
    }
    return this.halted;
  }

  /**
   * SMP: rounds of SMP_QUANTUM_NS of virtual time; in each, every CPU in
   * turn runs its tasks on its own clock up to the round's end (or idles to
   * it). A CPU with nothing to do first tries to pull work from a busier one.
   * When no CPU had anything to run, the machine idles as one does.
   */
  private async runSmp(): Promise<number> {
    let lastYield = this.host.monotonicMs();
    while (this.halted === null) {
      const end = this.roundStart + SMP_QUANTUM_NS;
      let busy = false;
      for (const rq of this.runqueues) {
        this.enterCpu(rq);
        // Woken while idle by a CPU further ahead in time: it was idle until then.
        if (rq.curr === null && rq.wakeAt > rq.localNs) this.idleTo(rq.wakeAt);
        rq.wakeAt = 0;
        while (this.halted === null) {
          const now = this.clock.monotonic();
          if (now >= end) break;
          if (this.hostWait) { await this.hostWait; lastYield = this.host.monotonicMs(); continue; }
          if (this.step(rq, end)) { busy = true; } else if (!loadBalance(this, rq)) {
            // Idle to the round's end, or to a timer before it (which may wake something here).
            this.idleTo(Math.min(end, Math.max(this.timers.next(), now + 1)));
          }
          const wall = this.hostNow();
          if (wall - lastYield > YIELD_MS) {
            await this.host.yield();
            this.time.pause();
            lastYield = this.host.monotonicMs();
          }
        }
        rq.localNs = this.clock.monotonic();
      }
      // Wall mode: the CPUs' clocks kept up with the host; the next round starts no earlier than the host's time.
      this.roundStart = this.time.mode === 'wall' ? Math.max(end, this.time.floorNs()) : end;
      if (!busy && this.halted === null && !this.anyRunnable()) {
        // Every CPU idled the whole round: sleep to the next timer (or input) on CPU 0's clock, then bring all CPUs there.
        this.enterCpu(this.runqueues[0]);
        if (!this.goingIdle()) { this.runqueues[0].localNs = this.clock.monotonic(); continue; }
        await this.idle();
        lastYield = this.host.monotonicMs();
        const now = this.clock.monotonic();
        this.runqueues[0].localNs = now;
        for (const rq of this.runqueues) if (rq.localNs < now) { rq.cpustat.idle += now - rq.localNs; this.clock.idleNs += now - rq.localNs; rq.localNs = now; }
        this.roundStart = Math.max(this.roundStart, now);
      }
    }
    return this.halted;
  }

  /** A CPU's clock: the running one's is the clock; the others stopped where their turn ended. */
  cpuClock(rq: Runqueue): number { return rq === this.cpuNow ? this.clock.monotonic() : rq.localNs; }

  private anyRunnable(): boolean { return this.runqueues.some((rq) => rq.nrRunning > 0); }

  /** Run before the machine idles (seed mode's input schedule); they may make work. */
  private readonly idleHooks: (() => void)[] = [];
  /** Seed mode: virtual time stands still until the host gives what the guest is owed. */
  private hostWait: Promise<void> | null = null;

  private waitForHost(p: Promise<void>): void {
    const w: Promise<void> = p.then(() => { if (this.hostWait === w) this.hostWait = null; });
    this.hostWait = w;
  }

  /** Nothing to run: true if the machine really idles now (the idle hooks made no work and nobody waits for the host). */
  private goingIdle(): boolean {
    for (const fn of this.idleHooks) fn();
    return this.hostWait === null && !this.anyRunnable() && this.halted === null;
  }

  /** Make rq the CPU whose turn it is: the clock reads its time. */
  private enterCpu(rq: Runqueue): void {
    this.cpuNow = rq;
    this.clock.switchTo(rq.localNs);
  }

  /**
   * One scheduling step on rq: expire timers, pick a task, run it to the
   * next tick, timer or `end`, and handle the trap it stopped on. False when
   * the CPU had nothing to run.
   */
  private step(rq: Runqueue, end: number): boolean {
    let now = this.clock.monotonic();
    // Before timers wake anyone: periods slept through count the machine as it was, idle.
    if (now >= this.load.next) this.load.sample(this, now);
    this.timers.expire(now);
    // A timer made the machine wait for the host (seed mode's input): nothing runs on meanwhile.
    if (this.hostWait) return true;
    let t = rq.curr;
    if (!t || rq.needResched || !t.se.onRq) {
      const prev = t;
      t = rq.schedule();
      if (prev && prev !== t && prev.se.onRq) prev.queuedAt = now;
      if (t && t.queuedAt >= 0) { t.runDelay += now - t.queuedAt; t.queuedAt = -1; t.pcount++; }
    }
    if (!t) {
      this.current = null;
      return false;
    }
    // A task that last ran on a CPU further ahead in time cannot start before it stopped.
    if (t.execStart > now) { this.idleTo(t.execStart); now = this.clock.monotonic(); }
    this.current = t;
    if (t.kthread) {
      // A kernel thread: its body runs here, with the hart and its address space left as they are.
      this.chargeSystem(t, KTHREAD_RUN_NS + t.kthread(t));
      t.execStart = this.clock.monotonic();
      if (t.state !== 'R') this.dequeue(t);
      return true;
    }
    this.switchTo(t);
    if (t.rseqPending) rseqResume(this, t);
    const mm = t.mm, minor0 = mm.faults.minor, major0 = mm.faults.major;
    if (hasDeliverable(t)) {
      handleSignals(this, t);
      if (t.state !== 'R') { this.dequeue(t); return true; }
    }
    // Run to the next tick or timer, whichever is first (the timer interrupt ends the budget).
    if (rq.nextTick <= now) rq.nextTick = (Math.floor(now / rq.tickNs) + 1) * rq.tickNs;
    let budget = Math.max(1, Math.min(rq.nextTick, this.timers.next(), end) - now);
    // A deadline task stops exactly when its runtime is used up (as with HRTICK_DL).
    if (t.policy === SCHED_DEADLINE && t.se.runtime > 0 && t.se.runtime < budget) budget = Math.ceil(t.se.runtime);
    const before = this.hart.instret;
    const cause = this.hart.run(this.time.insnsFor(budget));
    const ran = this.hart.instret - before;
    t.utime += ran;
    if (t.nice > 0) rq.cpustat.nice += ran; else rq.cpustat.user += ran;
    rq.account(t, ran);
    if (cause >= 0) {
      this.stats.modeSwitches++;
      this.trap(t, cause);
    }
    // Faults taken by the hart or by syscalls copying user memory count for the task.
    if (t.mm === mm) {
      const minor = mm.faults.minor - minor0, major = mm.faults.major - major0;
      if (minor + major) {
        t.minFlt += minor; t.majFlt += major;
        this.stats.pgfault += minor + major; this.stats.pgmajfault += major;
        this.chargeSystem(t, minor * FAULT_NS + major * MAJOR_FAULT_NS);
      }
    }
    if (this.time.mode === 'wall') this.keepUp(rq, t, now, ran);
    t.execStart = this.clock.monotonic();
    if (t.execStart >= rq.nextTick) {
      // The timer interrupt: scheduler_tick for whoever holds the CPU, and (SMP) periodic balancing.
      this.stats.interrupts++;
      rq.irqs.timer++;
      this.stats.modeSwitches++;
      rq.nextTick = (Math.floor(t.execStart / rq.tickNs) + 1) * rq.tickNs;
      rq.tick();
      runPosixCpuTimers(this, t);
      if (this.runqueues.length > 1) loadBalance(this, rq);
    }
    if (t.state !== 'R') this.dequeue(t);
    return true;
  }

  /** Host time (ms) after the last step: the one keepUp read, else read now. */
  private hostNow(): number {
    const ms = this.keptUpAt;
    this.keptUpAt = -1;
    return ms >= 0 ? ms : this.host.monotonicMs();
  }
  private keptUpAt = -1;

  /**
   * Wall mode, after a step: the clock moves up to the host's time. The step
   * ran on the CPU for all of that host time, so it is t's, split between
   * user and system as the step's own instructions and modelled kernel work
   * were (docs/time.md).
   */
  private keepUp(rq: Runqueue, t: Task, from: number, ran: number): void {
    const floor = this.time.floorNs();
    this.keptUpAt = this.time.lastHostMs;
    this.time.observe(ran);
    const now = this.clock.monotonic();
    const gap = floor - now;
    if (gap <= 0) return;
    const stepNs = now - from;
    const user = stepNs > 0 ? Math.round(gap * Math.min(1, ran / stepNs)) : gap;
    if (user > 0) {
      t.utime += user;
      if (t.nice > 0) rq.cpustat.nice += user; else rq.cpustat.user += user;
      rq.account(t, user);
      this.clock.keepUp(user);
    }
    if (gap > user) this.chargeSystem(t, gap - user);
  }

  /** Nothing to run: jump to the next timer, holding virtual time to wall time (seed mode: not). */
  private async idle(): Promise<void> {
    // Wall mode: the time since the last step was idle; then wait for the timer by the host's clock.
    if (this.time.mode === 'wall') { this.idleTo(this.time.floorNs()); this.time.pause(); }
    const next = this.timers.next();
    const now = this.clock.monotonic();
    if (next !== Infinity) {
      this.stats.interrupts++; // the timer that ends the idle period
      this.cpuNow.irqs.timer++;
      if (this.seeded) { this.idleTo(next); return; }
      const waitMs = (next - now) / 1e6;
      if (waitMs > 0.5) {
        await new Promise<void>((resolve) => {
          this.wakeIdle = resolve;
          this.host.sleep(waitMs).then(resolve);
        });
        this.wakeIdle = null;
        // Woken early (input) or late (a busy host): the clock reads the host's time, in whole ns.
        this.idleTo(Math.min(next, this.time.floorNs()));
        if (!this.anyRunnable()) this.idleTo(next); // nothing woke meanwhile
      } else this.idleTo(next);
      return;
    }
    // Nothing runnable and no timer: only the host (input) can wake us. A
    // periodic host sleep keeps the host alive meanwhile, so a guest whose
    // tasks all wait forever hangs as it would on Linux instead of ending.
    let woken = false;
    const wake = new Promise<void>((resolve) => { this.wakeIdle = () => { woken = true; resolve(); }; });
    while (!woken) await Promise.race([wake, this.host.sleep(1000)]);
    this.wakeIdle = null;
    if (this.time.mode === 'wall') this.idleTo(this.time.floorNs());
  }

  /** A trap left the hart: dispatch it. */
  private trap(t: Task, cause: number): void {
    const h = this.hart;
    switch (cause) {
      case Cause.EcallU:
        this.syscall(t);
        break;
      case Cause.LoadPageFault: case Cause.StorePageFault: case Cause.InsnPageFault: {
        const access = cause === Cause.StorePageFault ? 'w' : cause === Cause.LoadPageFault ? 'r' : 'x';
        const addr = h.tval;
        const r = t.mm.fault(addr, access);
        if (r === FAULT_SIGBUS) forceSignal(this, t, { signo: SIGBUS, code: 2 /* BUS_ADRERR */, addr });
        else if (r !== FAULT_OK) forceSignal(this, t, { signo: SIGSEGV, code: r === 1 ? SEGV_MAPERR : SEGV_ACCERR, addr });
        break;
      }
      case Cause.LoadAccess: case Cause.StoreAccess: case Cause.InsnAccess:
        forceSignal(this, t, { signo: SIGSEGV, code: SEGV_ACCERR, addr: h.tval });
        break;
      case Cause.Illegal:
        forceSignal(this, t, { signo: SIGILL, code: ILL_ILLOPC, addr: h.pc });
        break;
      case Cause.Breakpoint:
        forceSignal(this, t, { signo: SIGTRAP, code: TRAP_BRKPT, addr: h.pc });
        break;
      case Cause.LoadMisaligned: case Cause.StoreMisaligned: case Cause.InsnMisaligned:
        forceSignal(this, t, { signo: SIGBUS, code: BUS_ADRALN, addr: h.tval });
        break;
      default:
        forceSignal(this, t, { signo: SIGSEGV, code: SEGV_MAPERR, addr: h.tval });
    }
    if (t.state === 'R' && hasDeliverable(t)) handleSignals(this, t);
  }

  /** The arguments of the syscall being dispatched: read from a7 and a0-a5 once per ecall. */
  readonly sysArgs = new SyscallArgs();

  /** ecall from user mode: a7 is the number, a0-a5 the arguments. */
  private syscall(t: Task): void {
    const h = this.hart;
    const a = this.sysArgs;
    a.load(h.xl, h.xh);
    const nr = a.nr;
    const restarting = t.sys !== null && t.sys.nr === nr;
    let skip = false;
    // A tracer attached during a sleeping call sees it begin again when it restarts.
    if (t.ptrace && (!restarting || t.ptrace.entryDone || t.ptrace.resyscall)) {
      t.ptrace.resyscall = false;
      if (!restarting) t.sys = null;
      const e = ptraceSyscallEntry(this, t);
      if (e === SYSCALL_STOPPED) return;
      skip = e === SYSCALL_SKIP;
    }
    if (!restarting) {
      t.sys = null;
      this.stats.syscalls++;
      if (this.trace.sysEnter.length) this.trace.fireEnter(t, nr, a);
    }
    let ret: SyscallResult;
    const io0 = t.ioac.rchar + t.ioac.wchar;
    if (skip) ret = ptraceSkipResult(t);
    else ret = invokeSyscall(this, t, a);
    // The kernel work, charged in virtual time (see sched/cputime.ts).
    const copied = t.ioac.rchar + t.ioac.wchar - io0;
    this.chargeSystem(t, SYSCALL_NS + Math.floor(copied * COPY_NS_PER_BYTE));
    if (ret === BLOCKED) {
      if (!t.sys) t.sys = { kind: 'wait', nr, restart: 'sys' };
      // A signal already waiting interrupts the sleep at once (signal_pending in Linux's wait loops).
      if (t.state === 'S' ? hasDeliverable(t) : t.state === 'D' && fatalSignalPending(t)) t.wake();
      if (t.ptrace?.queued.length) ptraceSyscallExit(this, t, false);
      return;
    }
    if (ret === NORETURN) {
      t.sys = null;
      // execve and rt_sigreturn return into the new register state: a0 is their result.
      if (this.trace.sysExit.length && t.state !== 'Z' && t.state !== 'X') {
        this.syncRegs(t);
        this.trace.fireExit(t, nr, t.ctx.get(10));
      }
      if (t.ptrace && t.state === 'R') ptraceSyscallExit(this, t, true);
      return;
    }
    t.sys = null;
    if (this.onInterrupt.size) this.onInterrupt.delete(t);
    if (this.onHart === t) {
      h.xl[10] = ret | 0;
      h.xh[10] = Math.floor(ret / 4294967296) | 0;
      h.pc += 4;
    } else {
      t.ctx.set(10, ret);
      t.ctx.pc += 4;
    }
    if (this.trace.sysExit.length) this.trace.fireExit(t, nr, ret);
    if (t.ptrace && t.state === 'R') ptraceSyscallExit(this, t, true);
  }

  /** The machine stops (init exited or reboot). */
  halt(status: number): void {
    if (this.halted === null) this.halted = status;
    this.wakeIdle?.();
  }

  exitTask(t: Task, code: number, group: boolean): void { doExit(this, t, code, group); }
}
