// The sysctl table (Linux's struct ctl_table and register_sysctl): every
// tunable under /proc/sys is one entry with a name, a mode and a handler that
// turns the value into text and back. Subsystems register their tables under
// a directory path ("kernel", "net/core"); procfs renders the merged tree.
// Handlers are shared formatters, as proc_dointvec/proc_dostring are.
import { EINVAL } from '../errno.js';
import type { Kernel } from '../kernel.js';
import type { Cred } from '../sched/task.js';

/** How one file reads and writes its value. store returns 0 or -errno. */
export interface CtlHandler {
  show(k: Kernel): string;
  /** `writer`: the writing task's credentials, for the handlers that check a capability then. */
  store?(k: Kernel, text: string, writer?: Cred): number;
}

export interface CtlTable {
  procname: string;
  mode: number;
  handler?: CtlHandler;
  /** A directory: its entries (Linux's child tables). */
  child?: CtlTable[];
}

/** Registered tables, merged into one tree of directories. */
export const sysctlRoot: CtlTable = { procname: '', mode: 0o555, child: [] };

function subdir(dir: CtlTable, name: string): CtlTable {
  let d = dir.child!.find((e) => e.procname === name);
  if (!d) {
    d = { procname: name, mode: 0o555, child: [] };
    dir.child!.push(d);
  }
  if (!d.child) throw new Error(`sysctl: ${name} is a file`);
  return d;
}

/** register_sysctl(path, table): add entries under a directory path. */
export function registerSysctl(path: string, table: CtlTable[]): void {
  let dir = sysctlRoot;
  for (const part of path.split('/').filter(Boolean)) dir = subdir(dir, part);
  for (const e of table) {
    const i = dir.child!.findIndex((x) => x.procname === e.procname);
    if (i >= 0)
      dir.child![i] = e; // re-registration replaces (tests build many kernels)
    else dir.child!.push(e);
  }
}

/** The entry at a dotted or slashed name ("kernel.hostname"), or null. */
export function findSysctl(name: string): CtlTable | null {
  let e: CtlTable | undefined = sysctlRoot;
  for (const part of name.split(/[./]/).filter(Boolean)) {
    e = e?.child?.find((x) => x.procname === part);
    if (!e) return null;
  }
  return e ?? null;
}

// ---- per-kernel storage of plain values (Linux keeps them in globals): Kernel.sysctlValues ----

/** A named per-kernel value with a default; other subsystems read it with get. */
export class Knob<T> {
  constructor(
    readonly key: string,
    readonly initial: (k: Kernel) => T,
  ) {}
  get(k: Kernel): T {
    const m = k.sysctlValues;
    if (!m.has(this.key)) m.set(this.key, this.initial(k));
    return m.get(this.key) as T;
  }
  set(k: Kernel, v: T): void {
    this.get(k);
    k.sysctlValues.set(this.key, v);
  }
}

// ---- text conversions: proc_dointvec, proc_doulongvec_minmax, proc_dostring ----

const SPACE = /^[ \t\n]*$/;

/**
 * proc_get_long over a whole write: whitespace-separated integers (strtoul
 * base 0, so 0x.. and 0.. work), at most maxValues; anything else -EINVAL.
 */
export function parseLongs(text: string, maxValues: number): bigint[] | number {
  const out: bigint[] = [];
  const re = /[ \t\n]*(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)(?=[ \t\n]|$)/y;
  let pos = 0;
  while (out.length < maxValues) {
    if (SPACE.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return -EINVAL;
    const digits = m[2];
    let v = /^0[0-7]+$/.test(digits) ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
    if (m[1]) v = -v;
    out.push(v);
    pos = re.lastIndex;
  }
  if (out.length === 0) return -EINVAL;
  return out;
}

export interface IntRange {
  min?: number | bigint;
  max?: number | bigint;
}

/**
 * A vector of integers shown tab-separated (proc_dointvec and friends).
 * set gets the values written, merged over the current ones.
 */
export function intvec(
  get: (k: Kernel) => (number | bigint)[],
  set?: (k: Kernel, v: bigint[]) => number | void,
  range: IntRange = {},
  bits: 32 | 64 = 32,
  unsigned = false,
): CtlHandler {
  const lo = range.min !== undefined ? BigInt(range.min) : unsigned ? 0n : bits === 32 ? -(2n ** 31n) : -(2n ** 63n);
  const hi = range.max !== undefined ? BigInt(range.max) : (unsigned ? 2n ** BigInt(bits) : 2n ** BigInt(bits - 1)) - 1n;
  return {
    show: (k) => get(k).map(String).join('\t') + '\n',
    store:
      set &&
      ((k, text) => {
        const cur = get(k);
        const v = parseLongs(text, cur.length);
        if (typeof v === 'number') return v;
        for (const x of v) if (x < lo || x > hi) return -EINVAL;
        const merged = cur.map((c, i) => (i < v.length ? v[i] : BigInt(c)));
        const r = set(k, merged);
        return typeof r === 'number' ? r : 0;
      }),
  };
}

/** One int kept per kernel: the common case (a Knob behind proc_dointvec_minmax). */
export function intKnob(knob: Knob<number>, range: IntRange = {}, bits: 32 | 64 = 32, unsigned = false): CtlHandler {
  return intvec(
    (k) => [knob.get(k)],
    (k, v) => knob.set(k, Number(v[0])),
    range,
    bits,
    unsigned,
  );
}

/** A read-only figure computed from the kernel. */
export function computed(fn: (k: Kernel) => (number | bigint)[] | number | bigint): CtlHandler {
  return {
    show: (k) => {
      const v = fn(k);
      return (Array.isArray(v) ? v : [v]).map(String).join('\t') + '\n';
    },
  };
}

/** proc_dostring: a write stops at the first newline or NUL and is cut at maxlen-1. */
export function dostring(get: (k: Kernel) => string, set: ((k: Kernel, s: string) => number | void) | null, maxlen: number): CtlHandler {
  return {
    show: (k) => get(k).slice(0, maxlen) + '\n',
    store: set
      ? (k, text) => {
          let end = text.search(/[\n\0]/);
          if (end < 0) end = text.length;
          const r = set(k, text.slice(0, Math.min(end, maxlen - 1)));
          return typeof r === 'number' ? r : 0;
        }
      : undefined,
  };
}

/** A string value kept per kernel. */
export function stringKnob(knob: Knob<string>, maxlen: number): CtlHandler {
  return dostring(
    (k) => knob.get(k),
    (k, s) => knob.set(k, s),
    maxlen,
  );
}

/** Shorthands for table entries. */
export const entry = (procname: string, mode: number, handler: CtlHandler): CtlTable => ({ procname, mode, handler });
export const dir = (procname: string, child: CtlTable[]): CtlTable => ({ procname, mode: 0o555, child });
/** An int knob entry with its default, mode 0644 unless given. */
export function intEntry(procname: string, knob: Knob<number>, range: IntRange = {}, mode = 0o644): CtlTable {
  return entry(procname, mode, intKnob(knob, range));
}
