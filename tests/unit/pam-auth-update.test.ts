// pam-auth-update's output, which the guest's /etc/pam.d/common-* are built
// with (host/guestpkg/pam-auth-update.ts). The oracle is Debian's own
// pam-auth-update: the host's /etc/pam.d/common-* it wrote from the host's
// templates and profiles must come out byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PAM_STACKS, pamCommonFile, parsePamProfile } from '../../src/host/guestpkg/pam-auth-update.js';

const TEMPLATES = '/usr/share/pam',
  CONFIGS = '/usr/share/pam-configs';
const hostHasPam = existsSync(join(TEMPLATES, 'common-auth')) && existsSync(CONFIGS) && existsSync('/etc/pam.d/common-auth');

test("the host's common-* files as its pam-auth-update wrote them", { skip: hostHasPam ? false : 'no pam-auth-update output on this host' }, () => {
  const profiles = readdirSync(CONFIGS).map((n) => parsePamProfile(n, readFileSync(join(CONFIGS, n), 'utf8')));
  for (const stack of PAM_STACKS) {
    const template = readFileSync(join(TEMPLATES, `common-${stack.file}`), 'utf8');
    assert.equal(pamCommonFile(template, stack, profiles), readFileSync(`/etc/pam.d/common-${stack.file}`, 'utf8'), `common-${stack.file}`);
  }
});

test('success=end jumps over the rest of the Primary block and the pam_deny fallback', () => {
  const template = '$auth_primary\nauth\trequisite\t\t\tpam_deny.so\nauth\trequired\t\t\tpam_permit.so\n$auth_additional\n';
  const unix = parsePamProfile(
    'unix',
    'Name: Unix\nDefault: yes\nPriority: 256\nAuth-Type: Primary\nAuth:\n\t[success=end default=ignore]\tpam_unix.so nullok try_first_pass\nAuth-Initial:\n\t[success=end default=ignore]\tpam_unix.so nullok\n',
  );
  const other = parsePamProfile(
    'other',
    'Name: Other\nDefault: yes\nPriority: 128\nAuth-Type: Primary\nAuth:\n\t[success=end default=ignore]\tpam_other.so use_first_pass\n',
  );
  const off = parsePamProfile('off', 'Name: Off\nDefault: no\nPriority: 512\nAuth-Type: Primary\nAuth:\n\t[success=end default=ignore]\tpam_off.so\n');
  const stack = PAM_STACKS.find((s) => s.file === 'auth');
  assert.ok(stack);
  assert.equal(
    pamCommonFile(template, stack, [other, off, unix]),
    'auth\t[success=2 default=ignore]\tpam_unix.so nullok\nauth\t[success=1 default=ignore]\tpam_other.so use_first_pass\nauth\trequisite\t\t\tpam_deny.so\nauth\trequired\t\t\tpam_permit.so\n',
  );
  // No primary module: a pam_permit that jumps over the pam_deny.
  assert.equal(pamCommonFile(template, stack, [off]).split('\n')[0], 'auth\t[default=1]\t\t\tpam_permit.so');
});
