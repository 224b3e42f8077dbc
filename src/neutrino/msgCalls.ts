import type { MsgInfo, Sigevent } from '../kernel/index.js';
import { cBuf, cIov, type CBuffer, type iov_t } from './cBuffers.js';
import { block, sys } from './cResult.js';

/** `struct _msg_info`. */
export type _msg_info = MsgInfo;

/** `long MsgSend(int coid, const void *smsg, size_t sbytes, void *rmsg, size_t rbytes)`: the reply status, or -1. */
export function MsgSend(coid: number, smsg: CBuffer, sbytes: number | undefined, rmsg: ArrayBufferView | null, rbytes?: number): Promise<number> {
  return block((k, t, done) => k.msgSend(t, coid, cBuf(smsg, sbytes), cBuf(rmsg, rbytes), done));
}

/** `long MsgSendv(int coid, const iov_t *siov, size_t sparts, const iov_t *riov, size_t rparts)`. */
export function MsgSendv(coid: number, siov: readonly iov_t[], sparts: number, riov: readonly iov_t[] | null, rparts: number): Promise<number> {
  return block((k, t, done) => k.msgSend(t, coid, cIov(siov, sparts), cIov(riov, rparts), done));
}

/** `long MsgSendsv(int coid, const void *smsg, size_t sbytes, const iov_t *riov, size_t rparts)`. */
export function MsgSendsv(coid: number, smsg: CBuffer, sbytes: number | undefined, riov: readonly iov_t[] | null, rparts: number): Promise<number> {
  return block((k, t, done) => k.msgSend(t, coid, cBuf(smsg, sbytes), cIov(riov, rparts), done));
}

/** `long MsgSendvs(int coid, const iov_t *siov, size_t sparts, void *rmsg, size_t rbytes)`. */
export function MsgSendvs(coid: number, siov: readonly iov_t[], sparts: number, rmsg: ArrayBufferView | null, rbytes?: number): Promise<number> {
  return block((k, t, done) => k.msgSend(t, coid, cIov(siov, sparts), cBuf(rmsg, rbytes), done));
}

/**
 * `int MsgReceive(int chid, void *msg, size_t bytes, struct _msg_info *info)`: an rcvid, 0 for a pulse,
 * or -1. `info` left out is NULL; one that cannot be written (frozen, sealed, not an object) is
 * EFAULT before anything is dequeued.
 */
export function MsgReceive(chid: number, msg: ArrayBufferView, bytes: number | undefined, info?: _msg_info | null): Promise<number> {
  return block((k, t, done) => k.msgReceive(t, chid, cBuf(msg, bytes), info ?? null, done));
}

/** `int MsgReceivev(int chid, const iov_t *iov, size_t parts, struct _msg_info *info)`. */
export function MsgReceivev(chid: number, iov: readonly iov_t[], parts: number, info?: _msg_info | null): Promise<number> {
  return block((k, t, done) => k.msgReceive(t, chid, cIov(iov, parts), info ?? null, done));
}

/** `int MsgReceivePulse(int chid, void *pulse, size_t bytes, struct _msg_info *info)`: 0, or -1. `info` is not filled. */
export function MsgReceivePulse(chid: number, pulse: ArrayBufferView, bytes: number | undefined, _info: _msg_info | null): Promise<number> {
  return block((k, t, done) => k.msgReceivePulse(t, chid, cBuf(pulse, bytes), done));
}

/** `int MsgReceivePulsev(int chid, const iov_t *iov, size_t parts, struct _msg_info *info)`. */
export function MsgReceivePulsev(chid: number, iov: readonly iov_t[], parts: number, _info: _msg_info | null): Promise<number> {
  return block((k, t, done) => k.msgReceivePulse(t, chid, cIov(iov, parts), done));
}

/** `int MsgReply(int rcvid, long status, const void *msg, size_t bytes)`: 0, or -1 (ESRCH). */
export function MsgReply(rcvid: number, status: number, msg: CBuffer | null, bytes?: number): number {
  return sys((k, t) => k.msgReply(t, rcvid, status, msg === null ? null : cBuf(msg, bytes)));
}

/** `int MsgReplyv(int rcvid, long status, const iov_t *iov, size_t parts)`. */
export function MsgReplyv(rcvid: number, status: number, iov: readonly iov_t[] | null, parts: number): number {
  return sys((k, t) => k.msgReply(t, rcvid, status, cIov(iov, parts)));
}

/** `int MsgError(int rcvid, int error)`: 0, or -1 (ESRCH). */
export function MsgError(rcvid: number, error: number): number {
  return sys((k, t) => k.msgError(t, rcvid, error));
}

/** `ssize_t MsgRead(int rcvid, void *msg, size_t bytes, size_t offset)`: bytes read, or -1. */
export function MsgRead(rcvid: number, msg: ArrayBufferView, bytes: number | undefined, offset: number): number {
  return sys((k, t) => k.msgRead(t, rcvid, cBuf(msg, bytes), undefined, offset));
}

/** `ssize_t MsgReadv(int rcvid, const iov_t *iov, size_t parts, size_t offset)`. */
export function MsgReadv(rcvid: number, iov: readonly iov_t[], parts: number, offset: number): number {
  return sys((k, t) => k.msgRead(t, rcvid, cIov(iov, parts), undefined, offset));
}

/** `ssize_t MsgWrite(int rcvid, const void *msg, size_t bytes, size_t offset)`: bytes written, or -1. */
export function MsgWrite(rcvid: number, msg: CBuffer, bytes: number | undefined, offset: number): number {
  return sys((k, t) => k.msgWrite(t, rcvid, cBuf(msg, bytes), undefined, offset));
}

/** `ssize_t MsgWritev(int rcvid, const iov_t *iov, size_t parts, size_t offset)`. */
export function MsgWritev(rcvid: number, iov: readonly iov_t[], parts: number, offset: number): number {
  return sys((k, t) => k.msgWrite(t, rcvid, cIov(iov, parts), undefined, offset));
}

/** `int MsgInfo(int rcvid, struct _msg_info *info)`: 0, or -1 (ESRCH). */
export function MsgInfo(rcvid: number, info: _msg_info): number {
  return sys((k, t) => k.msgInfo(t, rcvid, info));
}

/** `int MsgSendPulse(int coid, int priority, int code, int value)`: 0, or -1 (EBADF, EINVAL, EPERM). */
export function MsgSendPulse(coid: number, priority: number, code: number, value: number): number {
  return sys((k, t) => k.msgSendPulse(t, coid, priority, code, value));
}

/** `int MsgDeliverEvent(int rcvid, const struct sigevent *event)`: 0, or -1 (ESRCH, EBADF, EINVAL). */
export function MsgDeliverEvent(rcvid: number, event: Sigevent): number {
  return sys((k, t) => k.msgDeliverEvent(t, rcvid, event));
}
