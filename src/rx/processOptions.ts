/**
 * The options of {@link RxProcess}'s calls (channel, attach, connect, open, timer, asyncChannel,
 * asyncConnect) and the address of a channel to connect to.
 * @packageDocumentation
 */
import type { AsyncChannel } from './AsyncChannel.js';
import type { Channel } from './Channel.js';
import type { Codec } from './codecs.js';
import type { RxProcess } from './RxProcess.js';

/** Options of {@link RxProcess.channel}. */
export interface ChannelOptions<T, R> {
  /** `_NTO_CHF_*` flags, added to `_NTO_CHF_UNBLOCK` (see `unblock`). Default 0. */
  readonly flags?: number;
  /**
   * `_NTO_CHF_UNBLOCK` (default true): a client that times out, unsubscribes or aborts a send
   * asks to leave instead of leaving, and the message's `signal` aborts, so the server's work is
   * cancelled (`replyWith`, `serveProtocol`, `dispatchTo`, `Router` answer it `error(-1)`).
   * `false`: the client leaves at once, and a late answer fails `ESRCH`.
   */
  readonly unblock?: boolean;
  /** Decodes received messages (default: bytes). */
  readonly codec?: Codec<T>;
  /** Encodes replies (default: the codec). */
  readonly replyCodec?: Codec<R>;
  /** Receive buffer size; longer messages are completed with MsgRead. Default 4096. */
  readonly bufferSize?: number;
}

/** Options of {@link RxProcess.connect} and {@link RxProcess.open}. */
export interface ConnectOptions<T, R> {
  /** Encodes sent messages (default: bytes). */
  readonly codec?: Codec<T>;
  /** Decodes replies (default: the codec). */
  readonly replyCodec?: Codec<R>;
  /** `_NTO_COF_*` flags (e.g. `_NTO_COF_NOSHARE`). */
  readonly flags?: number;
  /** Priority of sends (default: the process's). */
  readonly priority?: number;
  /**
   * A fixed reply buffer size: longer replies are cut to it (the model's truncation, visible as
   * `reply.truncated`). Left out (the default), every reply arrives whole, whatever its length.
   */
  readonly replySize?: number;
}

/** Options of {@link RxProcess.open}: a connection's, and a signal that withdraws the open. */
export interface OpenOptions<T, R> extends ConnectOptions<T, R> {
  readonly signal?: AbortSignal;
  /** `NAME_FLAG_ATTACH_GLOBAL`: a global name, provided on this node or another (one provider is bound). ENOTSUP when the system is not a node. */
  readonly global?: boolean;
  /**
   * Nobody serves the name yet: `true` waits until a provider is attached (here, or on another
   * node for a global name), a number waits at most that many milliseconds (then ETIMEDOUT).
   * Default false: ENOENT at once. A re-open (the connection subscribed again) waits the same way.
   */
  readonly wait?: boolean | number;
}

/** Options of {@link RxProcess.timer}. */
export interface TimerOptions {
  /** The pulse code (0..127 for applications). */
  readonly code: number;
  /** The pulse value. Default 0. */
  readonly value?: number;
  /** Pulse priority; default -1: the process's priority. */
  readonly priority?: number;
  /** Milliseconds to the first pulse (at least 1). */
  readonly delay: number;
  /** Milliseconds between later pulses; 0 or omitted: one pulse. */
  readonly period?: number;
}

/** Options of {@link RxProcess.asyncChannel}. */
export interface AsyncChannelOptions<T> {
  readonly codec?: Codec<T>;
  /** Bytes per receive buffer; longer messages arrive truncated with err EMSGSIZE. Default 4096. */
  readonly bufferSize?: number;
  /** Most messages one get (one batch) returns. Default 5, as in the QNX examples. */
  readonly maxNumBuffer?: number;
}

/** Options of {@link RxProcess.asyncConnect}: the `_asyncmsg_connection_attr` triggers. */
export interface AsyncConnectOptions<T> {
  readonly codec?: Codec<T>;
  /** Ring slots (`max_num_buffer`); `ringSize − 1` messages fit. Default 64. */
  readonly ringSize?: number;
  /** Count trigger (`trigger_num_msg`): deliver once this many are pending. 0: none. Default 1. */
  readonly count?: number;
  /** Time trigger (`trigger_time`) in milliseconds, armed by the first untriggered put. 0: none. */
  readonly time?: number;
  /** Re-arm period of the time trigger in milliseconds (`interval_nsec`). */
  readonly interval?: number;
}

/**
 * A channel to connect to: a {@link Channel}, or its (pid, chid) on this node, or on another
 * node named by `node` (its name) or `nd` (this kernel's handle for it, `system.nd(name)`).
 * `channel.address` is one, serialisable, to hand to clients on other nodes.
 */
export type ChannelAddress =
  | Channel<unknown, unknown>
  | AsyncChannel<unknown>
  | { readonly pid: number; readonly chid: number; readonly node?: string; readonly nd?: number };

/** Options of {@link RxProcess.attach}: a channel's (its flags are the name's), and `global`. */
export interface AttachOptions<T, R> extends Omit<ChannelOptions<T, R>, 'flags'> {
  /**
   * `NAME_FLAG_ATTACH_GLOBAL`: the name is announced to every node of the network (the kernel
   * must be a node; the process root or holding `PROCMGR_AID_PATHSPACE`, else EPERM). Several
   * nodes may attach one global name: each `open(name, { global: true })` binds one of them.
   */
  readonly global?: boolean;
}
