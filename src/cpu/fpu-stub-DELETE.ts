// TEMPORARY stub until src/cpu/fpu.ts lands. Delete.
export interface FpHart { xl: Int32Array; xh: Int32Array; fregs: Float64Array; fbits: Int32Array; fflags: number; frm: number }
export function execFp(_h: FpHart, _insn: number): number { return 2; }
