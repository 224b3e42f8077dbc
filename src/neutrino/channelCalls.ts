import type { ClientInfo, MsgInfo } from '../kernel/index.js';
import { sys } from './cResult.js';

/** `struct _server_info` is the same as `struct _msg_info`. */
export type _server_info = MsgInfo;

/** `int ChannelCreate(unsigned flags)`: a chid, or -1 (EBUSY, EPERM, EINVAL). */
export function ChannelCreate(flags: number): number {
  return sys((k, t) => k.channelCreate(t, flags));
}

/** `int ChannelDestroy(int chid)`: 0, or -1 (EINVAL). */
export function ChannelDestroy(chid: number): number {
  return sys((k, t) => k.channelDestroy(t, chid));
}

/** `int ConnectAttach(uint32_t nd, pid_t pid, int chid, unsigned index, int flags)`: a coid, or -1. */
export function ConnectAttach(nd: number, pid: number, chid: number, index: number, flags: number): number {
  return sys((k, t) => k.connectAttach(t, nd, pid, chid, index, flags));
}

/** `int ConnectDetach(int coid)`: 0, or -1 (EINVAL, EPERM). */
export function ConnectDetach(coid: number): number {
  return sys((k, t) => k.connectDetach(t, coid));
}

/** `int ConnectServerInfo(pid_t pid, int coid, struct _server_info *info)`: the coid reported, or -1. */
export function ConnectServerInfo(pid: number, coid: number, info?: _server_info | null): number {
  return sys((k, t) => k.connectServerInfo(t, pid, coid, info ?? null));
}

/** `struct _client_info`. */
export type _client_info = ClientInfo;

/** `int ConnectClientInfo(int scoid, struct _client_info *info, int ngroups)`: EOK, or -1 (EINVAL). */
export function ConnectClientInfo(scoid: number, info: _client_info, ngroups: number): number {
  return sys((k, t) => k.connectClientInfo(t, scoid, info, ngroups));
}
