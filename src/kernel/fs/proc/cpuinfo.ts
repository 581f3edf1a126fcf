// /proc/cpuinfo as arch/riscv/kernel/cpu.c (6.12) prints it, one block per hart.
// The isa line spells out every extension, implied ones included (C gives
// Zca, and with D also Zcd); a generic "riscv" compatible prints no uarch.
import type { Kernel } from '../../kernel.js';

export const RISCV_ISA = 'rv64imafdc_zicntr_zicsr_zifencei_zihpm_zca_zcd';

export function cpuinfo(k: Kernel): string {
  return k.runqueues.map((rq) => hart(rq.cpu)).join('');
}

function hart(n: number): string {
  return `processor\t: ${n}\n`
    + `hart\t\t: ${n}\n`
    + `isa\t\t: ${RISCV_ISA}\n`
    + 'mmu\t\t: sv39\n'
    + 'mvendorid\t: 0x0\n'
    + 'marchid\t\t: 0x0\n'
    + 'mimpid\t\t: 0x0\n'
    + `hart isa\t: ${RISCV_ISA}\n`
    + '\n';
}
