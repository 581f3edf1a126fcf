// Every sysctl table the kernel has, registered once.
import { registerFsTable } from './fs.js';
import { registerKernTable } from './kernel.js';
import { registerNetTable } from './net.js';
import { registerVmTable } from './vm.js';

let done = false;
export function registerSysctlTables(): void {
  if (done) return;
  done = true;
  registerKernTable();
  registerVmTable();
  registerFsTable();
  registerNetTable();
}

export { sysctlRoot, registerSysctl, findSysctl, type CtlTable, type CtlHandler } from './ctl_table.js';
