// A machine built in the test's own process, as `tuxglass run` builds one
// (createKernel + startInit), with a shell as PID 1 reading commands from
// its console. The test types a command line and waits for its answer;
// several machines can run interleaved in one process. Used by the disk
// scenarios (disk-machine.ts) and the two-kernel isolation test.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { createKernel, startInit, type Kernel, type HostServices } from '../../src/kernel/index.js';
import type { DirImage } from '../../src/host/image-dir.js';

const dec = new TextDecoder();
const enc = new TextEncoder();

export interface ShellMachineOptions {
  /** Names the machine in errors and in its command marks; also its hostname. */
  name: string;
  image: DirImage;
  memBytes: number;
  seed: number;
  epochMs: number;
  /** Fills host entropy requests (seed mode uses its own PRNG for the guest's). */
  random: (b: Uint8Array) => void;
  /** How long one command may take before the test gives up on it. */
  answerMs?: number;
}

export class ShellMachine {
  out = '';
  private deliver: ((d: Uint8Array | null) => void) | null = null;
  private pending: Uint8Array[] = [];
  private seq = 0;
  readonly k: Kernel;
  done: Promise<number> | null = null;
  /** A command got no answer: later ones fail at once, and stop() halts the machine. */
  hung = false;
  private readonly answerMs: number;

  constructor(readonly opts: ShellMachineOptions) {
    this.answerMs = opts.answerMs ?? 60_000;
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
      random: opts.random,
      image: opts.image,
    };
    this.k = createKernel({ memBytes: opts.memBytes, host, hostname: opts.name, cmdline: 'console=ttyS0', seed: opts.seed, epochMs: opts.epochMs });
  }

  start(env: readonly string[] = ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'LC_ALL=C']): void {
    const t = startInit(this.k, '/bin/sh', ['sh'], [...env]);
    assert.equal(typeof t, 'object', `${this.opts.name}: init did not start`);
    this.done = this.k.run();
  }

  private type(s: string): void {
    const d = enc.encode(s);
    if (this.deliver) {
      const f = this.deliver;
      this.deliver = null;
      f(d);
    } else this.pending.push(d);
  }

  /** Runs one shell command line; resolves with what it printed (console output since it was typed). */
  async sh(cmd: string): Promise<string> {
    const mark = `@@${this.opts.name}${++this.seq}@@`;
    const from = this.out.length;
    this.type(`${cmd}; echo ${mark}\n`);
    const deadline = performance.now() + this.answerMs;
    for (;;) {
      const at = this.out.indexOf(`${mark}\n`, from);
      if (at >= 0) return this.out.slice(from, at);
      if (this.hung || performance.now() > deadline) {
        this.hung = true;
        throw new Error(`${this.opts.name}: no answer to ${JSON.stringify(cmd)}; console: ${this.out.slice(from)}`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async stop(): Promise<void> {
    this.type('exit 0\n');
    if (this.hung) this.k.halt(0);
    await this.done;
  }
}
