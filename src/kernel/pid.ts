// The PID table (Linux's kernel/pid.c): which task and which thread group
// a number names, and which numbers are free. It is the one place that maps
// numbers to tasks; the rest of the kernel asks it (find_task_by_vpid,
// for_each_process, do_each_pid_task) instead of keeping maps of its own.
//
// A task's number stays taken from fork until its thread group is reaped:
// a thread that has exited waits among the zombies (shown as Z in /proc),
// and a thread group stays until its parent has collected it.
import type { Task } from './sched/task.js';
import type { ThreadGroup } from './sched/threadgroup.js';

/** RESERVED_PIDS: where numbering starts again past kernel.pid_max. */
const RESERVED_PIDS = 300;

export class PidTable {
  /** Tasks that have not exited, by thread id. */
  private readonly live = new Map<number, Task>();
  /** Exited tasks whose thread group is not reaped yet. */
  private readonly zombies = new Map<number, Task>();
  /** Thread groups by thread group id, until reaped. */
  private readonly groups = new Map<number, ThreadGroup>();
  /** The next number alloc tries (pid_ns->pid_allocated's cursor). */
  private next = 1;

  /**
   * alloc_pid: the next free number from the cursor; past `max` (kernel.pid_max)
   * numbering wraps to RESERVED_PIDS.
   */
  alloc(max: number): number {
    let pid = this.next;
    for (let tries = 0; this.inUse(pid) || pid >= max; tries++) {
      pid = pid >= max ? RESERVED_PIDS : pid + 1;
      // Every number below pid_max in use (fork would fail with EAGAIN): go past it rather than loop.
      if (tries > max) {
        pid = max;
        while (this.inUse(pid)) pid++;
        break;
      }
    }
    this.next = pid + 1;
    return pid;
  }

  /** Set where allocation goes on (tests of the wrap-around). */
  setNext(pid: number): void {
    this.next = pid;
  }

  /** The most recently handed out number (the last field of /proc/loadavg). */
  get last(): number {
    return this.next - 1;
  }

  /** A number some task or thread group holds (clone3's set_tid answers EEXIST). */
  inUse(nr: number): boolean {
    return this.live.has(nr) || this.groups.has(nr);
  }

  /** attach_pid for a new task (fork, kthread, init). */
  attachTask(t: Task): void {
    this.live.set(t.tid, t);
  }

  /** attach_pid(PIDTYPE_TGID) for a new thread group. */
  attachGroup(tg: ThreadGroup): void {
    this.groups.set(tg.tgid, tg);
  }

  /** A task exited: it keeps its number among the zombies until its group is reaped. */
  exitTask(t: Task): void {
    this.live.delete(t.tid);
    this.zombies.set(t.tid, t);
  }

  /** release_task of one thread: its number is free. */
  releaseTask(t: Task): void {
    this.zombies.delete(t.tid);
  }

  /** de_thread: a thread that execs takes its leader's number. */
  changeTid(t: Task, tid: number): void {
    this.live.delete(t.tid);
    t.tid = tid;
    this.live.set(tid, t);
  }

  /** The group is reaped: its number is free. */
  detachGroup(tg: ThreadGroup): void {
    this.groups.delete(tg.tgid);
  }

  /** find_task_by_vpid: the task that has not exited with this thread id. */
  findTask(tid: number): Task | undefined {
    return this.live.get(tid);
  }

  /** find_vpid(nr) + PIDTYPE_TGID: the thread group of this id, until reaped. */
  findThreadGroup(tgid: number): ThreadGroup | undefined {
    return this.groups.get(tgid);
  }

  /**
   * kill_proc_info's target: find_vpid(nr) names a process or any of its
   * threads, and the signal goes to the thread group either way.
   */
  findProcessOf(nr: number): ThreadGroup | undefined {
    return this.groups.get(nr) ?? this.live.get(nr)?.tg;
  }

  /**
   * find_task_by_vpid as /proc and the lock owners see it: a task that has
   * not exited, or a zombie thread-group leader until its group is reaped.
   */
  findTaskOrZombieLeader(tid: number): Task | undefined {
    const t = this.live.get(tid);
    if (t) return t;
    const tg = this.groups.get(tid);
    const leader = tg?.tasks[0];
    if (tg && !tg.reaped && leader?.tid === tid && leader.state !== 'X') return leader;
    return undefined;
  }

  /** Every task that has not exited (for_each_process_thread). */
  tasks(): IterableIterator<Task> {
    return this.live.values();
  }

  /** Every thread group not yet reaped, zombies too (for_each_process). */
  threadGroups(): IterableIterator<ThreadGroup> {
    return this.groups.values();
  }

  /** do_each_pid_task(PIDTYPE_PGID): the thread groups of a process group, zombies too. */
  processGroup(pgid: number): ThreadGroup[] {
    return [...this.groups.values()].filter((g) => g.pgid === pgid);
  }

  /** do_each_pid_task(PIDTYPE_SID): the thread groups of a session, zombies too. */
  session(sid: number): ThreadGroup[] {
    return [...this.groups.values()].filter((g) => g.sid === sid);
  }

  /** Tasks that have not exited (nr_threads less the zombies). */
  get taskCount(): number {
    return this.live.size;
  }

  /** Exited tasks still holding their number. */
  get zombieCount(): number {
    return this.zombies.size;
  }

  /** Thread groups not yet reaped (nr_processes). */
  get groupCount(): number {
    return this.groups.size;
  }
}
