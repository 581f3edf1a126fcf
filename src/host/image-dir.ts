// A host directory as the guest's root image (read lazily, never written).
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { ImageNode, ImageSource } from '../kernel/fs/image.js';

export class DirImage implements ImageSource {
  /** Extra files laid over the tree (--add), by guest path without the leading slash. */
  readonly overlay = new Map<string, { data: Uint8Array; mode: number }>();

  constructor(readonly root: string) {}

  list(path: string): ImageNode[] {
    const dir = join(this.root, path);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      names = [];
    }
    const out: ImageNode[] = [];
    for (const name of names) {
      const p = path ? `${path}/${name}` : name;
      if (this.overlay.has(p)) continue;
      try {
        const st = lstatSync(join(dir, name), { bigint: false });
        const n: ImageNode = {
          name,
          mode: st.mode,
          uid: st.uid,
          gid: st.gid,
          size: st.size,
          mtimeMs: st.mtimeMs,
          atimeMs: st.atimeMs,
          ctimeMs: st.ctimeMs,
          rdev: st.rdev,
        };
        if (st.isSymbolicLink()) n.target = new Uint8Array(readlinkSync(join(dir, name), { encoding: 'buffer' }));
        out.push(n);
      } catch {
        /* vanished: skip */
      }
    }
    // Overlay entries that belong in this directory, and directories leading
    // to overlay files that the host tree lacks.
    const now = Date.now();
    const prefix = path ? `${path}/` : '';
    for (const [p, v] of this.overlay) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      if (out.some((n) => n.name === name)) continue;
      const isDir = slash >= 0;
      out.push({ name, mode: isDir ? 0o40755 : v.mode, uid: 0, gid: 0, size: isDir ? 0 : v.data.length, mtimeMs: now, atimeMs: now, ctimeMs: now });
    }
    return out;
  }

  read(path: string): Uint8Array {
    const o = this.overlay.get(path);
    if (o) return o.data.slice();
    const b = readFileSync(join(this.root, path));
    return new Uint8Array(b.buffer, b.byteOffset, b.length).slice();
  }
}

/**
 * A guest path with the symlinks among its directories resolved inside the
 * root, as the kernel will resolve them (so --add HOST:/bin/x lands in
 * usr/bin when /bin -> usr/bin). No leading slash in the result.
 */
export function resolveGuestDir(root: string, guestPath: string): string {
  const parts = guestPath.split('/').filter((c) => c !== '' && c !== '.');
  const name = parts.pop() ?? '';
  const done: string[] = [];
  let hops = 0;
  while (parts.length > 0) {
    const c = parts.shift() as string;
    if (c === '..') {
      done.pop();
      continue;
    }
    const here = join(root, ...done, c);
    let target: string | undefined;
    try {
      if (lstatSync(here).isSymbolicLink()) target = readlinkSync(here);
    } catch {
      /* missing: made later */
    }
    if (target === undefined || ++hops > 40) {
      done.push(c);
      continue;
    }
    const next = target.split('/').filter((x) => x !== '' && x !== '.');
    if (target.startsWith('/')) done.length = 0;
    parts.unshift(...next);
  }
  return posix.join(...done, name);
}
