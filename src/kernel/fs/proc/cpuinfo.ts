// /proc/cpuinfo as arch/riscv/kernel/cpu.c (6.12) prints it, one block per hart.
// The isa line spells out every extension the hart implements, implied ones
// included (C gives Zca, and with D also Zcd), in the order of Linux's
// riscv_isa_ext[] table (cpufeature.c); a generic "riscv" compatible prints
// no uarch. The hints Zihintntl and Zihintpause are there because the hart
// executes them as the specification asks (as no-ops). riscv_hwprobe
// (syscalls/hwprobe.ts) reports the same set.
import type { Kernel } from '../../kernel.js';

export const RISCV_ISA = 'rv64imafdc_zicntr_zicond_zicsr_zifencei_zihintntl_zihintpause_zihpm_zca_zcb_zcd_zba_zbb_zbs';

export function cpuinfo(k: Kernel): string {
  return k.runqueues.map((rq) => hart(rq.cpu)).join('');
}

function hart(n: number): string {
  return (
    `processor\t: ${n}\n` +
    `hart\t\t: ${n}\n` +
    `isa\t\t: ${RISCV_ISA}\n` +
    'mmu\t\t: sv39\n' +
    'mvendorid\t: 0x0\n' +
    'marchid\t\t: 0x0\n' +
    'mimpid\t\t: 0x0\n' +
    `hart isa\t: ${RISCV_ISA}\n` +
    '\n'
  );
}
