// The fair class's EEVDF on a run queue of its own, driven as the core
// scheduler drives it (update_curr per tick, schedule on need_resched), with
// Linux 6.18's rules as the oracle (kernel/sched/fair.c): sched_yield forfeits
// the rest of the request and never lets a deadline run away, tasks share the
// CPU by sched_prio_to_weight after a yield phase, and a woken task runs once
// the running one's protected slice is over. Issue 11 §1.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FairClass, SCHED_PRIO_TO_WEIGHT, SYSCTL_SCHED_BASE_SLICE, calcDeltaFair } from '../../src/kernel/sched/fair.js';
import { SchedEntity } from '../../src/kernel/sched/entity.js';
import { DEQUEUE_SLEEP, ENQUEUE_INITIAL, ENQUEUE_WAKEUP } from '../../src/kernel/sched/sched_class.js';
import type { Task } from '../../src/kernel/sched/task.js';
import type { Runqueue } from '../../src/kernel/sched/core.js';

const TICK = 4_000_000;

function task(tid: number, nice = 0): Task {
  return { tid, nice, policy: 0, se: new SchedEntity() } as unknown as Task;
}

/** The parts of the core scheduler (core.ts) the class sees: one CPU, fair tasks only. */
class Cpu {
  readonly fair = new FairClass(true);
  needResched = false;
  curr: Task | null = null;
  private get rq(): Runqueue {
    return this as unknown as Runqueue;
  }
  get nrRunning(): number {
    return this.fair.nrRunning;
  }
  resched(): void {
    this.needResched = true;
  }
  enqueue(t: Task, flags: number): void {
    t.se.onRq = true;
    this.fair.enqueue(this.rq, t, flags);
    if (!this.curr) this.needResched = true;
    else if (t !== this.curr) this.fair.checkPreempt(this.rq, this.curr, t);
  }
  sleep(t: Task): void {
    this.fair.dequeue(this.rq, t, DEQUEUE_SLEEP);
    t.se.onRq = false;
    this.needResched = true;
  }
  schedule(): Task | null {
    if (this.curr) this.fair.putPrev(this.rq, this.curr);
    const next = this.fair.pick(this.rq);
    if (next) this.fair.setNext(this.rq, next);
    this.curr = next;
    this.needResched = false;
    return next;
  }
  /** The running task runs ns (update_curr); the scheduler picks again if asked to. */
  run(ns: number): Task {
    const t = this.curr!;
    t.se.sumExec += ns;
    this.fair.updateCurr(this.rq, t, ns);
    if (this.needResched) this.schedule();
    return t;
  }
  yield(): void {
    this.fair.yieldTask(this.rq, this.curr!);
    this.schedule();
  }
}

test('sched_yield forfeits the rest of the request; deadlines never run ahead of vruntime', () => {
  const cpu = new Cpu();
  const a = task(1),
    b = task(2);
  cpu.enqueue(a, ENQUEUE_INITIAL);
  cpu.enqueue(b, ENQUEUE_INITIAL);
  cpu.schedule();
  const vslice = calcDeltaFair(SYSCTL_SCHED_BASE_SLICE, 1024);
  for (let i = 0; i < 5000; i++) {
    cpu.run(2000);
    const t = cpu.curr!;
    const deadline = t.se.deadline;
    cpu.yield();
    // Eligible when it yielded: its vruntime moves to its deadline, and the deadline one request on.
    if (t.se.vruntime === deadline) assert.equal(t.se.deadline, deadline + vslice);
    for (const x of [a, b]) assert.ok(x.se.deadline - x.se.vruntime <= vslice + 1e-6, `task ${x.tid} deadline ran ahead`);
  }
  // They took turns.
  assert.ok(Math.abs(a.se.sumExec - b.se.sumExec) <= 2000, `${a.se.sumExec} / ${b.se.sumExec}`);
});

for (const nice of [5, 10, 19]) {
  test(`after a sched_yield phase, nice 0 and nice ${nice} share the CPU by weight`, () => {
    const cpu = new Cpu();
    const a = task(1),
      b = task(2, nice);
    cpu.enqueue(a, ENQUEUE_INITIAL);
    cpu.enqueue(b, ENQUEUE_INITIAL);
    cpu.schedule();
    for (let i = 0; i < 20000; i++) {
      cpu.run(1500);
      cpu.yield();
    }
    const a0 = a.se.sumExec,
      b0 = b.se.sumExec;
    // Then both spin for 4 s; the scheduler looks again at each tick.
    for (let t = 0; t < 4e9; t += TICK) cpu.run(TICK);
    const ra = a.se.sumExec - a0,
      rb = b.se.sumExec - b0;
    const wb = SCHED_PRIO_TO_WEIGHT[20 + nice];
    const want = ((ra + rb) * wb) / (1024 + wb);
    assert.ok(Math.abs(rb - want) <= TICK + want * 0.02, `nice ${nice} ran ${rb}, want ${want}`);
  });
}

test("a woken task runs once the spinner's protected slice is over (base_slice, seen at the next tick)", () => {
  const cpu = new Cpu();
  const spinner = task(1),
    sleeper = task(2),
    other = task(3);
  cpu.enqueue(spinner, ENQUEUE_INITIAL);
  cpu.enqueue(other, ENQUEUE_INITIAL);
  cpu.enqueue(sleeper, ENQUEUE_INITIAL);
  cpu.schedule();
  for (let round = 0; round < 200; round++) {
    // The sleeper runs a little and sleeps 10 ms; meanwhile the two spinners share the CPU.
    let waited = 0;
    while (cpu.curr !== sleeper) {
      cpu.run(TICK / 4);
      waited += TICK / 4;
    }
    if (round > 0) assert.ok(waited <= SYSCTL_SCHED_BASE_SLICE + TICK, `round ${round}: woken task waited ${waited} ns`);
    cpu.run(20_000);
    cpu.sleep(sleeper);
    cpu.schedule();
    for (let t = 0; t < 10_000_000; t += TICK / 4) cpu.run(TICK / 4);
    cpu.enqueue(sleeper, ENQUEUE_WAKEUP);
    if (cpu.needResched) cpu.schedule();
  }
});
