// The shared-library closure: starting from the named packages, every ELF's
// DT_NEEDED sonames are looked up as the dynamic loader would (DT_RUNPATH,
// then the multiarch and default directories) among the files of candidate
// library packages; a package that provides a needed library joins the set,
// and its own ELFs are followed in turn. Node-only (reads unpacked trees).
import { closeSync, lstatSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { readElfDynamic } from './elf.js';
import { mergedPath } from './usrmerge.js';

/** One unpacked package: its name and the directory its data archive went to. */
export interface UnpackedPackage {
  name: string;
  dir: string;
}

/** The loader's default search directories on riscv64 (after DT_RUNPATH). */
export const LIBRARY_DIRS: readonly string[] = ['usr/lib/riscv64-linux-gnu', 'usr/lib/riscv64-linux-gnu/lp64d', 'usr/lib', 'usr/local/lib'];

export interface ClosureResult {
  /** Package names chosen, the named ones first. */
  packages: string[];
  /** Why each library package was added: the soname and who needed it first. */
  reasons: Map<string, string>;
  /** Sonames nobody provides: `soname (needed by path)`. */
  unresolved: string[];
}

/** Paths (merged, relative) of the files and links in an unpacked tree. */
export function listTree(dir: string, rel = ''): Array<{ path: string; file: boolean }> {
  const out: Array<{ path: string; file: boolean }> = [];
  for (const ent of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const r = rel === '' ? ent.name : `${rel}/${ent.name}`;
    if (ent.isDirectory()) out.push(...listTree(dir, r));
    else out.push({ path: r, file: ent.isFile() });
  }
  return out;
}

function startsWithElfMagic(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head[0] === 0x7f && head.toString('latin1', 1, 4) === 'ELF';
  } finally {
    closeSync(fd);
  }
}

export function libraryClosure(named: readonly UnpackedPackage[], candidates: readonly UnpackedPackage[]): ClosureResult {
  // Which package provides each merged path.
  const owner = new Map<string, string>();
  // Libraries found by soname anywhere under /usr/lib: the loader reuses an
  // object already loaded under that soname (systemd's private libraries
  // need each other without a DT_RUNPATH of their own).
  const bySoname = new Map<string, string>();
  const files = new Map<string, Array<{ path: string; host: string }>>();
  for (const p of [...named, ...candidates]) {
    const list: Array<{ path: string; host: string }> = [];
    for (const e of listTree(p.dir)) {
      const merged = mergedPath(e.path);
      if (!owner.has(merged)) owner.set(merged, p.name);
      const base = posix.basename(merged);
      if (merged.startsWith('usr/lib/') && base.includes('.so') && !bySoname.has(base)) bySoname.set(base, p.name);
      if (e.file) list.push({ path: merged, host: join(p.dir, e.path) });
    }
    files.set(p.name, list);
  }
  const chosen = new Set(named.map((p) => p.name));
  const order = named.map((p) => p.name);
  const reasons = new Map<string, string>();
  const unresolved: string[] = [];
  const queue = [...order];
  const seenSoname = new Set<string>();
  while (queue.length > 0) {
    const pkg = queue.shift() as string;
    for (const f of files.get(pkg) ?? []) {
      if (lstatSync(f.host).size < 64 || !startsWithElfMagic(f.host)) continue;
      const dyn = readElfDynamic(readFileSync(f.host));
      if (dyn === undefined) continue;
      const origin = posix.dirname(f.path);
      const dirs = [...dyn.runpath.map((d) => posix.normalize(d.replace(/\$\{?ORIGIN\}?/g, `/${origin}`)).replace(/^\/+/, '')), ...LIBRARY_DIRS];
      for (const soname of dyn.needed) {
        const key = `${dirs.join(':')}|${soname}`;
        if (seenSoname.has(key)) continue;
        seenSoname.add(key);
        const provider = soname.includes('/')
          ? owner.get(mergedPath(soname))
          : (dirs.map((d) => owner.get(`${d}/${soname}`)).find((o) => o !== undefined) ?? bySoname.get(soname));
        if (provider === undefined) {
          unresolved.push(`${soname} (needed by /${f.path})`);
          continue;
        }
        if (!chosen.has(provider)) {
          chosen.add(provider);
          order.push(provider);
          queue.push(provider);
          reasons.set(provider, `${soname} for /${f.path}`);
        }
      }
    }
  }
  return { packages: order, reasons, unresolved };
}
