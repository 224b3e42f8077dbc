import { emptyMsgInfo, ERRNO, type Buffers, type MsgInfo, type Sigevent } from '../kernel/index.js';
import { cBuf, cIov, type CBuffer, type iov_t } from './cBuffers.js';
import { badOut, block, copyOut, probeOut, sys } from './cResult.js';

/** `struct _msg_info`. */
export type _msg_info = MsgInfo;

const INFO_FIELDS = Object.keys(emptyMsgInfo()) as ReadonlyArray<keyof MsgInfo>;

/**
 * MsgReceive and MsgReceivev. The kernel fills a `_msg_info` of ours, copied into the caller's
 * when the call ends: a caller's struct that throws can never stop the kernel half-way through
 * a transfer. The caller's is checked before anything is dequeued (EFAULT, the message stays
 * at its place); should a write still fail (a setter that took the check but refuses the real
 * values), the message goes back to the channel (MsgError ERESTART: its client is SEND-blocked
 * again) and the call fails with EFAULT.
 */
function receive(call: string, chid: number, rmsg: () => Buffers, info: _msg_info | null | undefined): Promise<number> {
  return block((k, t, done) => {
    const buf = rmsg();
    if (info === null || info === undefined) {
      k.msgReceive(t, chid, buf, null, done);
      return;
    }
    probeOut(info, INFO_FIELDS, call, 'info');
    const mine = emptyMsgInfo();
    k.msgReceive(t, chid, buf, mine, (err, rcvid, aux) => {
      // a pulse (rcvid 0) leaves info as it was, as the kernel does
      if (err === 0 && rcvid > 0 && !copyOut(mine, info, INFO_FIELDS)) {
        try {
          k.msgError(t, rcvid, ERRNO.ERESTART);
        } catch {
          // the client is gone already (ended or unblocked in this same kernel call): nothing to give back
        }
        done(ERRNO.EFAULT, 0, 0);
        return;
      }
      done(err, rcvid, aux);
    });
  });
}

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
 * or -1. `info` left out is NULL; one that cannot be written (not an object, frozen, sealed, a
 * getter-only field, a setter that throws) is EFAULT with nothing dequeued: the client stays
 * SEND-blocked at its place in the channel's queue.
 */
export function MsgReceive(chid: number, msg: ArrayBufferView, bytes: number | undefined, info?: _msg_info | null): Promise<number> {
  return receive('MsgReceive', chid, () => cBuf(msg, bytes), info);
}

/** `int MsgReceivev(int chid, const iov_t *iov, size_t parts, struct _msg_info *info)`: as {@link MsgReceive}. */
export function MsgReceivev(chid: number, iov: readonly iov_t[], parts: number, info?: _msg_info | null): Promise<number> {
  return receive('MsgReceivev', chid, () => cIov(iov, parts), info);
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

/** `int MsgInfo(int rcvid, struct _msg_info *info)`: 0, or -1 (ESRCH; EFAULT for an `info` that cannot be written). */
export function MsgInfo(rcvid: number, info: _msg_info): number {
  return sys((k, t) => {
    const mine = emptyMsgInfo();
    const r = k.msgInfo(t, rcvid, mine);
    probeOut(info, INFO_FIELDS, 'MsgInfo', 'info');
    if (!copyOut(mine, info, INFO_FIELDS)) throw badOut('MsgInfo', 'info');
    return r;
  });
}

/** `int MsgSendPulse(int coid, int priority, int code, int value)`: 0, or -1 (EBADF, EINVAL, EPERM). */
export function MsgSendPulse(coid: number, priority: number, code: number, value: number): number {
  return sys((k, t) => k.msgSendPulse(t, coid, priority, code, value));
}

/** `int MsgDeliverEvent(int rcvid, const struct sigevent *event)`: 0, or -1 (ESRCH, EBADF, EINVAL). */
export function MsgDeliverEvent(rcvid: number, event: Sigevent): number {
  return sys((k, t) => k.msgDeliverEvent(t, rcvid, event));
}
