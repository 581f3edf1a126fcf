// default_rootfs (init/noinitramfs.c): with no initramfs the rootfs gets
// only /dev, /dev/console (for init's first console) and /root, the
// directory prepare_namespace mounts the root device on.
import type { Kernel } from '../kernel.js';
import { S_IFCHR } from '../fs/inode.js';
import { makedev } from '../fs/special.js';

const root = { fsuid: 0, fsgid: 0, groups: [] as number[] };

export function defaultRootfs(k: Kernel): void {
  const r = k.vfs.root.dentry;
  const dev = r.inode.mkdir(r, 'dev', 0o755, root);
  if (typeof dev === 'number') return;
  const d = r.inode.lookup(r, 'dev') ? r.children.get('dev') : undefined;
  if (d) d.inode.mknod(d, 'console', S_IFCHR | 0o600, makedev(5, 1), root);
  r.inode.mkdir(r, 'root', 0o700, root);
}
