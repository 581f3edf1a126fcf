// Registered file system types (Linux's register_filesystem): what mount(2)
// can create by name. Each type makes a superblock and root dentry from the
// mount's option string, or fails with -errno.
import type { Dentry } from './dentry.js';
import type { SuperBlock } from './superblock.js';

export interface FsInstance {
  sb: SuperBlock;
  root: Dentry;
  /** Options /proc/mounts shows after the flags. */ options?: string[];
}

export type FsType = (data: string) => FsInstance | number;

export class FsRegistry {
  private readonly types = new Map<string, FsType>();
  register(name: string, make: FsType): void {
    this.types.set(name, make);
  }
  get(name: string): FsType | undefined {
    return this.types.get(name);
  }
}
