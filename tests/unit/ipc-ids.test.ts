// System V IPC identifiers (ipc/util.c's ipc_idr_alloc): indexes are handed
// out cyclically over at least 64 slots, the sequence number grows when the
// cursor wraps, and an id is seq * 32768 + index, so a stale id never names
// the object that reused its slot. Permission checks follow ipcperms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IpcIds, KernIpcPerm, SEQ_MULTIPLIER, ipcperms, S_IRUGO, S_IWUGO } from '../../src/kernel/ipc/util.js';
import type { Task } from '../../src/kernel/sched/task.js';
import { CAP_FULL_SET, CAP_IPC_OWNER, capBit } from '../../src/kernel/security/commoncap.js';

/** A task with these ids; euid 0 holds every capability unless `capEff` says otherwise, as after execve by root. */
const task = (euid: number, egid: number, groups: number[] = [], capEff = euid === 0 ? CAP_FULL_SET : 0n) =>
  ({ cred: { euid, egid, groups, capEff } }) as unknown as Task;
const root = task(0, 0);

test('ids are allocated cyclically and the sequence grows on wrap-around', () => {
  const ids = new IpcIds<KernIpcPerm>();
  const first = new KernIpcPerm(1, 0o600, root);
  assert.equal(ids.add(first, 100), 0);
  ids.remove(first);
  assert.ok(first.deleted);
  // The freed index 0 is not reused until the cursor wraps past the 64-slot cycle.
  const ids1 = [];
  for (let i = 1; i < 64; i++) {
    const o = new KernIpcPerm(0, 0o600, root);
    ids1.push(ids.add(o, 100));
    ids.remove(o);
  }
  assert.deepEqual(
    ids1,
    Array.from({ length: 63 }, (_, i) => i + 1),
  );
  const wrapped = new KernIpcPerm(0, 0o600, root);
  assert.equal(ids.add(wrapped, 100), SEQ_MULTIPLIER);
  assert.equal(wrapped.seq, 1);
  assert.equal(ids.obtain(0), null, 'a stale id does not reach the new object');
  assert.equal(ids.obtain(SEQ_MULTIPLIER), wrapped);
  assert.equal(ids.atIndex(0), wrapped);
});

test('the table limit gives ENOSPC', () => {
  const ids = new IpcIds<KernIpcPerm>();
  assert.equal(ids.add(new KernIpcPerm(0, 0, root), 1), 0);
  assert.equal(ids.add(new KernIpcPerm(0, 0, root), 1), -28);
  assert.equal(ids.maxIdx(), 0);
});

test('ipcperms: owner, group, other bits; CAP_IPC_OWNER passes, uid 0 alone does not', () => {
  const o = new KernIpcPerm(5, 0o640, task(1000, 100));
  assert.ok(ipcperms(task(1000, 100), o, S_IRUGO | S_IWUGO));
  assert.ok(ipcperms(task(2000, 100), o, S_IRUGO));
  assert.ok(!ipcperms(task(2000, 100), o, S_IWUGO));
  assert.ok(ipcperms(task(2000, 7, [100]), o, S_IRUGO));
  assert.ok(!ipcperms(task(2000, 7), o, S_IRUGO));
  assert.ok(ipcperms(root, o, S_IRUGO | S_IWUGO));
  // ipcperms asks ns_capable(CAP_IPC_OWNER), not for uid 0 (ipc/util.c).
  assert.ok(!ipcperms(task(0, 0, [], CAP_FULL_SET & ~capBit(CAP_IPC_OWNER)), o, S_IWUGO));
  assert.ok(ipcperms(task(2000, 7, [], capBit(CAP_IPC_OWNER)), o, S_IRUGO | S_IWUGO));
});
