// /sys/kernel (Linux's kernel/ksysfs.c) and the directories other
// subsystems hang below it (mm, debug, security, tracing...).
import type { DeviceModel } from './core.js';

export function registerKernelKobj(m: DeviceModel): void {
  const k = m.kernel;
  const nl = (s: string) => () => s + '\n';
  k.attr('address_bits', nl('64'))
    .attr('cpu_byteorder', nl('little'))
    .attr('fscaps', nl('1'))
    .attr('kexec_crash_loaded', nl('0'))
    .attr('kexec_crash_size', nl('0'), () => 0, 0o644)
    .attr('kexec_loaded', nl('0'))
    .attr('profiling', nl('0'), () => 0, 0o644)
    .attr('rcu_expedited', nl('0'), () => 0, 0o644)
    .attr('rcu_normal', nl('0'), () => 0, 0o644)
    .attr('uevent_seqnum', () => `${m.ueventSeqnum}\n`);
  for (const d of ['config', 'debug', 'irq', 'security', 'slab', 'tracing']) k.dir(d);
  // Transparent huge pages are configured (madvise mode) but never used: no 2 MiB mappings yet.
  k.at('mm/transparent_hugepage')
    .attr('enabled', nl('always [madvise] never'), () => 0, 0o644)
    .attr('defrag', nl('always defer defer+madvise [madvise] never'), () => 0, 0o644)
    .attr('use_zero_page', nl('1'), () => 0, 0o644)
    .attr('hpage_pmd_size', nl('2097152'));
}
