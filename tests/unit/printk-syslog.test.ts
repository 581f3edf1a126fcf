// The kernel log as syslog(2) hands it to util-linux dmesg: one
// "<prio>[seconds.micros] text" line per record, prio = facility << 3 | level,
// the timestamp padded as printk's print_time does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelLog, KERN_INFO, KERN_ERR } from '../../src/kernel/printk.js';

test('records read back in syslog format, with the read and clear cursors', () => {
  let now = 0;
  const log = new KernelLog(() => now);
  log.printk(KERN_INFO, 'Linux version 6.12.0');
  now = 1_234_567_891;
  log.printk(KERN_ERR, 'something failed', 3);
  const all = log.since(log.clearSeq).map((r) => log.syslogText(r));
  assert.deepEqual(all, ['<6>[    0.000000] Linux version 6.12.0\n', '<27>[    1.234567] something failed\n']);
  // SYSLOG_ACTION_CLEAR moves the start of READ_ALL past every record.
  log.clearSeq = log.nextSeq;
  assert.equal(log.since(log.clearSeq).length, 0);
  log.printk(KERN_INFO, 'later');
  assert.deepEqual(
    log.since(log.clearSeq).map((r) => r.text),
    ['later'],
  );
});
