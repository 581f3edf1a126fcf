// The PID table (kernel/pid.c): numbers are handed out in order, wrap past
// kernel.pid_max to RESERVED_PIDS (300) skipping numbers in use, and a number
// stays taken until its thread group is reaped: a zombie's PID is never given
// to a new process (wait(2) and kill(2) still name the zombie), and /proc
// shows a zombie leader until then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PidTable } from '../../src/kernel/pid.js';
import { Task, Cred } from '../../src/kernel/sched/task.js';
import { ThreadGroup } from '../../src/kernel/sched/threadgroup.js';
import { SigHand } from '../../src/kernel/signal/signals.js';
import type { Mm } from '../../src/kernel/mm/mm.js';
import type { FdTable } from '../../src/kernel/fs/fdtable.js';
import type { FsStruct } from '../../src/kernel/fs/namei.js';

function spawn(pids: PidTable, max: number, tg?: ThreadGroup): Task {
  const tid = pids.alloc(max);
  const group = tg ?? new ThreadGroup(tid);
  const t = new Task(tid, group, null as unknown as Mm, null as unknown as FdTable, null as unknown as FsStruct, new SigHand(), new Cred());
  group.tasks.push(t);
  pids.attachTask(t);
  if (!tg) pids.attachGroup(group);
  return t;
}

test('PIDs are handed out in order and wrap past pid_max to 300, skipping those in use', () => {
  const pids = new PidTable();
  const init = spawn(pids, 1000);
  assert.equal(init.tid, 1);
  assert.equal(spawn(pids, 1000).tid, 2);
  pids.setNext(300);
  const busy = spawn(pids, 1000);
  assert.equal(busy.tid, 300);
  pids.setNext(999);
  assert.equal(spawn(pids, 1000).tid, 999);
  // 1000 is pid_max itself: numbering wraps to 300, which is taken, so 301.
  assert.equal(spawn(pids, 1000).tid, 301);
  assert.equal(pids.last, 301);
});

test('an exited process keeps its PID until reaped; only its leader stays visible', () => {
  const pids = new PidTable();
  spawn(pids, 100);
  const leader = spawn(pids, 100);
  const thread = spawn(pids, 100, leader.tg);
  assert.equal(pids.findTask(thread.tid), thread);
  assert.equal(pids.findThreadGroup(leader.tid), leader.tg);

  // The thread exits and is released at once, as a non-leader thread is.
  pids.exitTask(thread);
  thread.becomeZombie();
  thread.markDead();
  pids.releaseTask(thread);
  assert.equal(pids.findTask(thread.tid), undefined);
  assert.equal(pids.findTaskOrZombieLeader(thread.tid), undefined);

  // The leader exits: a zombie, found by /proc and holding its number.
  pids.exitTask(leader);
  leader.becomeZombie();
  leader.tg.zombie = true;
  assert.equal(pids.findTask(leader.tid), undefined, 'findTask finds only tasks that have not exited');
  assert.equal(pids.findTaskOrZombieLeader(leader.tid), leader);
  assert.equal(pids.zombieCount, 1);
  assert.ok(pids.inUse(leader.tid));
  pids.setNext(leader.tid);
  assert.notEqual(spawn(pids, 100).tid, leader.tid, "a zombie's PID is not reused");

  // Reaped: the number is free again.
  leader.markDead();
  pids.releaseTask(leader);
  leader.tg.reaped = true;
  pids.detachGroup(leader.tg);
  assert.equal(pids.findTaskOrZombieLeader(leader.tid), undefined);
  assert.ok(!pids.inUse(leader.tid));
  pids.setNext(leader.tid);
  assert.equal(spawn(pids, 100).tid, leader.tid);
});

test('process groups and sessions list their thread groups, zombies too', () => {
  const pids = new PidTable();
  const a = spawn(pids, 100),
    b = spawn(pids, 100),
    c = spawn(pids, 100);
  a.tg.pgid = 1;
  b.tg.pgid = 1;
  c.tg.pgid = 3;
  a.tg.sid = b.tg.sid = c.tg.sid = 1;
  b.tg.zombie = true;
  assert.deepEqual(
    pids.processGroup(1).map((g) => g.tgid),
    [1, 2],
  );
  assert.deepEqual(
    pids.processGroup(3).map((g) => g.tgid),
    [3],
  );
  assert.deepEqual(
    pids.session(1).map((g) => g.tgid),
    [1, 2, 3],
  );
  assert.deepEqual(pids.processGroup(7), []);
  assert.equal(pids.groupCount, 3);
  assert.equal(pids.taskCount, 3);
});
