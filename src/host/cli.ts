// The `tuxglass` command line.
//
// Start-up matters (a run of `true` should not take long): only the CPU is
// loaded up front, its warm-up runs first so that V8 optimizes the
// interpreter on a helper thread meanwhile, and the kernel and the rest are
// imported after it.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFile } from 'node:fs/promises';
import { Hart } from '../cpu/hart.js';
import { Word } from '../cpu/layout.js';
import { startWatchdog } from './watchdog.js';
import { setV8Flags } from './v8flags.js';
import { optionHelp, parseBoot, parseRun, parseSize, type BootOptions, type MachineOptions, type RunOptions } from './options.js';

// V8's flags first: guest code compiled from here on must see them (v8flags.ts).
setV8Flags();

const HELP = `tuxglass - a Linux-compatible kernel in TypeScript running riscv64 Linux programs

Usage:
  tuxglass run [options] [--] PROGRAM [ARGS...]
      Run one program on a fresh kernel. A PROGRAM without a slash is looked
      for in the guest's PATH, as execvp does. Host stdin/stdout/stderr are
      the guest's fds 0-2; the exit status is the program's (128+N if signal
      N killed it; 127 if it was not found, 126 if it could not run).
${optionHelp('run')}  tuxglass boot [options]
      Boot a machine as Linux boots. With root=DEVICE in --append, the
      kernel mounts that disk (read-only, "rw" to change that) as / and
      starts its /sbin/init. Otherwise the root tree is packed into a gzip'd
      cpio newc initramfs (cached under .cache/initramfs), the kernel
      unpacks it into its rootfs and starts init (rdinit=/init, else
      /sbin/init: busybox init with /etc/inittab). The host terminal is the
      serial console ttyS0, in raw mode. Ctrl-A is an escape, as in QEMU:
      Ctrl-A x ends the run, Ctrl-A h lists the escapes, Ctrl-A Ctrl-A sends
      Ctrl-A. Exit status 0 after poweroff or halt, 1 after a kernel panic;
      reboot boots the machine again.
${optionHelp('boot')}  tuxglass fetch [--force]
      Download and assemble the default guest root file system (Debian
      trixie riscv64 busybox-static) into the cache.
  tuxglass disk create FILE SIZE
      Make a raw disk image of SIZE bytes (K, M, G suffixes; a multiple of
      512), sparse where the host's file system allows, for --disk.
  tuxglass disk rootfs FILE [--size N] [--rootfs DIR] [--seed N]
      Make a root disk from the guest root: an MBR with one partition, and
      an ext4 file system made in it by the guest's own mkfs.ext4 -d (the
      host needs no e2fsprogs). Boot it with
      tuxglass boot --disk FILE --append root=/dev/sda1.
  tuxglass syscalls
      Print the kernel's system call coverage: how many riscv64 syscalls are
      implemented, partial or ENOSYS, then each number with its name, status
      and what is missing (or why there is no handler).
  tuxglass --help | --version

Whatever the guest runs, SIGINT, SIGTERM and SIGHUP end tuxglass (boot
passes one SIGINT to the guest as ^C; a second within 2 s ends the run), and
tuxglass ends when its parent process dies or when the terminal on its stdin
hangs up (in run, the guest's session leader hears SIGHUP first and has 3 s
to end). The end of a piped stdin is only the end of file to the guest.
`;

/** How long a `run` whose terminal hung up lets its program react (a SIGHUP handler) before it ends (ms). */
const HANGUP_GRACE_MS = 3000;

/** Set once the terminal on stdin has hung up: tuxglass then ends by SIGHUP, whatever its guest did. */
let terminalHungUp = false;

/**
 * End as a process of a hung-up session does, killed by SIGHUP (a shell
 * sees 129). Not by exit(): Node would then put back the terminal's modes,
 * and it aborts when a hung-up terminal refuses them.
 */
function endByHangup(): void {
  process.removeAllListeners('SIGHUP');
  process.kill(process.pid, 'SIGHUP');
}

/**
 * --jit: hold the hart to the chosen tier; false (after saying why) when this
 * host cannot. Without it, WebAssembly compiles in the background on V8's
 * helper threads while the interpreter goes on (wasm/runtime.ts).
 */
function applyJit(h: Hart, o: MachineOptions): boolean {
  if (!o.jit) {
    if (h.mem.wasmJit) h.mem.wasmJit.background = true;
    return true;
  }
  if (h.setTier(o.jit)) return true;
  process.stderr.write(`tuxglass: --jit ${o.jit}: this host has no WebAssembly\n`);
  return false;
}

/**
 * Opens every --disk image before the machine is built, so a missing,
 * odd-sized or busy image is a usage error (status 2) and nothing boots.
 * Returns the disks' configurations, or null after saying what is wrong.
 */
async function openDisks(cmd: string, o: MachineOptions): Promise<import('../machine/disk.js').DiskConfig[] | null> {
  if (o.disks.length === 0) return [];
  const { openDiskImage } = await import('./disk-image.js');
  const out: import('../machine/disk.js').DiskConfig[] = [];
  for (const spec of o.disks) {
    try {
      out.push({ backend: openDiskImage(spec), iface: spec.if, model: spec.model, serial: spec.serial });
    } catch (e) {
      for (const d of out) d.backend.close();
      process.stderr.write(`tuxglass ${cmd}: --disk ${(e as Error).message}\n`);
      return null;
    }
  }
  return out;
}

/** The machine has stopped: each drive writes its cache to the image (as QEMU's do when it quits). */
function shutdownDisks(k: import('../kernel/index.js').Kernel): void {
  for (const { disk } of k.machine.disks) {
    if (disk.shutdown() !== 'ok') process.stderr.write(`tuxglass: a disk could not write its cache back to the image\n`);
  }
}

async function runCommand(args: string[], watch: Int32Array): Promise<number> {
  let o: RunOptions;
  try {
    o = parseRun(args);
  } catch (e) {
    process.stderr.write(`tuxglass run: ${(e as Error).message}\nTry 'tuxglass --help'.\n`);
    return 2;
  }
  Hart.prepare();
  const [{ createKernel, startInit }, { attachStrace }, { EXEC_KILLED }, { DirImage, resolveGuestDir }, { nodeHost, seedOptions }, { ERRNO_NAMES }] =
    await Promise.all([
      import('../kernel/index.js'),
      import('../kernel/trace/strace.js'),
      import('../kernel/exec/execve.js'),
      import('./image-dir.js'),
      import('./services.js'),
      import('../kernel/trace/strace/errnames.js'),
    ]);
  const rootfs = o.rootfs ?? (await (await import('./guestpkg/index.js')).ensureRootfs({ quiet: false }));
  try {
    if (!statSync(rootfs).isDirectory()) throw new Error();
  } catch {
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
  const disks = await openDisks('run', o);
  if (!disks) return 2;
  const closeDisks = () => disks.forEach((d) => d.backend.close());
  const host = nodeHost(image, { watch });
  const cmdline = ['console=ttyS0', ...o.append].join(' ');
  const k = createKernel({ memBytes: o.mem, cpus: o.cpus, host, hostname: 'tuxglass', cmdline, disks, ...seedOptions(o.seed) });
  if (!applyJit(k.hart, o)) {
    host.close();
    closeDisks();
    return 2;
  }
  // A terminal on stdin that hangs up: the guest's session leader hears SIGHUP
  // (boot/setup.ts); then tuxglass ends as a process of a hung-up session does,
  // by SIGHUP, unless the guest's program ends first.
  host.console.onHangup?.(() => {
    terminalHungUp = true;
    setTimeout(endByHangup, HANGUP_GRACE_MS).unref();
  });
  if (o.strace) attachStrace(k, (line) => host.console.stderr.write(new TextEncoder().encode(line + '\n')));
  const env = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', `TERM=${process.env.TERM || 'linux'}`];
  const start = performance.now();
  const t = startInit(k, o.argv[0], o.argv, env);
  if (t === EXEC_KILLED) {
    await host.flush();
    host.close();
    closeDisks();
    return 128 + 11;
  }
  if (typeof t === 'number') {
    // As a shell says it: a bare name not found in PATH is "command not found".
    const why = t === -2 && !o.argv[0].includes('/') ? 'command not found' : (ERRNO_NAMES.get(-t)?.[1] ?? `error ${-t}`);
    process.stderr.write(`tuxglass: ${o.argv[0]}: ${why}\n`);
    host.close();
    closeDisks();
    return t === -2 ? 127 : 126;
  }
  const status = await k.run();
  shutdownDisks(k);
  closeDisks();
  await host.flush();
  host.close();
  if (o.stats) {
    const secs = (performance.now() - start) / 1000;
    const insns = k.hart.instret;
    process.stderr.write(
      `tuxglass: instructions=${insns} seconds=${secs.toFixed(3)} mips=${(insns / secs / 1e6).toFixed(1)} syscalls=${k.stats.syscalls} enosys=${k.stats.enosys}\n`,
    );
    process.stderr.write(`tuxglass: host_max_rss_kb=${process.resourceUsage().maxRSS} guest_ram_kb=${k.pages.total * 4} backed_kb=${k.mem.size / 1024}\n`);
    process.stderr.write(
      `tuxglass: mode_switches=${k.stats.modeSwitches} context_switches=${k.runqueues.reduce((n, rq) => n + rq.nrSwitches, 0)} interrupts=${k.stats.interrupts}\n`,
    );
    const h = k.hart,
      w = k.mem.wasmJit?.stats;
    process.stderr.write(
      `tuxglass: tiers interp=${insns - h.jsInsns - h.wasmInsns} js=${h.jsInsns} wasm=${h.wasmInsns}` +
        (w
          ? ` enters=${h.wasmEnters} chains=${h.words[Word.Chains] >>> 0} chain_misses=${h.words[Word.ChainMisses] >>> 0}` +
            ` wasm_compiles=${w.compiles} optimised=${w.optimised} compile_ms=${w.compileMs.toFixed(0)} compiled_insns=${w.compiledInsns} cache_hits=${w.cacheHits} cache_misses=${w.cacheMisses} drops=${w.drops}`
          : '') +
        '\n',
    );
    // how the launcher found V8's code cache of the bundle (bin/tuxglass.js)
    process.stderr.write(`tuxglass: v8_code_cache=${process.env.TUXGLASS_CODE_CACHE ?? 'unknown'}\n`);
  }
  return status & 0x7f ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
}

async function bootCommand(args: string[], watch: Int32Array): Promise<number> {
  let o: BootOptions;
  try {
    o = parseBoot(args);
  } catch (e) {
    process.stderr.write(`tuxglass boot: ${(e as Error).message}\nTry 'tuxglass --help'.\n`);
    return 2;
  }
  Hart.prepare();
  const [{ bootKernel, kernelInit }, { nodeHost, seedOptions }, { ensureInitramfs }, { takeTerminal }] = await Promise.all([
    import('../kernel/index.js'),
    import('./services.js'),
    import('./initramfs.js'),
    import('./terminal.js'),
  ]);
  // root= on the command line: the kernel mounts that device as / and no initramfs is packed (as QEMU without -initrd).
  const cmdWords = o.append.join(' ').split(/\s+/);
  const dashes = cmdWords.indexOf('--');
  const rootOnDisk = (dashes < 0 ? cmdWords : cmdWords.slice(0, dashes)).some((w) => w.startsWith('root='));
  const rootfs = rootOnDisk ? null : (o.rootfs ?? (await (await import('./guestpkg/index.js')).ensureRootfs({ quiet: false })));
  try {
    if (rootfs !== null && !statSync(rootfs).isDirectory()) throw new Error();
  } catch {
    process.stderr.write(`tuxglass boot: root file system ${rootfs} is not a directory\n`);
    return 2;
  }
  const disks = await openDisks('boot', o);
  if (!disks) return 2;
  const ir = rootfs === null ? null : await ensureInitramfs(rootfs);
  const mb = (n: number) => (n / 1048576).toFixed(1);
  if (ir?.packed)
    process.stderr.write(
      `tuxglass: packed ${rootfs} as initramfs: ${ir.files} entries, ${mb(ir.bytes!)} MB, ${mb(ir.compressed!)} MB gzip'd, in ${(ir.ms / 1000).toFixed(2)} s\n`,
    );
  let quit: string | null = null;
  let k: import('../kernel/index.js').Kernel | null = null;
  let term: import('./terminal.js').HostTerminal | null = null;
  // Ending the run while the kernel is still starting (reading and unpacking the initramfs) abandons the start.
  let quitWhileStarting: () => void = () => {};
  const quitted = new Promise<null>((resolve) => {
    quitWhileStarting = () => resolve(null);
  });
  const host = nodeHost(null, { inputFilter: (d) => (term ? term.filter(d) : d), seed: o.seed, watch });
  // The serial line's far end hung up: nobody is left to type or read, so the run ends, as on SIGHUP.
  host.console.onHangup?.(() => {
    terminalHungUp = true;
    quit = 'the terminal hung up';
    k?.halt(0);
    quitWhileStarting();
  });
  term = takeTerminal(
    (why) => {
      quit = why;
      k?.halt(0);
      quitWhileStarting();
    },
    (d) => host.inject(d),
  );
  // At a terminal, typed keys are read from the start so that Ctrl-A x acts during the unpack; piped input waits for the guest to ask, as before.
  if (process.stdin.isTTY) host.listen();
  const cmdline = ['console=ttyS0', ...o.append].join(' ');
  const stats: string[] = [];
  try {
    for (;;) {
      const t0 = performance.now();
      // Read and unpacked beside the event loop: the escape keys and signals are served meanwhile.
      const starting = (ir ? readFile(ir.path) : Promise.resolve(null)).then((file) =>
        bootKernel({
          memBytes: o.mem,
          cpus: o.cpus,
          host,
          cmdline,
          initrd: file ? new Uint8Array(file.buffer, file.byteOffset, file.length) : undefined,
          disks,
          ...seedOptions(o.seed),
        }),
      );
      k = await Promise.race([starting, quitted]);
      if (!k) break;
      const t1 = performance.now();
      if (!applyJit(k.hart, o)) return 2;
      kernelInit(k);
      await k.run();
      shutdownDisks(k);
      stats.push(
        `tuxglass: initramfs read+unpacked in ${((t1 - t0) / 1000).toFixed(3)} s, ran ${((performance.now() - t1) / 1000).toFixed(3)} s, shutdown=${k.shutdown ?? 'none'}`,
      );
      if (k.shutdown !== 'restart' || quit !== null) break;
    }
  } finally {
    disks.forEach((d) => d.backend.close());
    await host.flush();
    term.restore();
    host.close();
  }
  if (o.stats)
    process.stderr.write(
      (!ir || ir.packed ? '' : `tuxglass: initramfs from cache ${ir.path} (checked in ${(ir.ms / 1000).toFixed(3)} s)\n`) + stats.join('\n') + '\n',
    );
  if (quit !== null) {
    process.stderr.write(`\r\ntuxglass: ${quit}\r\n`);
    return (quit as string).includes('SIGINT') ? 130 : (quit as string).includes('hung up') ? 129 : 0;
  }
  return k!.shutdown === 'power_off' || k!.shutdown === 'halt' ? 0 : 1;
}

/**
 * `tuxglass disk rootfs FILE [--size N] [--rootfs DIR] [--seed N]`: a root
 * disk from the guest root, made by the guest's mkfs.ext4 (disk-rootfs.ts).
 */
async function diskRootfsCommand(args: string[]): Promise<number> {
  const usage = (why: string) => {
    process.stderr.write(`tuxglass disk rootfs: ${why}\nusage: tuxglass disk rootfs FILE [--size N] [--rootfs DIR] [--seed N]\n`);
    return 2;
  };
  let file: string | null = null,
    size: number | null = null,
    rootfs: string | null = null;
  const pass: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const val = (): string | null => args[++i] ?? null;
    if (a === '--size') {
      const v = val();
      size = v === null ? null : parseSize(v);
      if (!size || size % 512 !== 0 || size < 16 << 20) return usage(`--size wants a multiple of 512 bytes of at least 16M, got '${v}'`);
    } else if (a === '--rootfs') {
      rootfs = val();
      if (!rootfs) return usage('--rootfs wants a directory');
    } else if (a === '--seed') {
      const v = val();
      if (v === null) return usage('--seed wants a number');
      pass.push('--seed', v);
    } else if (!a.startsWith('-') && file === null) file = a;
    else return usage(`unexpected '${a}'`);
  }
  if (!file) return usage('FILE is missing');
  const { prepareRootDisk, defaultRootSize } = await import('./disk-rootfs.js');
  const root = rootfs ?? (await (await import('./guestpkg/index.js')).ensureRootfs({ quiet: false }));
  const tmp = mkdtempSync(`${tmpdir()}/tuxglass-rootfs-`);
  try {
    const bytes = size ?? defaultRootSize(root);
    let runArgs: string[];
    try {
      runArgs = prepareRootDisk(file, bytes, root, tmp);
    } catch (e) {
      process.stderr.write(`tuxglass disk rootfs: ${(e as Error).message}\n`);
      return 1;
    }
    process.stderr.write(`tuxglass: making ${file} (${bytes >> 20} MiB): partition 1 from 1 MiB, then the guest's mkfs.ext4 -d copies ${root} into it\n`);
    const status = await runCommand([...pass, ...runArgs], startWatchdog().words);
    if (status !== 0) process.stderr.write(`tuxglass disk rootfs: mkfs.ext4 in the guest failed (status ${status})\n`);
    else process.stderr.write(`tuxglass: ${file} is ready: tuxglass boot --disk ${file} --append root=/dev/sda1\n`);
    return status === 0 ? 0 : 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** `tuxglass disk create FILE SIZE`: a new, sparse, zero-filled image. */
async function diskCommand(args: string[]): Promise<number> {
  if (args[0] === 'rootfs') return diskRootfsCommand(args.slice(1));
  const [sub, file, sizeText, ...extra] = args;
  if (sub !== 'create' || !file || !sizeText || extra.length) {
    process.stderr.write(`tuxglass disk: usage: tuxglass disk create FILE SIZE (e.g. 64M, 1G)\nTry 'tuxglass --help'.\n`);
    return 2;
  }
  const size = parseSize(sizeText);
  if (size === null || size === 0) {
    process.stderr.write(`tuxglass disk create: SIZE wants a size such as 64M or 1G, got '${sizeText}'\n`);
    return 2;
  }
  if (size % 512 !== 0) {
    process.stderr.write(`tuxglass disk create: size ${size} is not a multiple of 512 bytes\n`);
    return 2;
  }
  try {
    (await import('./disk-image.js')).createDiskImage(file, size);
  } catch (e) {
    process.stderr.write(`tuxglass disk create: ${(e as Error).message}\n`);
    return 1;
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    // The watchdog (parent death, soft lockups) runs from the start: fetching the root can take a while too.
    case 'run':
      return runCommand(rest, startWatchdog().words);
    case 'boot':
      return bootCommand(rest, startWatchdog().words);
    case 'fetch':
      return (await import('./guestpkg/command.js')).fetchCommand(rest);
    case 'disk':
      return diskCommand(rest);
    case 'syscalls': {
      if (rest.length) {
        process.stderr.write(`tuxglass syscalls: takes no arguments\nTry 'tuxglass --help'.\n`);
        return 2;
      }
      process.stdout.write((await import('../kernel/syscalls/coverage.js')).formatCoverage());
      return 0;
    }
    case '--version':
    case '-V': {
      const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
      process.stdout.write(`tuxglass ${pkg.version}\n`);
      return 0;
    }
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(HELP);
      return cmd === undefined ? 2 : 0;
    default:
      process.stderr.write(`tuxglass: unknown command '${cmd}'\nTry 'tuxglass --help'.\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (terminalHungUp) return endByHangup();
    process.exitCode = code;
    setImmediate(() => process.exit(code));
  },
  (e) => {
    process.stderr.write(`tuxglass: internal error: ${(e as Error).stack ?? e}\n`);
    process.exit(70);
  },
);
