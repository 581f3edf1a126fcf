// Futex keys (get_futex_key): a private futex, or any futex in a private
// mapping, is named by (address space, address); a shared one by what backs
// the page, so tasks mapping it at different addresses meet on one key: the
// file's page cache and offset, or else the physical page.
import type { Task } from '../sched/task.js';
import { EFAULT, EINVAL } from '../errno.js';
import { userPage } from '../mm/fault.js';

export type FutexKey = string;

/** A machine's numbers for the objects futex keys name (address spaces, page caches); its FutexTable keeps them. */
export class FutexKeyIds {
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  idOf(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(o, id);
    }
    return id;
  }
}

/** The key of the u32 at addr, or -errno. */
export function futexKey(ids: FutexKeyIds, t: Task, addr: number, shared: boolean): FutexKey | number {
  const idOf = (o: object) => ids.idOf(o);
  if (addr % 4) return -EINVAL;
  if (!shared) return `m${idOf(t.mm)}:${addr}`;
  const v = t.mm.find(addr);
  if (!v) return -EFAULT;
  // get_user_pages_fast: a shared key needs the page itself, so a PROT_NONE page or one past the
  // end of its file is EFAULT even for a wake.
  const page = userPage(t.mm, addr, false);
  if (page < 0) return -EFAULT;
  if (!v.shared) return `m${idOf(t.mm)}:${addr}`;
  const mapping = v.mapping;
  if (mapping) return `i${idOf(mapping)}:${v.offset + (addr - v.start)}`;
  return `p${page + (addr % 4096)}`;
}
