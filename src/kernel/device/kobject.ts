// kobjects (Linux's lib/kobject.c and include/linux/sysfs.h): the tree of
// kernel objects that sysfs shows. A kobject is a directory; its attributes
// are files whose text comes from a show callback (and goes to store); links
// point at other kobjects. A kset is a kobject that gathers others of one
// kind (/sys/class/net, /sys/bus/cpu/devices). Nothing here knows about
// files: fs/sysfs renders the tree on every lookup, so objects added or
// removed at run time appear and vanish at once.

/** One sysfs file: mode and callbacks; store returns 0 or -errno. */
export interface Attribute {
  name: string;
  mode: number;
  show?: () => string;
  store?: (text: string) => number;
}

export class Kobject {
  readonly children = new Map<string, Kobject>();
  readonly attrs = new Map<string, Attribute>();
  /** Symlinks in this directory, to other kobjects (sysfs_create_link). */
  readonly links = new Map<string, Kobject>();
  parent: Kobject | null = null;

  constructor(public name: string) {}

  /** Path below /sys ("" for the root), as kobject_get_path gives it. */
  path(): string {
    const parts: string[] = [];
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- walks up the tree from this node
    for (let k: Kobject | null = this; k && k.parent; k = k.parent) parts.push(k.name);
    return parts.reverse().join('/');
  }

  /** kobject_add: attach under parent (or replace a same-named child). */
  add(parent: Kobject): this {
    this.parent = parent;
    parent.children.set(this.name, this);
    return this;
  }

  /** kobject_del: detach from the tree. */
  del(): void {
    if (this.parent?.children.get(this.name) === this) this.parent.children.delete(this.name);
    this.parent = null;
  }

  /** The child directory of this name, created if missing (kobject_create_and_add). */
  dir(name: string): Kobject {
    return this.children.get(name) ?? new Kobject(name).add(this);
  }

  /** A nested directory by slash-separated path. */
  at(path: string): Kobject {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- walks down the tree from this node
    let k: Kobject = this;
    for (const part of path.split('/').filter(Boolean)) k = k.dir(part);
    return k;
  }

  /** sysfs_create_file: a read-only (0444) or writable attribute. */
  attr(name: string, show: () => string, store?: (text: string) => number, mode?: number): this {
    this.attrs.set(name, { name, mode: mode ?? (store ? 0o644 : 0o444), show, store });
    return this;
  }

  /** sysfs_create_link. */
  link(name: string, target: Kobject): this {
    this.links.set(name, target);
    return this;
  }
}

/** A kset: a kobject that holds objects of one kind. */
export class Kset extends Kobject {}

/** The relative link text from directory `from` to `to` ("../../devices/..."). */
export function relativePath(from: Kobject, to: Kobject): string {
  const a = from.path().split('/').filter(Boolean),
    b = to.path().split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/') || '.';
}
