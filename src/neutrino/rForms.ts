/**
 * The `_r` forms of the kernel calls: they return the result, or the negated errno, and never
 * touch the calling thread's errno (QNX's convention for every kernel call).
 * @packageDocumentation
 */
import { current } from './context.js';
import { ChannelCreate, ChannelDestroy, ConnectAttach, ConnectDetach, ConnectServerInfo } from './channelCalls.js';
import {
  MsgDeliverEvent, MsgError, MsgInfo, MsgRead, MsgReadv, MsgReceive, MsgReceivePulse, MsgReceivePulsev, MsgReceivev,
  MsgReply, MsgReplyv, MsgSend, MsgSendPulse, MsgSendsv, MsgSendv, MsgSendvs, MsgWrite, MsgWritev,
} from './msgCalls.js';
import { TimerCreate, TimerDestroy, TimerSettime, TimerTimeout } from './timerCalls.js';

/** errno is cleared before the call, so a -1 with errno still 0 is a result (a reply status of -1), not a failure. */
function settle(saved: number, r: number): number {
  const t = current().thread;
  const e = t.errno;
  t.errno = saved;
  return r === -1 && e !== 0 ? -e : r;
}

function r<A extends unknown[]>(fn: (...args: A) => number): (...args: A) => number {
  return (...args) => {
    const t = current().thread;
    const saved = t.errno;
    t.errno = 0;
    return settle(saved, fn(...args));
  };
}

function rAsync<A extends unknown[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<number> {
  return async (...args) => {
    const t = current().thread;
    const saved = t.errno;
    t.errno = 0;
    return settle(saved, await fn(...args));
  };
}

/** `ChannelCreate_r`: a chid, or a negated errno. */
export const ChannelCreate_r = r(ChannelCreate);
/** `ChannelDestroy_r`: EOK, or a negated errno. */
export const ChannelDestroy_r = r(ChannelDestroy);
/** `ConnectAttach_r`: a coid, or a negated errno. */
export const ConnectAttach_r = r(ConnectAttach);
/** `ConnectDetach_r`: EOK, or a negated errno. */
export const ConnectDetach_r = r(ConnectDetach);
/** `ConnectServerInfo_r`: the coid reported, or a negated errno. */
export const ConnectServerInfo_r = r(ConnectServerInfo);
/** `MsgSend_r`: the reply status, or a negated errno. */
export const MsgSend_r = rAsync(MsgSend);
/** `MsgSendv_r`. */
export const MsgSendv_r = rAsync(MsgSendv);
/** `MsgSendsv_r`. */
export const MsgSendsv_r = rAsync(MsgSendsv);
/** `MsgSendvs_r`. */
export const MsgSendvs_r = rAsync(MsgSendvs);
/** `MsgReceive_r`: an rcvid, 0 for a pulse, or a negated errno. */
export const MsgReceive_r = rAsync(MsgReceive);
/** `MsgReceivev_r`. */
export const MsgReceivev_r = rAsync(MsgReceivev);
/** `MsgReceivePulse_r`. */
export const MsgReceivePulse_r = rAsync(MsgReceivePulse);
/** `MsgReceivePulsev_r`. */
export const MsgReceivePulsev_r = rAsync(MsgReceivePulsev);
/** `MsgReply_r`. */
export const MsgReply_r = r(MsgReply);
/** `MsgReplyv_r`. */
export const MsgReplyv_r = r(MsgReplyv);
/** `MsgError_r`. */
export const MsgError_r = r(MsgError);
/** `MsgRead_r`: bytes read, or a negated errno. */
export const MsgRead_r = r(MsgRead);
/** `MsgReadv_r`. */
export const MsgReadv_r = r(MsgReadv);
/** `MsgWrite_r`: bytes written, or a negated errno. */
export const MsgWrite_r = r(MsgWrite);
/** `MsgWritev_r`. */
export const MsgWritev_r = r(MsgWritev);
/** `MsgInfo_r`. */
export const MsgInfo_r = r(MsgInfo);
/** `MsgSendPulse_r`. */
export const MsgSendPulse_r = r(MsgSendPulse);
/** `MsgDeliverEvent_r`. */
export const MsgDeliverEvent_r = r(MsgDeliverEvent);
/** `TimerTimeout_r`: the previous flags, or a negated errno. */
export const TimerTimeout_r = r(TimerTimeout);
/** `TimerCreate_r`. */
export const TimerCreate_r = r(TimerCreate);
/** `TimerSettime_r`. */
export const TimerSettime_r = r(TimerSettime);
/** `TimerDestroy_r`. */
export const TimerDestroy_r = r(TimerDestroy);

/** `MsgSendnc`: MsgSend that is not a cancellation point (there is no cancellation here: the same call). */
export const MsgSendnc = MsgSend;
/** `MsgSendvnc`. */
export const MsgSendvnc = MsgSendv;
/** `MsgSendsvnc`. */
export const MsgSendsvnc = MsgSendsv;
/** `MsgSendvsnc`. */
export const MsgSendvsnc = MsgSendvs;
