// The file descriptor table: descriptor numbers -> open file descriptions,
// with the close-on-exec flag per descriptor. Shared between CLONE_FILES tasks.
import { EBADF, EMFILE } from '../errno.js';
import { O_PATH, type File } from './file.js';
import { locksRemovePosix } from './locks.js';

export class FdTable {
  files: (File | null)[] = [];
  cloexec: boolean[] = [];
  users = 1;

  /** fdget_raw: any open descriptor, O_PATH ones included (fstat, fchdir, *at dirfds, dup, close). */
  get(fd: number): File | null {
    return fd >= 0 && fd < this.files.length ? this.files[fd] : null;
  }

  /** fdget: an O_PATH descriptor names a place, not a file to act on; calls that act on one see EBADF. */
  getUsable(fd: number): File | null {
    const f = this.get(fd);
    return f && !(f.flags & O_PATH) ? f : null;
  }

  /** Lowest free descriptor >= min, or -EMFILE beyond the limit. */
  alloc(file: File, cloexec: boolean, min = 0, limit = 1024): number {
    let fd = min;
    while (fd < this.files.length && this.files[fd]) fd++;
    if (fd >= limit) return -EMFILE;
    this.install(fd, file, cloexec);
    return fd;
  }

  install(fd: number, file: File, cloexec: boolean): void {
    while (this.files.length <= fd) {
      this.files.push(null);
      this.cloexec.push(false);
    }
    const old = this.files[fd];
    this.files[fd] = file;
    this.cloexec[fd] = cloexec;
    if (old) {
      if (old.inode.flctx) locksRemovePosix(old, this);
      old.put();
    }
  }

  close(fd: number): number {
    const f = this.get(fd);
    if (!f) return -EBADF;
    this.files[fd] = null;
    this.cloexec[fd] = false;
    // filp_close: any close by this process drops its POSIX locks on the file.
    if (f.inode.flctx) locksRemovePosix(f, this);
    f.put();
    return 0;
  }

  clone(): FdTable {
    const t = new FdTable();
    t.files = this.files.map((f) => (f ? f.get() : null));
    t.cloexec = [...this.cloexec];
    return t;
  }

  closeOnExec(): void {
    for (let fd = 0; fd < this.files.length; fd++) if (this.files[fd] && this.cloexec[fd]) this.close(fd);
  }

  closeAll(): void {
    for (let fd = 0; fd < this.files.length; fd++) if (this.files[fd]) this.close(fd);
  }
}
