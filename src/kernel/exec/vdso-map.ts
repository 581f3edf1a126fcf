// The vDSO image is built once and mapped into every process.
import { buildVdso, type Vdso } from './vdso.js';

let cached: Vdso | null = null;
export function vdsoImage(): Vdso {
  if (!cached) cached = buildVdso();
  return cached;
}
