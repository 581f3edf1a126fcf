// `tuxglass boot` on a real host terminal: a pseudo-terminal made by the
// host's script(1) (util-linux). The host terminal goes into raw mode for the
// run and gets its exact settings back afterwards (compared with `stty -g`),
// the guest console has the host terminal's size and follows a resize
// (SIGWINCH reaches tuxglass as it would from a terminal emulator), and
// Ctrl-A x ends the run, as QEMU's -serial mon:stdio does, and so do two
// SIGINTs in a row (one is passed to the guest as ^C).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'bin', 'tuxglass.js');
const rootfs = defaultRootfsDir();
const haveScript = spawnSync('script', ['--version']).status === 0;
const skip = !haveScript
  ? 'no script(1) on the host (util-linux bsdutils) to make a terminal'
  : !existsSync(join(rootfs, 'etc', 'inittab'))
    ? `no guest root with busybox init at ${rootfs} (run: node bin/tuxglass.js fetch)`
    : false;

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** What the host side does for a step whose keys start with '!': resize the terminal, or signal tuxglass. */
const HOST_ACTIONS: Record<string, (dir: string) => string> = {
  // Resize the terminal as a terminal emulator does: new size, then SIGWINCH to the program on it.
  '!RESIZE': (dir) => `stty -a <&3 > ${dir}/during; stty rows 40 cols 120 <&3; kill -WINCH $pid`,
  '!INT': () => 'kill -INT $pid',
  '!INT2': () => 'kill -INT $pid; kill -INT $pid',
};

/**
 * Run `tuxglass boot` on a fresh host pty of 33x99. `steps` are [wait-for-text, keys] pairs:
 * the keys are typed once the console showed the text; keys naming a HOST_ACTIONS entry
 * run that on the host instead.
 */
function onTerminal(steps: [string, string][]): Promise<{ out: string; before: string; during: string; after: string; status: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-term-'));
  const inner = [
    'stty rows 33 cols 99',
    `stty -g > ${dir}/before`,
    'exec 3<&0',
    `node ${sh(CLI)} boot --rootfs ${sh(rootfs)} <&3 & pid=$!`,
    // Host actions arrive as files act.1, act.2, ... and run in order.
    `(n=1; while :; do while [ ! -e ${dir}/act.$n ]; do sleep 0.05; done; . ${dir}/act.$n; n=$((n+1)); done) & w=$!`,
    'wait $pid; echo "status=$?" > ' + `${dir}/status`,
    'kill $w',
    `stty -g > ${dir}/after`,
  ].join('\n');
  return new Promise((resolve) => {
    const c = spawn('script', ['-qec', inner, '/dev/null'], { env: { ...process.env, TERM: 'xterm' } });
    let out = '';
    let step = 0,
      acts = 0;
    const advance = () => {
      const screen = out.replace(/\r/g, '');
      while (step < steps.length && screen.includes(steps[step][0])) {
        const keys = steps[step++][1];
        const action = HOST_ACTIONS[keys];
        if (action) {
          const f = join(dir, `act.${++acts}`);
          writeFileSync(`${f}.tmp`, action(dir) + '\n');
          renameSync(`${f}.tmp`, f);
        } else c.stdin.write(keys);
      }
    };
    c.stdout.on('data', (d) => {
      out += d;
      advance();
    });
    c.stdin.on('error', () => {});
    const timer = setTimeout(() => c.kill('SIGKILL'), 40_000);
    c.on('close', () => {
      clearTimeout(timer);
      const read = (f: string) => {
        try {
          return readFileSync(join(dir, f), 'utf8').trim();
        } catch {
          return '';
        }
      };
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
    ['33 99\n', '!RESIZE'],
    // Waits in the guest until the size changes (a lost SIGWINCH would end the test at its timeout).
    [`33 99\n\x1b[?2004h${PROMPT}`, 'while [ "$(stty size)" = "33 99" ]; do sleep 0.1; done; stty size\r'],
    ['40 120\n', 'poweroff\r'],
  ]);
  // The guest's console starts with the host terminal's size, and after the resize has the new one.
  // (Only stty prints these with a newline after; readline may redraw the line around them on SIGWINCH.)
  assert.match(r.out, /33 99\n/);
  assert.match(r.out, /40 120\n/);
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
  const r = await onTerminal([
    [PROMPT, 'sleep 1000\r'],
    ['sleep 1000\n', '\x01x'],
  ]);
  assert.doesNotMatch(r.out, /reboot: Power down/);
  assert.match(r.status, /^status=\d+$/);
  assert.ok(r.before.length > 0);
  assert.equal(r.after, r.before);
});

test('a SIGINT to tuxglass reaches the guest as ^C; a second within 2 s ends the run', { skip }, async () => {
  const r = await onTerminal([
    // The job says when it runs in the foreground, so the SIGINT cannot land while bash is still starting it.
    [PROMPT, '(sleep 0.3; echo fg-ready; exec sleep 1000)\r'],
    ['fg-ready\n', '!INT'],
    // Typed only once the prompt is back: earlier, the tty would echo it ahead of the prompt (typeahead).
    [`^C\n\x1b[?2004h${PROMPT}`, 'echo rc=$?\r'],
    ['rc=130\n', 'sleep 1000\r'],
    ['rc=130\n', '!INT2'],
  ]);
  assert.match(r.out, /fg-ready\n\^C\n/);
  // eslint-disable-next-line no-control-regex -- the terminal's escape sequences start with ESC
  assert.match(r.out, /\n(\x1b\[\?2004l)?rc=130\n/);
  assert.equal(r.status, 'status=130');
  assert.equal(r.after, r.before);
});
