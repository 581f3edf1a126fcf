// The `tuxglass` command line.
//
// Start-up matters (a run of `true` should not take long): only the CPU is
// loaded up front, its warm-up runs first so that V8 optimizes the
// interpreter on a helper thread meanwhile, and the kernel and the rest are
// imported after it.
import { readFileSync, statSync } from 'node:fs';
import { Hart } from '../cpu/hart.js';
import { Word } from '../cpu/layout.js';
import { startWatchdog } from './watchdog.js';
import { setV8Flags } from './v8flags.js';
import { optionHelp, parseBoot, parseRun, type BootOptions, type MachineOptions, type RunOptions } from './options.js';

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
      Boot a machine as Linux boots: the root tree is packed into a gzip'd
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
  tuxglass syscalls
      Print the kernel's system call coverage: how many riscv64 syscalls are
      implemented, partial or ENOSYS, then each number with its name, status
      and what is missing (or why there is no handler).
  tuxglass --help | --version

Whatever the guest runs, SIGINT, SIGTERM and SIGHUP end tuxglass (boot
passes one SIGINT to the guest as ^C; a second within 2 s ends the run), and
tuxglass ends when its parent process dies.
`;

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
  const host = nodeHost(image, { watch });
  const cmdline = ['console=ttyS0', ...o.append].join(' ');
  const k = createKernel({ memBytes: o.mem, cpus: o.cpus, host, hostname: 'tuxglass', cmdline, ...seedOptions(o.seed) });
  if (!applyJit(k.hart, o)) {
    host.close();
    return 2;
  }
  if (o.strace) attachStrace(k, (line) => host.console.stderr.write(new TextEncoder().encode(line + '\n')));
  const env = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', `TERM=${process.env.TERM || 'linux'}`];
  const start = performance.now();
  const t = startInit(k, o.argv[0], o.argv, env);
  if (t === EXEC_KILLED) {
    await host.flush();
    host.close();
    return 128 + 11;
  }
  if (typeof t === 'number') {
    // As a shell says it: a bare name not found in PATH is "command not found".
    const why = t === -2 && !o.argv[0].includes('/') ? 'command not found' : (ERRNO_NAMES.get(-t)?.[1] ?? `error ${-t}`);
    process.stderr.write(`tuxglass: ${o.argv[0]}: ${why}\n`);
    host.close();
    return t === -2 ? 127 : 126;
  }
  const status = await k.run();
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
  const [{ createKernel, kernelInit }, { nodeHost, seedOptions }, { ensureInitramfs }, { takeTerminal }] = await Promise.all([
    import('../kernel/index.js'),
    import('./services.js'),
    import('./initramfs.js'),
    import('./terminal.js'),
  ]);
  const rootfs = o.rootfs ?? (await (await import('./guestpkg/index.js')).ensureRootfs({ quiet: false }));
  try {
    if (!statSync(rootfs).isDirectory()) throw new Error();
  } catch {
    process.stderr.write(`tuxglass boot: root file system ${rootfs} is not a directory\n`);
    return 2;
  }
  const ir = await ensureInitramfs(rootfs);
  const mb = (n: number) => (n / 1048576).toFixed(1);
  if (ir.packed)
    process.stderr.write(
      `tuxglass: packed ${rootfs} as initramfs: ${ir.files} entries, ${mb(ir.bytes!)} MB, ${mb(ir.compressed!)} MB gzip'd, in ${(ir.ms / 1000).toFixed(2)} s\n`,
    );
  let quit: string | null = null;
  let k: import('../kernel/index.js').Kernel | null = null;
  let term: import('./terminal.js').HostTerminal | null = null;
  const host = nodeHost(null, { inputFilter: (d) => (term ? term.filter(d) : d), seed: o.seed, watch });
  term = takeTerminal(
    (why) => {
      quit = why;
      k?.halt(0);
    },
    (d) => host.inject(d),
  );
  const cmdline = ['console=ttyS0', ...o.append].join(' ');
  const stats: string[] = [];
  try {
    for (;;) {
      const t0 = performance.now();
      const file = readFileSync(ir.path);
      k = createKernel({
        memBytes: o.mem,
        cpus: o.cpus,
        host,
        cmdline,
        initrd: new Uint8Array(file.buffer, file.byteOffset, file.length),
        ...seedOptions(o.seed),
      });
      const t1 = performance.now();
      if (!applyJit(k.hart, o)) return 2;
      kernelInit(k);
      await k.run();
      stats.push(
        `tuxglass: initramfs read+unpacked in ${((t1 - t0) / 1000).toFixed(3)} s, ran ${((performance.now() - t1) / 1000).toFixed(3)} s, shutdown=${k.shutdown ?? 'none'}`,
      );
      if (k.shutdown !== 'restart' || quit !== null) break;
    }
  } finally {
    await host.flush();
    term.restore();
    host.close();
  }
  if (o.stats)
    process.stderr.write(
      (ir.packed ? '' : `tuxglass: initramfs from cache ${ir.path} (checked in ${(ir.ms / 1000).toFixed(3)} s)\n`) + stats.join('\n') + '\n',
    );
  if (quit !== null) {
    process.stderr.write(`\r\ntuxglass: ${quit}\r\n`);
    return (quit as string).includes('SIGINT') ? 130 : 0;
  }
  return k!.shutdown === 'power_off' || k!.shutdown === 'halt' ? 0 : 1;
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
    process.exitCode = code;
    setImmediate(() => process.exit(code));
  },
  (e) => {
    process.stderr.write(`tuxglass: internal error: ${(e as Error).stack ?? e}\n`);
    process.exit(70);
  },
);
