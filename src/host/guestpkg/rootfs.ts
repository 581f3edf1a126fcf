// Assembling the default root filesystem from unpacked packages, as dpkg and
// the postinst scripts would leave it: a merged /usr, the alternatives set,
// the directories a Linux root has, and a small /etc. Built in a scratch
// directory and renamed into place, so a reader never sees half a root.
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseAppletTable } from './busybox-applets.js';
import { extractDeb } from './deb.js';
import { isRiscv64Elf } from './elf.js';
import { GuestPkgError } from './errors.js';
import { ETC_FILES } from './etc-files.js';
import { PAM_STACKS, pamCommonFile, parsePamProfile } from './pam-auth-update.js';
import { ALTERNATIVES, BUSYBOX_APPLET_DIR, DROPPED_PATHS, POSTINST_COPIES, POSTINST_LINKS } from './packages.js';
import { run } from './run.js';
import { MERGED_DIRS } from './usrmerge.js';

/** Directories of the root, with modes (sticky /tmp, private /root). */
export const ROOT_DIRS: ReadonlyArray<{ path: string; mode: number }> = [
  { path: 'usr/bin', mode: 0o755 },
  { path: 'usr/sbin', mode: 0o755 },
  { path: 'usr/lib', mode: 0o755 },
  { path: 'usr/share', mode: 0o755 },
  { path: 'usr/local/bin', mode: 0o755 },
  { path: 'etc', mode: 0o755 },
  { path: 'etc/alternatives', mode: 0o755 },
  { path: 'dev', mode: 0o755 },
  { path: 'proc', mode: 0o555 },
  { path: 'sys', mode: 0o555 },
  { path: 'tmp', mode: 0o1777 },
  { path: 'root', mode: 0o700 },
  { path: 'home', mode: 0o755 },
  { path: 'var', mode: 0o755 },
  { path: 'var/log', mode: 0o755 },
  { path: 'var/tmp', mode: 0o1777 },
  { path: 'var/lib', mode: 0o755 },
  { path: 'run', mode: 0o755 },
  { path: 'mnt', mode: 0o755 },
  { path: 'media', mode: 0o755 },
  { path: 'opt', mode: 0o755 },
  { path: 'srv', mode: 0o755 },
];

export interface AssembleResult {
  applets: string[];
  bytes: number;
}

/** Unpacks a .deb once into `<unpackedRoot>/<deb name>`; returns that directory. */
export async function unpackOnce(deb: string, unpackedRoot: string): Promise<string> {
  const dir = join(unpackedRoot, deb.replace(/^.*\//, '').replace(/\.deb$/, ''));
  if (existsSync(join(dir, '.tuxglass-unpacked'))) return join(dir, 'data');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  await extractDeb(deb, join(dir, 'data'));
  writeFileSync(join(dir, '.tuxglass-unpacked'), '');
  return join(dir, 'data');
}

/** Builds the root in `<dest>.new` from unpacked package trees, then swaps it in for `dest`. */
export async function assembleRootfs(trees: readonly string[], dest: string): Promise<AssembleResult> {
  const stage = `${dest}.new`;
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'usr'), { recursive: true });
  for (const d of MERGED_DIRS) {
    if (d === 'bin' || d === 'sbin' || d === 'lib') symlinkSync(`usr/${d}`, join(stage, d));
  }
  for (const tree of trees) await mergeTree(tree, stage);
  for (const p of DROPPED_PATHS) rmSync(join(stage, p), { recursive: true, force: true });
  for (const d of ROOT_DIRS) {
    const p = join(stage, d.path);
    mkdirSync(p, { recursive: true });
    chmodSync(p, d.mode); // explicit: mkdir's mode is masked by the umask
  }
  setAlternatives(stage);
  const applets = installBusyboxApplets(stage);
  writePamCommon(stage);
  for (const f of ETC_FILES) {
    const p = join(stage, f.path);
    mkdirSync(dirname(p), { recursive: true });
    rmSync(p, { force: true });
    writeFileSync(p, f.content);
    chmodSync(p, f.mode);
  }
  if (!existsSync(join(stage, 'etc/os-release'))) throw new GuestPkgError('base-files did not provide /etc/os-release.');
  const bytes = rootBytes(stage);

  const old = `${dest}.old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dest)) renameSync(dest, old);
  renameSync(stage, dest);
  rmSync(old, { recursive: true, force: true });
  return { applets, bytes };
}

/** Copies one package tree into the root, moving /bin, /sbin, /lib... under /usr. */
async function mergeTree(tree: string, root: string): Promise<void> {
  for (const ent of readdirSync(tree)) {
    const to = MERGED_DIRS.includes(ent) ? join(root, 'usr', ent) : join(root, ent);
    const from = join(tree, ent);
    const st = lstatSync(from);
    if (MERGED_DIRS.includes(ent) && st.isSymbolicLink()) continue; // base-files ships the /usr links themselves
    if (st.isDirectory()) {
      mkdirSync(to, { recursive: true });
      await copyInto(`${from}/.`, to);
    } else {
      await copyInto(from, to);
    }
  }
}

async function copyInto(from: string, to: string): Promise<void> {
  // cp -a keeps modes, owners (setgid tools), times and links exactly.
  const res = await run('cp', ['-a', '--remove-destination', from, to]);
  if (res.code !== 0) throw new GuestPkgError(`Copying ${from} into the root failed:\n${res.lines.slice(-3).join('\n')}`);
}

/** What update-alternatives does in the postinst: two links per alternative. */
function setAlternatives(root: string): void {
  for (const alt of ALTERNATIVES) {
    const target = alt.targets.find((t) => existsSync(join(root, t)));
    if (target === undefined) continue;
    const admin = join(root, 'etc/alternatives', alt.name);
    rmSync(admin, { force: true });
    symlinkSync(target, admin);
    const link = join(root, alt.link);
    rmSync(link, { force: true });
    symlinkSync(`/etc/alternatives/${alt.name}`, link);
  }
  for (const c of POSTINST_COPIES) {
    const from = join(root, c.from);
    if (!existsSync(from)) continue;
    copyFileSync(from, join(root, c.to));
    chmodSync(join(root, c.to), c.mode);
  }
  for (const l of POSTINST_LINKS) {
    const link = join(root, l.link);
    if (existsSync(link) && !lstatSync(link).isSymbolicLink()) continue;
    rmSync(link, { force: true });
    symlinkSync(l.target, link);
  }
}

/** libpam-runtime's postinst: pam-auth-update writes /etc/pam.d/common-* (pam-auth-update.ts). */
function writePamCommon(root: string): void {
  const templates = join(root, 'usr/share/pam');
  const configs = join(root, 'usr/share/pam-configs');
  if (!existsSync(templates) || !existsSync(configs)) return;
  const profiles = readdirSync(configs).map((n) => parsePamProfile(n, readFileSync(join(configs, n), 'utf8')));
  for (const stack of PAM_STACKS) {
    const template = join(templates, `common-${stack.file}`);
    if (!existsSync(template)) continue;
    const p = join(root, 'etc/pam.d', `common-${stack.file}`);
    mkdirSync(dirname(p), { recursive: true });
    rmSync(p, { force: true });
    writeFileSync(p, pamCommonFile(readFileSync(template, 'utf8'), stack, profiles));
    chmodSync(p, 0o644);
  }
}

/** Busybox's applets as links in their own directory, off PATH. */
function installBusyboxApplets(root: string): string[] {
  const bin = join(root, 'usr/bin/busybox');
  if (!existsSync(bin)) throw new GuestPkgError('The busybox package did not contain /bin/busybox.');
  const image = readFileSync(bin);
  if (!isRiscv64Elf(image)) throw new GuestPkgError(`${bin} is not a riscv64 ELF executable.`);
  const applets = parseAppletTable(image);
  if (applets.length === 0) throw new GuestPkgError(`No applet table found in ${bin}.`);
  const dir = join(root, BUSYBOX_APPLET_DIR);
  mkdirSync(dir, { recursive: true });
  const target = relative(dir, bin);
  for (const name of applets) {
    if (name === 'busybox' || name.includes('/')) continue;
    symlinkSync(target, join(dir, name));
  }
  // The system's init is busybox's (its init applet, configured by /etc/inittab),
  // with the commands that ask it to stop the machine, as an init package ships them.
  mkdirSync(join(root, 'usr/sbin'), { recursive: true });
  for (const name of ['init', 'poweroff', 'reboot', 'halt']) {
    rmSync(join(root, 'usr/sbin', name), { force: true });
    symlinkSync('../bin/busybox', join(root, 'usr/sbin', name));
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
