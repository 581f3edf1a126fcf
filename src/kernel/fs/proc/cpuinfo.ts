// /proc/cpuinfo as arch/riscv/kernel/cpu.c (6.12) prints it for one hart.
// The isa line spells out every extension, implied ones included (C gives
// Zca, and with D also Zcd); a generic "riscv" compatible prints no uarch.
import type { Kernel } from '../../kernel.js';

export const RISCV_ISA = 'rv64imafdc_zicntr_zicsr_zifencei_zihpm_zca_zcd';

export function cpuinfo(_k: Kernel): string {
  return 'processor\t: 0\n'
    + 'hart\t\t: 0\n'
    + `isa\t\t: ${RISCV_ISA}\n`
    + 'mmu\t\t: sv39\n'
    + 'mvendorid\t: 0x0\n'
    + 'marchid\t\t: 0x0\n'
    + 'mimpid\t\t: 0x0\n'
    + `hart isa\t: ${RISCV_ISA}\n`
    + '\n';
}
