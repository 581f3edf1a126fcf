// The console tty (/dev/ttyS0 over the host's stdin and stdout) and ptys as
// real tools use them: line editing and echo typed at the console, ^C to the
// foreground job of a session on the console, and the controlling terminal
// procps shows (TT, the + of the foreground group, tty_nr in /proc/PID/stat)
// for the console and for a pty that util-linux's script(1) makes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'bin', 'tuxglass.js');
const rootfs = defaultRootfsDir();
const missing = ['script', 'setsid', 'ps'].filter((t) => !existsSync(join(rootfs, 'usr/bin', t)));
const skip = missing.length ? `the guest root at ${rootfs} lacks ${missing.join(', ')} (run: node bin/tuxglass.js fetch)` : false;

function run(script: string, input = ''): string {
  const r = spawnSync(process.execPath, [CLI, 'run', '--rootfs', rootfs, '--', '/bin/sh', '-c', script], {
    input,
    encoding: 'latin1',
    timeout: 60_000,
    env: { ...process.env, TERM: 'linux' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout;
}

test('the console tty edits and echoes what the host types', { skip }, () => {
  // Erase (DEL) and word erase (^W): the echo rubs characters out, the reader gets the edited lines.
  const out = run('read a < /dev/ttyS0; echo "got [$a]"; read b < /dev/ttyS0; echo "got [$b]"', 'abc\x7fd\nsecond\x17line\n');
  assert.equal(out, 'abc\b \bd\r\nsecond' + '\b \b'.repeat(6) + 'line\r\ngot [abd]\ngot [line]\n');
});

test("^C at the console interrupts the foreground job of the console's session", { skip }, () => {
  // The session leader takes /dev/ttyS0 as its controlling tty by opening it; ^C (ISIG) kills it, echoed as ^C.
  const out = run('setsid -w sh -c "exec 0</dev/ttyS0; sleep 5; echo survived"; echo "rc=$?"', '\x03');
  assert.equal(out, '^Crc=130\n');
});

test('ps and /proc/PID/stat show the console as the controlling tty', { skip }, () => {
  const out = run('setsid -w sh -c "exec 0</dev/ttyS0; ps -o tty=,stat= -p \\$\\$; cut -d\\" \\" -f7 /proc/\\$\\$/stat"');
  // tty_nr is new_encode_dev(4, 64); "+": in the terminal's foreground group.
  assert.equal(out, 'ttyS0    Ss+\n1088\n');
});

test('a pty from script(1): ps shows pts/0, tty(1) names it, tpgid is the shell', { skip }, () => {
  const out = run('script -qc "ps -o tty=,stat= -p \\$\\$; tty; cut -d\\" \\" -f5,7,8 /proc/\\$\\$/stat" /dev/null');
  const m = /^pts\/0 +Ss\+\r\n\/dev\/pts\/0\r\n(\d+) 34816 (\d+)\r\n$/.exec(out);
  assert.ok(m, JSON.stringify(out));
  // The shell leads its own session and group, which is the terminal's foreground group.
  assert.equal(m[1], m[2]);
});
