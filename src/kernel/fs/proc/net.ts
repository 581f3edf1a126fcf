// /proc/PID/net (what /proc/net links to): the network namespace's tables,
// whose text the net/ subsystem produces.
import type { Kernel } from '../../kernel.js';
import { initNet } from '../../net/net_namespace.js';
import { procNetFiles } from '../../net/procfs.js';
import { dirEntry, fileEntry, type ProcEntry, type ProcSuper } from './generic.js';

export function netDir(k: Kernel, sb: ProcSuper, scope: string, base: string, owner: { uid: number; gid: number }): ProcEntry {
  return dirEntry(
    sb,
    scope,
    `${base}net`,
    0o555,
    () => procNetFiles(initNet(k)).map(([name, show]) => fileEntry(sb, scope, `${base}net/${name}`, 0o444, show, { owner })),
    owner,
  );
}
