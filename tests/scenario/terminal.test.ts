// `tuxglass boot` on a real host terminal: a pseudo-terminal made by the
// host's script(1) (util-linux). The host terminal goes into raw mode for the
// run and gets its exact settings back afterwards (compared with `stty -g`),
// the guest console has the host terminal's size and follows a resize
// (SIGWINCH reaches tuxglass as it would from a terminal emulator), and
// Ctrl-A x ends the run, as QEMU's -serial mon:stdio does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'bin', 'tuxglass.js');
const rootfs = defaultRootfsDir();
const haveScript = spawnSync('script', ['--version']).status === 0;
const skip = !haveScript ? 'no script(1) on the host (util-linux bsdutils) to make a terminal'
  : !existsSync(join(rootfs, 'etc', 'inittab')) ? `no guest root with busybox init at ${rootfs} (run: node bin/tuxglass.js fetch)` : false;

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Run `tuxglass boot` on a fresh host pty of 33x99. `steps` are [wait-for-text, keys] pairs:
 * the keys are typed once the console showed the text. A step's keys may be the word
 * RESIZE, which resizes the host terminal to 40x120 and signals tuxglass as a terminal would.
 */
function onTerminal(steps: [string, string][]): Promise<{ out: string; before: string; during: string; after: string; status: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-term-'));
  const flag = join(dir, 'resize');
  const inner = [
    'stty rows 33 cols 99',
    `stty -g > ${dir}/before`,
    'exec 3<&0',
    `node ${sh(CLI)} boot --rootfs ${sh(rootfs)} <&3 & pid=$!`,
    `(while [ ! -e ${flag} ]; do sleep 0.05; done; stty -a <&3 > ${dir}/during; stty rows 40 cols 120 <&3; kill -WINCH $pid) &`,
    'wait $pid; echo "status=$?" > ' + `${dir}/status`,
    `stty -g > ${dir}/after`,
  ].join('\n');
  return new Promise((resolve) => {
    const c = spawn('script', ['-qec', inner, '/dev/null'], { env: { ...process.env, TERM: 'xterm' } });
    let out = '';
    let step = 0;
    const advance = () => {
      const screen = out.replace(/\r/g, '');
      while (step < steps.length && screen.includes(steps[step][0])) {
        const keys = steps[step++][1];
        if (keys === 'RESIZE') writeFileSync(flag, '');
        else c.stdin.write(keys);
      }
    };
    c.stdout.on('data', (d) => { out += d; advance(); });
    c.stdin.on('error', () => {});
    const timer = setTimeout(() => c.kill('SIGKILL'), 40_000);
    c.on('close', () => {
      clearTimeout(timer);
      const read = (f: string) => { try { return readFileSync(join(dir, f), 'utf8').trim(); } catch { return ''; } };
      const r = { out: out.replace(/\r/g, ''), before: read('before'), during: read('during'), after: read('after'), status: read('status') };
      rmSync(dir, { recursive: true, force: true });
      resolve(r);
    });
  });
}

const PROMPT = 'root@tuxglass:/# ';

test('the host terminal: raw for the run, restored after poweroff; the console follows its size', { skip }, async () => {
  const r = await onTerminal([
    [PROMPT, 'stty size\r'],
    ['33 99\n', 'RESIZE'],
    // Waits in the guest until the size changes (a lost SIGWINCH would end the test at its timeout).
    ['33 99\n', 'while [ "$(stty size)" = "33 99" ]; do sleep 0.1; done; stty size\r'],
    ['40 120\n', 'poweroff\r'],
  ]);
  // The guest's console starts with the host terminal's size, and after the resize has the new one.
  assert.match(r.out, /\n(\x1b\[\?2004l)?33 99\n/);
  assert.match(r.out, /\n(\x1b\[\?2004l)?40 120\n/);
  assert.match(r.out, /reboot: Power down\n/);
  assert.equal(r.status, 'status=0');
  // While the guest runs, the host terminal is raw: no line editing, echo or signal keys of its own.
  assert.match(r.during, /(^|\s)-icanon(\s|$)/);
  assert.match(r.during, /(^|\s)-echo(\s|$)/);
  assert.match(r.during, /(^|\s)-isig(\s|$)/);
  // stty -g before and after: every flag and control character as it was.
  assert.ok(r.before.length > 0);
  assert.equal(r.after, r.before);
});

test('Ctrl-A x ends a run at the terminal, and the terminal is restored', { skip }, async () => {
  const r = await onTerminal([[PROMPT, 'sleep 1000\r'], ['sleep 1000\n', '\x01x']]);
  assert.doesNotMatch(r.out, /reboot: Power down/);
  assert.match(r.status, /^status=\d+$/);
  assert.ok(r.before.length > 0);
  assert.equal(r.after, r.before);
});
