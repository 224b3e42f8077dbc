/**
 * The seam between the kernel's call modules and the net manager: the kernel calls these hooks
 * where a send, a pulse or a death crosses a link (qnet.md §2), and imports only these types, so
 * a kernel without a node name loads no net code path.
 * @internal
 * @packageDocumentation
 */
import type { Buffers } from '../buffers.js';
import type { KernelCore } from '../core.js';
import type { CoidEntry, Connection, Done, Process, SendWait, Thread } from '../objects.js';
import type { Sigevent } from '../types.js';
import type { GlobalNames } from './globalNames.js';
import type { AsyncConn } from '../asyncObjects.js';

/** The peer a remote connection or send goes to (the net manager's node entry). */
export interface PeerRef {
  readonly nd: number;
  readonly name: string;
}

/** What makes a `SendWait` a network send. */
export interface NetCall {
  /** true: the client's remote wait; false: a vthread's send on the server node. */
  readonly client: boolean;
  readonly xid: number;
  readonly peer: PeerRef;
  /** Server side: the client node's nd for this node (`_msg_info.srcnd`). */
  readonly srcnd: number;
  /** Server side: a receive takes at most this many bytes (0: no cap; see `firstChunkBytes`). */
  readonly chunk: number;
}

/** The remote end of a client connection: (node, pid, chid) and the attach's progress. */
export interface RemoteConn {
  readonly peer: PeerRef;
  readonly pid: number;
  readonly chid: number;
  /** The connection's id on the link (one per client connection). */
  readonly cid: number;
  /** 'new': nothing sent yet; 'connecting': CONNECT sent; 'connected'; 'failed' (see `errno`). */
  state: 'new' | 'connecting' | 'connected' | 'failed';
  /** The server's scoid once CONNECTED (-1 before: QNX's `infoscoid = -1`). */
  scoid: number;
  /** Why the attach failed (EPERM keeps failing sends; ESRCH kills the coids). */
  errno: number;
}

/** The net manager as the kernel's call modules see it. */
export interface NetHooks {
  /** ConnectAttach to (nd, pid, chid) on another node: the coid. */
  attach(k: KernelCore, t: Thread, nd: number, pid: number, chid: number, index: number, flags: number): number;
  /** MsgSend through a remote connection (the checks of `msgSend` are done). */
  send(k: KernelCore, t: Thread, entry: CoidEntry, smsg: Buffers, rmsg: Buffers, done: Done, growReply: boolean, slen: number, rlen: number, call: string): void;
  /** MsgSendPulse through a remote connection. */
  pulse(k: KernelCore, from: Thread | Process, entry: CoidEntry, priority: number, code: number, value: number): void;
  /** Client side: ask the server node to let a remote send go (EINTR, EBADF, ETIMEDOUT …). */
  unblock(w: SendWait, err: number): void;
  /** Client side: the sending thread died (its thread lingers until the server answers). */
  cancel(w: SendWait): void;
  /** Client side: the send's TimerTimeout expired; the server decides by its state. */
  timeout(w: SendWait, flags: number): void;
  /** Client side: a remote send ended (answered, or its node lost). */
  forget(w: SendWait): void;
  /** Client side: the last reference of a remote connection went. */
  detach(conn: Connection): void;
  /** Server side: a vthread's send ended with (err, result): the REPLY or ERROR frame. */
  answer(w: SendWait, err: number, result: number): void;
  /** Server side: a vthread's message was received (RECEIVED), or sent back to SEND (REQUEUED). */
  received(w: SendWait): void;
  requeued(w: SendWait): void;
  /** Server side: the channel of a proxy's connection was destroyed (CHANNEL_GONE). */
  channelGone(conn: Connection): void;
  /** Server side: an event for a remote client (MsgDeliverEvent to a proxy). Never fails. */
  event(proxy: Process, ev: Sigevent, priority: number): void;
  /**
   * `open("/net/<node>/<path>")`: ask node `nd` who serves `path`; `done(errno, pid, chid)` from
   * inside a later kernel call (EHOSTUNREACH at once when no link reaches it).
   */
  resolve(nd: number, path: string, done: (errno: number, pid: number, chid: number) => void): void;
  /** Whether asynchronous messages may cross to other nodes (`asyncAcrossNodes`). */
  readonly asyncAcross: boolean;
  /** A trigger of a remote asynchronous connection: its newly visible messages go as one batch. */
  asyncTrigger(c: AsyncConn): void;
  /** `netmgr_strtond`: the nd of a node name or `/net/<node>/…` path, and where the node part ends. */
  strtond(name: string): { nd: number; end: number };
  /** This node's name. */
  readonly name: string;
  /** The global name table. */
  readonly names: GlobalNames;
}
