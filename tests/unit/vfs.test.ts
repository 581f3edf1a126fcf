// The VFS core without a machine: tmpfs objects, path walk, permissions.
import type { Dentry } from '../../src/kernel/fs/dentry.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTmpfs } from '../../src/kernel/fs/tmpfs.js';
import { FsState } from '../../src/kernel/fs/fs_state.js';
import { Mount, type Path } from '../../src/kernel/fs/mount.js';
import { walk, walkParent, dPath, lookupChild } from '../../src/kernel/fs/namei.js';
import { S_IFREG } from '../../src/kernel/fs/inode.js';
import { ELOOP, ENOENT, ENOTDIR, EACCES, ENOTEMPTY } from '../../src/kernel/errno.js';

const root = { fsuid: 0, fsgid: 0, groups: [] as number[] };
const user = { fsuid: 1000, fsgid: 1000, groups: [] as number[] };
const enc = new TextEncoder();

function fixture() {
  const { sb, root: r } = makeTmpfs(new FsState(), 'tmpfs', 0o755);
  const mnt = new Mount(sb, r, null, null, 'tmpfs');
  const top: Path = { mnt, dentry: r };
  const d = r.inode;
  d.mkdir(r, 'etc', 0o755, root);
  const etc = lookupChild(r, 'etc') as Dentry;
  etc.inode.create(etc, 'passwd', S_IFREG | 0o644, root);
  d.mkdir(r, 'secret', 0o700, root);
  d.symlink(r, 'link', enc.encode('etc/passwd'), root);
  d.symlink(r, 'loop', enc.encode('loop'), root);
  return { top, r };
}

test('walk follows symlinks and stops loops with ELOOP', () => {
  const { top } = fixture();
  const ctx = () => ({ root: top, cred: root, depth: 0 });
  const p = walk(ctx(), top, '/link', true);
  assert.notEqual(typeof p, 'number');
  assert.equal(dPath(p as Path, top), '/etc/passwd');
  assert.equal(walk(ctx(), top, '/loop', true), -ELOOP);
  assert.equal(walk(ctx(), top, '/nope/x', true), -ENOENT);
  assert.equal(walk(ctx(), top, '/etc/passwd/x', true), -ENOTDIR);
  assert.equal(walk(ctx(), top, '/etc/passwd/', true), -ENOTDIR);
  const up = walk(ctx(), top, '/../../etc/./..', true) as Path;
  assert.equal(dPath(up, top), '/');
});

test('search permission is checked on every directory', () => {
  const { top, r } = fixture();
  (lookupChild(r, 'secret') as Dentry).inode.create(lookupChild(r, 'secret') as Dentry, 'f', S_IFREG | 0o644, root);
  assert.equal(walk({ root: top, cred: user, depth: 0 }, top, '/secret/f', true), -EACCES);
  assert.notEqual(typeof walk({ root: top, cred: root, depth: 0 }, top, '/secret/f', true), 'number');
});

test('tmpfs unlink, rmdir and rename keep nlink and the tree right', () => {
  const { top, r } = fixture();
  const etc = lookupChild(r, 'etc') as Dentry;
  assert.equal(r.inode.nlink, 4); // ., .., etc, secret
  assert.equal(r.inode.rmdir(r, 'etc', etc), -ENOTEMPTY);
  const par = walkParent({ root: top, cred: root, depth: 0 }, top, '/etc/passwd');
  assert.notEqual(typeof par, 'number');
  const pw = lookupChild(etc, 'passwd') as Dentry;
  assert.equal(etc.inode.rename(etc, pw, r, 'moved'), 0);
  assert.equal(lookupChild(etc, 'passwd'), null);
  assert.equal(dPath({ mnt: top.mnt, dentry: lookupChild(r, 'moved') as Dentry }, top), '/moved');
  assert.equal(r.inode.rmdir(r, 'etc', etc), 0);
  assert.equal(r.inode.nlink, 3);
});
