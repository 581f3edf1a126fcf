// The run loop (kernel/sched/core.c's schedule() driven from the idle
// loop, with the hart engine standing in for return-to-user): each step
// expires timers, takes pending interrupts, picks a task on the CPU whose
// turn it is, runs it to the next tick or timer, and hands the trap it
// stopped on to entry.ts. With nothing to run, the machine idles to the
// next timer (seed mode: at once; else by the host's clock). SMP
// interleaves the CPUs in rounds of virtual time. The host event loop gets
// a turn at least every YIELD_MS of wall time.
import type { Kernel } from '../kernel.js';
import type { Runqueue } from './core.js';
import type { Task } from './task.js';
import { doTrap } from '../entry.js';
import { handlePendingIrqs } from '../irq/handle.js';
import { runPosixCpuTimers } from '../time/posix-cpu-timers.js';
import { handleSignals, hasDeliverable } from '../signal/deliver.js';
import { rseqResume } from './rseq.js';
import { loadBalance } from './smp.js';
import { SCHED_DEADLINE } from './attrs.js';
import { FAULT_NS, MAJOR_FAULT_NS } from './cputime.js';
import { IRQ_S_SOFT, IRQ_S_TIMER } from '../../machine/irq.js';
import { CPU_HZ, TIMEBASE_HZ } from '../time/clock.js';

/** Nanoseconds per CLINT mtime tick (the 10 MHz timebase). Ticks fall on whole multiples of it. */
const NS_PER_MTIME = CPU_HZ / TIMEBASE_HZ;

/** The cost of switching to a kernel thread and back, beyond the work it reports (ns). */
const KTHREAD_RUN_NS = 500;

/** SMP: each CPU runs this much virtual time per turn (a cross-CPU wake-up waits at most this long). */
const SMP_QUANTUM_NS = 100_000;

/** Host event loop gets a turn at least this often (wall ms). */
const YIELD_MS = 15;

export class RunLoop {
  /** SMP: the start of the current round of CPU turns. */
  private roundStart = 0;
  /** Ends an idle period early (input, a wake-up, an interrupt). */
  private wakeIdle: (() => void) | null = null;

  constructor(private readonly k: Kernel) {}

  /** Wake the idle loop (a timer, the host or an interrupt made work). */
  kick(): void {
    this.wakeIdle?.();
  }

  /** The main loop; resolves with init's wait status when the machine stops. */
  async run(): Promise<number> {
    if (this.k.runqueues.length > 1) return this.runSmp();
    const rq = this.k.cpuNow;
    let lastYield = this.k.host.monotonicMs();
    while (this.k.halted === null) {
      if (this.hostWait) {
        await this.hostWait;
        lastYield = this.k.host.monotonicMs();
        continue;
      }
      // Nothing picked but something runnable (say, every task throttled) is no idle: it still passes the yield check below.
      if (!this.step(rq, Infinity) && this.goingIdle()) {
        await this.idle();
        lastYield = this.k.host.monotonicMs();
        continue;
      }
      const wall = this.hostNow();
      if (wall - lastYield > YIELD_MS) {
        await this.k.host.yield();
        this.k.time.pause();
        lastYield = this.k.host.monotonicMs();
      }
    }
    return this.k.halted;
  }

  /**
   * SMP: rounds of SMP_QUANTUM_NS of virtual time; in each, every CPU in
   * turn runs its tasks on its own clock up to the round's end (or idles to
   * it). A CPU with nothing to do first tries to pull work from a busier one.
   * When no CPU had anything to run, the machine idles as one does.
   */
  private async runSmp(): Promise<number> {
    let lastYield = this.k.host.monotonicMs();
    while (this.k.halted === null) {
      const end = this.roundStart + SMP_QUANTUM_NS;
      let busy = false;
      for (const rq of this.k.runqueues) {
        this.enterCpu(rq);
        // Woken while idle by a CPU further ahead in time: it was idle until then.
        if (rq.curr === null && rq.wakeAt > rq.localNs) this.k.idleTo(rq.wakeAt);
        rq.wakeAt = 0;
        while (this.k.halted === null) {
          const now = this.k.clock.monotonic();
          if (now >= end) break;
          if (this.hostWait) {
            await this.hostWait;
            lastYield = this.k.host.monotonicMs();
            continue;
          }
          if (this.step(rq, end)) {
            busy = true;
          } else if (!loadBalance(this.k, rq)) {
            // Idle to the round's end, or to a timer before it (which may wake something here).
            this.k.idleTo(Math.min(end, Math.max(this.k.timers.next(), now + 1)));
          }
          const wall = this.hostNow();
          if (wall - lastYield > YIELD_MS) {
            await this.k.host.yield();
            this.k.time.pause();
            lastYield = this.k.host.monotonicMs();
          }
        }
        rq.localNs = this.k.clock.monotonic();
      }
      // Wall mode: the CPUs' clocks kept up with the host; the next round starts no earlier than the host's time.
      this.roundStart = this.k.time.mode === 'wall' ? Math.max(end, this.k.time.floorNs()) : end;
      if (!busy && this.k.halted === null && !this.anyRunnable()) {
        // Every CPU idled the whole round: sleep to the next timer (or input) on CPU 0's clock, then bring all CPUs there.
        this.enterCpu(this.k.runqueues[0]);
        if (!this.goingIdle()) {
          this.k.runqueues[0].localNs = this.k.clock.monotonic();
          continue;
        }
        await this.idle();
        lastYield = this.k.host.monotonicMs();
        const now = this.k.clock.monotonic();
        this.k.runqueues[0].localNs = now;
        for (const rq of this.k.runqueues)
          if (rq.localNs < now) {
            rq.accountIdle(now - rq.localNs);
            this.k.clock.idleNs += now - rq.localNs;
            rq.localNs = now;
          }
        this.roundStart = Math.max(this.roundStart, now);
      }
    }
    return this.k.halted;
  }

  /** Some CPU has a task to run. */
  anyRunnable(): boolean {
    return this.k.runqueues.some((rq) => rq.nrRunning > 0);
  }

  /** Run before the machine idles (seed mode's input schedule); they may make work. */
  readonly idleHooks: (() => void)[] = [];
  /** Seed mode: virtual time stands still until the host gives what the guest is owed. */
  private hostWait: Promise<void> | null = null;

  waitForHost(p: Promise<void>): void {
    const w: Promise<void> = p.then(() => {
      if (this.hostWait === w) this.hostWait = null;
    });
    this.hostWait = w;
  }

  /** Nothing to run: true if the machine really idles now (the idle hooks made no work and nobody waits for the host). */
  private goingIdle(): boolean {
    for (const fn of this.idleHooks) fn();
    this.serviceIrqs();
    return this.hostWait === null && !this.anyRunnable() && this.k.halted === null;
  }

  /** Make rq the CPU whose turn it is: the clock reads its time. */
  enterCpu(rq: Runqueue): void {
    this.k.cpuNow = rq;
    this.k.clock.switchTo(rq.localNs);
  }

  /**
   * One scheduling step on rq: expire timers, pick a task, run it to the
   * next tick, timer or `end`, and handle the trap it stopped on. False when
   * the CPU had nothing to run.
   */
  private step(rq: Runqueue, end: number): boolean {
    let now = this.k.clock.monotonic();
    // Before timers wake anyone: periods slept through count the machine as it was, idle.
    if (now >= this.k.load.next) this.k.load.sample(this.k, now);
    this.k.timers.expire(now);
    this.serviceIrqs();
    // A reschedule IPI rang this hart's doorbell (msip): take it, clear it, count it.
    const hi = this.k.machine.hartIrqs[rq.cpu];
    if (hi.pending & (1 << IRQ_S_SOFT)) {
      this.k.machine.clint.setMsip(rq.cpu, false);
      rq.irqs.resched++;
    }
    // A timer made the machine wait for the host (seed mode's input): nothing runs on meanwhile.
    if (this.hostWait) return true;
    let t = rq.curr;
    if (!t || rq.needResched || !t.se.onRq) {
      const prev = t;
      t = rq.schedule();
      if (prev && prev !== t && prev.se.onRq) prev.queuedAt = now;
      if (t && t.queuedAt >= 0) {
        t.runDelay += now - t.queuedAt;
        t.queuedAt = -1;
        t.pcount++;
      }
    }
    if (!t) {
      this.k.current = null;
      return false;
    }
    // A task that last ran on a CPU further ahead in time cannot start before it stopped.
    if (t.execStart > now) {
      this.k.idleTo(t.execStart);
      now = this.k.clock.monotonic();
    }
    this.k.current = t;
    if (t.kthread) {
      // A kernel thread: its body runs here, with the hart and its address space left as they are.
      this.k.chargeSystem(t, KTHREAD_RUN_NS + t.kthread(t));
      t.execStart = this.k.clock.monotonic();
      if (t.state !== 'R') this.k.dequeue(t);
      return true;
    }
    this.k.switchTo(t);
    if (this.k.watch) this.k.watch[0] = t.tid;
    if (t.rseqPending) rseqResume(this.k, t);
    const mm = t.mm,
      minor0 = mm.faults.minor,
      major0 = mm.faults.major;
    if (hasDeliverable(t)) {
      handleSignals(this.k, t);
      if (t.state !== 'R') {
        this.k.dequeue(t);
        return true;
      }
    }
    // Run to the next tick or timer, whichever is first (the timer interrupt ends the budget).
    if (rq.nextTick <= now) rq.nextTick = (Math.floor(now / rq.tickNs) + 1) * rq.tickNs;
    let budget = Math.max(1, Math.min(rq.nextTick, this.k.timers.next(), end) - now);
    // A deadline task stops exactly when its runtime is used up (as with HRTICK_DL).
    if (t.policy === SCHED_DEADLINE && t.se.runtime > 0 && t.se.runtime < budget) budget = Math.ceil(t.se.runtime);
    const before = this.k.hart.instret;
    const cause = this.k.hart.run(this.k.time.insnsFor(budget));
    const ran = this.k.hart.instret - before;
    t.utime += ran;
    if (t.nice > 0) rq.cpustat.nice += ran;
    else rq.cpustat.user += ran;
    rq.account(t, ran);
    if (cause >= 0) {
      this.k.stats.modeSwitches++;
      doTrap(this.k, t, cause);
    }
    // Faults taken by the hart or by syscalls copying user memory count for the task.
    if (t.mm === mm) {
      const minor = mm.faults.minor - minor0,
        major = mm.faults.major - major0;
      if (minor + major) {
        t.minFlt += minor;
        t.majFlt += major;
        this.k.stats.pgfault += minor + major;
        this.k.stats.pgmajfault += major;
        this.k.chargeSystem(t, minor * FAULT_NS + major * MAJOR_FAULT_NS);
      }
    }
    if (this.k.time.mode === 'wall') this.keepUp(rq, t, now, ran);
    t.execStart = this.k.clock.monotonic();
    // The riscv-timer's next event is the tick, programmed into this hart's
    // mtimecmp (sbi_set_timer); the CLINT's timer line says when it is due.
    const clint = this.k.machine.clint;
    clint.setTimecmp(rq.cpu, rq.nextTick / NS_PER_MTIME);
    if (this.k.machine.hartIrqs[rq.cpu].has(IRQ_S_TIMER)) {
      // The timer interrupt: scheduler_tick for whoever holds the CPU, and (SMP) periodic balancing.
      this.k.stats.interrupts++;
      rq.irqs.timer++;
      this.k.stats.modeSwitches++;
      rq.nextTick = (Math.floor(t.execStart / rq.tickNs) + 1) * rq.tickNs;
      // The handler programs the next event, which lowers the line.
      clint.setTimecmp(rq.cpu, rq.nextTick / NS_PER_MTIME);
      rq.tick();
      runPosixCpuTimers(this.k, t);
      if (this.k.runqueues.length > 1) loadBalance(this.k, rq);
    }
    if (t.state !== 'R') this.k.dequeue(t);
    return true;
  }

  /** Host time (ms) after the last step: the one keepUp read, else read now. */
  private hostNow(): number {
    const ms = this.keptUpAt;
    this.keptUpAt = -1;
    return ms >= 0 ? ms : this.k.host.monotonicMs();
  }
  private keptUpAt = -1;

  /**
   * Wall mode, after a step: the clock moves up to the host's time. The step
   * ran on the CPU for all of that host time, so it is t's, split between
   * user and system as the step's own instructions and modelled kernel work
   * were (docs/time.md).
   */
  private keepUp(rq: Runqueue, t: Task, from: number, ran: number): void {
    const floor = this.k.time.floorNs();
    this.keptUpAt = this.k.time.lastHostMs;
    this.k.time.observe(ran);
    const now = this.k.clock.monotonic();
    const gap = floor - now;
    if (gap <= 0) return;
    const stepNs = now - from;
    const user = stepNs > 0 ? Math.round(gap * Math.min(1, ran / stepNs)) : gap;
    if (user > 0) {
      t.utime += user;
      if (t.nice > 0) rq.cpustat.nice += user;
      else rq.cpustat.user += user;
      rq.account(t, user);
      this.k.clock.keepUp(user);
    }
    if (gap > user) this.k.chargeSystem(t, gap - user);
  }

  /** Nothing to run: jump to the next timer, holding virtual time to wall time (seed mode: not). */
  private async idle(): Promise<void> {
    // Wall mode: the time since the last step was idle; then wait for the timer by the host's clock.
    if (this.k.time.mode === 'wall') {
      this.k.idleTo(this.k.time.floorNs());
      this.k.time.pause();
    }
    const next = this.k.timers.next();
    const now = this.k.clock.monotonic();
    if (next !== Infinity) {
      this.k.stats.interrupts++; // the timer that ends the idle period
      this.k.cpuNow.irqs.timer++;
      if (this.k.seeded) {
        this.k.idleTo(next);
        return;
      }
      const waitMs = (next - now) / 1e6;
      if (waitMs > 0.5) {
        await new Promise<void>((resolve) => {
          this.wakeIdle = resolve;
          this.k.host.sleep(waitMs).then(resolve);
        });
        this.wakeIdle = null;
        // Woken early (input) or late (a busy host): the clock reads the host's time, in whole ns.
        this.k.idleTo(Math.min(next, this.k.time.floorNs()));
        this.serviceIrqs();
        if (!this.anyRunnable()) this.k.idleTo(next); // nothing woke meanwhile
      } else this.k.idleTo(next);
      return;
    }
    // Nothing runnable and no timer: only the host (input) can wake us. A
    // periodic host sleep keeps the host alive meanwhile, so a guest whose
    // tasks all wait forever hangs as it would on Linux instead of ending.
    let woken = false;
    const wake = new Promise<void>((resolve) => {
      this.wakeIdle = () => {
        woken = true;
        resolve();
      };
    });
    while (!woken) await Promise.race([wake, this.k.host.sleep(1000)]);
    this.wakeIdle = null;
    if (this.k.time.mode === 'wall') this.k.idleTo(this.k.time.floorNs());
  }

  /**
   * Take the external interrupts the PLIC has raised at the harts: its
   * driver claims each source, runs its handler (which may queue work or
   * wake tasks) and completes it. The hart engine runs user code only, so
   * interrupts are taken between slices, where the kernel looks (a step,
   * before idling, after an idle period ends).
   */
  private serviceIrqs(): void {
    handlePendingIrqs(this.k);
  }
}
