// A machine for the disk scenarios: a shell as PID 1 on its console, and a
// disk image as block device 8:0 ("sdz"), in memory. A writable image keeps
// what the guest writes, so the host's e2fsck and debugfs can check it after.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { createKernel, startInit, type Kernel, type HostServices } from '../../src/kernel/index.js';
import { DirImage } from '../../src/host/image-dir.js';
import { addBlockDevice } from '../../src/kernel/block/bdev.js';

const dec = new TextDecoder();
const enc = new TextEncoder();

/** One machine with a shell as PID 1 on its console, and a disk image as block device 8:0 ("sdz"). */
export class Machine {
  out = '';
  private deliver: ((d: Uint8Array | null) => void) | null = null;
  private pending: Uint8Array[] = [];
  private seq = 0;
  readonly k: Kernel;
  done: Promise<number> | null = null;

  constructor(
    readonly img: Uint8Array,
    rootfs: string,
    writable = false,
  ) {
    const sink = { write: (d: Uint8Array) => void (this.out += dec.decode(d)), isTty: false };
    const host: HostServices = {
      console: {
        stdout: sink,
        stderr: sink,
        stdinIsTty: false,
        winsize: () => null,
        requestInput: (deliver) => {
          const d = this.pending.shift();
          if (d) deliver(d);
          else this.deliver = deliver;
        },
      },
      wallClockMs: () => Date.now(),
      monotonicMs: () => performance.now(),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      yield: () => new Promise((r) => setImmediate(r)),
      random: (b) => b.fill(7),
      image: new DirImage(rootfs),
    };
    this.k = createKernel({ memBytes: 128 << 20, host, hostname: 'ext4', cmdline: 'console=ttyS0', seed: 1, epochMs: 1_735_689_600_000 });
    addBlockDevice(this.k.vfs.fs, {
      rdev: 8 << 8,
      name: 'sdz',
      size: img.length,
      logicalBlockSize: 512,
      readOnly: false,
      read: (o, l) => (o + l > img.length ? -5 : img.slice(o, o + l)),
      write: (o, d) => {
        if (!writable) return -30;
        if (o + d.length > img.length) return -5;
        img.set(d, o);
        return 0;
      },
      flush: () => 0,
    });
  }

  start(): void {
    const t = startInit(this.k, '/bin/sh', ['sh'], ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'LC_ALL=C']);
    assert.equal(typeof t, 'object', 'init did not start');
    this.done = this.k.run();
  }

  /** Runs one command line; resolves with what it printed. */
  async sh(cmd: string): Promise<string> {
    const mark = `@@${++this.seq}@@`;
    const from = this.out.length;
    const d = enc.encode(`${cmd}; echo ${mark}\n`);
    if (this.deliver) {
      const f = this.deliver;
      this.deliver = null;
      f(d);
    } else this.pending.push(d);
    const deadline = performance.now() + 120_000;
    for (;;) {
      const at = this.out.indexOf(`${mark}\n`, from);
      if (at >= 0) return this.out.slice(from, at);
      if (performance.now() > deadline) throw new Error(`no answer to ${JSON.stringify(cmd)}; console: ${this.out.slice(from)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async stop(): Promise<void> {
    const d = enc.encode('exit 0\n');
    if (this.deliver) this.deliver(d);
    else this.pending.push(d);
    await this.done;
  }
}
