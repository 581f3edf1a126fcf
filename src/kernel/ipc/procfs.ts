// /proc/sysvipc/{msg,sem,shm} (Linux's sysvipc_*_proc_show): a header line and
// one row per object in index order, in the namespace of the reader.
import type { Kernel } from '../kernel.js';
import { msgIds } from './msg.js';
import { semNs } from './sem.js';
import { shmNs } from './shm.js';
import { PAGE_SIZE } from '../mm/mm.js';

const d = (n: number, w: number) => String(n).padStart(w);
const o = (n: number, w: number) => n.toString(8).padStart(w);

export function sysvipcMsg(k: Kernel): string {
  let s = '       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n';
  for (const q of msgIds(k).all()) {
    s +=
      `${d(q.key, 10)} ${d(q.id, 10)}  ${o(q.mode, 4)}  ${d(q.cbytes, 10)} ${d(q.messages.length, 10)} ${d(q.lspid, 5)} ${d(q.lrpid, 5)} ` +
      `${d(q.uid, 5)} ${d(q.gid, 5)} ${d(q.cuid, 5)} ${d(q.cgid, 5)} ${d(q.stime, 10)} ${d(q.rtime, 10)} ${d(q.ctime, 10)}\n`;
  }
  return s;
}

export function sysvipcSem(k: Kernel): string {
  let s = '       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n';
  for (const a of semNs(k).ids.all()) {
    s +=
      `${d(a.key, 10)} ${d(a.id, 10)}  ${o(a.mode, 4)} ${d(a.nsems, 10)} ${d(a.uid, 5)} ${d(a.gid, 5)} ${d(a.cuid, 5)} ${d(a.cgid, 5)} ` +
      `${d(a.otime, 10)} ${d(a.ctime, 10)}\n`;
  }
  return s;
}

export function sysvipcShm(k: Kernel): string {
  let s =
    '       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n';
  for (const m of shmNs(k).ids.all()) {
    s +=
      `${d(m.key, 10)} ${d(m.id, 10)}  ${o(m.mode, 4)} ${d(m.segsz, 21)} ${d(m.cpid, 5)} ${d(m.lpid, 5)} ${d(m.nattch, 6)} ` +
      `${d(m.uid, 5)} ${d(m.gid, 5)} ${d(m.cuid, 5)} ${d(m.cgid, 5)} ${d(m.atime, 10)} ${d(m.dtime, 10)} ${d(m.ctime, 10)} ` +
      `${d(m.rss * PAGE_SIZE, 21)} ${d(0, 21)}\n`;
  }
  return s;
}
