// The kernel command line as init/main.c reads it: the parameters the
// kernel itself handles (__setup and early_param), and the rest handed to
// init — "name=value" words into its environment, plain words into its
// argv (unknown_bootoption), everything after "--" into argv untouched.
// Dotted names are module parameters and are dropped.

export interface BootParams {
  /** init=: when given, the only init tried (a failure panics). */
  init: string | null;
  /** rdinit=: the program in the initramfs tried first. */
  rdinit: string;
  /** console= names, without options ("ttyS0,115200" -> "ttyS0"). */
  consoles: string[];
  /** mem=: RAM cap in bytes. */
  mem: number | null;
  /** For init: argv after the program name, and the environment. */
  argv: string[];
  envp: string[];
  /** What the kernel did not know, as print_unknown_bootoptions lists it. */
  unknown: string[];
  /** root=: the device prepare_namespace mounts as / (init/do_mounts.c), or null. */
  root: string | null;
  /** rootfstype=: the file system types tried, in order (null: every block-device type). */
  rootfstype: string[] | null;
  /** rootflags=: the mount data for the root file system. */
  rootflags: string;
  /** ro (the default) or rw: root_mountflags' MS_RDONLY. */
  rootReadOnly: boolean;
  /** rootwait: wait for the root device to appear. */
  rootwait: boolean;
  /** rootdelay=: seconds to wait before mounting root. */
  rootdelay: number;
}

/** Parameters this kernel (or the Linux it models) consumes itself. */
const KNOWN = new Set([
  'quiet',
  'debug',
  'loglevel',
  'console',
  'init',
  'rdinit',
  'mem',
  'root',
  'rootfstype',
  'rootflags',
  'panic',
  'earlycon',
  'ignore_loglevel',
  'nokaslr',
  'sched',
  'initcall_debug',
  'printk.time',
]);

/** memparse: a number with an optional K, M, G, T suffix. */
export function memparse(s: string): number | null {
  const m = /^(0x[0-9a-f]+|\d+)([kmgt]?)$/i.exec(s);
  if (!m) return null;
  const shift = { '': 0, k: 10, m: 20, g: 30, t: 40 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Number(m[1]) * 2 ** shift;
}

export function parseBootParams(cmdline: string): BootParams {
  const p: BootParams = {
    init: null,
    rdinit: '/init',
    consoles: [],
    mem: null,
    argv: [],
    envp: ['HOME=/', 'TERM=linux'],
    unknown: [],
    root: null,
    rootfstype: null,
    rootflags: '',
    rootReadOnly: true,
    rootwait: false,
    rootdelay: 0,
  };
  const words = cmdline.split(/\s+/).filter((w) => w !== '');
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '--') {
      p.argv.push(...words.slice(i + 1));
      break;
    }
    const eq = w.indexOf('=');
    const name = eq < 0 ? w : w.slice(0, eq),
      val = eq < 0 ? null : w.slice(eq + 1);
    switch (name) {
      case 'init':
        if (val) p.init = val;
        continue;
      case 'rdinit':
        if (val) p.rdinit = val;
        continue;
      case 'console':
        if (val) p.consoles.push(val.split(',')[0]);
        continue;
      // __setup("root=") and friends: the last one given wins, as each overwrites its variable.
      case 'root':
        if (val !== null) p.root = val.slice(0, 63);
        continue;
      case 'rootfstype':
        if (val !== null) p.rootfstype = val.split(',');
        continue;
      case 'rootflags':
        if (val !== null) p.rootflags = val;
        continue;
      case 'rootdelay':
        if (val !== null && /^\d+$/.test(val)) p.rootdelay = Number(val);
        continue;
      // "ro" and "rw" take no value: "ro=x" is not them (the __setup handler returns 0).
      case 'ro':
      case 'rw':
        if (val === null) {
          p.rootReadOnly = name === 'ro';
          continue;
        }
        break;
      // rootwait=N (6.6+) bounds the wait; with no hotplug here there is nothing to wait for either way.
      case 'rootwait':
        p.rootwait = true;
        continue;
      case 'mem': {
        const m = val === null ? null : memparse(val);
        if (m) p.mem = m;
        continue;
      }
    }
    if (KNOWN.has(name)) continue;
    if (name.includes('.')) continue;
    p.unknown.push(w);
    if (val === null) {
      p.argv.push(w);
      continue;
    }
    // A later value of the same variable replaces the earlier one.
    const at = p.envp.findIndex((e) => e.startsWith(name + '='));
    if (at >= 0) p.envp[at] = w;
    else p.envp.push(w);
  }
  return p;
}
