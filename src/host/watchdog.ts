// A watchdog beside the run loop, on a thread of its own, so that it keeps
// working when the main thread does not come back to the event loop.
//
// - Parent death: `tuxglass` started by a program that then dies (say
//   `timeout` killing npx) must not stay behind, orphaned, burning CPU. The
//   watchdog polls getppid(); when the parent changes (the process was
//   reparented), it sends tuxglass a SIGHUP, as a terminal hang-up would, and
//   a SIGKILL if that has not ended it a few seconds later.
// - Soft lockup: the run loop gives the host's event loop a turn every few
//   ms (sched/run.ts). A slice that does not return is a kernel bug; like
//   Linux's soft-lockup detector, the watchdog then says so on stderr, with
//   the PID on the CPU and the syscall being handled (the kernel keeps both
//   in the words it shares, see HostServices.watch), and goes on. The
//   kernel's start-up before the first task runs is not watched.
import { Worker } from 'node:worker_threads';

/** Words shared with the watchdog thread: [PID, SYSCALL] written by the kernel, [BEAT] by the main thread's event loop. */
export const WATCH_PID = 0,
  WATCH_SYSCALL = 1,
  WATCH_BEAT = 2,
  WATCH_WORDS = 4;
/** How often the main thread proves it still turns (ms). */
const BEAT_MS = 250;
/** A beat missing this long is a soft lockup (s): Linux's default, twice watchdog_thresh. */
export const LOCKUP_S = 20;

export interface Watchdog {
  /** The words the kernel keeps current (KernelOptions' host.watch). */
  readonly words: Int32Array;
  stop(): void;
}

// The watchdog thread's code: plain JavaScript, run with `eval` so that the
// bundle needs no second file. Whether eval'd code is a script or a module
// depends on the package around it, so it imports with import(), which both allow.
const THREAD = `
Promise.all([import('node:worker_threads'), import('node:fs')]).then(([{ workerData }, { writeSync }]) => {
const w = new Int32Array(workerData.sab);
const ppid = workerData.ppid, lockupMs = workerData.lockupS * 1000;
let beat = Atomics.load(w, ${WATCH_BEAT}), beatAt = Date.now(), reported = false, hungUp = 0;
const say = (s) => { try { writeSync(2, 'tuxglass: ' + s + '\\n'); } catch {} };
setInterval(() => {
  const now = Date.now();
  if (ppid !== 1 && process.ppid !== ppid) {
    if (!hungUp) { hungUp = now; say('parent process ' + ppid + ' went away; ending the run'); process.kill(process.pid, 'SIGHUP'); }
    else if (now - hungUp > 3000) process.kill(process.pid, 'SIGKILL');
  }
  const b = Atomics.load(w, ${WATCH_BEAT});
  // Only slices of the run loop count: before a task first ran, the kernel is starting (unpacking the initramfs, say).
  if (b !== beat || Atomics.load(w, ${WATCH_PID}) === 0) {
    if (reported) say('watchdog: the run loop came back after ' + ((now - beatAt) / 1000).toFixed(1) + ' s');
    beat = b; beatAt = now; reported = false;
  } else if (!reported && now - beatAt > lockupMs) {
    reported = true;
    const nr = Atomics.load(w, ${WATCH_SYSCALL});
    say('watchdog: BUG: soft lockup - the run loop has not returned to the host for ' + Math.round((now - beatAt) / 1000) +
      ' s [pid ' + Atomics.load(w, ${WATCH_PID}) + (nr >= 0 ? ', in syscall ' + nr : ', in user mode or the scheduler') + ']');
  }
}, 500);
});
`;

export function startWatchdog(lockupS = LOCKUP_S): Watchdog {
  const sab = new SharedArrayBuffer(WATCH_WORDS * 4);
  const words = new Int32Array(sab);
  words[WATCH_SYSCALL] = -1;
  // The parent is read here, not in the thread: a thread that starts late on a
  // loaded host could otherwise read the parent it was already reparented to.
  const worker = new Worker(THREAD, { eval: true, workerData: { sab, lockupS, ppid: process.ppid }, stdout: false, stderr: false });
  worker.unref();
  // A watchdog that cannot start (no threads on this host) leaves the run as it was.
  worker.on('error', () => {});
  const beat = setInterval(() => {
    Atomics.add(words, WATCH_BEAT, 1);
  }, BEAT_MS);
  beat.unref();
  return {
    words,
    stop() {
      clearInterval(beat);
      void worker.terminate();
    },
  };
}
