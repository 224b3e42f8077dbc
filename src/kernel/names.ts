/**
 * name_attach / name_detach / name_open / name_close over the kernel's path space, with the
 * `_IO_CONNECT` handshake.
 * @internal
 * @packageDocumentation
 */
import { channelCreate, destroyChannel } from './channels.js';
import {
  _FTYPE_ANY, _NTO_CHF_COID_DISCONNECT, _NTO_CHF_DISCONNECT,
  _NTO_CHF_UNBLOCK, _NTO_SIDE_CHANNEL, NAME_FLAG_ATTACH_GLOBAL, PROCMGR_AID_PATHSPACE,
} from './constants.js';
import { connectAttach, detachEntry } from './connections.js';
import { alive, callable, fail, int, type KernelCore, type PathEntry } from './core.js';
import { ioConnectMessage } from './ioMessages.js';
import { msgSend } from './msgSend.js';
import type { Done, Thread } from './objects.js';
import { ERRNO } from './errno.js';
import { KernelError } from './KernelError.js';

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
  const global = (flags & NAME_FLAG_ATTACH_GLOBAL) !== 0;
  // the gns rules (qnet.md §3.8): a network to be global on, and root or the path-space ability
  if (global && k.net === null) throw fail('ENOTSUP', call);
  if (global && t.process.uid !== 0 && !t.process.abilities.has(PROCMGR_AID_PATHSPACE)) throw fail('EPERM', call);
  if (k.paths.has(path)) throw fail('EEXIST', call);
  let ch = chid;
  if (ch === undefined) {
    const death = t.process.deathChannel === null ? _NTO_CHF_COID_DISCONNECT : 0;
    ch = channelCreate(k, t, _NTO_CHF_DISCONNECT | _NTO_CHF_UNBLOCK | death);
  } else if (!t.process.channels.has(ch)) throw fail('EINVAL', call, { chid: ch });
  const entry: PathEntry = { path, mntid: k.nextMntid++, pid: t.process.pid, chid: ch };
  k.paths.set(path, entry);
  if (global) k.net!.names.add(name, entry.pid, ch);
  return entry;
}

const GLOBAL_PREFIX = '/dev/name/global/';

/** Forget the registration of `path` (and tell the network when it was a global name). */
export function unregister(k: KernelCore, path: string, e: PathEntry): void {
  k.paths.delete(path);
  if (path.startsWith(GLOBAL_PREFIX)) k.net?.names.remove(path.slice(GLOBAL_PREFIX.length), e.pid, e.chid);
}

/** Remove the name registered as `mntid`; destroys its channel unless `keepChannel`. */
export function nameDetach(k: KernelCore, t: Thread, mntid: number, keepChannel: boolean): number {
  const call = 'name_detach';
  alive(t, call);
  for (const [path, e] of k.paths) {
    if (e.mntid !== mntid || e.pid !== t.process.pid) continue;
    unregister(k, path, e);
    const ch = t.process.channels.get(e.chid);
    if (!keepChannel && ch !== undefined) destroyChannel(k, ch, t.priority);
    return 0;
  }
  throw fail('EINVAL', call);
}

/**
 * Attach a side-channel connection to `entry` and send it `_IO_CONNECT`: `done(0, coid)` once
 * the server replies EOK, else the server's error (and the coid is detached again).
 */
function openEntry(k: KernelCore, t: Thread, entry: { readonly pid: number; readonly chid: number }, msg: Uint8Array, call: string, done: Done, nd = 0): void {
  const coid = connectAttach(k, t, nd, entry.pid, entry.chid, _NTO_SIDE_CHANNEL, 0);
  msgSend(k, t, coid, msg, new Uint8Array(0), (err) => {
    if (err !== 0) {
      k.run(() => detachEntry(k, t.process, coid, t.priority));
      done(err, 0, 0);
    } else {
      done(0, coid, 0);
    }
  }, false, call);
}

/** Open `name` (`name_open`): the `_IO_CONNECT` handshake with the server that attached it. */
export function nameOpen(k: KernelCore, t: Thread, name: string, flags: number, done: Done): void {
  const call = 'name_open';
  callable(t, call);
  int(flags, call, 'flags');
  if (!validName(name)) throw fail('EINVAL', call);
  // no network, no global names (as name_attach: qnet.md §3.8; QNX fails without gns)
  if ((flags & NAME_FLAG_ATTACH_GLOBAL) !== 0 && k.net === null) throw fail('ENOTSUP', call);
  const entry = k.paths.get(namePath(name, flags));
  if (entry !== undefined) {
    openEntry(k, t, entry, ioConnectMessage(name), call, done);
    return;
  }
  // a global name provided by another node: one provider, bound for the connection's life
  const global = (flags & NAME_FLAG_ATTACH_GLOBAL) !== 0 && k.net !== null;
  const remote = global ? k.net!.names.pick(name) : null;
  if (remote !== null) {
    openEntry(k, t, remote, ioConnectMessage(name), call, done, remote.nd);
    return;
  }
  const resolver = global ? k.net!.names.resolver : null;
  if (resolver === null) throw fail('ENOENT', call);
  // not in the table (yet): the transport asks the network (NATS: one member of a queue group)
  resolver(name, (errno, nd, pid, chid) => {
    if (errno !== 0) {
      done(errno, 0, 0);
      return;
    }
    try {
      openEntry(k, t, { pid, chid }, ioConnectMessage(name), call, done, nd);
    } catch (e) {
      done(e instanceof KernelError ? e.errno : ERRNO.EFAULT, 0, 0);
    }
  });
}

/**
 * `open(path, oflag, mode)` on a resource manager's path: the `_IO_CONNECT` / `_IO_CONNECT_OPEN`
 * handshake; `done(0, fd)` once the server accepts, else its error (EACCES, ...). ENOENT at once
 * when nobody serves the path.
 */
export function pathOpen(k: KernelCore, t: Thread, path: string, oflag: number, mode: number, done: Done): void {
  const call = 'open';
  callable(t, call);
  int(oflag, call, 'oflag');
  int(mode, call, 'mode');
  if (typeof path === 'string' && path.startsWith('/net/') && k.net !== null) {
    // another node's path space (qnet.md §3.8): resolved there, then opened like a local path
    const { nd, end } = k.net.strtond(path);
    const rest = path.slice(end) || '/';
    if (nd !== 0) {
      k.net.resolve(nd, rest, (errno, pid, chid) => {
        if (errno !== 0) {
          done(errno, 0, 0);
          return;
        }
        try {
          openEntry(k, t, { pid, chid }, ioConnectMessage(rest, _FTYPE_ANY, oflag, mode), call, done, nd);
        } catch (e) {
          done(e instanceof KernelError ? e.errno : ERRNO.EFAULT, 0, 0);
        }
      });
      return;
    }
    path = rest;
  }
  const entry = pathResolve(k, t, path);
  openEntry(k, t, entry, ioConnectMessage(path, _FTYPE_ANY, oflag, mode), call, done);
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
