/**
 * `rxnto/neutrino`: the QNX Neutrino C API with C names, C argument order and C return
 * conventions (`-1`/`null` plus `errno()`), so QNX programs port line by line. Calls that block
 * in C return a Promise of the C result.
 *
 * @example
 * ```ts
 * import { ChannelCreate, ConnectAttach, MsgSend, MsgReceive, MsgReply, spawn, errno,
 *   _NTO_SIDE_CHANNEL, _NTO_CHF_PRIVATE } from 'rxnto/neutrino';
 * const chid = ChannelCreate(0);
 * ```
 * @packageDocumentation
 */
export * from '../kernel/constants.js';
export * from './errnoConstants.js';
export { useKernel, defaultKernel } from './context.js';
export { createKernel } from '../rx/createKernel.js';
export {
  ChannelCreate, ChannelDestroy, ConnectAttach, ConnectDetach, ConnectServerInfo, ConnectClientInfo, type _server_info, type _client_info,
} from './channelCalls.js';
export {
  MsgSend, MsgSendv, MsgSendsv, MsgSendvs, MsgReceive, MsgReceivev, MsgReceivePulse, MsgReceivePulsev, MsgReply, MsgReplyv,
  MsgError, MsgRead, MsgReadv, MsgWrite, MsgWritev, MsgInfo, MsgSendPulse, MsgDeliverEvent, type _msg_info,
} from './msgCalls.js';
export { TimerTimeout, TimerCreate, TimerSettime, TimerDestroy, nanosleep, sleep, delay, type _itimer, type sigevent } from './timerCalls.js';
export { name_attach, name_detach, name_open, name_close, type dispatch_t, type name_attach_t } from './nameCalls.js';
export {
  spawn, exit, pthread_create, pthread_self, pthread_setschedprio, setprio, getprio, getpid, gettid,
  procmgr_ability, ProcessExit, type SpawnOptions,
} from './processCalls.js';
export { errno, strerror, perror, SIGEV_PULSE_INIT, SIGEV_UNBLOCK_INIT, SIGEV_NONE_INIT, pulse_of, msg_type } from './helpers.js';
export { strlen, SETIOV, type iov_t, type CBuffer } from './cBuffers.js';
export {
  asyncmsg_channel_create, asyncmsg_channel_destroy, asyncmsg_connect_attach, asyncmsg_connect_detach, asyncmsg_connect_attr,
  asyncmsg_put, asyncmsg_putv, asyncmsg_flush, asyncmsg_get, asyncmsg_free, asyncmsg_malloc,
  type _asyncmsg_connection_attr, type _asyncmsg_get_header, type asyncmsg_callback_t, type asyncmsg_recvbuf_callback_t,
} from './asyncCalls.js';
export { emptyMsgInfo, emptyClientInfo } from '../kernel/types.js';
export * from './rForms.js';
