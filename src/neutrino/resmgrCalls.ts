/**
 * A resource manager in C shape (`qnx-model.md` §7): `resmgr_attach` puts a path in the kernel's
 * path space and routes `_IO_*` messages and the DISCONNECT / UNBLOCK pulses of a dispatch
 * handle to connect and I/O functions; `iofunc_func_init` fills in the defaults (open with the
 * permission check, read at end of file, write swallowing everything like `/dev/null`, close,
 * stat).
 * @packageDocumentation
 */
import {
  ERRNO, MSG_FLAG_TYPE_PULSE, MSG_FLAG_TYPE_RESMGR, _IO_BASE, _IO_CLOSE, _IO_CONNECT,
  _IO_CONNECT_OPEN, _IO_MAX, _IO_READ, _IO_STAT, _IO_WRITE, _PULSE_CODE_DISCONNECT, _PULSE_CODE_UNBLOCK,
  KernelError, isKernelError, readPulse, type Thread,
} from '../kernel/index.js';
import { decodeOpen, decodeReadWrite, type io_open_t, type io_rw_t } from '../kernel/ioMessages.js';
import { OcbTable, mayRead, mayWrite, openAccess, statReply, type iofunc_attr_t, type iofunc_ocb_t } from '../dispatch/OcbTable.js';
import { sys } from './cResult.js';
import { current } from './context.js';
import { contextOf, handleOf, type dispatch_t, type message_context_t } from './dispatchCalls.js';

/** `_RESMGR_ERRNO(e)`: answer with errno `e` (EOK: status 0, no data). */
export const _RESMGR_ERRNO = (e: number): number => e;
/** `_RESMGR_NPARTS(n)`: reply with `ctp.status` and the first `n` parts of `ctp.iov`. */
export const _RESMGR_NPARTS = (n: number): number => -n;
/** The handler answered (or will answer) the client itself. */
export const _RESMGR_NOREPLY = 0x7fffffff;
/** Let the default function of this slot handle it. */
export const _RESMGR_DEFAULT = 0x7ffffffe;

/** `resmgr_context_t`: the dispatch context, with `status` and `iov` for the reply. */
export type resmgr_context_t = message_context_t;

export type { iofunc_attr_t, iofunc_ocb_t };

type Result = number | Promise<number>;
/** `resmgr_connect_funcs_t` (only `open` is modelled; the others answer ENOSYS). */
export interface resmgr_connect_funcs_t {
  open?: ((ctp: resmgr_context_t, msg: io_open_t, handle: iofunc_attr_t, extra: unknown) => Result) | null;
}
/** `resmgr_io_funcs_t` (read, write, close_ocb, stat, unblock; other I/O types answer ENOSYS). */
export interface resmgr_io_funcs_t {
  read?: ((ctp: resmgr_context_t, msg: io_rw_t, ocb: iofunc_ocb_t) => Result) | null;
  write?: ((ctp: resmgr_context_t, msg: io_rw_t, ocb: iofunc_ocb_t) => Result) | null;
  close_ocb?: ((ctp: resmgr_context_t, reserved: unknown, ocb: iofunc_ocb_t) => Result) | null;
  stat?: ((ctp: resmgr_context_t, msg: unknown, ocb: iofunc_ocb_t) => Result) | null;
  unblock?: ((ctp: resmgr_context_t, msg: unknown, ocb: iofunc_ocb_t | null) => Result) | null;
}
/** `resmgr_attr_t`. */
export interface resmgr_attr_t {
  flags: number;
  nparts_max: number;
  msg_max_size: number;
}

interface Link {
  readonly id: number;
  readonly path: string | null;
  readonly connect: resmgr_connect_funcs_t;
  readonly io: resmgr_io_funcs_t;
  readonly attr: iofunc_attr_t;
}
interface ResmgrState {
  readonly links: Map<number, Link>;
  readonly ocbs: OcbTable;
  nextId: number;
}

function stateOf(dpp: dispatch_t): ResmgrState | undefined {
  return dpp.extensions.get('resmgr') as ResmgrState | undefined;
}

// ---- the defaults ----

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

/**
 * The defaults are C functions that return an errno: given a context, message or OCB that is not
 * one (C's bad pointer), they answer EINVAL and touch nothing.
 */
function badArgs(ctp: unknown, ...objects: unknown[]): boolean {
  try {
    contextOf(ctp, 'iofunc');
  } catch {
    return true;
  }
  return !objects.every(isObject);
}

/** `iofunc_open_default`: the client's credentials against the attr's mode (EACCES), then an OCB. */
export function iofunc_open_default(ctp: resmgr_context_t, msg: io_open_t, attr: iofunc_attr_t, _extra: unknown): number {
  if (badArgs(ctp, msg, attr) || !isObject(ctp.info)) return ERRNO.EINVAL;
  const denied = sys((k, t) => openAccess(k, t, ctp.info.scoid, attr, msg.ioflag));
  if (denied === -1) return current().thread.errno;
  if (denied !== 0) return denied;
  stateOf(ctp.dpp as dispatch_t)!.ocbs.attach(ctp.info.scoid, ctp.info.coid, attr, msg.ioflag, ctp.id);
  return ERRNO.EOK;
}

/** `iofunc_read_default`: EBADF unless opened for reading; otherwise end of file (0 bytes). */
export function iofunc_read_default(ctp: resmgr_context_t, _msg: io_rw_t, ocb: iofunc_ocb_t): number {
  if (badArgs(ctp, ocb)) return ERRNO.EINVAL;
  if (!mayRead(ocb)) return ERRNO.EBADF;
  ctp.status = 0;
  return _RESMGR_NPARTS(0);
}

/** `iofunc_write_default`: EBADF unless opened for writing; otherwise every byte counts as written. */
export function iofunc_write_default(ctp: resmgr_context_t, msg: io_rw_t, ocb: iofunc_ocb_t): number {
  if (badArgs(ctp, msg, ocb) || typeof msg.nbytes !== 'number' || typeof ocb.offset !== 'number') return ERRNO.EINVAL;
  if (!mayWrite(ocb)) return ERRNO.EBADF;
  ctp.status = Math.max(0, msg.nbytes);
  ocb.offset += ctp.status;
  return _RESMGR_NPARTS(0);
}

/** `iofunc_close_ocb_default`: forget the OCB. */
export function iofunc_close_ocb_default(ctp: resmgr_context_t, _reserved: unknown, ocb: iofunc_ocb_t): number {
  if (badArgs(ctp, ocb)) return ERRNO.EINVAL;
  stateOf(ctp.dpp as dispatch_t)?.ocbs.detach(ocb);
  return ERRNO.EOK;
}

/** `iofunc_stat_default`: mode, uid, gid, nlink and size of the attr. */
export function iofunc_stat_default(ctp: resmgr_context_t, _msg: unknown, ocb: iofunc_ocb_t): number {
  if (badArgs(ctp, ocb) || !isObject(ocb.attr)) return ERRNO.EINVAL;
  const b = statReply(ocb.attr);
  ctp.iov = [{ iov_base: b, iov_len: b.length }];
  ctp.status = 0;
  return _RESMGR_NPARTS(1);
}

/**
 * `void iofunc_func_init(unsigned nconnect, resmgr_connect_funcs_t *connect, unsigned nio, resmgr_io_funcs_t *io)`:
 * fill both tables with the defaults.
 */
export function iofunc_func_init(_nconnect: number, connect: resmgr_connect_funcs_t, _nio: number, io: resmgr_io_funcs_t): void {
  connect.open = iofunc_open_default;
  io.read = iofunc_read_default;
  io.write = iofunc_write_default;
  io.close_ocb = iofunc_close_ocb_default;
  io.stat = iofunc_stat_default;
  io.unblock = null;
}

/**
 * `void iofunc_attr_init(iofunc_attr_t *attr, mode_t mode, iofunc_attr_t *dattr, struct _client_info *info)`:
 * `mode`, owner = `info`'s effective ids or else the calling process's, nlink 1.
 */
export function iofunc_attr_init(attr: Partial<iofunc_attr_t>, mode: number, _dattr: iofunc_attr_t | null, info: { cred: { euid: number; egid: number } } | null): void {
  const p = current().thread.process;
  attr.mode = mode;
  attr.uid = info?.cred.euid ?? p.uid;
  attr.gid = info?.cred.egid ?? p.gid;
  attr.nlink = 1;
  attr.nbytes = 0;
  attr.count = 0;
}

// ---- the layer ----

function reply(t: Thread, ctp: resmgr_context_t, r: number): void {
  const rcvid = ctp.rcvid;
  try {
    if (r === _RESMGR_NOREPLY) return;
    const k = current().kernel;
    if (r > 0) k.msgError(t, rcvid, r);
    else k.msgReply(t, rcvid, ctp.status, ctp.iov.slice(0, -r).map((v) => v.iov_base.subarray(0, v.iov_len)));
  } catch (e) {
    if (!isKernelError(e)) throw e; // the client went away meanwhile
  }
}

/** Answer the client as `r` says; `_RESMGR_DEFAULT` runs the slot's default (ENOSYS if none). */
function finish(ctp: resmgr_context_t, r: Result, fallback: () => Result = () => ERRNO.ENOSYS): Result {
  const t = current().thread;
  if (r instanceof Promise) return r.then((v) => finish(ctp, v, fallback));
  if (r === _RESMGR_DEFAULT) return finish(ctp, fallback());
  reply(t, ctp, r);
  return 0;
}

function onPulse(ctp: resmgr_context_t, code: number, state: ResmgrState): number {
  const p = readPulse(ctp.msg);
  if (code === _PULSE_CODE_DISCONNECT) {
    const scoid = p.scoid;
    for (const ocb of state.ocbs.ofClient(scoid)) {
      const link = state.links.get(ocb.link);
      const r = (link?.io.close_ocb ?? iofunc_close_ocb_default)(ctp, null, ocb);
      if (r instanceof Promise) void r.catch(() => {});
      state.ocbs.detach(ocb); // whatever close_ocb did, the client is gone
    }
    sys((k, t) => k.connectDetach(t, scoid));
    return 0;
  }
  if (code === _PULSE_CODE_UNBLOCK && p.value.sival_int !== 0) {
    // nothing the defaults hold can block: release the client with EINTR
    sys((k, t) => k.msgError(t, p.value.sival_int, ERRNO.EINTR));
  }
  return 0;
}

/** The handler `resmgr_attach` puts on `_IO_BASE.._IO_MAX` and the DISCONNECT / UNBLOCK pulses. */
function resmgrHandler(ctp: resmgr_context_t, code: number): Result {
  const dpp = ctp.dpp as dispatch_t;
  const state = stateOf(dpp)!;
  if (ctp.rcvid === 0) return onPulse(ctp, code, state);
  const msglen = ctp.info.msglen;
  if (code === _IO_CONNECT) {
    const msg = decodeOpen(ctp.msg, msglen);
    if (msg === null) return finish(ctp, ERRNO.EINVAL);
    if (msg.subtype !== _IO_CONNECT_OPEN) return finish(ctp, ERRNO.ENOSYS);
    const link = [...state.links.values()].find((l) => l.path === msg.path);
    if (link === undefined) return finish(ctp, ERRNO.ENOENT);
    ctp.id = link.id;
    const fallback = () => iofunc_open_default(ctp, msg, link.attr, null);
    return finish(ctp, link.connect.open ? link.connect.open(ctp, msg, link.attr, null) : ERRNO.ENOSYS, fallback);
  }
  const ocb = state.ocbs.get(ctp.info.scoid, ctp.info.coid);
  if (ocb === undefined) return finish(ctp, ERRNO.EBADF);
  const link = state.links.get(ocb.link)!;
  ctp.id = link.id;
  switch (code) {
    case _IO_READ: {
      const m = decodeReadWrite(ctp.msg);
      return finish(ctp, link.io.read ? link.io.read(ctp, m, ocb) : ERRNO.ENOSYS, () => iofunc_read_default(ctp, m, ocb));
    }
    case _IO_WRITE: {
      const m = decodeReadWrite(ctp.msg);
      return finish(ctp, link.io.write ? link.io.write(ctp, m, ocb) : ERRNO.ENOSYS, () => iofunc_write_default(ctp, m, ocb));
    }
    case _IO_CLOSE:
      return finish(ctp, link.io.close_ocb ? link.io.close_ocb(ctp, null, ocb) : iofunc_close_ocb_default(ctp, null, ocb), () => iofunc_close_ocb_default(ctp, null, ocb));
    case _IO_STAT:
      return finish(ctp, link.io.stat ? link.io.stat(ctp, null, ocb) : ERRNO.ENOSYS, () => iofunc_stat_default(ctp, null, ocb));
    default:
      return finish(ctp, ERRNO.ENOSYS);
  }
}

/**
 * `int resmgr_attach(dispatch_t *dpp, resmgr_attr_t *attr, const char *path, enum _file_type file_type,
 * unsigned flags, const resmgr_connect_funcs_t *connect_funcs, const resmgr_io_funcs_t *io_funcs, RESMGR_HANDLE_T *handle)`:
 * the first call on `dpp` attaches `_IO_BASE.._IO_MAX` and the DISCONNECT / UNBLOCK pulses; a
 * `path` is registered (EPERM without `PROCMGR_AID_PATHSPACE`, EEXIST if taken). Returns the
 * link id, or -1 (EINVAL for sizes grown after a context exists).
 */
export function resmgr_attach(
  dpp: dispatch_t, attr: Partial<resmgr_attr_t> | null, path: string | null, _file_type: number, _flags: number,
  connect_funcs: resmgr_connect_funcs_t, io_funcs: resmgr_io_funcs_t, handle: iofunc_attr_t,
): number {
  return sys((k, t) => {
    handleOf(dpp, 'resmgr_attach');
    if (path !== null && typeof path !== 'string') throw new KernelError('EINVAL', 'resmgr_attach', undefined, { cause: 'path must be a string or null' });
    if (!isObject(connect_funcs) || !isObject(io_funcs)) throw new KernelError('EFAULT', 'resmgr_attach', undefined, { cause: 'connect_funcs and io_funcs must be tables' });
    let state = stateOf(dpp);
    dpp.checkMutable('resmgr_attach');
    dpp.reserve('resmgr_attach', attr);
    if (state === undefined) {
      dpp.attach(t, 'resmgr_attach', { flags: MSG_FLAG_TYPE_RESMGR }, _IO_BASE, _IO_MAX, resmgrHandler, null);
      dpp.attach(t, 'resmgr_attach', { flags: MSG_FLAG_TYPE_PULSE | MSG_FLAG_TYPE_RESMGR }, _PULSE_CODE_DISCONNECT, _PULSE_CODE_UNBLOCK, resmgrHandler, null);
      state = { links: new Map(), ocbs: new OcbTable(), nextId: 1 };
      dpp.extensions.set('resmgr', state);
    }
    const chid = dpp.channel(t);
    const id = path === null ? state.nextId++ : k.pathAttach(t, path, chid).mntid;
    state.links.set(id, { id, path, connect: connect_funcs, io: io_funcs, attr: handle });
    return id;
  });
}

/** `int resmgr_detach(dispatch_t *dpp, int id, unsigned flags)`: the path goes; open OCBs stay until closed. */
export function resmgr_detach(dpp: dispatch_t, id: number, _flags: number): number {
  return sys((k, t) => {
    const state = stateOf(handleOf(dpp, 'resmgr_detach'));
    const link = state?.links.get(id);
    if (state === undefined || link === undefined) throw new KernelError('EINVAL', 'resmgr_detach', undefined, { cause: `no attach ${id}` });
    if (link.path !== null) k.pathDetach(t, id);
    state.links.delete(id);
    return 0;
  });
}
