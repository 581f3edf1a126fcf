// su(1) from Debian's util-linux with its PAM stack: as root, pam_rootok
// lets root become anyone, and the account and session stacks
// (/etc/pam.d/common-*, written as libpam-runtime's pam-auth-update would)
// must then pass. Without them su stops with "Critical error".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'bin', 'tuxglass.js');
const rootfs = defaultRootfsDir();
const skip = existsSync(join(rootfs, 'usr/bin/su')) ? false : `no su in the guest root at ${rootfs} (run: node bin/tuxglass.js fetch)`;

function bash(script: string) {
  const r = spawnSync(process.execPath, [CLI, 'run', '--seed', '1', '--rootfs', rootfs, '--', '/bin/bash', '-c', script], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

test('root runs a command as nobody with su -c', { skip }, () => {
  const r = bash("su -s /bin/sh -c 'id -u; id -g' nobody");
  assert.equal(r.status, 0, r.out + r.err);
  assert.equal(r.out, '65534\n65534\n');
});

test('su - gives a login environment: HOME, USER and LOGNAME of the target', { skip }, () => {
  const r = bash("su - -s /bin/sh -c 'echo $HOME:$USER:$LOGNAME; id -un' nobody 2>/dev/null");
  assert.equal(r.status, 0, r.out + r.err);
  assert.equal(r.out, '/nonexistent:nobody:nobody\nnobody\n');
});
