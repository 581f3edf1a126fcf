// Node implementations of the kernel's host services.
//
// Start-up: node:crypto and node:zlib take milliseconds each to load and most
// runs need neither (randomness comes from Web Crypto, which Node has
// built in; only a boot's initramfs is gunzipped), so zlib loads on first use.
import { createRequire } from 'node:module';
import type { HostServices, HostConsole, HostStream } from '../kernel/host.js';
import type { ImageSource } from '../kernel/fs/image.js';

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
    onResize(cb) {
      if (process.stdout.isTTY) process.stdout.on('resize', cb);
    },
    requestInput(deliver) {
      if (queued.length) {
        deliver(queued.shift()!);
        return;
      }
      waiter = deliver;
      if (!stdinListening) {
        stdinListening = true;
        process.stdin.on('data', onData);
        process.stdin.on('end', onEnd);
        process.stdin.on('error', onEnd);
      }
      process.stdin.resume();
    },
  };
  return {
    console,
    image,
    seed: opts.seed,
    watch: opts.watch,
    inject: (d) => deliverBytes(d),
    wallClockMs: () => Date.now(),
    monotonicMs: () => performance.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    yield: () => new Promise((r) => setImmediate(r)),
    random: (buf) => {
      // getRandomValues fills at most 64 KiB a call
      for (let at = 0; at < buf.length; at += 65536) crypto.getRandomValues(buf.subarray(at, Math.min(buf.length, at + 65536)));
    },
    gunzip: (data) => {
      // One output chunk of the size the gzip trailer gives (ISIZE): no doubling, no copy to join chunks.
      const isize = data.length >= 4 ? new DataView(data.buffer, data.byteOffset + data.length - 4).getUint32(0, true) : 0;
      const { gunzipSync } = createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib');
      const b = gunzipSync(data, { chunkSize: Math.max(64 * 1024, isize + 1) });
      return new Uint8Array(b.buffer, b.byteOffset, b.length);
    },
    async flush() {
      await Promise.all([...pending]);
    },
    close() {
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
