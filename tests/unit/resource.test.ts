// The resource tree behind /proc/iomem (kernel/resource.c): insert_resource
// nests a range under the one holding it and adopts the ranges it holds;
// r_show indents two spaces per level, prints 8 hex digits (4 for a tree
// ending below 0x10000), and zeros to a reader without CAP_SYS_ADMIN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceTree, platformResourceName } from '../../src/kernel/resource.js';
import { Cred } from '../../src/kernel/sched/task.js';

test('ranges nest under the range that holds them, whichever comes first', () => {
  const t = new ResourceTree(Number.MAX_SAFE_INTEGER);
  assert.ok(t.insert('Kernel code', 0x80200000, 0x100000));
  assert.ok(t.insert('System RAM', 0x80000000, 0x10000000));
  assert.ok(t.insert('serial', 0x10000000, 0x100));
  assert.ok(t.insert('Kernel image', 0x80200000, 0x400000));
  assert.ok(t.insert('big', 0x1_0000_0000, 0x1000));
  // Partly overlapping a sibling: refused, as insert_resource's -EBUSY.
  assert.equal(t.insert('half', 0x8fffff00, 0x200), false);
  assert.equal(
    t.show(null),
    '10000000-100000ff : serial\n80000000-8fffffff : System RAM\n  80200000-805fffff : Kernel image\n    80200000-802fffff : Kernel code\n100000000-100000fff : big\n',
  );
});

test('without CAP_SYS_ADMIN the addresses are zeros; a small tree prints 4 digits', () => {
  const t = new ResourceTree(0xffff);
  t.insert('serial', 0x3f8, 8);
  const root = new Cred(0, 0);
  const user = new Cred(65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534);
  assert.equal(t.show(root), '03f8-03ff : serial\n');
  assert.equal(t.show(user), '0000-0000 : serial\n');
});

test('devm_platform_ioremap_resource names: "<base>.<driver> <node>@<base>"', () => {
  assert.equal(platformResourceName(0x101000, 'rtc', 'rtc'), '101000.rtc rtc@101000');
});
