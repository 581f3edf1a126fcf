// CPU-time accounting, as the real tools print it. Under --seed tuxglass charges time in
// virtual time: a user instruction is 1 ns of utime, kernel work is stime by
// the cost model of sched/cputime.ts. The oracle is the work a guest program
// is known to do (a counted loop, a number of system calls, sleeps) and the
// agreement of every interface that reports the same figure: getrusage,
// times(2), wait4, /proc/PID/stat and /proc/PID/status, /proc/stat, and the
// tools reading them (bash's time, top, pidstat -w, vmstat). The qemu
// reference cannot serve: its times are the host's.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';
import { SYSCALL_NS } from '../../src/kernel/sched/cputime.js';
import { buildGuest } from '../diff/build.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'bin', 'tuxglass.js');
const rootfs = defaultRootfsDir();
const built = await buildGuest(['sys_cputime']);
const tools = ['top', 'pidstat', 'vmstat', 'bash', 'nice'].filter((t) => !existsSync(join(rootfs, 'usr/bin', t)));
const skip = built.skip ?? (tools.length ? `the guest root at ${rootfs} lacks ${tools.join(', ')}` : false);

function run(argv: string[], add: string[] = []): string {
  // Virtual time (--seed): the model under test counts instructions; without --seed CPU time follows the wall clock (docs/time.md).
  const r = spawnSync(
    process.execPath,
    [CLI, 'run', '--seed', '1', '--rootfs', rootfs, '--add', `${built.paths.sys_cputime}:/tmp/c`, ...add.flatMap((a) => ['--add', a]), '--', ...argv],
    { encoding: 'utf8', timeout: 180_000, env: { ...process.env, COLUMNS: '200' } },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** The numbers of the line starting with `tag`. */
function nums(out: string, tag: string): number[] {
  const m = new RegExp(`^${tag} (.*)$`, 'm').exec(out);
  assert.ok(m, `no ${tag} line in:\n${out}`);
  return m[1].trim().split(/\s+/).map(Number);
}

const near = (got: number, want: number, tol: number, what: string) => assert.ok(Math.abs(got - want) <= tol, `${what}: ${got}, want ${want} ± ${tol}`);
const tick = (us: number) => Math.floor(us / 10_000);

describe('CPU-time accounting', { skip, concurrency: 2 }, () => {
  test('a counted user loop is utime, 1 ns per instruction, with next to no stime', () => {
    const iters = 150_000_000; // two instructions each: 0.3 s
    const out = run(['/tmp/c', 'loop', String(iters)]);
    const [ut, st] = nums(out, 'rusage');
    // The loop, plus the few thousand instructions of start-up and exit.
    near(ut, (2 * iters) / 1000, ((2 * iters) / 1000) * 0.01, 'ru_utime µs');
    assert.ok(st < ut / 100, `ru_stime ${st} µs`);
    // /proc/self/stat fields 14-15 and times(2) say the same in clock ticks.
    const [su, ss] = nums(out, 'stat'),
      [tu, ts] = nums(out, 'times');
    near(su, tick(ut), 1, 'stat utime');
    near(ss, tick(st), 1, 'stat stime');
    assert.deepEqual([tu, ts], [su, ss]);
  });

  test("threads that have exited still count in their process's times", () => {
    const iters = 25_000_000;
    const out = run(['/tmp/c', 'threads', String(iters)]);
    const [ut] = nums(out, 'rusage');
    near(ut, (4 * 2 * iters) / 1000, ((4 * 2 * iters) / 1000) * 0.01, 'ru_utime µs of four joined threads');
    near(nums(out, 'stat')[0], tick(ut), 1, 'stat utime');
    assert.equal(nums(out, 'times')[0], nums(out, 'stat')[0]);
  });

  test("a system-call loop is mostly stime: one syscall's cost model each", () => {
    const n = 200_000;
    const [ut, st] = nums(run(['/tmp/c', 'sys', String(n)]), 'rusage');
    near(st, (n * SYSCALL_NS) / 1000, ((n * SYSCALL_NS) / 1000) * 0.05, 'ru_stime µs');
    assert.ok(ut < st / 2, `ru_utime ${ut} µs against ru_stime ${st} µs`);
  });

  test('sleeping is a voluntary context switch each time, and no CPU time', () => {
    const out = run(['/tmp/c', 'yield', '100']);
    const [ut, st, , nvcsw, nivcsw] = nums(out, 'rusage');
    // sched_yield with nothing else to run switches to nobody; each 1 ms sleep switches away once.
    assert.deepEqual([nvcsw, nivcsw], [100, 0]);
    assert.deepEqual(nums(out, 'status'), [nvcsw, nivcsw]);
    assert.ok(ut + st < 5000, `${ut} + ${st} µs over 100 sleeps`);
  });

  test("a reaped child's time: wait4, RUSAGE_CHILDREN, times() and /proc/self/stat agree", () => {
    const iters = 100_000_000;
    const out = run(['/tmp/c', 'child', String(iters)]);
    const [wu, ws] = nums(out, 'wait4');
    const [cu, cs, minflt] = nums(out, 'rusage');
    near(wu, (2 * iters) / 1000, ((2 * iters) / 1000) * 0.01, 'wait4 ru_utime µs');
    assert.deepEqual([cu, cs], [wu, ws]);
    assert.ok(minflt > 0, "the child's page faults count in ru_minflt");
    const [, , tcu, tcs] = nums(out, 'times'),
      [, , scu, scs] = nums(out, 'stat');
    assert.deepEqual([tcu, tcs], [tick(cu), tick(cs)]);
    assert.deepEqual([scu, scs], [tcu, tcs]);
  });

  test("bash's time of a command agrees with the command's own getrusage", () => {
    const out = run(['/bin/bash', '-c', "TIMEFORMAT='time %3U %3S'; { time /tmp/c loop 100000000; } 2>&1; { time /tmp/c sys 100000; } 2>&1"]);
    const lines = out.trim().split('\n');
    const pairs = [0, 1].map((i) => {
      const ru = lines
        .filter((l) => l.startsWith('rusage '))
        .at(i)!
        .split(' ')
        .map(Number);
      const tm = lines
        .filter((l) => l.startsWith('time '))
        .at(i)!
        .split(' ')
        .map(Number);
      return { ru, tm };
    });
    for (const { ru, tm } of pairs) {
      // bash reads RUSAGE_CHILDREN: the child's whole life, a little more than it saw of itself before exit.
      near(tm[1] * 1e6, ru[1], 2000, 'user');
      near(tm[2] * 1e6, ru[2], 2000, 'sys');
    }
    assert.ok(pairs[0].tm[1] > 0.19 && pairs[1].tm[2] > pairs[1].tm[1], out);
  });

  // One guest run for the three tools: spinners at nice 0 and 10 for top, then a
  // spinner and a sleeper for pidstat and vmstat, each checked against /proc
  // read around it. (The sleeper does not sched_yield before it sleeps: since
  // 6.18 a yield forfeits the rest of the request, and the woken task then
  // waits for the spinner instead of preempting it.)
  let tools: Map<string, string> | null = null;
  function section(name: string): string {
    if (!tools) {
      const script = `
        /tmp/c spin 20000 >/dev/null & A=$!
        nice -n 10 /tmp/c spin 20000 >/dev/null & B=$!
        echo "@@ top $A $B"; top -b -n 2 -d 1 -w 200 -p $A,$B
        kill $B
        /tmp/c sleep 100000 >/dev/null & C=$!
        sleep 0.1
        st() { echo "$(cut -d' ' -f1 /proc/uptime) $(grep -h ctxt /proc/$A/status /proc/$C/status | cut -f2 | tr '\\n' ' ')"; }
        echo "@@ pidstat $A $C"; st; pidstat -w -p $A,$C 1 1; st
        pst() { echo "$(cut -d' ' -f1 /proc/uptime) $(grep -E '^(cpu |intr|ctxt)' /proc/stat | cut -d' ' -f2- | tr '\\n' ' ')"; }
        echo "@@ vmstat"; pst; vmstat 1 2; pst
        kill $A $C`;
      const dir = mkdtempSync(join(tmpdir(), 'tuxglass-cputime-'));
      try {
        writeFileSync(join(dir, 's.sh'), script);
        const out = run(['/bin/bash', '/tmp/s.sh'], [`${join(dir, 's.sh')}:/tmp/s.sh`]);
        tools = new Map(
          out
            .split(/^@@ /m)
            .slice(1)
            .map((p) => [p.slice(0, p.indexOf('\n')), p.slice(p.indexOf('\n') + 1)]),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    for (const [k, v] of tools) if (k.split(' ')[0] === name) return `${k}\n${v}`;
    assert.fail(`no ${name} section`);
  }

  test('top: two spinners at nice 0 and nice 10 share the CPU 1024:110', () => {
    const out = section('top');
    const [, a, b] = out.split('\n')[0].split(' ');
    // The second screen covers the one-second interval.
    const last = out.slice(out.lastIndexOf('  PID USER'));
    const cpu = (pid: string) => {
      const m = new RegExp(`^ *${pid} root +(\\d+) +(\\d+) .* [RS] +([\\d.]+) +[\\d.]+ +[\\d:.]+ c$`, 'm').exec(last);
      assert.ok(m, `no top line for ${pid}:\n${last}`);
      return { pr: Number(m[1]), ni: Number(m[2]), cpu: Number(m[3]) };
    };
    const x = cpu(a),
      y = cpu(b);
    assert.deepEqual([x.pr, x.ni, y.pr, y.ni], [20, 0, 30, 10]);
    // Between them they had nearly all of it (top itself ran briefly)...
    assert.ok(x.cpu + y.cpu > 95, out);
    // ...in the ratio of the weights: 1024/(1024+110) = 0.903 for nice 0.
    near(x.cpu / (x.cpu + y.cpu), 1024 / 1134, 0.02, 'nice-0 share');
    // The CPU summary line splits user time of niced tasks into ni.
    const sum = /^%Cpu\(s\): +([\d.]+) us, +([\d.]+) sy, +([\d.]+) ni, +([\d.]+) id/m.exec(last.length ? out.slice(out.lastIndexOf('top - ')) : out);
    assert.ok(sum, out);
    near(Number(sum[3]), y.cpu, 2, 'ni column');
    near(Number(sum[1]), x.cpu, 3, 'us column');
  });

  test('pidstat -w: the rates /proc/PID/status counters imply', () => {
    const lines = section('pidstat').split('\n');
    const [, a, c] = lines[0].split(' ');
    const before = lines[1].split(' ').map(Number),
      after = lines
        .filter((l) => /^[\d.]+ \d+ \d+ \d+ \d+ ?$/.test(l))
        .at(-1)!
        .split(' ')
        .map(Number);
    const secs = after[0] - before[0];
    const rate = (i: number) => (after[i] - before[i]) / secs;
    const avg = (pid: string) => {
      const m = new RegExp(`^Average: +0 +${pid} +([\\d.]+) +([\\d.]+) +c$`, 'm').exec(lines.join('\n'));
      assert.ok(m, lines.join('\n'));
      return [Number(m[1]), Number(m[2])];
    };
    const [acs, ancs] = avg(a),
      [ccs, cncs] = avg(c);
    // The spinner never sleeps; the sleeper wakes about 1000 times a second and preempts it each time.
    assert.equal(acs, 0);
    assert.ok(ccs > 800 && ccs <= 1000, `sleeper cswch/s ${ccs}`);
    near(ancs, rate(2), rate(2) * 0.05 + 2, 'spinner nvcswch/s');
    near(ccs, rate(3), rate(3) * 0.05 + 2, 'sleeper cswch/s');
    near(cncs, rate(4), rate(4) * 0.05 + 2, 'sleeper nvcswch/s');
  });

  test("vmstat: the second line's us, sy, id, in and cs are /proc/stat's rates", () => {
    const lines = section('vmstat').split('\n');
    const snap = lines.filter((l) => /^[\d.]+ +\d+ /.test(l)).map((l) => l.trim().split(/ +/).map(Number));
    assert.equal(snap.length, 2, lines.join('\n'));
    // uptime, then cpu user nice system idle iowait irq softirq steal guest guest_nice, intr total ..., ctxt
    const [b, e] = snap;
    const secs = e[0] - b[0];
    const d = (i: number) => e[i] - b[i];
    const total = d(1) + d(2) + d(3) + d(4);
    const head = lines.findIndex((l) => /^ r +b +swpd/.test(l));
    const cols = lines[head].trim().split(/\s+/);
    const row = lines[head + 2].trim().split(/\s+/).map(Number);
    const v = (name: string) => row[cols.indexOf(name)];
    near(v('us'), (100 * (d(1) + d(2))) / total, 3, 'us');
    near(v('sy'), (100 * d(3)) / total, 3, 'sy');
    near(v('id'), (100 * d(4)) / total, 3, 'id');
    const intr = 11,
      ctxt = e.length - 1;
    near(v('in'), d(intr) / secs, (d(intr) / secs) * 0.05 + 2, 'in');
    near(v('cs'), d(ctxt) / secs, (d(ctxt) / secs) * 0.05 + 2, 'cs');
  });
});
