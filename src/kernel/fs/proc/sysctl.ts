// /proc/sys (Linux's fs/proc/proc_sysctl.c): the registered ctl tables as a
// directory tree, one file per entry. Entries are listed in name order (the
// kernel keeps them in an rbtree) and access follows sysctl_perm: root gets
// the owner bits, the root group the group bits, everyone else the rest,
// with no override for root, so write-only files such as vm.drop_caches
// refuse to be read even by root.
import { EACCES } from '../../errno.js';
import type { Kernel } from '../../kernel.js';
import type { FsCred } from '../inode.js';
import { S_IFREG } from '../inode.js';
import { registerSysctlTables, sysctlRoot, type CtlTable } from '../../sysctl/index.js';
import { ProcFile, dirEntry, type ProcEntry, type ProcKey, type ProcStore, type ProcSuper } from './generic.js';

const latin1 = new TextDecoder('latin1');

class SysctlFile extends ProcFile {
  override permission(mask: number, cred: FsCred): number {
    let mode = this.mode;
    // test_perm (fs/proc/proc_sysctl.c): the one check Linux makes on the root uid itself, not on a capability.
    if (cred.fsuid === 0) mode >>= 6;
    else if (cred.fsgid === 0 || cred.groups.includes(0)) mode >>= 3;
    return (mask & 7 & ~mode) === 0 ? 0 : -EACCES;
  }
}

function fileEntryFor(k: Kernel, sb: ProcSuper, path: string, e: CtlTable): ProcEntry {
  const key: ProcKey = { scope: '', name: path };
  const h = e.handler!;
  const store: ProcStore | undefined =
    h.store &&
    ((data, _pos, writer) => {
      const r = h.store!(k, latin1.decode(data), writer?.cred);
      return r < 0 ? r : data.length;
    });
  return {
    name: e.procname,
    key,
    mode: S_IFREG | e.mode,
    make: () => new SysctlFile(sb, key, e.mode, () => h.show(k), store),
  };
}

function entriesOf(k: Kernel, sb: ProcSuper, path: string, table: CtlTable[]): ProcEntry[] {
  const sorted = [...table].sort((a, b) => (a.procname < b.procname ? -1 : a.procname > b.procname ? 1 : 0));
  return sorted.map((e) => {
    const p = `${path}/${e.procname}`;
    if (e.child) return dirEntry(sb, '', p, e.mode, () => entriesOf(k, sb, p, e.child!));
    return fileEntryFor(k, sb, p, e);
  });
}

export function sysEntry(k: Kernel, sb: ProcSuper): ProcEntry {
  registerSysctlTables();
  return dirEntry(sb, '', 'sys', 0o555, () => entriesOf(k, sb, 'sys', sysctlRoot.child!));
}
