// procfs: the kernel's state as text files, built afresh on every lookup and
// open. The lead mounts the result at /proc.
import type { Kernel } from '../../kernel.js';
import { Dentry } from '../dentry.js';
import type { DirEntry } from '../inode.js';
import { ProcDir, ProcSuper } from './generic.js';
import { hiddenPid, pruneDead, rootEntries } from './root.js';

class ProcRoot extends ProcDir {
  constructor(private readonly k: Kernel, sb: ProcSuper) {
    super(sb, { scope: '', name: '/' }, 0o555, () => rootEntries(k, sb), undefined, (name) => hiddenPid(k, sb, name));
  }
  override readdir(dir: Dentry): DirEntry[] | number {
    pruneDead(this.k, this.sb as ProcSuper);
    return super.readdir(dir);
  }
}

export function makeProcfs(k: Kernel): { sb: ProcSuper; root: Dentry } {
  const sb = new ProcSuper();
  return { sb, root: new Dentry('/', null, new ProcRoot(k, sb)) };
}

export { ProcSuper, PROC_SUPER_MAGIC } from './generic.js';
