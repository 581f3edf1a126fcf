// The kernel: a value the machine (src/machine) boots. It takes the board's
// RAM and hart engine, owns the task table and the file system tree, and
// runs the loop that executes user code and handles every trap (system
// calls, page faults, illegal instructions) and interrupt in TypeScript.
import type { AcctState } from './acct.js';
import { FileLockRegistry } from './fs/locks.js';
import { FutexTable } from './futex/core.js';
import { PipeAccounting } from './fs/pipe.js';
import type { DeviceModel } from './device/core.js';
import type { Net } from './net/net_namespace.js';
import type { TtyLayer } from './drivers/tty/console.js';
import { KcmpIds } from './syscalls/kcmp.js';
import type { PhysMem } from '../cpu/physmem.js';
import type { Hart } from '../cpu/hart.js';
import { Machine } from '../machine/machine.js';
import { VIRT_PLIC } from '../machine/memmap.js';
import { RAM_BASE } from '../cpu/physmem.js';
import type { IpcNamespace } from './ipc/namespace.js';
import { IOMEM_END, IO_SPACE_LIMIT, ResourceTree, platformResourceName } from './resource.js';
import { IrqTable } from './irq/irqdesc.js';
import { PlicDriver } from './drivers/irqchip/irq-sifive-plic.js';
import { ioremap } from './lib/iomem.js';
import { outOfMemory } from './mm/oom_kill.js';
import { commitAccounting } from './mm/overcommit.js';
import { PageAllocator } from './mm/pagealloc.js';
import { SwapState } from './mm/swapfile.js';
import { shrinkAnon } from './mm/vmscan.js';
import { PageCache } from './mm/filemap.js';
import { Mm } from './mm/mm.js';
import { SigHand } from './signal/signals.js';
import { Task, Cred } from './sched/task.js';
import { ThreadGroup } from './sched/threadgroup.js';
import { PidTable } from './pid.js';
import { VirtualClock, TIMEBASE_HZ, CPU_HZ } from './time/clock.js';
import { TimerQueue } from './time/timers.js';
import { Timekeeping } from './time/timekeeping.js';
import { BlockLayer } from './block/genhd.js';
import type { DiskConfig } from '../machine/disk.js';
import { virtualTime, wallTime, type TimeSource } from './time/timesource.js';
import type { HostServices } from './host.js';
import { SyscallArgs } from './syscalls/args.js';
import { Tracepoints } from './trace/tracepoint.js';
import { doExit } from './sched/exit.js';
import { Vfs } from './fs/vfs.js';
import { KernelLog, consoleLevelFromCmdline, KERN_NOTICE } from './printk.js';
import { vdsoImage } from './exec/vdso-map.js';
import { rseqPreempt } from './sched/rseq.js';
import { LoadAvg } from './sched/loadavg.js';
import { pidMax } from './sysctl/kernel.js';
import { Runqueue, RootDomain, fairFromCmdline } from './sched/core.js';
import { placeTask } from './sched/smp.js';
import { Workqueue } from './sched/workqueue.js';
import type { WaitQueue } from './sched/waitqueue.js';
import { DEQUEUE_SLEEP, ENQUEUE_INITIAL, ENQUEUE_WAKEUP } from './sched/sched_class.js';
import { SCHED_DEADLINE } from './sched/attrs.js';
import { seededHost, SEED_EPOCH_MS } from './seed/host.js';
import { parseBootParams } from './boot/params.js';
import { RunLoop } from './sched/run.js';

export interface KernelOptions {
  memBytes: number;
  host: HostServices;
  /** The board to boot on; by default one is built from memBytes, cpus and host. */
  machine?: Machine;
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
  /** Disks on the board (tuxglass --disk), in the order given: each becomes sda.../vda... */
  disks?: DiskConfig[];
}

/** How the machine stopped, when it did not just lose init (`tuxglass run`). */
export type Shutdown = 'power_off' | 'halt' | 'restart' | 'panic';

export class Kernel {
  /** The board this kernel runs on: RAM, the hart engine, the bus and its devices. */
  readonly machine: Machine;
  readonly mem: PhysMem;
  readonly pages: PageAllocator;
  /** The swap areas swapon made active (mm/swapfile.ts). */
  readonly swap = new SwapState();
  /** File pages in RAM (Linux's page cache): /proc/meminfo's Cached, Shmem, Dirty, Mapped. */
  readonly pageCache: PageCache;
  readonly hart: Hart;
  readonly clock: VirtualClock;
  /** Wall or virtual time (time/timesource.ts): what the clock must keep up with, and the budgets' unit. */
  readonly time: TimeSource;
  readonly timers = new TimerQueue();
  /** The wall clock as the guest sets it (settimeofday, adjtimex): an offset over `clock`, and the NTP state. */
  readonly timekeeping: Timekeeping;
  /** Every inode's file locks, for /proc/locks and deadlock detection (fs/locks.ts). */
  readonly fileLocks = new FileLockRegistry();
  /** BSD process accounting's file (acct.ts). */
  readonly acct: AcctState = { file: null };
  /** The futex hash table (futex/core.ts). */
  readonly futexes = new FutexTable();
  /** sysctl values as Linux keeps them in globals, by name (sysctl/ctl_table.ts Knob). */
  readonly sysctlValues = new Map<string, unknown>();
  /** The IPC namespace's state of each kind: msg, sem, shm, mqueue (ipc/util.ts nsState). */
  readonly ipcNs: IpcNamespace = {};
  /** The device model behind /sys (device/core.ts), made on first use. */
  devices: DeviceModel | null = null;
  /** The disks and their partitions (block/genhd.ts). */
  readonly block = new BlockLayer();
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
  /** Interrupt descriptors (/proc/interrupts) and the PLIC driver that feeds them. */
  readonly irqs: IrqTable;
  readonly plic: PlicDriver;
  /** /proc/iomem's tree (resource.ts): RAM, and the registers drivers claimed. */
  readonly iomem = new ResourceTree(IOMEM_END);
  /** /proc/ioports's: empty on this board. */
  readonly ioports = new ResourceTree(IO_SPACE_LIMIT);
  readonly vfs: Vfs;
  readonly log: KernelLog;
  /** Which task and thread group each PID names (pid.ts). */
  readonly pids = new PidTable();
  readonly cmdline: string;
  hostname: string;
  domainname = '(none)';
  /** The run queue of each CPU. One hart engine runs them in turn, each on its own clock. */
  readonly runqueues: Runqueue[];
  /** The CPU whose turn it is (this_rq()). */
  /** The CPU whose turn it is (the run loop moves it, sched/run.ts). */
  cpuNow: Runqueue;
  get rq(): Runqueue {
    return this.cpuNow;
  }
  /** The run queue a task is on, or was on last (task_rq). */
  rqOf(t: Task): Runqueue {
    return this.runqueues[t.cpu];
  }
  current: Task | null = null;
  /** Whose registers are live in the hart. */
  onHart: Task | null = null;
  private hartMm: Mm | null = null;
  init: Task | null = null;
  /** events_unbound (system_unbound_wq): deferred work such as pushing console input to its readers. */
  readonly unboundWq = new Workqueue('events_unbound');
  /** Set when the machine should stop: the init task's wait status. */
  halted: number | null = null;
  /** Why it stopped: reboot(2)'s command or a panic. */
  shutdown: Shutdown | null = null;
  /** Booted as Linux boots (an initramfs, or root= on a disk): init exiting is a panic, as on Linux. */
  booted = false;
  /** Booted with an initramfs unpacked into the rootfs. */
  bootedInitramfs = false;
  /** C_A_D: Ctrl-Alt-Del reboots at once (reboot(2) CAD_ON, the default) or signals init (CAD_OFF). */
  cadEnabled = true;
  /** modeSwitches: user->kernel entries (traps and timer interrupts). */
  stats = { syscalls: 0, enosys: 0, enosysByNr: new Map<number, number>(), forks: 0, interrupts: 0, pgfault: 0, pgmajfault: 0, modeSwitches: 0 };
  bootWallMs: number;
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
  get loadavg(): [number, number, number] {
    return this.load.averages();
  }
  consoleOps: import('./fs/file.js').FileOps[] | null = null;

  /** Seed mode: nothing the guest sees depends on the host's time (see seed/). */
  readonly seeded: boolean;

  /** The host watchdog's words (HostServices.watch), if it has one: sched/run.ts and entry.ts keep them current. */
  readonly watch: Int32Array | null;

  constructor(readonly opts: KernelOptions) {
    this.seeded = opts.seed !== undefined;
    this.host = opts.host;
    this.watch = opts.host.watch ?? null;
    this.cmdline = opts.cmdline ?? 'console=ttyS0';
    this.hostname = opts.hostname ?? '(none)';
    // mem= caps the RAM the kernel uses.
    const memCap = parseBootParams(this.cmdline).mem;
    this.machine =
      opts.machine ??
      new Machine({
        memBytes: memCap ? Math.min(opts.memBytes, Math.max(16 << 20, Math.floor(memCap / 4096) * 4096)) : opts.memBytes,
        cpus: opts.cpus,
        backends: { console: opts.host.console, clock: opts.host, entropy: opts.host },
        disks: opts.disks,
      });
    this.mem = this.machine.ram;
    // Sparse RAM: the machine may back less than it has (machine.ts); the allocator counts it all.
    this.pages = new PageAllocator(this.mem, 0, Math.floor(this.machine.ramBytes / 4096));
    this.pageCache = new PageCache(this.pages);
    // The min watermark (init_per_zone_wmark_min: sqrt(RAM in kB * 16)) is the OOM victims' reserve; below it, the OOM killer.
    this.pages.reserve = Math.floor(Math.min(262144, Math.max(128, Math.floor(Math.sqrt(this.pages.total * 4 * 16)))) / 4);
    this.pages.outOfMemory = (gfp) => outOfMemory(this, gfp);
    this.pages.swap = this.swap;
    this.pages.reclaimAnon = (n) => shrinkAnon(this, n);
    this.pages.commit = commitAccounting(this);
    this.hart = this.machine.harts[0];
    // The realtime clock starts from the RTC (rtc_hctosys); seed mode starts it at its fixed epoch.
    const bootMs = this.seeded ? (opts.epochMs ?? SEED_EPOCH_MS) : this.machine.rtc.time / 1e6;
    this.time = this.seeded ? virtualTime() : wallTime(() => opts.host.monotonicMs());
    this.clock = new VirtualClock(Math.round(bootMs * 1e6), () => this.hart.instret);
    if (opts.seed !== undefined) {
      this.host = seededHost(opts.host, opts.seed, bootMs, {
        now: () => this.clock.monotonic(),
        timers: this.timers,
        idle: () => !this.loop.anyRunnable(),
        onIdle: (fn) => this.loop.idleHooks.push(fn),
        stall: (p) => this.loop.waitForHost(p),
        kick: () => this.kickIdle(),
      });
    }
    this.hart.timeSource = () => Math.floor(this.clock.monotonic() / (CPU_HZ / TIMEBASE_HZ));
    // The board's time base is the one the harts' time CSR reads; seed mode's backends replace the host's.
    const m = this.machine;
    m.clint.timeSource = this.hart.timeSource;
    m.connect({ console: this.host.console, clock: this.host, entropy: this.host });
    // An interrupt raised while the machine idles ends the idle period (as WFI ends).
    for (const hi of m.hartIrqs) hi.onRaise = () => this.kickIdle();
    // The power controller stops the board: the run loop ends.
    m.power.onPower = (e) => this.halt(e.kind === 'fail' ? e.code : 0);
    this.irqs = new IrqTable(m.cpus);
    this.plic = new PlicDriver(ioremap(m.bus, VIRT_PLIC.base), this.irqs, m.cpus);
    // init_resources: the memory node's RAM (the PLIC driver claims its registers as it probes).
    this.iomem.insert('System RAM', RAM_BASE, m.ramBytes);
    this.iomem.insert(platformResourceName(VIRT_PLIC.base, 'plic', 'plic'), VIRT_PLIC.base, VIRT_PLIC.size);
    this.bootWallMs = this.host.monotonicMs();
    this.log = new KernelLog(() => this.clock.monotonic());
    this.timekeeping = new Timekeeping(this.clock, this.timers);
    this.timekeeping.ntp.notice = (text) => this.log.printk(KERN_NOTICE, text);
    this.log.consoleLevel = consoleLevelFromCmdline(this.cmdline);
    this.vfs = new Vfs(this);
    const ncpus = m.cpus;
    const rd = new RootDomain(),
      fair = fairFromCmdline(this.cmdline);
    this.runqueues = Array.from({ length: ncpus }, (_, cpu) => new Runqueue(this, cpu, fair, rd));
    for (const rq of this.runqueues) rq.cpus = ncpus;
    this.cpuNow = this.runqueues[0];
  }

  /** The TLB hook the address spaces call after changing page tables. */
  readonly tlb = {
    flush: (mm: Mm) => {
      if (this.hartMm === mm) this.hart.flushTlb();
    },
  };

  /** alloc_pid, bounded by kernel.pid_max. */
  allocPid(): number {
    return this.pids.alloc(pidMax.get(this));
  }

  /** Create PID 1 with an empty address space; execve fills it. */
  createInit(): Task {
    const pid = this.allocPid();
    const tg = new ThreadGroup(pid);
    const mm = Mm.create(this.pages, this.tlb)!;
    const t = new Task(pid, tg, mm, this.vfs.newFdTable(), this.vfs.newFsStruct(), new SigHand(), new Cred());
    t.comm = 'swapper';
    tg.tasks.push(t);
    this.pids.attachTask(t);
    this.pids.attachGroup(tg);
    this.init = t;
    tg.unkillable = true; // is_global_init: SIGNAL_UNKILLABLE from the start (kernel_init)
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
      const remote = rq !== this.cpuNow,
        wasIdle = rq.nrRunning === 0,
        resched = rq.needResched;
      if (remote && wasIdle) rq.wakeAt = Math.max(rq.wakeAt, now);
      rq.enqueue(t, flags);
      // Another CPU must reschedule: it is sent an IPI (smp_send_reschedule), the CLINT's msip doorbell.
      if (remote && rq.needResched && !resched) this.machine.clint.setMsip(rq.cpu, true);
      if (t !== rq.curr) t.queuedAt = now;
    }
    this.loop.kick();
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
  kickIdle(): void {
    this.loop.kick();
  }

  /** Kernel work done for t in virtual time: stime, and the clock moves on. */
  chargeSystem(t: Task, ns: number): void {
    t.stime += ns;
    this.clock.chargeSystem(ns);
    this.cpuNow.cpustat.system += ns;
    this.rqOf(t).account(t, ns);
  }

  /** The CPU whose turn it is idles until ns. */
  idleTo(ns: number): void {
    this.cpuNow.accountIdle(this.clock.advanceTo(ns));
  }

  /** Switch the hart to task t (registers and address space). */
  switchTo(t: Task): void {
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
    if (this.hartMm === mm) {
      this.hartMm = null;
      this.hart.setPageTable(-1);
    }
  }

  /** Install a task's (new) address space in the hart if it is running. */
  switchMm(t: Task): void {
    if (this.onHart === t) {
      this.hart.setPageTable(t.mm.root);
      this.hartMm = t.mm;
    }
  }

  /** sched_yield: the task's class moves it back; the scheduler picks again. */
  yieldTask(t: Task): void {
    this.rqOf(t).yieldTask(t);
  }

  /** Address of the vDSO's rt_sigreturn trampoline in t's address space. */
  vdsoSigreturn(t: Task): number {
    return t.mm.vdso + (vdsoImage().symbols['__vdso_rt_sigreturn'] ?? 0);
  }

  /** A CPU's clock: the running one's is the clock; the others stopped where their turn ended. */
  cpuClock(rq: Runqueue): number {
    return rq === this.cpuNow ? this.clock.monotonic() : rq.localNs;
  }

  /** The run loop (sched/run.ts): steps, idling, interrupts. */
  readonly loop: RunLoop = new RunLoop(this);

  /** The main loop; resolves with init's wait status when the machine stops. */
  run(): Promise<number> {
    return this.loop.run();
  }

  /** The arguments of the syscall being dispatched: read from a7 and a0-a5 once per ecall (entry.ts). */
  readonly sysArgs = new SyscallArgs();

  /** The machine stops (init exited or reboot). */
  halt(status: number): void {
    if (this.halted === null) this.halted = status;
    this.loop.kick();
  }

  exitTask(t: Task, code: number, group: boolean): void {
    doExit(this, t, code, group);
  }
}
