/**
 * name_attach / name_detach / name_open / name_close over the kernel's path space, with the
 * `_IO_CONNECT` handshake.
 * @internal
 * @packageDocumentation
 */
import { channelCreate, destroyChannel } from './channels.js';
import {
  _FTYPE_NAME, _IO_CONNECT, _IO_CONNECT_OPEN, _NTO_CHF_COID_DISCONNECT, _NTO_CHF_DISCONNECT,
  _NTO_CHF_UNBLOCK, _NTO_SIDE_CHANNEL, NAME_FLAG_ATTACH_GLOBAL, PROCMGR_AID_PATHSPACE,
} from './constants.js';
import { connectAttach, detachEntry } from './connections.js';
import { alive, callable, fail, int, type KernelCore, type PathEntry } from './core.js';
import { msgSend } from './msgSend.js';
import type { Done, Thread } from './objects.js';

/** Size of `struct _io_connect` before the path. */
const IO_CONNECT_HEADER = 40;

function validName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && !name.startsWith('/') && !name.split('/').includes('..');
}

/** `/dev/name/local/<name>` (or `global` with NAME_FLAG_ATTACH_GLOBAL). */
export function namePath(name: string, flags: number): string {
  return `/dev/name/${(flags & NAME_FLAG_ATTACH_GLOBAL) !== 0 ? 'global' : 'local'}/${name}`;
}

/**
 * Register `name` on a new channel made with `_NTO_CHF_DISCONNECT | _NTO_CHF_UNBLOCK` (plus
 * `_NTO_CHF_COID_DISCONNECT` when the process has no death channel yet), or on `chid` if given.
 */
export function nameAttach(k: KernelCore, t: Thread, name: string, flags: number, chid?: number): PathEntry {
  const call = 'name_attach';
  alive(t, call);
  int(flags, call, 'flags');
  if (!validName(name)) throw fail('EINVAL', call);
  const path = namePath(name, flags);
  if (k.paths.has(path)) throw fail('EEXIST', call);
  let ch = chid;
  if (ch === undefined) {
    const death = t.process.deathChannel === null ? _NTO_CHF_COID_DISCONNECT : 0;
    ch = channelCreate(k, t, _NTO_CHF_DISCONNECT | _NTO_CHF_UNBLOCK | death);
  } else if (!t.process.channels.has(ch)) throw fail('EINVAL', call, { chid: ch });
  const entry: PathEntry = { path, mntid: k.nextMntid++, pid: t.process.pid, chid: ch };
  k.paths.set(path, entry);
  return entry;
}

/** Remove the name registered as `mntid`; destroys its channel unless `keepChannel`. */
export function nameDetach(k: KernelCore, t: Thread, mntid: number, keepChannel: boolean): number {
  const call = 'name_detach';
  alive(t, call);
  for (const [path, e] of k.paths) {
    if (e.mntid !== mntid || e.pid !== t.process.pid) continue;
    k.paths.delete(path);
    const ch = t.process.channels.get(e.chid);
    if (!keepChannel && ch !== undefined) destroyChannel(k, ch, t.priority);
    return 0;
  }
  throw fail('EINVAL', call);
}

/** The `_IO_CONNECT` (open) message name_open sends: `struct _io_connect` followed by the path. */
export function ioConnectMessage(path: string): Uint8Array {
  const bytes = new TextEncoder().encode(path);
  const msg = new Uint8Array(IO_CONNECT_HEADER + bytes.length + 1);
  const dv = new DataView(msg.buffer);
  dv.setUint16(0, _IO_CONNECT, true); // type
  dv.setUint16(2, _IO_CONNECT_OPEN, true); // subtype
  dv.setUint32(4, _FTYPE_NAME, true); // file_type
  dv.setUint16(36, bytes.length + 1, true); // path_len
  msg.set(bytes, IO_CONNECT_HEADER);
  return msg;
}

/**
 * Open `name`: attach a side-channel connection and send it `_IO_CONNECT`. `done` gets the
 * coid once the server replies EOK, or the server's error (the coid is then detached).
 */
export function nameOpen(k: KernelCore, t: Thread, name: string, flags: number, done: Done): void {
  const call = 'name_open';
  callable(t, call);
  int(flags, call, 'flags');
  if (!validName(name)) throw fail('EINVAL', call);
  const entry = k.paths.get(namePath(name, flags));
  if (entry === undefined) throw fail('ENOENT', call);
  const coid = connectAttach(k, t, 0, entry.pid, entry.chid, _NTO_SIDE_CHANNEL, 0);
  msgSend(k, t, coid, ioConnectMessage(name), new Uint8Array(0), (err) => {
    if (err !== 0) {
      k.run(() => detachEntry(k, t.process, coid, t.priority));
      done(err, 0, 0);
    } else {
      done(0, coid, 0);
    }
  }, call);
}

/**
 * `resmgr_attach`'s registration: `path` (absolute, no `..`) now leads to channel `chid` of the
 * caller's process. Needs `PROCMGR_AID_PATHSPACE` (EPERM); a taken path is EEXIST.
 */
export function pathAttach(k: KernelCore, t: Thread, path: string, chid: number): PathEntry {
  const call = 'resmgr_attach';
  alive(t, call);
  if (typeof path !== 'string' || !path.startsWith('/') || path.length < 2 || path.split('/').includes('..')) throw fail('EINVAL', call);
  if (!t.process.channels.has(int(chid, call, 'chid'))) throw fail('EINVAL', call, { chid });
  if (!t.process.abilities.has(PROCMGR_AID_PATHSPACE)) throw fail('EPERM', call);
  if (k.paths.has(path)) throw fail('EEXIST', call);
  const entry: PathEntry = { path, mntid: k.nextMntid++, pid: t.process.pid, chid };
  k.paths.set(path, entry);
  return entry;
}

/** `resmgr_detach`'s unregistration of the path registered as `mntid` by the caller's process. */
export function pathDetach(k: KernelCore, t: Thread, mntid: number): number {
  alive(t, 'resmgr_detach');
  for (const [path, e] of k.paths) {
    if (e.mntid === mntid && e.pid === t.process.pid) {
      k.paths.delete(path);
      return 0;
    }
  }
  throw fail('EINVAL', 'resmgr_detach', undefined);
}

/** `open()`'s first step: who serves `path` (ENOENT if nobody). */
export function pathResolve(k: KernelCore, t: Thread, path: string): PathEntry {
  alive(t, 'open');
  const e = typeof path === 'string' ? k.paths.get(path) : undefined;
  if (e === undefined) throw fail('ENOENT', 'open');
  return e;
}
