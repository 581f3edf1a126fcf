// util-linux's ipcs, ipcrm and ipcmk on the kernel's System V IPC: a program
// leaves queues, semaphore arrays and a segment behind; ipcs lists what
// /proc/sysvipc shows, `ipcs -l` the limits of /proc/sys/kernel (also after
// they are changed), ipcrm removes objects by id, key and all at once. Linux
// (qemu-user in a fresh IPC namespace) is the oracle for every line, and the
// lists are checked against each other.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGuest } from '../diff/build.js';
import { diffCase, prepareDiff, runTuxglass, text, type DiffCase } from '../diff/harness.js';

const built = await buildGuest(['ipc_sysv']);
const env = built.skip ? undefined : await prepareDiff('ipc');
const skip = built.skip ?? env?.skip ?? false;
const add = [{ host: built.paths.ipc_sysv ?? '', guest: '/tmp/ipc_sysv' }];

const SCRIPT = [
  '/tmp/ipc_sysv make',
  'echo "== ipcs"; ipcs',
  'echo "== sysvipc"; cat /proc/sysvipc/msg /proc/sysvipc/sem /proc/sysvipc/shm | cut -c1-40',
  'echo "== limits"; cat /proc/sys/kernel/msgmni /proc/sys/kernel/msgmax /proc/sys/kernel/msgmnb /proc/sys/kernel/sem /proc/sys/kernel/shmmni',
  'echo "== ipcs -l"; ipcs -l',
  'echo 1000 > /proc/sys/kernel/msgmni; echo 4096 > /proc/sys/kernel/msgmax; echo "250 32000 32 128" > /proc/sys/kernel/sem; echo 100 > /proc/sys/kernel/shmmni',
  'echo "== ipcs -l changed"; ipcs -l',
  'echo "== ipcrm"; ipcrm -q 0; ipcrm -s 1; ipcrm -M 0x3333; ipcrm -q 7; echo "rc=$?"',
  'ipcs',
  'echo "== ipcrm -a"; ipcrm -a; ipcs; echo "rc=$?"',
].join('\n');

const cases: DiffCase[] = [
  {
    name: 'ipcs, ipcs -l and ipcrm on objects a program left',
    argv: ['/bin/sh', '-c', SCRIPT],
    add,
    // With no /dev/mqueue mounted, ipcrm -a says so on both.
    expect: {
      stdout: /0x00001111 0 +root +644 +11 +2 +\n(.*\n)*max queues system wide = 1000\n(.*\n)*max ops per semop call = 32\n(.*\n)*== ipcrm -a\n(.*\n)*rc=0\n$/,
    },
  },
];

describe('ipcs and ipcrm: tuxglass against Linux', { skip, concurrency: 1 }, () => {
  after(() => env?.cleanup());
  for (const c of cases) test(c.name, (t) => diffCase(t, env!, c));

  test('ipcs agrees with /proc/sysvipc and ipcs -l with /proc/sys/kernel', async () => {
    const r = await runTuxglass(
      env!,
      [
        '/bin/sh',
        '-c',
        [
          '/tmp/ipc_sysv make >/dev/null',
          'echo 777 > /proc/sys/kernel/msgmni',
          'ipcs',
          'echo ==',
          'cat /proc/sysvipc/msg /proc/sysvipc/sem /proc/sysvipc/shm',
          'echo ==',
          'ipcs -l',
          'echo ==',
          'cat /proc/sys/kernel/msgmni /proc/sys/kernel/sem',
        ].join('\n'),
      ],
      { add },
    );
    const [ipcs, proc, limits, sysctl] = text(r.stdout).split('==\n');
    // Every object /proc lists (key in hex, id) is a row of ipcs, and nothing else is.
    const objects = proc
      .split('\n')
      .filter((l) => /^ *-?\d/.test(l))
      .map((l) => {
        const [key, id] = l.trim().split(/ +/).map(Number);
        return `0x${(key >>> 0).toString(16).padStart(8, '0')} ${id}`;
      });
    const rows = ipcs
      .split('\n')
      .filter((l) => l.startsWith('0x'))
      .map((l) => l.split(/ +/).slice(0, 2).join(' '));
    assert.deepEqual(rows.sort(), objects.sort());
    assert.equal(rows.length, 4);
    const [msgmni, sem] = sysctl.trim().split('\n');
    assert.equal(msgmni, '777');
    assert.match(limits, new RegExp(`max queues system wide = ${msgmni}\n`));
    const [semmsl, semmns, semopm, semmni] = sem.split('\t');
    assert.match(
      limits,
      new RegExp(
        `max number of arrays = ${semmni}\nmax semaphores per array = ${semmsl}\n` +
          `max semaphores system wide = ${semmns}\nmax ops per semop call = ${semopm}\n`,
      ),
    );
  });
});
