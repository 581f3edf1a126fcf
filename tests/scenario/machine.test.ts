// The board's devices as a booted system meets them: the console's input
// arrives as ttyS0's PLIC interrupt (counted in /proc/interrupts, as Linux
// prints it on the virt machine), busybox hwclock reads and sets the
// goldfish RTC through /dev/rtc0, /dev/hwrng reads the entropy source, and
// poweroff ends at the power controller with status 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'bin', 'tuxglass.js');
const rootfs = defaultRootfsDir();
const skip = !existsSync(join(rootfs, 'usr', 'libexec', 'busybox', 'hwclock'))
  ? `no guest root with busybox applets at ${rootfs} (run: node bin/tuxglass.js fetch)`
  : false;

function boot(args: string[], input: string, timeoutMs = 120_000): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI, 'boot', '--rootfs', rootfs, ...args], { env: { ...process.env, TERM: 'dumb' } });
    let out = '',
      err = '';
    c.stdout.on('data', (d) => {
      out += d;
    });
    c.stderr.on('data', (d) => {
      err += d;
    });
    c.stdin.on('error', () => {});
    c.stdin.write(input);
    const timer = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, out, err });
    });
  });
}

const SCRIPT =
  [
    'mount -t proc proc /proc; mount -t devtmpfs dev /dev',
    'H=/usr/libexec/busybox/hwclock',
    'echo "rtc: $($H -u -r | cut -c1-24)"; echo "sys: $(date -u "+%a %b %e %H:%M:%S %Y")"',
    '$H -u -w && echo wrote-rtc',
    'a=$(head -c 16 /dev/hwrng | od -An -tx1 | tr -d " \\n"); b=$(head -c 16 /dev/hwrng | od -An -tx1 | tr -d " \\n"); echo "hwrng ${#a} $([ "$a" != "$b" ] && echo fresh)"',
    'seq 1000 | tr -d "\\n"; echo',
    'cat /proc/interrupts',
    'cat /proc/iomem; echo "ioports $(wc -c < /proc/ioports)"',
    'setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all cat /proc/iomem | sed "s/^/user: /"',
    'grep "^intr" /proc/stat | cut -d" " -f1-13',
    'poweroff -f',
  ].join('\n') + '\n';

test('ttyS0 interrupts, the RTC through hwclock, /dev/hwrng, power-off at the power controller', { skip, timeout: 180_000 }, async () => {
  const r = await boot(['--seed', '1', '--append', 'init=/bin/sh'], SCRIPT);
  const out = r.out.replace(/\r/g, '');
  // Seed mode starts the clock at 2025-01-01; the RTC counts from the same moment.
  assert.match(out, /^rtc: Wed Jan {2}1 00:00:0\d 2025$/m, out);
  assert.match(out, /^sys: Wed Jan {2}1 00:00:0\d 2025$/m);
  assert.match(out, /^wrote-rtc$/m);
  assert.match(out, /^hwrng 32 fresh$/m, 'two 16-byte reads, different');
  // show_interrupts' columns: the timer, then the PLIC lines, in IRQ order.
  assert.match(out, /^ {11}CPU0 {7}$/m);
  const tty = /^ 10: +(\d+) {2}SiFive PLIC {2}10 Edge {6}ttyS0$/m.exec(out);
  assert.ok(tty, 'a ttyS0 line');
  assert.ok(Number(tty[1]) >= 1, 'console input came as interrupts');
  // Output leaves by THR-empty interrupts, 16 bytes each: seq's 2893 digits alone take 181.
  assert.ok(out.includes(Array.from({ length: 1000 }, (_, i) => i + 1).join('')), 'the output arrived whole');
  assert.ok(Number(tty[1]) >= Math.ceil(2893 / 16), `ttyS0 counts output interrupts too (${tty[1]})`);
  assert.match(out, /^ {2}5: +\d+ {2}RISC-V INTC {3}5 Edge {6}riscv-timer\n 10: .*ttyS0\n 11: +0 {2}SiFive PLIC {2}11 Edge {6}101000\.rtc\nIPI0:/m);
  // /proc/iomem (kernel/resource.c r_show): the ranges drivers claimed and the RAM, by address;
  // a reader without CAP_SYS_ADMIN sees the names with zeros for addresses.
  assert.match(
    out,
    /^00101000-00101fff : 101000\.rtc rtc@101000\n04000000-04000fff : 4000000\.rng rng@4000000\n0c000000-0c5fffff : c000000\.plic plic@c000000\n10000000-100000ff : serial\n80000000-8fffffff : System RAM\nioports 0$/m,
  );
  assert.match(out, /^user: 00000000-00000000 : serial\nuser: 00000000-00000000 : System RAM$/m);
  // /proc/stat's intr line counts the same line (field 12 is IRQ 10).
  const intr = /^intr (\d+)(( \d+){11})$/m.exec(out);
  assert.ok(intr, 'an intr line');
  assert.ok(Number(intr[2].trim().split(' ')[10]) >= Number(tty[1]));
  assert.match(out, /reboot: Power down\n/);
  assert.equal(r.status, 0, r.err);
});
