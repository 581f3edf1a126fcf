// The host watchdog (src/host/watchdog.ts) on its own thread: when the main
// thread stops coming back to the event loop, it reports a soft lockup on
// stderr naming the PID and syscall the kernel last published, then says
// when the loop came back. A child process blocks its own main thread on
// purpose; only the report's presence and contents are asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const WATCHDOG = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'host', 'watchdog.js')).href;

test('a main thread that never yields is reported as a soft lockup, with the PID and syscall', () => {
  const script = `
    import { startWatchdog, WATCH_PID, WATCH_SYSCALL } from ${JSON.stringify(WATCHDOG)};
    const dog = startWatchdog(1);
    dog.words[WATCH_PID] = 42; dog.words[WATCH_SYSCALL] = 63;
    // Let the watchdog thread start, then block the event loop for well past the 1 s threshold.
    setTimeout(() => { const end = Date.now() + 3500; while (Date.now() < end); setTimeout(() => dog.stop(), 1500); }, 500);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^tuxglass: watchdog: BUG: soft lockup - the run loop has not returned to the host for \d+ s \[pid 42, in syscall 63\]$/m);
  assert.match(r.stderr, /^tuxglass: watchdog: the run loop came back after [\d.]+ s$/m);
});
