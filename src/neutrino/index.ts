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
export { name_attach, name_detach, name_open, name_close, type name_attach_t } from './nameCalls.js';
export { netmgr_strtond, netmgr_ndtostr, netmgr_remote_nd, ND_NODE_CMP, type EndStr } from './netmgrCalls.js';
export {
  dispatch_create, dispatch_create_channel, dispatch_destroy, message_attach, message_detach, pulse_attach, pulse_detach,
  message_connect, dispatch_context_alloc, dispatch_context_free, dispatch_block, dispatch_handler, dispatch_unblock,
  dispatch_timeout, type dispatch_t, type dispatch_context_t, type message_context_t, type message_attr_t, type dispatch_func_t,
} from './dispatchCalls.js';
export {
  spawn, exit, pthread_create, pthread_self, pthread_setschedprio, setprio, getprio, getpid, gettid,
  procmgr_ability, ProcessExit, type SpawnOptions,
} from './processCalls.js';
export { errno, strerror, perror, SIGEV_PULSE_INIT, SIGEV_UNBLOCK_INIT, SIGEV_NONE_INIT, pulse_of, msg_type, EXIT_SUCCESS, EXIT_FAILURE } from './helpers.js';
export { strlen, SETIOV, type iov_t, type CBuffer } from './cBuffers.js';
export {
  asyncmsg_channel_create, asyncmsg_channel_destroy, asyncmsg_connect_attach, asyncmsg_connect_detach, asyncmsg_connect_attr,
  asyncmsg_put, asyncmsg_putv, asyncmsg_flush, asyncmsg_get, asyncmsg_free, asyncmsg_malloc,
  type _asyncmsg_connection_attr, type _asyncmsg_get_header, type asyncmsg_callback_t, type asyncmsg_recvbuf_callback_t,
} from './asyncCalls.js';
export { asyncmsg_channel_create_durable, asyncmsg_connect_attach_durable } from './durableCalls.js';
export { emptyMsgInfo, emptyClientInfo } from '../kernel/types.js';
export * from './rForms.js';
export {
  thread_pool_create, thread_pool_start, thread_pool_destroy, thread_pool_limits, thread_pool_t, type thread_pool_attr_t,
} from './threadPoolCalls.js';
export {
  resmgr_attach, resmgr_detach, iofunc_func_init, iofunc_attr_init, iofunc_open_default, iofunc_read_default,
  iofunc_write_default, iofunc_close_ocb_default, iofunc_stat_default, _RESMGR_ERRNO, _RESMGR_NPARTS, _RESMGR_NOREPLY,
  _RESMGR_DEFAULT, type resmgr_context_t, type iofunc_attr_t, type iofunc_ocb_t, type resmgr_connect_funcs_t,
  type resmgr_io_funcs_t, type resmgr_attr_t,
} from './resmgrCalls.js';
export { open, read, write, close, fstat, type stat_t } from './ioCalls.js';
export type { io_open_t, io_rw_t } from '../kernel/ioMessages.js';
