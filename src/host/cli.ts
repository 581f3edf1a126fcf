// The `tuxglass` command line.
//
// Start-up matters (a run of `true` should not take long): only the CPU is
// loaded up front, its warm-up runs first so that V8 optimizes the
// interpreter on a helper thread meanwhile, and the kernel and the rest are
// imported after it.
import { readFileSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Hart, TIER_NAMES, type TierName } from '../cpu/hart.js';
import { Word } from '../cpu/layout.js';

// Compiled guest code (src/cpu/wasm) runs as fast under V8's baseline
// WebAssembly compiler, Liftoff, as after its optimising one (measured on
// the CPU benchmark and a bash loop: equal or faster), while optimising
// the large page functions in the background costs more CPU than it ever
// saves. So guest code stays baseline; our own optimised tier does the rest.
setFlagsFromString('--liftoff-only');

const HELP = `tuxglass - a Linux-compatible kernel in TypeScript running riscv64 Linux programs

Usage:
  tuxglass run [options] [--] GUEST_PATH [ARGS...]
      Run one program on a fresh kernel. Host stdin/stdout/stderr are the
      guest's fds 0-2; the exit status is the program's (128+N if signal N
      killed it).
      --mem SIZE            simulated RAM (default 256M; K, M, G suffixes)
      --cpus N              harts (CPUs), 1 to 32 (default 1)
      --strace              print every system call to stderr, in strace's format
      --stats               print instructions, MIPS and syscall counts at exit
      --rootfs DIR          use DIR (a riscv64 root tree) as the root file system
                            (default: the fetched Debian image, see 'fetch')
      --add HOST:GUEST      copy a host file into the guest root before start
                            (repeatable)
      --append ARGS         add to the kernel command line, e.g. "sched=cfs"
                            (the fair scheduler before 6.6; EEVDF is the default)
      --jit MODE            how the CPU runs code: wasm (default: hot code
                            compiled to WebAssembly), js (compiled to
                            JavaScript), interp (interpreted only), wasm-eager
                            (compiled on first run); for tests and comparisons
      --seed N              reproducible run: entropy from a generator seeded
                            with N, the clock from SOURCE_DATE_EPOCH (else
                            2025-01-01), stdin read ahead and fed in at fixed
                            virtual times; virtual time never waits for the host
  tuxglass boot [options]
      Boot a machine as Linux boots: the root tree is packed into a gzip'd
      cpio newc initramfs (cached under .cache/initramfs), the kernel
      unpacks it into its rootfs and starts init (rdinit=/init, else
      /sbin/init: busybox init with /etc/inittab). The host terminal is the
      serial console ttyS0, in raw mode; Ctrl-A x ends the run, Ctrl-A
      Ctrl-A sends Ctrl-A. Exit status 0 after poweroff or halt, 1 after a
      kernel panic; reboot boots the machine again.
      --mem SIZE            simulated RAM (default 256M; K, M, G suffixes)
      --cpus N              harts (CPUs), 1 to 32 (default 1)
      --append ARGS         add to the kernel command line: init=, rdinit=,
                            console=, mem=, quiet, loglevel=N; other words
                            go to init (name=value in its environment)
      --seed N              deterministic mode with this seed
      --jit MODE            wasm, js, interp or wasm-eager (see run)
      --rootfs DIR          pack DIR instead of the fetched Debian image
      --stats               print packing, boot and run figures at exit
  tuxglass fetch [--force]
      Download and assemble the default guest root file system (Debian
      trixie riscv64 busybox-static) into the cache.
  tuxglass syscalls
      Print the kernel's system call coverage: how many riscv64 syscalls are
      implemented, partial or ENOSYS, then each number with its name, status
      and what is missing (or why there is no handler).
  tuxglass --help | --version
`;

function parseSize(s: string): number {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(s.trim());
  if (!m) throw new Error(`bad size: ${s}`);
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * mult;
}

/** What `run` and `boot` both take: the machine and its command line. */
interface MachineOptions { mem: number; cpus: number; append: string[]; seed?: number; rootfs: string | null; stats: boolean; jit?: TierName }

const machineDefaults = (): MachineOptions => ({ mem: 256 * 1024 * 1024, cpus: 1, append: [], rootfs: null, stats: false });

/** One of the shared options; false when `name` is not one. */
function machineOption(o: MachineOptions, name: string, value: () => string): boolean {
  switch (name) {
    case '--mem': o.mem = parseSize(value()); return true;
    case '--cpus': o.cpus = Number(value()); return true;
    case '--append': o.append.push(value()); return true;
    case '--rootfs': o.rootfs = value(); return true;
    case '--stats': o.stats = true; return true;
    case '--jit': {
      const v = value();
      if (!(TIER_NAMES as readonly string[]).includes(v)) throw new Error(`--jit wants one of ${TIER_NAMES.join(', ')}, got ${v}`);
      o.jit = v as TierName;
      return true;
    }
    case '--seed': {
      const v = value();
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new Error(`--seed wants a whole number, got ${v}`);
      o.seed = Number(v);
      return true;
    }
    default: return false;
  }
}

/** --jit: hold the hart to the chosen tier; false (after saying why) when this host cannot. */
function applyJit(h: Hart, o: MachineOptions): boolean {
  if (!o.jit || h.setTier(o.jit)) return true;
  process.stderr.write(`tuxglass: --jit ${o.jit}: this host has no WebAssembly\n`);
  return false;
}

function checkMachine(o: MachineOptions): void {
  if (!Number.isInteger(o.cpus) || o.cpus < 1 || o.cpus > 32) throw new Error('--cpus must be a whole number from 1 to 32');
  if (o.mem < 16 * 1024 * 1024 || o.mem % 4096) throw new Error('--mem must be at least 16M and a multiple of 4K');
}

interface RunOptions extends MachineOptions { strace: boolean; add: [string, string][]; argv: string[] }

function parseRun(args: string[]): RunOptions {
  const o: RunOptions = { ...machineDefaults(), strace: false, add: [], argv: [] };
  let i = 0;
  const value = (name: string) => {
    const eq = args[i].indexOf('=');
    if (eq >= 0) return args[i].slice(eq + 1);
    if (i + 1 >= args.length) throw new Error(`${name} needs a value`);
    return args[++i];
  };
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === '--') { i++; break; }
    if (!a.startsWith('--')) break;
    const name = a.split('=')[0];
    if (machineOption(o, name, () => value(name))) continue;
    switch (name) {
      case '--strace': o.strace = true; break;
      case '--add': {
        const v = value(name);
        const c = v.lastIndexOf(':');
        if (c <= 0 || !v.slice(c + 1).startsWith('/')) throw new Error(`--add wants HOST_PATH:/GUEST_PATH, got ${v}`);
        o.add.push([v.slice(0, c), v.slice(c + 1)]);
        break;
      }
      default: throw new Error(`unknown option ${a}`);
    }
  }
  o.argv = args.slice(i);
  if (o.argv.length === 0) throw new Error('no program given');
  checkMachine(o);
  return o;
}

async function runCommand(args: string[]): Promise<number> {
  let o: RunOptions;
  try { o = parseRun(args); } catch (e) {
    process.stderr.write(`tuxglass run: ${(e as Error).message}\nTry 'tuxglass --help'.\n`);
    return 2;
  }
  Hart.prepare();
  const [{ createKernel, startInit }, { attachStrace }, { EXEC_KILLED }, { DirImage, resolveGuestDir }, { nodeHost, seedOptions }, { ERRNO_NAMES }] = await Promise.all([
    import('../kernel/index.js'), import('../kernel/trace/strace.js'), import('../kernel/exec/execve.js'),
    import('./image-dir.js'), import('./services.js'), import('../kernel/trace/strace/errnames.js')]);
  const rootfs = o.rootfs ?? await (await import('./guestpkg/index.js')).ensureRootfs({ quiet: false });
  try { if (!statSync(rootfs).isDirectory()) throw new Error(); } catch {
    process.stderr.write(`tuxglass run: root file system ${rootfs} is not a directory\n`);
    return 2;
  }
  const image = new DirImage(rootfs);
  for (const [hostPath, guestPath] of o.add) {
    try {
      const data = readFileSync(hostPath);
      image.overlay.set(resolveGuestDir(image.root, guestPath), { data: new Uint8Array(data), mode: statSync(hostPath).mode });
    } catch (e) {
      process.stderr.write(`tuxglass run: --add ${hostPath}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const host = nodeHost(image);
  const cmdline = ['console=ttyS0', ...o.append].join(' ');
  const k = createKernel({ memBytes: o.mem, cpus: o.cpus, host, hostname: 'tuxglass', cmdline, ...seedOptions(o.seed) });
  if (!applyJit(k.hart, o)) { host.close(); return 2; }
  if (o.strace) attachStrace(k, (line) => host.console.stderr.write(new TextEncoder().encode(line + '\n')));
  const env = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', `TERM=${process.env.TERM || 'linux'}`];
  const start = performance.now();
  const t = startInit(k, o.argv[0], o.argv, env);
  if (t === EXEC_KILLED) { await host.flush(); host.close(); return 128 + 11; }
  if (typeof t === 'number') {
    process.stderr.write(`tuxglass: ${o.argv[0]}: ${ERRNO_NAMES.get(-t)?.[1] ?? `error ${-t}`}\n`);
    host.close();
    return t === -2 ? 127 : 126;
  }
  const status = await k.run();
  await host.flush();
  host.close();
  if (o.stats) {
    const secs = (performance.now() - start) / 1000;
    const insns = k.hart.instret;
    process.stderr.write(`tuxglass: instructions=${insns} seconds=${secs.toFixed(3)} mips=${(insns / secs / 1e6).toFixed(1)} syscalls=${k.stats.syscalls} enosys=${k.stats.enosys}\n`);
    process.stderr.write(`tuxglass: mode_switches=${k.stats.modeSwitches} context_switches=${k.runqueues.reduce((n, rq) => n + rq.nrSwitches, 0)} interrupts=${k.stats.interrupts}\n`);
    const h = k.hart, w = k.mem.wasmJit?.stats;
    process.stderr.write(`tuxglass: tiers interp=${insns - h.jsInsns - h.wasmInsns} js=${h.jsInsns} wasm=${h.wasmInsns}` +
      (w ? ` enters=${h.wasmEnters} chains=${h.words[Word.Chains] >>> 0} chain_misses=${h.words[Word.ChainMisses] >>> 0}` +
        ` wasm_compiles=${w.compiles} optimised=${w.optimised} compile_ms=${w.compileMs.toFixed(0)} compiled_insns=${w.compiledInsns} cache_hits=${w.cacheHits} cache_misses=${w.cacheMisses} drops=${w.drops}` : '') + '\n');
  }
  return (status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
}

type BootOptions = MachineOptions;

function parseBoot(args: string[]): BootOptions {
  const o = machineDefaults();
  for (let i = 0; i < args.length; i++) {
    const a = args[i], name = a.split('=')[0];
    const value = () => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      if (i + 1 >= args.length) throw new Error(`${name} needs a value`);
      return args[++i];
    };
    if (!machineOption(o, name, value)) throw new Error(`unknown option ${a}`);
  }
  checkMachine(o);
  return o;
}

async function bootCommand(args: string[]): Promise<number> {
  let o: BootOptions;
  try { o = parseBoot(args); } catch (e) {
    process.stderr.write(`tuxglass boot: ${(e as Error).message}\nTry 'tuxglass --help'.\n`);
    return 2;
  }
  Hart.prepare();
  const [{ createKernel, kernelInit }, { nodeHost, seedOptions }, { ensureInitramfs }, { takeTerminal }] = await Promise.all([
    import('../kernel/index.js'), import('./services.js'), import('./initramfs.js'), import('./terminal.js')]);
  const rootfs = o.rootfs ?? await (await import('./guestpkg/index.js')).ensureRootfs({ quiet: false });
  try { if (!statSync(rootfs).isDirectory()) throw new Error(); } catch {
    process.stderr.write(`tuxglass boot: root file system ${rootfs} is not a directory\n`);
    return 2;
  }
  const ir = await ensureInitramfs(rootfs);
  const mb = (n: number) => (n / 1048576).toFixed(1);
  if (ir.packed) process.stderr.write(`tuxglass: packed ${rootfs} as initramfs: ${ir.files} entries, ${mb(ir.bytes!)} MB, ${mb(ir.compressed!)} MB gzip'd, in ${(ir.ms / 1000).toFixed(2)} s\n`);
  let quit: string | null = null;
  let k: import('../kernel/index.js').Kernel | null = null;
  let term: import('./terminal.js').HostTerminal | null = null;
  const host = nodeHost(null, { inputFilter: (d) => term ? term.filter(d) : d, seed: o.seed });
  term = takeTerminal((why) => { quit = why; k?.halt(0); }, (d) => host.inject(d));
  const cmdline = ['console=ttyS0', ...o.append].join(' ');
  const stats: string[] = [];
  try {
    for (;;) {
      const t0 = performance.now();
      const file = readFileSync(ir.path);
      k = createKernel({ memBytes: o.mem, cpus: o.cpus, host, cmdline, initrd: new Uint8Array(file.buffer, file.byteOffset, file.length), ...seedOptions(o.seed) });
      const t1 = performance.now();
      if (!applyJit(k.hart, o)) return 2;
      kernelInit(k);
      await k.run();
      stats.push(`tuxglass: initramfs read+unpacked in ${((t1 - t0) / 1000).toFixed(3)} s, ran ${((performance.now() - t1) / 1000).toFixed(3)} s, shutdown=${k.shutdown ?? 'none'}`);
      if (k.shutdown !== 'restart' || quit !== null) break;
    }
  } finally {
    await host.flush();
    term.restore();
    host.close();
  }
  if (o.stats) process.stderr.write((ir.packed ? '' : `tuxglass: initramfs from cache ${ir.path} (checked in ${(ir.ms / 1000).toFixed(3)} s)\n`) + stats.join('\n') + '\n');
  if (quit !== null) { process.stderr.write(`\r\ntuxglass: ${quit}\r\n`); return (quit as string).includes('SIGINT') ? 130 : 0; }
  return k!.shutdown === 'power_off' || k!.shutdown === 'halt' ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'run': return runCommand(rest);
    case 'boot': return bootCommand(rest);
    case 'fetch': return (await import('./guestpkg/command.js')).fetchCommand(rest);
    case 'syscalls': {
      if (rest.length) { process.stderr.write(`tuxglass syscalls: takes no arguments\nTry 'tuxglass --help'.\n`); return 2; }
      process.stdout.write((await import('../kernel/syscalls/coverage.js')).formatCoverage());
      return 0;
    }
    case '--version': case '-V': {
      const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
      process.stdout.write(`tuxglass ${pkg.version}\n`);
      return 0;
    }
    case undefined: case '--help': case '-h': case 'help':
      process.stdout.write(HELP);
      return cmd === undefined ? 2 : 0;
    default:
      process.stderr.write(`tuxglass: unknown command '${cmd}'\nTry 'tuxglass --help'.\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; setImmediate(() => process.exit(code)); }, (e) => {
  process.stderr.write(`tuxglass: internal error: ${(e as Error).stack ?? e}\n`);
  process.exit(70);
});
