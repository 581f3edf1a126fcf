// Node implementations of the kernel's host services.
//
// Start-up: node:crypto and node:zlib take milliseconds each to load and most
// runs need neither (randomness comes from Web Crypto, which Node has
// built in; only a boot's initramfs is gunzipped), so zlib loads on first use.
import { fstatSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { HostServices, HostConsole, HostStream } from '../kernel/host.js';
import type { ImageSource } from '../kernel/fs/image.js';

/** node:zlib, loaded on first use. */
const zlib = () => createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib');

function stream(s: NodeJS.WriteStream, pending: Set<Promise<void>>): HostStream {
  // A reader that went away (`tuxglass run ... | head`) must not crash the
  // host: later output is dropped, as a closed pipe drops it.
  s.on('error', () => {
    /* EPIPE and the like */
  });
  return {
    isTty: !!s.isTTY,
    write(data) {
      const p = new Promise<void>((resolve) => s.write(data, () => resolve()));
      pending.add(p);
      p.then(() => pending.delete(p));
    },
  };
}

/** How often a terminal on stdin is checked for a hang-up while nobody reads it (ms). */
const HANGUP_POLL_MS = 500;

/**
 * tty_nr of /proc/self/stat: the device number of this process's controlling
 * terminal, 0 when it has none, or -1 where there is no such file (not Linux).
 */
function controllingTty(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[4]);
  } catch {
    return -1;
  }
}

/**
 * Calls `hungUp` once when the terminal on stdin hangs up. Linux detaches
 * every process of the session from a terminal that hangs up (their tty_nr
 * becomes 0), and reads from it fail; the first is checked on a timer, so a
 * hang-up is seen even while the guest reads nothing, the second where
 * stdin is read. Nothing is watched unless stdin is this process's
 * controlling terminal.
 */
function watchHangup(hungUp: () => void): { readEnded(failed: boolean): void; stop(): void } {
  let tty = -1;
  try {
    if (process.stdin.isTTY) tty = fstatSync(0).rdev;
  } catch {
    /* stdin already gone */
  }
  let done = tty <= 0 || controllingTty() !== tty;
  const fire = () => {
    if (done) return;
    done = true;
    clearInterval(timer);
    hungUp();
  };
  const timer: ReturnType<typeof setInterval> = setInterval(() => {
    if (controllingTty() !== tty) fire();
  }, HANGUP_POLL_MS);
  timer.unref();
  if (done) clearInterval(timer);
  return {
    // A read that ended: Node reports the EIO of a hung-up terminal as an error or as the end of
    // input; a Ctrl-D at a live terminal is an end too, and leaves the terminal attached.
    readEnded: (failed) => {
      if (failed || controllingTty() !== tty) fire();
    },
    stop: () => {
      done = true;
      clearInterval(timer);
    },
  };
}

/** One output chunk of the size the gzip trailer gives (ISIZE): no doubling, no copy to join chunks. */
function gunzipChunk(data: Uint8Array): number {
  const isize = data.length >= 4 ? new DataView(data.buffer, data.byteOffset + data.length - 4).getUint32(0, true) : 0;
  return Math.max(64 * 1024, isize + 1);
}

export interface NodeHostOptions {
  /** Host input passes through this first (the console escape keys); it returns what reaches the guest. */
  inputFilter?: (d: Uint8Array) => Uint8Array;
  /** Deterministic mode's seed (--seed). */
  seed?: number;
  /** The watchdog's shared words (watchdog.ts), kept current by the kernel. */
  watch?: Int32Array;
}

export interface NodeHost extends HostServices {
  /** Bytes for the guest console as if typed (a SIGINT becomes ^C). */
  inject(d: Uint8Array): void;
  readonly seed?: number;
  /** Read stdin from now on, before the guest asks (the escape keys of boot act from the start); input waits for the guest. */
  listen(): void;
  /** Wait until everything written to stdout/stderr has been handed to the OS. */
  flush(): Promise<void>;
  close(): void;
}

export function nodeHost(image: ImageSource | null, opts: NodeHostOptions = {}): NodeHost {
  const pending = new Set<Promise<void>>();
  let stdinListening = false;
  let waiter: ((d: Uint8Array | null) => void) | null = null;
  const queued: (Uint8Array | null)[] = [];
  const onData = (d: Buffer) => {
    let bytes: Uint8Array = new Uint8Array(d.buffer, d.byteOffset, d.length).slice();
    if (opts.inputFilter) {
      bytes = opts.inputFilter(bytes);
      if (!bytes.length) return;
    }
    deliverBytes(bytes);
  };
  const deliverBytes = (bytes: Uint8Array) => {
    // Pause before handing over: the receiver may ask again at once (seed mode reads ahead).
    if (waiter) {
      const w = waiter;
      waiter = null;
      process.stdin.pause();
      w(bytes);
    } else queued.push(bytes);
  };
  const hangupCbs: (() => void)[] = [];
  const hangup = watchHangup(() => {
    for (const cb of hangupCbs) cb();
  });
  const onEnd = () => {
    if (waiter) {
      const w = waiter;
      waiter = null;
      w(null);
    } else queued.push(null);
  };
  const console: HostConsole = {
    stdout: stream(process.stdout, pending),
    stderr: stream(process.stderr, pending),
    stdinIsTty: !!process.stdin.isTTY,
    winsize: () => (process.stdout.isTTY ? { rows: process.stdout.rows, cols: process.stdout.columns } : null),
    onHangup(cb) {
      hangupCbs.push(cb);
    },
    onResize(cb) {
      if (process.stdout.isTTY) process.stdout.on('resize', cb);
    },
    requestInput(deliver) {
      if (queued.length) {
        deliver(queued.shift()!);
        return;
      }
      waiter = deliver;
      listen();
      process.stdin.resume();
    },
  };
  function listen(): void {
    if (!stdinListening) {
      stdinListening = true;
      process.stdin.on('data', onData);
      // A hang-up is reported before the end of input it causes, so the guest hears SIGHUP before its read returns 0.
      process.stdin.on('end', () => {
        hangup.readEnded(false);
        onEnd();
      });
      process.stdin.on('error', () => {
        hangup.readEnded(true);
        onEnd();
      });
    }
  }
  return {
    console,
    image,
    seed: opts.seed,
    watch: opts.watch,
    inject: (d) => deliverBytes(d),
    listen() {
      listen();
      process.stdin.resume();
    },
    wallClockMs: () => Date.now(),
    monotonicMs: () => performance.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    yield: () => new Promise((r) => setImmediate(r)),
    random: (buf) => {
      // getRandomValues fills at most 64 KiB a call
      for (let at = 0; at < buf.length; at += 65536) crypto.getRandomValues(buf.subarray(at, Math.min(buf.length, at + 65536)));
    },
    gunzip: (data) => {
      const b = zlib().gunzipSync(data, { chunkSize: gunzipChunk(data) });
      return new Uint8Array(b.buffer, b.byteOffset, b.length);
    },
    gunzipAsync: (data) =>
      new Promise((resolve, reject) =>
        zlib().gunzip(data, { chunkSize: gunzipChunk(data) }, (err, b) => (err ? reject(err) : resolve(new Uint8Array(b.buffer, b.byteOffset, b.length)))),
      ),
    async flush() {
      await Promise.all([...pending]);
    },
    close() {
      hangup.stop();
      if (stdinListening) {
        process.stdin.pause();
        process.stdin.removeListener('data', onData);
      }
      process.stdin.unref?.();
    },
  };
}

/**
 * The kernel options of seed mode (`--seed N`): the seed, and the realtime
 * clock's start from SOURCE_DATE_EPOCH (seconds, the reproducible-builds
 * convention) when it is set, else the kernel's fixed default.
 */
export function seedOptions(seed: number | undefined, env: Record<string, string | undefined> = process.env): { seed?: number; epochMs?: number } {
  if (seed === undefined) return {};
  const sde = env.SOURCE_DATE_EPOCH;
  return /^\d{1,12}$/.test(sde ?? '') ? { seed, epochMs: Number(sde) * 1000 } : { seed };
}
