// Swap in seed mode under --mem 128M with a 256 MiB swap disk (issue 15
// part 1): util-linux's mkswap, swapon and swapoff on /dev/sda, a program
// bigger than RAM that finishes with its data intact in parent and child
// after fork, the counters that move (pswpin, pswpout, major faults,
// VmSwap, /proc/swaps Used), swapoff bringing a sleeping process's pages
// back, and the raw system calls' errors. The oracles are Linux's
// mm/swapfile.c (swap_show's format, read_swap_header's and swapon's
// messages, the errnos of the SYSCALL_DEFINEs) and the program's own check
// of every word it wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';
import { buildGuest } from '../diff/build.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'bin', 'tuxglass.js');
const rootfs = defaultRootfsDir();
const skip = existsSync(join(rootfs, 'sbin/mkswap')) && existsSync(join(rootfs, 'sbin/swapon')) ? false : `no util-linux mkswap/swapon in ${rootfs}`;
const built = await buildGuest(['sys_swap']);

function run(script: string, disk = '256M'): string {
  const dir = mkdtempSync(join(tmpdir(), 'tuxglass-swap-'));
  try {
    const img = join(dir, 'swap.img');
    const c = spawnSync(process.execPath, [CLI, 'disk', 'create', img, disk], { encoding: 'utf8' });
    assert.equal(c.status, 0, c.stderr);
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        'run',
        '--seed',
        '1',
        '--mem',
        '128M',
        '--rootfs',
        rootfs,
        '--disk',
        img,
        '--add',
        `${built.paths.sys_swap}:/tmp/sys_swap`,
        '--',
        '/bin/bash',
        '-c',
        script,
      ],
      { encoding: 'utf8', timeout: 600_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('mkswap, swapon, a program bigger than RAM finishes with its data intact, swapoff brings the pages back', { skip: skip || built.skip }, () => {
  const out = run(
    [
      'cd /tmp',
      'mkswap /dev/sda > /dev/null && swapon /dev/sda && swapon --show',
      'cat /proc/swaps',
      // A small process holds 48 MiB while a 120 MiB one runs: some of the small one's pages go out too.
      './sys_swap hold 48 /tmp/go > hold.out & until grep -q held hold.out 2>/dev/null; do sleep 0.1; done',
      './sys_swap hog 120; echo "hog status $?"',
      'echo "holder $(grep VmSwap /proc/$!/status)"',
      'echo "smaps $(grep -m1 "^Swap: *[1-9]" /proc/$!/smaps)"',
      'cat /proc/swaps',
      'grep -E "^(pswpin|pswpout|pgmajfault) " /proc/vmstat',
      'free | grep Swap:',
      'swapoff /dev/sda; echo "swapoff status $?"',
      'cat /proc/swaps',
      'echo "after $(grep VmSwap /proc/$!/status)"',
      'touch /tmp/go; wait; cat hold.out',
      'dmesg | cut -c16- | grep "swap on"',
    ].join('\n'),
  );
  assert.match(out, /^NAME +TYPE +SIZE USED PRIO\n\/dev\/sda partition 256M +0B +-2$/m);
  // swap_show: the path padded to 40 columns, then Size, Used and Priority after tabs; 256 MiB less the header page.
  assert.match(out, /^Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n\/dev\/sda {32}partition\t262140\t\t0\t\t-2\n/m);
  const filled = /^filled VmSwap:\s+(\d+) kB$/m.exec(out);
  assert.ok(filled && Number(filled[1]) > 0, `the hog had pages in swap:\n${out}`);
  assert.match(out, /^child bad 0 majflt yes$/m);
  assert.match(out, /^parent bad 0 majflt yes child exit 0$/m);
  assert.match(out, /^hog status 0$/m);
  const held = /^holder VmSwap:\s+(\d+) kB$/m.exec(out);
  assert.ok(held && Number(held[1]) > 0, 'the sleeping holder was swapped out too');
  assert.match(out, new RegExp(`^smaps Swap: +\\d+ kB$`, 'm'));
  const used = /^\/dev\/sda {32}partition\t262140\t\t(\d+)\t\t-2$/gm;
  const rows = [...out.matchAll(used)].map((m) => Number(m[1]));
  assert.equal(rows.length, 2);
  assert.ok(rows[1] >= Number(held![1]), `Used counts the holder's pages: ${rows[1]}`);
  const vm = Object.fromEntries([...out.matchAll(/^(pswpin|pswpout|pgmajfault) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
  assert.ok(vm.pswpout > 0 && vm.pswpin > 0 && vm.pgmajfault >= vm.pswpin, JSON.stringify(vm));
  assert.match(out, new RegExp(`^Swap: +262140 +${rows[1]} +${262140 - rows[1]}$`, 'm'));
  assert.match(out, /^swapoff status 0$/m);
  assert.match(out, /^swapoff status 0\nFilename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\nafter VmSwap:\s+0 kB$/m);
  assert.match(out, /^holder bad 0$/m);
  assert.match(out, /^Adding 262140k swap on \/dev\/sda\. {2}Priority:-2 extents:1 across:262140k SS$/m);
});

test('swapon(2) and swapoff(2) refuse as Linux does', { skip: skip || built.skip }, () => {
  const out = run(
    [
      'cd /tmp',
      './sys_swap on /dev/sda',
      './sys_swap on /dev/sda 0x80000',
      'mkswap /dev/sda > /dev/null',
      'setpriv --reuid=1000 --clear-groups --inh-caps=-all ./sys_swap on /dev/sda',
      './sys_swap off /dev/sda',
      './sys_swap on /dev/null',
      'head -c 1M /dev/zero > f; mkswap f > /dev/null 2>&1; ./sys_swap on /tmp/f',
      './sys_swap on /dev/sda 0x8007',
      './sys_swap on /dev/sda',
      'cat /proc/swaps',
      'mount -t ext4 /dev/sda /mnt 2> /dev/null; echo "mount $?"',
      './sys_swap off /dev/sda',
      './sys_swap off /dev/sda',
      'mkfs.ext4 -q -F /dev/sda && mount /dev/sda /mnt && ./sys_swap on /dev/sda',
      'touch x && mount --bind -o ro x x && ./sys_swap on /tmp/x',
      'dmesg | cut -c16- | grep -iE "swap"',
    ].join('\n'),
  );
  assert.equal(
    out,
    [
      // No signature: read_swap_header's message, EINVAL.
      'swapon /dev/sda = -1 EINVAL',
      // A flag outside SWAP_FLAGS_VALID.
      'swapon /dev/sda = -1 EINVAL',
      // Without CAP_SYS_ADMIN.
      'swapon /dev/sda = -1 EPERM',
      // Not an active area.
      'swapoff /dev/sda = -1 EINVAL',
      // Neither a block device nor a regular file.
      'swapon /dev/null = -1 EINVAL',
      // A file on tmpfs: no read_folio.
      'swapon /tmp/f = -1 EINVAL',
      'swapon /dev/sda = 0 ',
      // Already active: the exclusive open fails.
      'swapon /dev/sda = -1 EBUSY',
      'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority',
      '/dev/sda                                partition\t262140\t\t0\t\t7',
      // mount(2) of an active swap device: its exclusive claim (util-linux's status 32).
      'mount 32',
      'swapoff /dev/sda = 0 ',
      'swapoff /dev/sda = -1 EINVAL',
      // A mounted device; a file on a read-only mount (the open for writing fails first).
      'swapon /dev/sda = -1 EBUSY',
      'swapon /tmp/x = -1 EROFS',
      'Unable to find swap-space signature',
      'Adding 262140k swap on /dev/sda.  Priority:7 extents:1 across:262140k SS',
      '',
    ].join('\n'),
  );
});

// swapoff first asks security_vm_enough_memory_mm for the area's pages: in overcommit mode 2 with
// 100 MiB committed, CommitLimit (half of RAM plus the swap) cannot take 256 MiB more.
test('swapoff is ENOMEM when the area no longer fits what may be committed (mode 2)', { skip: skip || built.skip }, () => {
  const out = run(
    [
      'cd /tmp',
      'mkswap /dev/sda > /dev/null && swapon /dev/sda',
      'echo 2 > /proc/sys/vm/overcommit_memory',
      './sys_swap hold 100 /tmp/go > hold.out & until grep -q held hold.out 2>/dev/null; do sleep 0.1; done',
      './sys_swap off /dev/sda',
      'grep -c "^/dev/sda " /proc/swaps',
      'echo 0 > /proc/sys/vm/overcommit_memory',
      'touch /tmp/go; wait; grep bad hold.out',
      './sys_swap off /dev/sda',
      'dmesg | cut -c16- | grep -c "^__vm_enough_memory: pid: [0-9]*, comm: sys_swap, bytes: 268431360 not enough memory for the allocation$"',
    ].join('\n'),
  );
  assert.equal(out, 'swapoff /dev/sda = -1 ENOMEM\n1\nholder bad 0\nswapoff /dev/sda = 0 \n1\n');
});

// Past RAM plus swap the OOM killer still ends it: the report counts the victim's swap entries, and
// the victim's exit, which reads user memory that went to swap, finishes on the reserve.
test('a hog beyond RAM and swap is OOM-killed; its swap entries are in the report and freed', { skip: skip || built.skip }, () => {
  const out = run(
    [
      'mkswap /dev/sda > /dev/null && swapon /dev/sda',
      'echo 1 > /proc/sys/vm/overcommit_memory',
      '/tmp/sys_swap hog 200; echo "status $?"',
      'cat /proc/swaps',
      'dmesg | cut -c16- | grep -E "^(Free swap|Total swap|\\[ +[0-9]+\\] .* sys_swap$|Out of memory)"',
    ].join('\n'),
    '32M',
  );
  assert.match(out, /^status 137$/m);
  // What stays in use after the victim is gone is the shell's own pages, far below the 32 MiB it held.
  const used = /^\/dev\/sda {32}partition\t32764\t\t(\d+)\t\t-2$/m.exec(out);
  assert.ok(used && Number(used[1]) < 1024, out);
  assert.match(out, /^Free swap {2}= 0kB\nTotal swap = 32764kB$/m);
  // dump_tasks' swapents column: the victim filled the whole area.
  const row = /^\[ *\d+\] +0 +\d+ +\d+ +\d+ +\d+ +\d+ +0 +\d+ +(\d+) +0 sys_swap$/m.exec(out);
  assert.ok(row && Number(row[1]) > 8000, out);
  assert.match(out, /^Out of memory: Killed process \d+ \(sys_swap\) /m);
});
