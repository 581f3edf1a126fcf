// A red-black tree (Linux's lib/rbtree.c concept): a balanced binary search
// tree whose nodes are the caller's objects, ordered by a less-than function,
// with the leftmost node cached (rb_root_cached) because schedulers take the
// smallest key most often. Equal keys go right of each other, so insertion
// order is kept among ties, as rb_add_cached does.

export class RbNode<T> {
  left: RbNode<T> | null = null;
  right: RbNode<T> | null = null;
  parent: RbNode<T> | null = null;
  red = true;
  constructor(readonly value: T) {}
}

export class RbTree<T> {
  root: RbNode<T> | null = null;
  private leftmost: RbNode<T> | null = null;
  size = 0;

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  /** The smallest value, or null (rb_first_cached). */
  first(): T | null {
    return this.leftmost ? this.leftmost.value : null;
  }

  /** Insert a value; the returned node is what remove() takes. */
  insert(value: T): RbNode<T> {
    const n = new RbNode(value);
    let parent: RbNode<T> | null = null,
      cur = this.root,
      isLeftmost = true;
    while (cur) {
      parent = cur;
      if (this.less(value, cur.value)) cur = cur.left;
      else {
        cur = cur.right;
        isLeftmost = false;
      }
    }
    n.parent = parent;
    if (!parent) this.root = n;
    else if (this.less(value, parent.value)) parent.left = n;
    else parent.right = n;
    if (isLeftmost) this.leftmost = n;
    this.size++;
    this.insertFixup(n);
    return n;
  }

  remove(n: RbNode<T>): void {
    if (this.leftmost === n) this.leftmost = this.next(n);
    this.size--;
    let y = n,
      yRed = y.red,
      x: RbNode<T> | null,
      xParent: RbNode<T> | null;
    if (!n.left) {
      x = n.right;
      xParent = n.parent;
      this.transplant(n, n.right);
    } else if (!n.right) {
      x = n.left;
      xParent = n.parent;
      this.transplant(n, n.left);
    } else {
      y = n.right;
      while (y.left) y = y.left;
      yRed = y.red;
      x = y.right;
      if (y.parent === n) xParent = y;
      else {
        xParent = y.parent;
        this.transplant(y, y.right);
        y.right = n.right;
        y.right.parent = y;
      }
      this.transplant(n, y);
      y.left = n.left;
      y.left.parent = y;
      y.red = n.red;
    }
    n.left = n.right = n.parent = null;
    if (!yRed) this.deleteFixup(x, xParent);
  }

  /** In-order successor (rb_next). */
  next(n: RbNode<T>): RbNode<T> | null {
    if (n.right) {
      let c = n.right;
      while (c.left) c = c.left;
      return c;
    }
    let c: RbNode<T> = n,
      p = n.parent;
    while (p && c === p.right) {
      c = p;
      p = p.parent;
    }
    return p;
  }

  firstNode(): RbNode<T> | null {
    return this.leftmost;
  }

  lastNode(): RbNode<T> | null {
    let c = this.root;
    while (c && c.right) c = c.right;
    return c;
  }

  /** Values in order. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let n = this.leftmost; n; n = this.next(n)) yield n.value;
  }

  private transplant(u: RbNode<T>, v: RbNode<T> | null): void {
    if (!u.parent) this.root = v;
    else if (u === u.parent.left) u.parent.left = v;
    else u.parent.right = v;
    if (v) v.parent = u.parent;
  }

  private rotateLeft(x: RbNode<T>): void {
    const y = x.right!;
    x.right = y.left;
    if (y.left) y.left.parent = x;
    this.transplant(x, y);
    y.left = x;
    x.parent = y;
  }

  private rotateRight(x: RbNode<T>): void {
    const y = x.left!;
    x.left = y.right;
    if (y.right) y.right.parent = x;
    this.transplant(x, y);
    y.right = x;
    x.parent = y;
  }

  private insertFixup(z: RbNode<T>): void {
    while (z.parent && z.parent.red) {
      const p = z.parent,
        g = p.parent!;
      if (p === g.left) {
        const u = g.right;
        if (u && u.red) {
          p.red = false;
          u.red = false;
          g.red = true;
          z = g;
          continue;
        }
        if (z === p.right) {
          z = p;
          this.rotateLeft(z);
        }
        z.parent!.red = false;
        g.red = true;
        this.rotateRight(g);
      } else {
        const u = g.left;
        if (u && u.red) {
          p.red = false;
          u.red = false;
          g.red = true;
          z = g;
          continue;
        }
        if (z === p.left) {
          z = p;
          this.rotateRight(z);
        }
        z.parent!.red = false;
        g.red = true;
        this.rotateLeft(g);
      }
    }
    this.root!.red = false;
  }

  private deleteFixup(x: RbNode<T> | null, parent: RbNode<T> | null): void {
    while (x !== this.root && (!x || !x.red) && parent) {
      if (x === parent.left) {
        let w = parent.right!;
        if (w.red) {
          w.red = false;
          parent.red = true;
          this.rotateLeft(parent);
          w = parent.right!;
        }
        if ((!w.left || !w.left.red) && (!w.right || !w.right.red)) {
          w.red = true;
          x = parent;
          parent = x.parent;
          continue;
        }
        if (!w.right || !w.right.red) {
          w.left!.red = false;
          w.red = true;
          this.rotateRight(w);
          w = parent.right!;
        }
        w.red = parent.red;
        parent.red = false;
        if (w.right) w.right.red = false;
        this.rotateLeft(parent);
        x = this.root;
        parent = null;
      } else {
        let w = parent.left!;
        if (w.red) {
          w.red = false;
          parent.red = true;
          this.rotateRight(parent);
          w = parent.left!;
        }
        if ((!w.left || !w.left.red) && (!w.right || !w.right.red)) {
          w.red = true;
          x = parent;
          parent = x.parent;
          continue;
        }
        if (!w.left || !w.left.red) {
          w.right!.red = false;
          w.red = true;
          this.rotateLeft(w);
          w = parent.left!;
        }
        w.red = parent.red;
        parent.red = false;
        if (w.left) w.left.red = false;
        this.rotateRight(parent);
        x = this.root;
        parent = null;
      }
    }
    if (x) x.red = false;
  }
}
