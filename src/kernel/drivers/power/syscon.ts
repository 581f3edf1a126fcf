// syscon-poweroff and syscon-reboot (drivers/power/reset/syscon-*.c) on the
// board's sifive_test device: the last step of kernel_power_off and
// kernel_restart is one register write, and the board stops or resets.
import type { Kernel } from '../../kernel.js';
import { ioremap } from '../../lib/iomem.js';
import { VIRT_TEST } from '../../../machine/memmap.js';
import { FINISHER_PASS, FINISHER_RESET } from '../../../machine/sifive-test.js';

export function sysconPoweroff(k: Kernel): void {
  ioremap(k.machine.bus, VIRT_TEST.base).writel(0, FINISHER_PASS);
}
export function sysconReboot(k: Kernel): void {
  ioremap(k.machine.bus, VIRT_TEST.base).writel(0, FINISHER_RESET);
}
