// A person at the console of a booted machine, in seed mode: busybox init
// starts bash on ttyS0, and the typed input (fed at fixed points of virtual
// time, see src/kernel/seed/input.ts) goes through the N_TTY line discipline.
// ^C, ^Z and ^\ signal the foreground process group, job control moves jobs
// between foreground and background, a pipeline runs, vi edits a file, and
// /proc agrees with what the shell says. What bash prints is Linux's: the
// job-control messages and exit statuses are bash's own on a real tty.
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
const skip = !existsSync(join(rootfs, 'etc', 'inittab')) ? `no guest root with busybox init at ${rootfs} (run: node bin/tuxglass.js fetch)` : false;

/** Boot with --seed 1, type `input`, and return the console as text (bracketed-paste switches and CRs removed). */
function session(input: string): Promise<{ status: number | null; screen: string; raw: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI, 'boot', '--seed', '1', '--rootfs', rootfs], { env: { ...process.env, TERM: 'linux' } });
    let raw = '';
    c.stdout.on('data', (d) => {
      raw += d;
    });
    c.stderr.on('data', (d) => {
      raw += d;
    });
    c.stdin.on('error', () => {});
    c.stdin.end(input);
    const timer = setTimeout(() => c.kill('SIGKILL'), 120_000);
    c.on('close', (status) => {
      clearTimeout(timer);
      // eslint-disable-next-line no-control-regex -- the terminal's escape sequences start with ESC
      resolve({ status, raw, screen: raw.replace(/\x1b\[\?2004[hl]/g, '').replace(/\r/g, '') });
    });
  });
}

const PROMPT = 'root@tuxglass:/# ';

test('job control at the console: ^C, ^Z, jobs, bg, fg, ^\\, a pipeline, /proc', { skip }, async () => {
  const r = await session(
    [
      'echo start-$((6*7))\n',
      'sleep 100\n',
      '\x03',
      'echo status=$?\n',
      'sleep 200\n',
      '\x1a',
      'jobs\n',
      'grep State /proc/$(pgrep -x sleep)/status\n',
      'bg\n',
      'jobs\n',
      'fg\n',
      '\x03',
      'sleep 300\n',
      '\x1c',
      'echo status=$?\n',
      'echo one two three | wc -w\n',
      'ps -o tty=,stat=,comm= -p $$\n',
      // A builtin: the shell itself is the foreground group while it reads its stat.
      'read -a f < /proc/$$/stat; echo pgid=${f[4]} tty_nr=${f[6]} tpgid=${f[7]}\n',
      'poweroff\n',
    ].join(''),
  );
  const s = r.screen;
  // Echo of the typed line, then its output.
  assert.ok(s.includes(`${PROMPT}echo start-$((6*7))\nstart-42\n`), s);
  // ^C: echoed as ^C (ECHOCTL), SIGINT to the foreground job, bash reports 128+2.
  assert.ok(s.includes(`${PROMPT}sleep 100\n^C\n${PROMPT}echo status=$?\nstatus=130\n`), s);
  // ^Z: SIGTSTP stops the job; bash says so and the kernel shows it stopped.
  assert.ok(s.includes(`${PROMPT}sleep 200\n^Z\n[1]+  Stopped                 sleep 200\n`), s);
  assert.ok(s.includes(`${PROMPT}jobs\n[1]+  Stopped                 sleep 200\n`), s);
  assert.ok(s.includes('State:\tT (stopped)\n'), s);
  // bg continues it in the background, fg brings it back, ^C ends it.
  assert.ok(s.includes(`${PROMPT}bg\n[1]+ sleep 200 &\n${PROMPT}jobs\n[1]+  Running                 sleep 200 &\n`), s);
  assert.ok(s.includes(`${PROMPT}fg\nsleep 200\n^C\n`), s);
  // ^\: SIGQUIT, 128+3.
  assert.ok(s.includes(`${PROMPT}sleep 300\n^\\Quit\n`), s);
  assert.ok(s.includes('status=131\n'), s);
  assert.ok(s.includes(`${PROMPT}echo one two three | wc -w\n3\n`), s);
  // The shell's controlling terminal is ttyS0 (4:64, tty_nr 4*256+64), and it is the foreground group at its prompt.
  assert.match(s, /\nttyS0 +Ss +bash\n/);
  assert.match(s, /\npgid=(\d+) tty_nr=1088 tpgid=\1\n/);
  assert.match(s, /reboot: Power down\n/);
  assert.equal(r.status, 0);
});

test('full-screen programs at the console: vi writes a file, top draws and quits', { skip }, async () => {
  const r = await session(
    [
      'stty rows 24 cols 80\n',
      'vi /tmp/note\n',
      'ihello from vi',
      '\x1b',
      ':wq\n',
      'cat /tmp/note\n',
      // One line: top reads keys while it runs (and flushes typeahead as it starts, TCSAFLUSH), so nothing more is typed.
      'top -d 1 -n 2; echo top-done; poweroff -f\n',
    ].join(''),
  );
  // top cleared the screen and drew its summary and task list, twice, then the shell went on.
  // eslint-disable-next-line no-control-regex -- the terminal's escape sequences start with ESC
  assert.match(r.raw, /\x1b\[H\x1b\[2?J[^]*top - \d\d:\d\d:\d\d up[^]*load average: [^]*PID USER +PR +NI/);
  assert.equal(r.raw.match(/top - \d\d:\d\d:\d\d up/g)?.length, 2);
  assert.match(r.screen, /top-done\n/);
  // vim switched to the alternate keypad mode and set its scroll region to the 24 rows stty gave the tty.
  assert.ok(r.raw.includes('\x1b[1;24r'), r.raw);
  assert.ok(r.screen.includes('"/tmp/note" [New File] 1 line, 14 bytes written'), r.screen);
  assert.ok(r.screen.includes(`${PROMPT}cat /tmp/note\nhello from vi\n`), r.screen);
  assert.equal(r.status, 0);
});

test('the same input and seed give the same console, byte for byte', { skip }, async () => {
  const input = 'cat /proc/uptime\nsleep 1\ncat /proc/loadavg; head -c 8 /dev/urandom | od -An -tx1\nps -o pid,stat,time,comm\npoweroff -f\n';
  const [a, b] = await Promise.all([session(input), session(input)]);
  // The host's own lines (initramfs packing time, watchdog) are not the guest's console.
  const guest = (raw: string) => raw.replace(/^tuxglass: .*\n/gm, '');
  assert.equal(guest(a.raw), guest(b.raw));
  assert.match(a.screen, /ps -o pid,stat,time,comm\n +PID STAT +TIME COMMAND\n/);
});

test('IPC and the kernel log at the console: ipcmk, ipcs, ipcrm, mkfifo, dmesg', { skip }, async () => {
  const r = await session(
    [
      // A serial console has no size (0x0); give readline a wide one so no command line wraps.
      'stty rows 50 cols 200\n',
      'ipcmk -Q; ipcmk -M 4096; ipcmk -S 2\n',
      'ipcs -q -m -s | grep -c 0x\n',
      'ipcrm -a; ipcs -q -m -s | grep -c 0x\n',
      'mkfifo /tmp/f; echo through-the-fifo > /tmp/f & cat /tmp/f; wait\n',
      'dmesg | head -2\n',
      'dmesg -l info | grep -c "Run /sbin/init as init process"\n',
      'grep -c " /dev/mqueue mqueue " /proc/mounts\n',
      'grep -c " /dev/pts devpts rw,.*,gid=5,mode=620,ptmxmode=000" /proc/mounts\n',
      'poweroff -f\n',
    ].join(''),
  );
  const s = r.screen;
  assert.match(s, /\nMessage queue id: \d+\nShared memory id: \d+\nSemaphore id: \d+\n/);
  assert.ok(s.includes('| grep -c 0x\n3\n'), s);
  assert.ok(s.includes('ipcrm -a; ipcs -q -m -s | grep -c 0x\n0\n'), s);
  assert.ok(s.includes('\nthrough-the-fifo\n'), s);
  // dmesg prints the ring buffer with Linux's [seconds.micros] stamps, the same records the console showed at boot.
  assert.ok(s.includes('dmesg | head -2\n[    0.000000] Booting Linux on hartid 0\n[    0.000000] Linux version 6.12.0-tuxglass'), s);
  assert.ok(s.includes('as init process"\n1\n'), s);
  assert.ok(s.includes('/proc/mounts\n1\n'), s);
  // init mounted devpts with Debian's options (tty.test.ts runs script(1) on it).
  assert.ok(s.includes('ptmxmode=000" /proc/mounts\n1\n'), s);
  assert.equal(r.status, 0);
});
