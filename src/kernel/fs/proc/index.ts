// procfs: the kernel's state as text files, built afresh on every lookup and
// open. The lead mounts the result at /proc.
import type { Kernel } from '../../kernel.js';
import { Dentry } from '../dentry.js';
import type { DirEntry, Inode } from '../inode.js';
import { ProcDir, ProcSuper } from './generic.js';
import { pidLookup, pruneDead, rootEntries } from './root.js';

class ProcRoot extends ProcDir {
  private lookups = 0;
  constructor(
    private readonly k: Kernel,
    sb: ProcSuper,
  ) {
    super(sb, { scope: '', name: '/' }, 0o555, () => rootEntries(k, sb));
  }
  /**
   * Numbers go straight to the task: faster than listing every PID, and it
   * finds threads too, which Linux resolves as /proc/TID without listing.
   */
  override lookup(dir: Dentry, name: string): Inode | null {
    if (/^[0-9]+$/.test(name)) {
      // Tools that never list /proc still let dead PIDs' numbers go now and then.
      if (++this.lookups % 256 === 0) pruneDead(this.k, this.sb as ProcSuper);
      return pidLookup(this.k, this.sb as ProcSuper, name)?.make() ?? null;
    }
    return super.lookup(dir, name);
  }
  override readdir(dir: Dentry): DirEntry[] | number {
    pruneDead(this.k, this.sb as ProcSuper);
    return super.readdir(dir);
  }
}

export function makeProcfs(k: Kernel): { sb: ProcSuper; root: Dentry } {
  const sb = new ProcSuper(k.vfs.fs);
  return { sb, root: new Dentry('/', null, new ProcRoot(k, sb)) };
}

export { ProcSuper, PROC_SUPER_MAGIC } from './generic.js';
