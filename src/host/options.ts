// The options of `tuxglass run` and `tuxglass boot`, in one table: how each
// is spelled, which command takes it, how its value is checked and turned
// into what the command uses, and its line of --help. node:util's parseArgs
// does the parsing; the table is the only place an option is described.
import { parseArgs } from 'node:util';
import { TIER_NAMES, type TierName } from '../cpu/hart.js';

export type Command = 'run' | 'boot';

/** What `run` and `boot` both take: the machine and its command line. */
/** One --disk: the image and how the board attaches it (QEMU's -drive keys). */
export interface DiskSpec {
  file: string;
  /** The interface: a SCSI disk (sd, /dev/sdX, the default) or virtio-blk (/dev/vdX). */
  if: 'scsi' | 'virtio';
  readonly: boolean;
  /** Writes go to a copy-on-write overlay in memory; the file is only read. */
  snapshot: boolean;
  /** The serial number the disk reports (/sys/block/X/serial, /dev/disk/by-id). */
  serial?: string;
  /** How the disk model charges service time. */
  model: 'ssd' | 'hdd';
}

export interface MachineOptions {
  mem: number;
  disks: DiskSpec[];
  cpus: number;
  append: string[];
  seed?: number;
  rootfs: string | null;
  stats: boolean;
  jit?: TierName;
}
export interface RunOptions extends MachineOptions {
  strace: boolean;
  add: [string, string][];
  argv: string[];
}
export type BootOptions = MachineOptions;

/** RAM a machine may be given (bytes): Linux's smallest useful size, and this machine model's most. */
export const MEM_MIN = 16 * 1024 ** 2;
export const MEM_MAX = 64 * 1024 ** 3;
const MEM_DEFAULT = 256 * 1024 ** 2;

/** A size with an optional K, M, G or T suffix (powers of 1024; "iB" or "B" may follow). */
export function parseSize(s: string): number | null {
  const m = /^(\d+)(?:([KMGT])(?:i?B)?|B)?$/i.exec(s.trim());
  if (!m) return null;
  const shift = { '': 0, K: 10, M: 20, G: 30, T: 40 }[(m[2] ?? '').toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  return Number(m[1]) * 2 ** shift;
}

/**
 * FILE[,if=scsi|virtio][,readonly][,snapshot][,serial=S][,model=ssd|hdd]:
 * the keys --disk takes. A comma in FILE is written twice, as QEMU's
 * option syntax has it.
 */
export function parseDiskSpec(v: string): DiskSpec {
  const parts: string[] = [''];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === ',' && v[i + 1] === ',') {
      parts[parts.length - 1] += ',';
      i++;
    } else if (v[i] === ',') parts.push('');
    else parts[parts.length - 1] += v[i];
  }
  const [file, ...keys] = parts;
  if (file === '') throw new Error(`--disk wants FILE[,if=scsi|virtio][,readonly][,snapshot][,serial=S][,model=ssd|hdd], got '${v}'`);
  const d: DiskSpec = { file, if: 'scsi', readonly: false, snapshot: false, model: 'ssd' };
  for (const kv of keys) {
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq),
      val = eq < 0 ? null : kv.slice(eq + 1);
    const flag = (): boolean => {
      if (val === null || val === 'on') return true;
      if (val === 'off') return false;
      throw new Error(`--disk ${key} takes on or off, got '${val}'`);
    };
    switch (key) {
      case 'if':
        if (val !== 'scsi' && val !== 'virtio') throw new Error(`--disk if= wants scsi or virtio, got '${val ?? ''}'`);
        d.if = val;
        break;
      case 'model':
        if (val !== 'ssd' && val !== 'hdd') throw new Error(`--disk model= wants ssd or hdd, got '${val ?? ''}'`);
        d.model = val;
        break;
      case 'serial':
        // A SCSI unit serial number is at most 20 printable ASCII characters (virtio-blk's ID is 20 bytes too).
        if (val === null || !/^[\x21-\x7e]{1,20}$/.test(val)) throw new Error(`--disk serial= wants 1 to 20 printable characters, got '${val ?? ''}'`);
        d.serial = val;
        break;
      case 'readonly':
        d.readonly = flag();
        break;
      case 'snapshot':
        d.snapshot = flag();
        break;
      default:
        throw new Error(`--disk: unknown key '${key}' (known: if, readonly, snapshot, serial, model)`);
    }
  }
  return d;
}

const human = (n: number) => (n % 1024 ** 3 === 0 ? `${n / 1024 ** 3}G` : `${n / 1024 ** 2}M`);

type Parsed = MachineOptions & Partial<RunOptions>;

interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** The commands that take it. */
  for: readonly Command[];
  /** --help: the value's name (string options) and what the option does. */
  arg?: string;
  help: string;
  /** Store the (string) value, or throw an Error saying what is wrong with it. */
  set(o: Parsed, v: string): void;
}

const BOTH = ['run', 'boot'] as const,
  RUN = ['run'] as const;

export const OPTIONS: Record<string, OptionSpec> = {
  mem: {
    type: 'string',
    for: BOTH,
    arg: 'SIZE',
    help: `simulated RAM, ${human(MEM_MIN)} to ${human(MEM_MAX)} in whole 4K pages (default ${human(MEM_DEFAULT)}; K, M, G suffixes); the host holds only the pages the guest touches, at most 2G`,
    set(o, v) {
      const n = parseSize(v);
      if (n === null) throw new Error(`--mem wants a size such as 512M or 8G, got '${v}'`);
      if (n < MEM_MIN || n > MEM_MAX || n % 4096) throw new Error(`--mem must be from ${human(MEM_MIN)} to ${human(MEM_MAX)} and a multiple of 4K, got '${v}'`);
      o.mem = n;
    },
  },
  cpus: {
    type: 'string',
    for: BOTH,
    arg: 'N',
    help: 'harts (CPUs), 1 to 32 (default 1)',
    set(o, v) {
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 32) throw new Error(`--cpus must be a whole number from 1 to 32, got '${v}'`);
      o.cpus = Number(v);
    },
  },
  disk: {
    type: 'string',
    multiple: true,
    for: BOTH,
    arg: 'FILE[,KEY...]',
    help: 'attach a raw disk image (repeatable): ,if=scsi (default: /dev/sda, sdb...) or ,if=virtio (/dev/vda...), ,readonly, ,snapshot (writes go to a throw-away overlay), ,serial=S, ,model=ssd (default) or hdd; make one with tuxglass disk create',
    set(o, v) {
      o.disks.push(parseDiskSpec(v));
    },
  },
  strace: {
    type: 'boolean',
    for: RUN,
    help: "print every system call to stderr, in strace's format",
    set(o) {
      o.strace = true;
    },
  },
  stats: {
    type: 'boolean',
    for: BOTH,
    help: 'print instructions, MIPS and syscall counts (boot: packing, boot and run figures) at exit',
    set(o) {
      o.stats = true;
    },
  },
  rootfs: {
    type: 'string',
    for: BOTH,
    arg: 'DIR',
    help: "use DIR (a riscv64 root tree) as the root file system (default: the fetched Debian image, see 'fetch'); boot packs it as the initramfs",
    set(o, v) {
      o.rootfs = v;
    },
  },
  add: {
    type: 'string',
    multiple: true,
    for: RUN,
    arg: 'HOST:GUEST',
    help: 'copy a host file into the guest root before start (repeatable)',
    set(o, v) {
      const c = v.lastIndexOf(':');
      if (c <= 0 || !v.slice(c + 1).startsWith('/')) throw new Error(`--add wants HOST_PATH:/GUEST_PATH, got '${v}'`);
      (o.add ??= []).push([v.slice(0, c), v.slice(c + 1)]);
    },
  },
  append: {
    type: 'string',
    multiple: true,
    for: BOTH,
    arg: 'ARGS',
    help: 'add to the kernel command line, e.g. "sched=cfs" (the fair scheduler before 6.6; EEVDF is the default); boot: init=, rdinit=, console=, mem=, quiet, loglevel=N, other words go to init',
    set(o, v) {
      o.append.push(v);
    },
  },
  jit: {
    type: 'string',
    for: BOTH,
    arg: 'MODE',
    help: 'how the CPU runs code: wasm (default: hot code compiled to WebAssembly), js (compiled to JavaScript), interp (interpreted only), wasm-eager (compiled on first run); for tests and comparisons',
    set(o, v) {
      if (!(TIER_NAMES as readonly string[]).includes(v)) throw new Error(`--jit wants one of ${TIER_NAMES.join(', ')}, got '${v}'`);
      o.jit = v as TierName;
    },
  },
  seed: {
    type: 'string',
    for: BOTH,
    arg: 'N',
    help: 'reproducible run: entropy from a generator seeded with N, the clock from SOURCE_DATE_EPOCH (else 2025-01-01), stdin read ahead and fed in at fixed virtual times; virtual time never waits for the host',
    set(o, v) {
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new Error(`--seed wants a whole number, got '${v}'`);
      o.seed = Number(v);
    },
  },
};

/** The --help lines of a command's options, wrapped as the rest of the help is. */
export function optionHelp(cmd: Command): string {
  const lines: string[] = [];
  for (const [name, spec] of Object.entries(OPTIONS)) {
    if (!spec.for.includes(cmd)) continue;
    const head = `      --${name}${spec.arg ? ' ' + spec.arg : ''}`;
    const words = spec.help.split(' ');
    let line = head.padEnd(28);
    if (head.length >= 28) {
      lines.push(head);
      line = ' '.repeat(28);
    }
    for (const w of words) {
      if (line.length + w.length > 78 && line.trim() !== '' && line.length > 28) {
        lines.push(line.trimEnd());
        line = ' '.repeat(28);
      }
      line += w + ' ';
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\n') + '\n';
}

/**
 * As getopt_long takes a required argument: `--name VALUE` takes the next
 * word whatever it starts with (`--append '-- single'`), which parseArgs
 * refuses; so such pairs become `--name=VALUE` first, up to the first word
 * that is no option.
 */
function joinValues(cmd: Command, args: string[]): string[] {
  const out: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === '--' || !a.startsWith('-')) break;
    const spec = a.startsWith('--') && !a.includes('=') ? OPTIONS[a.slice(2)] : undefined;
    if (spec?.type === 'string' && spec.for.includes(cmd) && i + 1 < args.length) out.push(`${a}=${args[++i]}`);
    else out.push(a);
  }
  return [...out, ...args.slice(i)];
}

function parse(cmd: Command, argsIn: string[]): { o: Parsed; rest: string[] } {
  const args = joinValues(cmd, argsIn);
  const options = Object.fromEntries(
    Object.entries(OPTIONS)
      .filter(([, s]) => s.for.includes(cmd))
      .map(([n, s]) => [n, { type: s.type, multiple: s.multiple ?? false }]),
  );
  // `run` stops at the program name (or `--`): what follows is the guest's argv, options or not.
  let end = args.length;
  if (cmd === 'run') {
    const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
    const first = tokens.find((t) => t.kind === 'positional' || t.kind === 'option-terminator');
    if (first) end = first.index;
  }
  const { values } = parseArgs({ args: args.slice(0, end), options, strict: true, allowPositionals: false });
  const o: Parsed = { mem: MEM_DEFAULT, cpus: 1, disks: [], append: [], rootfs: null, stats: false };
  for (const [name, v] of Object.entries(values)) {
    const spec = OPTIONS[name];
    for (const one of Array.isArray(v) ? v : [v]) spec.set(o, typeof one === 'string' ? one : '');
  }
  const rest = args.slice(args[end] === '--' ? end + 1 : end);
  return { o, rest };
}

/** `tuxglass run` options and the guest's argv; throws an Error with a usage message. */
export function parseRun(args: string[]): RunOptions {
  const { o, rest } = parse('run', args);
  if (rest.length === 0) throw new Error('no program given');
  return { ...o, strace: o.strace ?? false, add: o.add ?? [], argv: rest };
}

/** `tuxglass boot` options; throws an Error with a usage message. */
export function parseBoot(args: string[]): BootOptions {
  return parse('boot', args).o;
}
