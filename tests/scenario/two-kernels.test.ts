// Two machines in one host process (in-process reboot, the several machines
// of a virtual network, labs) must not see each other (issue 11 §1.3). Two
// kernels are built with createKernel/startInit as `tuxglass run` builds one,
// each with a shell as PID 1 reading commands from its own console, and run
// interleaved in lock step: the test hands a command to A, waits for its
// answer, hands one to B, and so on, while both kernels stay alive. Seed
// mode with different epochs gives the machines different clocks. Checked:
// the console (A's /dev/ttyS0 and /dev/kmsg stay A's), the file-time clock,
// files, PIDs, the saved console level of syslog(2), System V IPC ids,
// abstract AF_UNIX names, autobind names and socket cookies, and the ID
// counters /proc/self/mountinfo and st_dev show (mount ids, anonymous
// device numbers). Linux itself is the oracle: two machines share nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DirImage, resolveGuestDir } from '../../src/host/image-dir.js';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';
import { buildGuest } from '../diff/build.js';
import { ShellMachine } from './shell-machine.js';

const rootfs = defaultRootfsDir();
const built = await buildGuest(['two_kernels']);
const skip = !existsSync(join(rootfs, 'usr/bin/ipcmk')) ? `no guest root with util-linux in ${rootfs}` : (built.skip ?? false);

const A_EPOCH_S = 1_735_689_600; // 2025-01-01
const B_EPOCH_S = 1_000_000_000; // 2001-09-09

/** One machine: its own root view with the test program, its seed and its clock. */
function machine(name: string, seed: number, epochS: number): ShellMachine {
  const image = new DirImage(rootfs);
  image.overlay.set(resolveGuestDir(rootfs, '/tmp/two_kernels'), { data: new Uint8Array(readFileSync(built.paths.two_kernels)), mode: 0o100755 });
  const random = (b: Uint8Array) => {
    for (let i = 0; i < b.length; i++) b[i] = (i * 31 + seed) & 0xff;
  };
  return new ShellMachine({ name, image, memBytes: 64 << 20, seed, epochMs: epochS * 1000, random });
}

describe('two kernels in one process share nothing', { skip, concurrency: 1 }, () => {
  let a: ShellMachine, b: ShellMachine;
  before(() => {
    // Both exist before either runs: state a constructor sets at module level would now be B's.
    a = machine('A', 1, A_EPOCH_S);
    b = machine('B', 2, B_EPOCH_S);
    a.start(['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root']);
    b.start(['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root']);
  });
  after(async () => {
    await Promise.all([a.stop(), b.stop()]);
  });

  test('PIDs: both shells are PID 1, and children count per machine', async () => {
    assert.equal((await a.sh('echo $$')).trim(), '1');
    assert.equal((await b.sh('echo $$')).trim(), '1');
    await a.sh('/bin/true; /bin/true; /bin/true');
    const pa = Number((await a.sh("sh -c 'echo $$'")).trim());
    const pb = Number((await b.sh("/bin/true; /bin/true; /bin/true; sh -c 'echo $$'")).trim());
    assert.ok(pa > 1);
    assert.equal(pb, pa, 'the same commands give the same PIDs on each machine');
  });

  test("consoles: A's /dev/ttyS0 and /dev/console write to A's sink only", async () => {
    const bBefore = b.out.length;
    await a.sh('echo serial-from-A > /dev/ttyS0; echo console-from-A > /dev/console');
    // Through the serial tty (ONLCR): \r\n.
    assert.match(a.out, /serial-from-A\r?\n/);
    assert.match(a.out, /console-from-A\r?\n/);
    await b.sh('echo serial-from-B > /dev/ttyS0');
    assert.doesNotMatch(b.out.slice(bBefore), /from-A/);
    assert.doesNotMatch(a.out, /serial-from-B/);
  });

  test("the kernel log: A's /dev/kmsg record is in A's dmesg only", async () => {
    await a.sh('echo only-in-A-log > /dev/kmsg');
    assert.match(await a.sh('dmesg | grep -c only-in-A-log'), /^1\n/);
    assert.match(await b.sh('dmesg | grep -c only-in-A-log'), /^0\n/);
  });

  test("clocks: each machine's file times follow its own realtime clock", async () => {
    const near = (s: string, epoch: number) => {
      const v = Number(s.trim());
      assert.ok(v >= epoch && v < epoch + 3600, `${v} is not near ${epoch}`);
    };
    near(await a.sh('date +%s'), A_EPOCH_S);
    near(await b.sh('date +%s'), B_EPOCH_S);
    near(await a.sh('touch /tmp/stamp-a; stat -c %Y /tmp/stamp-a'), A_EPOCH_S);
    near(await b.sh('touch /tmp/stamp-b; stat -c %Y /tmp/stamp-b'), B_EPOCH_S);
    near(await a.sh('echo x > /dev/shm/s; stat -c %Y /dev/shm/s'), A_EPOCH_S);
  });

  test("files: a file made in A's tree is absent from B's", async () => {
    await a.sh('echo hello > /tmp/only-in-a; mkdir /dev/shm/dir-a');
    assert.equal(await b.sh('ls /tmp/only-in-a /dev/shm/dir-a 2>&1 | wc -l; cat /tmp/only-in-a 2>/dev/null || echo absent'), '2\nabsent\n');
    assert.equal(await a.sh('cat /tmp/only-in-a'), 'hello\n');
  });

  test('syslog(2): the console level saved by SYSLOG_ACTION_CONSOLE_OFF is per machine', async () => {
    await a.sh('dmesg -n 3; dmesg -D');
    await b.sh('dmesg -n 5; dmesg -D');
    await a.sh('dmesg -E');
    await b.sh('dmesg -E');
    assert.match(await a.sh('cat /proc/sys/kernel/printk'), /^3\s/);
    assert.match(await b.sh('cat /proc/sys/kernel/printk'), /^5\s/);
  });

  test('System V IPC: ids and keys are per machine', async () => {
    assert.equal(await a.sh('ipcmk -Q; ipcmk -Q -p 0600; ipcs -q | grep -c ^0x'), 'Message queue id: 0\nMessage queue id: 1\n2\n');
    assert.equal(await b.sh('ipcs -q | grep -c ^0x'), '0\n');
    // B's first queue gets the first id of its own sequence.
    assert.equal(await b.sh('ipcmk -Q; ipcs -q | grep -c ^0x'), 'Message queue id: 0\n1\n');
    assert.equal(await a.sh('ipcs -q | grep -c ^0x'), '2\n');
  });

  test('sockets: abstract AF_UNIX names, autobind names and cookies are per machine', async () => {
    await a.sh('/tmp/two_kernels listen tg-two > /tmp/listen.out & sleep 0.1');
    assert.equal(await a.sh('cat /tmp/listen.out'), 'bind(s, (struct sockaddr *)&a, l) = 0\nlisten(s, 4) = 0\n');
    // B has no such name; binding it there works.
    assert.equal(await b.sh('/tmp/two_kernels connect tg-two'), 'connect(s, (struct sockaddr *)&a, l) = -1 ECONNREFUSED\n');
    assert.match(await b.sh('/tmp/two_kernels listen tg-two & sleep 0.1; kill $!'), /^bind\(s, \(struct sockaddr \*\)&a, l\) = 0\n/);
    assert.equal(
      await a.sh('/tmp/two_kernels connect tg-two; wait; cat /tmp/listen.out | tail -1'),
      'connect(s, (struct sockaddr *)&a, l) = 0\naccepted yes\n',
    );
    // The first autobind and cookie on each machine are alike when the machines did alike.
    const ab = await a.sh('/tmp/two_kernels autobind');
    const bb = await b.sh('/tmp/two_kernels autobind');
    assert.match(ab, /autobind name [0-9a-f]{5}\n/);
    assert.equal(bb.replace(/cookie \d+/, 'cookie N'), ab.replace(/cookie \d+/, 'cookie N'));
  });

  test('ID counters: mount ids and anonymous device numbers are per machine', async () => {
    const cmd = 'cut -d" " -f1-5 /proc/self/mountinfo; stat -c "%n %d" / /proc /sys /dev /dev/shm /dev/pts';
    assert.equal(await b.sh(cmd), await a.sh(cmd));
  });
});
