// panic (kernel/panic.c): the machine stops with Linux's last words. With
// panic=0 Linux then spins forever; here the run ends, its status nonzero.
import type { Kernel } from '../kernel.js';
import { KERN_EMERG } from '../printk.js';

export function panic(k: Kernel, msg: string): void {
  if (k.halted !== null) return;
  k.log.printk(KERN_EMERG, `Kernel panic - not syncing: ${msg}`);
  k.log.printk(KERN_EMERG, `---[ end Kernel panic - not syncing: ${msg} ]---`);
  k.shutdown = 'panic';
  k.halt(1 << 8);
}
