// Assembling the default root filesystem from unpacked packages: busybox as
// /bin/busybox with one symlink per applet, the directories a Linux root is
// expected to have, and a minimal /etc. Built in a scratch directory and
// renamed into place, so a reader never sees half a root.
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAppletTable } from './busybox-applets.js';
import { extractDeb } from './deb.js';
import { isRiscv64Elf } from './elf.js';
import { GuestPkgError } from './errors.js';
import { ETC_FILES } from './etc-files.js';

/** Directories of the root, with modes (sticky /tmp, private /root). */
export const ROOT_DIRS: ReadonlyArray<{ path: string; mode: number }> = [
  { path: 'bin', mode: 0o755 },
  { path: 'sbin', mode: 0o755 },
  { path: 'usr/bin', mode: 0o755 },
  { path: 'usr/sbin', mode: 0o755 },
  { path: 'usr/lib', mode: 0o755 },
  { path: 'usr/share', mode: 0o755 },
  { path: 'lib', mode: 0o755 },
  { path: 'etc', mode: 0o755 },
  { path: 'dev', mode: 0o755 },
  { path: 'proc', mode: 0o555 },
  { path: 'sys', mode: 0o555 },
  { path: 'tmp', mode: 0o1777 },
  { path: 'root', mode: 0o700 },
  { path: 'home', mode: 0o755 },
  { path: 'var', mode: 0o755 },
  { path: 'var/log', mode: 0o755 },
  { path: 'var/tmp', mode: 0o1777 },
  { path: 'run', mode: 0o755 },
  { path: 'mnt', mode: 0o755 },
];

/** Where packages may put busybox; it ends up at /bin/busybox either way. */
const BUSYBOX_PATHS = ['bin/busybox', 'usr/bin/busybox'];

export interface AssembleResult {
  applets: string[];
  bytes: number;
}

/** Builds the root in `<dest>.new`, then swaps it in for `dest`. */
export async function assembleRootfs(debs: readonly string[], dest: string): Promise<AssembleResult> {
  const stage = `${dest}.new`;
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const deb of debs) await extractDeb(deb, stage);

  for (const d of ROOT_DIRS) {
    const p = join(stage, d.path);
    mkdirSync(p, { recursive: true });
    chmodSync(p, d.mode); // explicit: mkdir's mode is masked by the umask
  }
  const applets = installBusybox(stage);
  for (const f of ETC_FILES) {
    const p = join(stage, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content);
    chmodSync(p, f.mode);
  }
  const bytes = rootBytes(stage);

  const old = `${dest}.old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dest)) renameSync(dest, old);
  renameSync(stage, dest);
  rmSync(old, { recursive: true, force: true });
  return { applets, bytes };
}

function installBusybox(root: string): string[] {
  const found = BUSYBOX_PATHS.map((p) => join(root, p)).find((p) => existsSync(p) && !lstatSync(p).isSymbolicLink());
  if (found === undefined) throw new GuestPkgError('The busybox package did not contain bin/busybox or usr/bin/busybox.');
  const target = join(root, 'bin/busybox');
  if (found !== target) renameSync(found, target);
  const image = readFileSync(target);
  if (!isRiscv64Elf(image)) throw new GuestPkgError(`${target} is not a riscv64 ELF executable.`);
  const applets = parseAppletTable(image);
  if (applets.length === 0) throw new GuestPkgError(`No applet table found in ${target}.`);
  for (const name of applets) {
    if (name === 'busybox' || name.includes('/')) continue;
    const link = join(root, 'bin', name);
    if (existsSync(link)) continue;
    symlinkSync('busybox', link);
  }
  return applets.filter((n) => n !== 'busybox');
}

/** Bytes used by the regular files of a tree (symlinks and directories not counted). */
export function rootBytes(dir: string): number {
  let total = 0;
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    if (ent.isDirectory()) total += rootBytes(p);
    else if (ent.isFile()) total += statSync(p).size;
  }
  return total;
}
