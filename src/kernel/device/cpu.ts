// CPU devices (Linux's drivers/base/cpu.c and topology.c): the masks under
// /sys/devices/system/cpu and one cpuN directory per hart, with the topology
// files lscpu, nproc and glibc's sysconf(_SC_NPROCESSORS_*) read.
import type { DeviceModel } from './core.js';
import { Kobject } from './kobject.js';

/** CONFIG_NR_CPUS on riscv64 (the Kconfig default): kernel_max is NR_CPUS - 1. */
export const NR_CPUS = 64;

/** "%*pb": a cpumask as comma-separated 32-bit hex words, highest first. */
export function cpumaskHex(cpus: number[], nrCpuIds: number): string {
  const words = Math.max(1, Math.ceil(nrCpuIds / 32));
  const w = new Array<number>(words).fill(0);
  for (const c of cpus) w[c >> 5] |= 1 << (c & 31);
  const digitsTop = Math.ceil((nrCpuIds - (words - 1) * 32) / 4);
  return w
    .reverse()
    .map((x, i) => (x >>> 0).toString(16).padStart(i === 0 ? digitsTop : 8, '0'))
    .join(',');
}

/** "%*pbl": ranges such as 0-3,5. */
export function cpumaskList(cpus: number[]): string {
  const s = [...cpus].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    out.push(i === j ? `${s[i]}` : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

/** Register `harts` CPUs, all online, one core each in one package. */
export function registerCpus(m: DeviceModel, harts: number): void {
  const all = Array.from({ length: harts }, (_, i) => i);
  const nl = (s: string) => () => s + '\n';
  const root = m.system.dir('cpu');
  const bus = m.bus.dir('cpu');
  bus.dir('drivers');
  const busDevices = bus.dir('devices');
  root
    .attr('online', nl(cpumaskList(all)))
    .attr('possible', nl(cpumaskList(all)))
    .attr('present', nl(cpumaskList(all)))
    .attr('offline', nl(''))
    .attr('enabled', nl(cpumaskList(all)))
    .attr('isolated', nl(''))
    .attr('kernel_max', nl(String(NR_CPUS - 1)))
    .attr('modalias', nl('cpu:type:riscv:feature:'))
    .attr('uevent', nl(''), () => 0, 0o644);
  for (const d of ['cpufreq', 'cpuidle', 'hotplug', 'power', 'vulnerabilities']) root.dir(d);
  for (const cpu of all) {
    const c = new Kobject(`cpu${cpu}`).add(root);
    // Every hart of the virt board can be taken offline through SBI HSM.
    c.attr('online', nl('1'), (v) => (v.trim() === '1' ? 0 : -16 /* EBUSY: the last hart stays */), 0o644);
    c.attr('uevent', nl(''), () => 0, 0o644);
    c.link('subsystem', bus);
    c.dir('power');
    const one = cpumaskHex([cpu], harts),
      list = String(cpu);
    c.dir('topology')
      .attr('physical_package_id', nl('0'))
      .attr('core_id', nl(String(cpu)))
      .attr('core_cpus', nl(one))
      .attr('core_cpus_list', nl(list))
      .attr('thread_siblings', nl(one))
      .attr('thread_siblings_list', nl(list))
      .attr('core_siblings', nl(cpumaskHex(all, harts)))
      .attr('core_siblings_list', nl(cpumaskList(all)))
      .attr('package_cpus', nl(cpumaskHex(all, harts)))
      .attr('package_cpus_list', nl(cpumaskList(all)));
    busDevices.link(`cpu${cpu}`, c);
  }
}
