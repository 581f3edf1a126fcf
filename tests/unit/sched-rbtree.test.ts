// The scheduler's red-black tree against a sorted array, with its invariants
// (no red node has a red child, every root-to-leaf path has as many black nodes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RbTree, type RbNode } from '../../src/kernel/sched/rbtree.js';

interface Item {
  key: number;
  id: number;
}

/** Black height of a subtree; throws if the red-black rules are broken. */
function check<T>(n: RbNode<T> | null, parent: RbNode<T> | null): number {
  if (!n) return 1;
  assert.equal(n.parent, parent, 'parent link');
  if (n.red) assert.ok(!n.left?.red && !n.right?.red, 'red node with a red child');
  const l = check(n.left, n),
    r = check(n.right, n);
  assert.equal(l, r, 'black heights differ');
  return l + (n.red ? 0 : 1);
}

// A small deterministic generator (no Math.random in tests).
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

test('rbtree keeps order, leftmost and balance through random inserts and removals', () => {
  const rnd = lcg(42);
  const tree = new RbTree<Item>((a, b) => a.key < b.key);
  const live: { item: Item; node: RbNode<Item> }[] = [];
  for (let i = 0; i < 3000; i++) {
    if (live.length && rnd() < 0.45) {
      const j = Math.floor(rnd() * live.length);
      tree.remove(live[j].node);
      live.splice(j, 1);
    } else {
      const item = { key: Math.floor(rnd() * 200), id: i };
      live.push({ item, node: tree.insert(item) });
    }
    if (i % 97 === 0) {
      assert.equal(tree.root?.red ?? false, false, 'root is black');
      check(tree.root, null);
    }
    const sorted = live.map((x) => x.item).sort((a, b) => a.key - b.key || a.id - b.id);
    assert.equal(tree.size, live.length);
    assert.equal(tree.first(), sorted[0] ?? null);
    if (i % 211 === 0) assert.deepEqual([...tree], sorted, 'in-order walk, ties in insertion order');
  }
  check(tree.root, null);
});

test('rbtree height stays logarithmic for sorted input', () => {
  const tree = new RbTree<number>((a, b) => a < b);
  for (let i = 0; i < 1 << 12; i++) tree.insert(i);
  const depth = (n: RbNode<number> | null): number => (n ? 1 + Math.max(depth(n.left), depth(n.right)) : 0);
  assert.ok(depth(tree.root) <= 2 * 13, `depth ${depth(tree.root)}`);
  assert.equal(tree.first(), 0);
  assert.equal(tree.lastNode()?.value, 4095);
});
