// sysfs (Linux's fs/sysfs on kernfs): the device model's kobject tree as
// directories, attribute files and relative symlinks. Like procfs it is
// built on every lookup (it reuses procfs's on-demand inodes), so devices
// that register or go away later show up at once. Attribute files report
// st_size 4096, as sysfs does (a page is the most show() may produce).
import { EINVAL } from '../../errno.js';
import type { Kernel } from '../../kernel.js';
import { Dentry } from '../dentry.js';
import { S_IFREG } from '../inode.js';
import { deviceModel } from '../../device/core.js';
import { type Attribute, type Kobject, relativePath } from '../../device/kobject.js';
import { ProcDir, ProcFile, ProcSuper, dirEntry, symlinkEntry, type ProcEntry, type ProcKey } from '../proc/generic.js';

export const SYSFS_MAGIC = 0x62656572;
const PAGE = 4096;
const latin1 = new TextDecoder('latin1');

class SysfsFile extends ProcFile {
  override get blocks(): number {
    return 0;
  }
}

function attrEntry(sb: ProcSuper, path: string, a: Attribute): ProcEntry {
  const key: ProcKey = { scope: '', name: path };
  const store =
    a.store &&
    ((data: Uint8Array) => {
      if (data.length >= PAGE) return -EINVAL;
      const r = a.store!(latin1.decode(data));
      return r < 0 ? r : data.length;
    });
  return {
    name: a.name,
    key,
    mode: S_IFREG | a.mode,
    make: () => {
      const f = new SysfsFile(sb, key, a.mode, () => (a.show ? a.show().slice(0, PAGE) : -EINVAL), store);
      f.size = PAGE;
      return f;
    },
  };
}

/** Children of a kobject directory: subdirectories, attributes, links, by name. */
function entries(sb: ProcSuper, kobj: Kobject): ProcEntry[] {
  const base = kobj.path();
  const p = (n: string) => (base ? `${base}/${n}` : n);
  const list: ProcEntry[] = [];
  for (const c of kobj.children.values()) list.push(dirEntry(sb, '', p(c.name), 0o755, () => entries(sb, c)));
  for (const a of kobj.attrs.values()) list.push(attrEntry(sb, p(a.name), a));
  for (const [name, target] of kobj.links) list.push(symlinkEntry(sb, '', p(name), () => relativePath(kobj, target)));
  return list.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

export function makeSysfs(k: Kernel): { sb: ProcSuper; root: Dentry } {
  const sb = new ProcSuper(k.vfs.fs, 'sysfs', SYSFS_MAGIC);
  const m = deviceModel(k);
  const rootInode = new ProcDir(sb, { scope: '', name: '/' }, 0o555, () => entries(sb, m.root));
  return { sb, root: new Dentry('/', null, rootInode) };
}
