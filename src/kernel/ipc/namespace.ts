// The IPC namespace (struct ipc_namespace, ipc/namespace.c): each IPC
// kind's objects and counters, made on first use (ipc/util.ts nsState).
// One namespace per machine for now (Kernel.ipcNs), each kind typed here
// so no caller casts.
import type { IpcIds } from './util.js';
import type { MsgQueue } from './msg.js';
import type { SemNs } from './sem.js';
import type { ShmNs } from './shm.js';
import type { MqNs } from './mqueue.js';

export interface IpcNamespace {
  msg?: IpcIds<MsgQueue>;
  sem?: SemNs;
  shm?: ShmNs;
  mqueue?: MqNs;
}
