// What the kernel says while it comes up, in Linux's words and levels
// (init/main.c, mm/mm_init.c, arch/riscv, kernel/time, net/socket.c): each
// line reports something this kernel really set up — its version and
// command line, the RAM it manages, the harts and their ISA, the timer, the
// pid range, devtmpfs and the socket families — so dmesg shows a boot log.
import type { Kernel } from '../kernel.js';
import { KERN_INFO, KERN_NOTICE } from '../printk.js';
import { LINUX_VERSION } from '../version.js';
import { TIMEBASE_HZ, HZ } from '../time/clock.js';
import { pidMax } from '../sysctl/kernel.js';
import { registeredFamilies } from '../net/socket.js';

/** The names sock_register's "NET: Registered %s protocol family" prints. */
const FAMILY_NAMES: Record<number, string> = { 1: 'PF_UNIX/PF_LOCAL', 2: 'PF_INET', 10: 'PF_INET6', 16: 'PF_NETLINK/PF_ROUTE' };

export function bootBanner(k: Kernel): void {
  const log = k.log;
  log.printk(KERN_INFO, 'Booting Linux on hartid 0');
  log.printk(KERN_NOTICE, LINUX_VERSION);
  log.printk(KERN_INFO, 'Machine model: tuxglass,riscv64');
  const bytes = k.pages.total * 4096,
    kb = bytes / 1024;
  const hex = (n: number) => '0x' + n.toString(16).padStart(16, '0');
  // RAM starts at 2 GiB; ZONE_DMA32 ends at 4 GiB and ZONE_NORMAL holds the rest.
  const end = 0x80000000 + bytes,
    dma32End = Math.min(end, 2 ** 32);
  log.printk(KERN_INFO, 'Zone ranges:');
  log.printk(KERN_INFO, `  DMA32    [mem ${hex(0x80000000)}-${hex(dma32End - 1)}]`);
  log.printk(KERN_INFO, end > dma32End ? `  Normal   [mem ${hex(dma32End)}-${hex(end - 1)}]` : '  Normal   empty');
  log.printk(KERN_INFO, 'riscv: base ISA extensions acdfim');
  log.printk(KERN_INFO, 'riscv: ELF capabilities acdfim');
  log.printk(KERN_NOTICE, `Kernel command line: ${k.cmdline}`);
  // The kernel's own code and data live outside guest RAM: nothing is reserved.
  log.printk(KERN_INFO, `Memory: ${kb}K/${kb}K available (0K kernel code, 0K rwdata, 0K rodata, 0K init, 0K bss, 0K reserved, 0K cma-reserved)`);
  log.printk(KERN_INFO, `sched_clock: 64 bits at ${TIMEBASE_HZ / 1e6}MHz, resolution ${1e9 / TIMEBASE_HZ}ns, wraps every 4398046511100ns`);
  log.printk(KERN_INFO, `clocksource: riscv_clocksource: mask: 0xffffffffffffffff max_cycles: 0x24e6a1710, max_idle_ns: 440795202120 ns`);
  const lpj = TIMEBASE_HZ / HZ;
  log.printk(KERN_INFO, `Calibrating delay loop (skipped), value calculated using timer frequency.. ${((lpj * HZ) / 500000).toFixed(2)} BogoMIPS (lpj=${lpj})`);
  log.printk(KERN_INFO, `pid_max: default: ${pidMax.get(k)} minimum: 301`);
  const n = k.runqueues.length;
  log.printk(KERN_INFO, 'smp: Bringing up secondary CPUs ...');
  log.printk(KERN_INFO, `smp: Brought up 1 node, ${n} CPU${n === 1 ? '' : 's'}`);
}

/** After the device model and the pseudo filesystems are in place. */
export function bootDevices(k: Kernel): void {
  k.log.printk(KERN_INFO, 'devtmpfs: initialized');
  for (const f of registeredFamilies()) {
    const name = FAMILY_NAMES[f];
    if (name) k.log.printk(KERN_INFO, `NET: Registered ${name} protocol family`);
  }
}

/** kernel_init's last word before it becomes init (run_init_process). */
export function bootRunInit(k: Kernel, path: string): void {
  k.log.printk(KERN_INFO, `Run ${path} as init process`);
}
