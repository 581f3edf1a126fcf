// reboot(2) (kernel/reboot.c): CAP_SYS_BOOT first, then the magic numbers,
// then the command. Power-off, halt and restart stop the machine (the host
// decides what a restart means: `tuxglass boot` boots a fresh machine from
// the same initramfs); CAD_ON/CAD_OFF set what Ctrl-Alt-Del does.
import { capable, CAP_SYS_BOOT } from '../security/commoncap.js';
import type { Kernel, Shutdown } from '../kernel.js';
import { EFAULT, EINVAL, EPERM } from '../errno.js';
import { KERN_EMERG } from '../printk.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';
import type { Task } from '../sched/task.js';
import { sysconPoweroff, sysconReboot } from '../drivers/power/syscon.js';

export const LINUX_REBOOT_MAGIC1 = 0xfee1dead;
/** Torvalds' birthday and his daughters' (LINUX_REBOOT_MAGIC2, 2A, 2B, 2C). */
const MAGIC2 = [672274793, 85072278, 369367448, 537993216];

export const LINUX_REBOOT_CMD_RESTART = 0x01234567,
  LINUX_REBOOT_CMD_HALT = 0xcdef0123,
  LINUX_REBOOT_CMD_CAD_ON = 0x89abcdef,
  LINUX_REBOOT_CMD_CAD_OFF = 0x00000000,
  LINUX_REBOOT_CMD_POWER_OFF = 0x4321fedc,
  LINUX_REBOOT_CMD_RESTART2 = 0xa1b2c3d4;

/** kernel_restart / kernel_halt / kernel_power_off: the last line, and the machine stops. */
export function machineShutdown(k: Kernel, how: Shutdown, restartCmd?: string): void {
  const msg =
    how === 'power_off' ? 'Power down' : how === 'halt' ? 'System halted' : restartCmd ? `Restarting system with command '${restartCmd}'` : 'Restarting system';
  k.log.printk(KERN_EMERG, `reboot: ${msg}`);
  k.shutdown = how;
  // Power-off and restart end at the power controller; halt only stops the CPUs.
  if (how === 'power_off') sysconPoweroff(k);
  else if (how === 'restart') sysconReboot(k);
  k.halt(0);
}

export function sys_reboot(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  if (!capable(t.cred, CAP_SYS_BOOT)) return -EPERM;
  const magic1 = a.int(0) >>> 0,
    magic2 = a.int(1) >>> 0,
    cmd = a.int(2) >>> 0;
  if (magic1 !== LINUX_REBOOT_MAGIC1 || !MAGIC2.includes(magic2)) return -EINVAL;
  switch (cmd) {
    case LINUX_REBOOT_CMD_RESTART:
      machineShutdown(k, 'restart');
      return 0;
    case LINUX_REBOOT_CMD_CAD_ON:
      k.cadEnabled = true;
      return 0;
    case LINUX_REBOOT_CMD_CAD_OFF:
      k.cadEnabled = false;
      return 0;
    case LINUX_REBOOT_CMD_HALT:
      machineShutdown(k, 'halt');
      return 0;
    case LINUX_REBOOT_CMD_POWER_OFF:
      machineShutdown(k, 'power_off');
      return 0;
    case LINUX_REBOOT_CMD_RESTART2: {
      // The command string: at most 256 bytes with its NUL.
      const s = t.mm.readCString(a.ulong(3), 256);
      if (!s) return -EFAULT;
      machineShutdown(k, 'restart', new TextDecoder().decode(s));
      return 0;
    }
    // No kexec, no hibernation in this kernel.
    default:
      return -EINVAL;
  }
}
