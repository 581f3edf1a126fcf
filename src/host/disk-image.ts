// Disk image files on the host: the raw-file block backend behind
// `--disk FILE`, the lock that keeps two tuxglass processes from writing
// one image, and `tuxglass disk create`.
//
// The lock. Node has no flock(2) or fcntl(2) locks, so an image in use is
// marked by a lock file next to it, `FILE.tuxglass-lock`, created with
// O_EXCL and holding the owner's PID and mode. A writer (a disk that is
// neither readonly nor snapshot) takes it exclusively; a reader (readonly,
// snapshot) only checks that no writer holds it. A lock whose PID no longer
// runs (a killed tuxglass) is stale and is taken over. The file is removed
// when the disk is closed and, failing that, when the process exits.
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import type { BlockBackend, BlockStatus } from '../machine/backends.js';
import { SnapshotOverlay } from '../machine/disk-backends.js';
import type { DiskSpec } from './options.js';

export const lockPath = (file: string) => `${file}.tuxglass-lock`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The PID holding the image's write lock, or null when none (or only a stale one) does. */
function lockHolder(file: string): number | null {
  let text: string;
  try {
    text = readFileSync(lockPath(file), 'utf8');
  } catch {
    return null;
  }
  const pid = Number(/^(\d+)/.exec(text)?.[1]);
  return Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : null;
}

const held = new Set<string>();
let exitHook = false;
function releaseAllOnExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const f of held) releaseLock(f);
  });
}
function releaseLock(file: string): void {
  if (!held.delete(file)) return;
  try {
    unlinkSync(lockPath(file));
  } catch {
    /* already gone */
  }
}

/** Takes the write lock on file, or throws saying which process has it. */
function takeLock(file: string, exclusive: boolean): void {
  const holder = lockHolder(file);
  if (holder !== null) throw new Error(`${file} is in use by another tuxglass (pid ${holder}; lock file ${lockPath(file)})`);
  if (!exclusive) return;
  const body = `${process.pid} write\n`;
  try {
    writeFileSync(lockPath(file), body, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new Error(`${file}: cannot create lock file ${lockPath(file)}: ${(e as Error).message}`, { cause: e });
    // Stale (checked above): take it over.
    writeFileSync(lockPath(file), body);
  }
  held.add(file);
  releaseAllOnExit();
}

/** A raw image file as a block backend: offsets are file offsets; unwritten ranges stay holes. */
export class RawFileBackend implements BlockBackend {
  private fd: number | null;

  constructor(
    readonly path: string,
    fd: number,
    readonly size: number,
    readonly readOnly: boolean,
  ) {
    this.fd = fd;
  }

  read(offset: number, buf: Uint8Array): BlockStatus {
    if (this.fd === null) return 'io-error';
    try {
      let done = 0;
      while (done < buf.length) {
        const n = readSync(this.fd, buf, done, buf.length - done, offset + done);
        // Past the end of a file truncated under us: the rest reads as an error, as a short medium does.
        if (n === 0) return 'io-error';
        done += n;
      }
      return 'ok';
    } catch {
      return 'io-error';
    }
  }

  write(offset: number, data: Uint8Array): BlockStatus {
    if (this.fd === null || this.readOnly) return 'io-error';
    try {
      let done = 0;
      while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, offset + done);
      return 'ok';
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ENOSPC' || (e as NodeJS.ErrnoException).code === 'EDQUOT' ? 'no-space' : 'io-error';
    }
  }

  flush(): BlockStatus {
    if (this.fd === null) return 'io-error';
    if (this.readOnly) return 'ok';
    try {
      fdatasyncSync(this.fd);
      return 'ok';
    } catch {
      return 'io-error';
    }
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    releaseLock(this.path);
  }
}

/**
 * Opens the image a --disk names, before the machine boots: a missing file,
 * one that is not a regular file, a size that is not a whole number of
 * 512-byte sectors, or an image another tuxglass writes is an Error with a
 * message for the user. `snapshot` wraps the file in a copy-on-write overlay.
 */
export function openDiskImage(spec: DiskSpec): BlockBackend {
  const file = spec.file;
  const writable = !spec.readonly && !spec.snapshot;
  let fd: number;
  try {
    fd = openSync(file, writable ? 'r+' : 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${file}: no such file (make one with 'tuxglass disk create ${file} 64M')`, { cause: e });
    if (code === 'EACCES' || code === 'EROFS') throw new Error(`${file}: cannot open for writing (${code}); add ,readonly or ,snapshot`, { cause: e });
    if (code === 'EISDIR') throw new Error(`${file}: is a directory, not a disk image`, { cause: e });
    throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() && !st.isBlockDevice()) throw new Error(`${file}: not a regular file`);
    const size = st.size;
    if (size === 0) throw new Error(`${file}: the image is empty`);
    if (size % 512 !== 0) throw new Error(`${file}: size ${size} is not a multiple of 512 bytes`);
    if (!Number.isSafeInteger(size)) throw new Error(`${file}: too large`);
    takeLock(file, writable);
    const raw = new RawFileBackend(file, fd, size, !writable);
    return spec.snapshot ? new SnapshotOverlay(raw) : raw;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** `tuxglass disk create FILE SIZE`: a new sparse image of size bytes (a multiple of 512); an existing file is refused. */
export function createDiskImage(file: string, size: number): void {
  if (size <= 0 || size % 512 !== 0) throw new Error(`size ${size} is not a positive multiple of 512 bytes`);
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${file}: file exists`, { cause: e });
    throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    // ftruncate leaves the whole image a hole: it takes no space until written.
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}
