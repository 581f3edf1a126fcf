// /proc/PID/mounts and /proc/PID/mountinfo (Linux's fs/proc_namespace.c):
// the mount table as seen from the process's root; mounts outside a chroot
// are left out.
import type { Kernel } from '../../kernel.js';
import type { Mount, Path } from '../mount.js';
import { major, minor } from '../special.js';

/** Per-mount flags (show_mnt_opts); the rest are the file system's options. */
const MNT_FLAGS = new Set(['nosuid', 'nodev', 'noexec', 'noatime', 'nodiratime', 'relatime', 'nosymfollow']);

/** mangle(): space, tab, newline and backslash as octal escapes. */
const mangle = (s: string) => s.replace(/[ \t\n\\]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'));

/** Path of p as seen from root, or null when p is not below root (d_path's SEQ_SKIP). */
export function pathBelow(p: Path, root: Path): string | null {
  const parts: string[] = [];
  let cur = p;
  for (let guard = 0; guard < 4096; guard++) {
    if (cur.dentry === root.dentry && cur.mnt === root.mnt) return '/' + parts.reverse().join('/');
    if (cur.dentry === cur.mnt.root) {
      if (!cur.mnt.parent || !cur.mnt.mountpoint) return null;
      cur = { mnt: cur.mnt.parent, dentry: cur.mnt.mountpoint };
      continue;
    }
    if (cur.dentry.isRoot) return null;
    parts.push(cur.dentry.name);
    cur = { mnt: cur.mnt, dentry: cur.dentry.parent };
  }
  return null;
}

/** The mount's root within its own file system (the 4th mountinfo field). */
function rootInFs(m: Mount): string {
  const parts: string[] = [];
  for (let d = m.root; !d.isRoot; d = d.parent) parts.push(d.name);
  return '/' + parts.reverse().join('/');
}

function options(m: Mount): { ro: string; mnt: string[]; sb: string[] } {
  const ro = m.flags.includes('ro') ? 'ro' : 'rw';
  const mnt = m.flags.filter((f) => MNT_FLAGS.has(f));
  const sb = m.flags.filter((f) => f !== 'ro' && f !== 'rw' && !MNT_FLAGS.has(f));
  return { ro, mnt, sb };
}

function visible(k: Kernel, root: Path): { m: Mount; at: string }[] {
  const out: { m: Mount; at: string }[] = [];
  for (const m of k.vfs.mounts) {
    const at = pathBelow({ mnt: m, dentry: m.root }, root);
    if (at !== null) out.push({ m, at });
  }
  return out;
}

/** show_vfsmnt: "source mountpoint type options 0 0". */
export function mounts(k: Kernel, root: Path): string {
  let s = '';
  for (const { m, at } of visible(k, root)) {
    const o = options(m);
    s += `${mangle(m.source || 'none')} ${mangle(at)} ${m.sb.fsType} ${[o.ro, ...o.mnt, ...o.sb].join(',')} 0 0\n`;
  }
  return s;
}

/** show_mountinfo: "id parent maj:min root mountpoint mntopts - type source sbopts". */
export function mountinfo(k: Kernel, root: Path): string {
  let s = '';
  for (const { m, at } of visible(k, root)) {
    const o = options(m);
    const dev = m.sb.dev;
    s +=
      `${m.id} ${m.parent ? m.parent.id : m.id} ${major(dev)}:${minor(dev)} ${mangle(rootInFs(m))} ${mangle(at)} ` +
      `${[o.ro, ...o.mnt].join(',')} - ${m.sb.fsType} ${mangle(m.source || 'none')} ${[o.ro, ...o.sb].join(',')}\n`;
  }
  return s;
}
