import { block, sys } from './cResult.js';
import { NAME_FLAG_DETACH_SAVEDPP } from '../kernel/index.js';
import { Dispatch } from '../dispatch/Dispatch.js';
import { ConnectDetach } from './channelCalls.js';
import { handleOf, type dispatch_func_t, type dispatch_t } from './dispatchCalls.js';
import { KernelError } from '../kernel/index.js';

/** `name_attach_t`. */
export interface name_attach_t {
  readonly dpp: dispatch_t;
  readonly chid: number;
  readonly mntid: number;
}

/**
 * `name_attach_t *name_attach(dispatch_t *dpp, const char *path, unsigned flags)`: registers
 * `/dev/name/local/<path>` on a new channel (`_NTO_CHF_DISCONNECT | _NTO_CHF_UNBLOCK`, plus
 * `_NTO_CHF_COID_DISCONNECT` if the process has no death channel) or on `dpp`'s channel.
 * Returns `null` with errno (EINVAL, EEXIST, EPERM) on failure.
 */
export function name_attach(dpp: dispatch_t | null | undefined, path: string, flags: number): name_attach_t | null {
  return sys((k, t) => {
    dpp = dpp === undefined || dpp === null ? null : handleOf(dpp, 'name_attach');
    const chid = dpp !== null && dpp.chid >= 0 ? dpp.chid : undefined;
    const e = k.nameAttach(t, path, flags, chid);
    // the channel name_attach made belongs to the handle (dispatch_destroy removes it)
    const handle: dispatch_t = dpp ?? new Dispatch<dispatch_func_t>(k, t.process, -1, 0);
    if (handle.chid === -1) handle.adopt(e.chid);
    return { dpp: handle, chid: e.chid, mntid: e.mntid };
  }, null);
}

/** `int name_detach(name_attach_t *attach, unsigned flags)`: with `NAME_FLAG_DETACH_SAVEDPP` the channel stays. */
export function name_detach(attach: name_attach_t, flags: number): number {
  return sys((k, t) => {
    if (typeof attach !== 'object' || attach === null || !(attach.dpp instanceof Dispatch)) throw new KernelError('EINVAL', 'name_detach', undefined, { cause: 'not a name_attach_t' });
    const r = k.nameDetach(t, attach.mntid, (flags & NAME_FLAG_DETACH_SAVEDPP) !== 0);
    if ((flags & NAME_FLAG_DETACH_SAVEDPP) === 0) attach.dpp.chid = -1;
    return r;
  });
}

/** `int name_open(const char *name, int flags)`: a side-channel coid once the server accepts `_IO_CONNECT`, or -1. */
export function name_open(name: string, flags: number): Promise<number> {
  return block((k, t, done) => k.nameOpen(t, name, flags, done));
}

/** `int name_close(int coid)`: ConnectDetach; the server sees only a disconnect pulse. */
export function name_close(coid: number): number {
  return ConnectDetach(coid);
}
