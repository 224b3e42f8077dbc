import { ND2S_DIR_SHOW, ND2S_NAME_HIDE } from './constants.js';
import { fail, int } from './core.js';
import { KernelCalls } from './KernelCalls.js';
import type { KernelOptions, ProcessOptions, ThreadOptions } from './kernelOptions.js';
import type { Link, NetEvent, NetStats } from './net/Link.js';
export type { DropReason, FrameHandler, FrameSink, Link, LinkKind, LinkState, NetEvent, NetOptions, NetStats, NodeEvent, PeerStats } from './net/Link.js';
import type { NetManager } from './net/NetManager.js';
import { snapshot } from './snapshot.js';
import { addTraceListener } from './tracing.js';
import type { KernelSnapshot, TraceEvent } from './types.js';

/**
 * A QNX Neutrino microkernel for message passing: processes, logical threads, channels,
 * connections, pulses, timers and names. Synchronous and deterministic: a call either returns
 * (or throws a {@link KernelError}) at once, or records a continuation `done(err, value)` that
 * the kernel calls exactly once, after the call's state changes are complete. `err` is 0 or a
 * QNX errno number. Time comes only from the injected scheduler.
 *
 * Every call is made by a logical {@link Thread} (the first argument), as in QNX.
 *
 * @example
 * ```ts
 * const kernel = new Kernel({ scheduler: new VirtualClock() });
 * const server = kernel.createThread(kernel.createProcess({ name: 'server' }));
 * const client = kernel.createThread(kernel.createProcess({ name: 'client' }));
 * const chid = kernel.channelCreate(server, 0);
 * const coid = kernel.connectAttach(client, 0, server.process.pid, chid, _NTO_SIDE_CHANNEL, 0);
 * const buf = new Uint8Array(64);
 * kernel.msgReceive(server, chid, buf, null, (err, rcvid) => kernel.msgReply(server, rcvid, 7, buf));
 * kernel.msgSend(client, coid, new TextEncoder().encode('hi'), new Uint8Array(64), (err, status) => {
 *   console.log(err, status); // 0 7
 * });
 * ```
 */
export type { KernelOptions, ProcessOptions, ThreadOptions };

export class Kernel extends KernelCalls {
  // ---- inspection ----

  /** Every process, thread and queue now, like `pidin`. */
  snapshot(): KernelSnapshot {
    return snapshot(this.core);
  }

  /**
   * Receive every trace event; returns a function that stops it. Listeners may come and go in
   * any order; one that throws is reported through `onUnhandledError` and never fails the call.
   */
  onTrace(listener: (e: TraceEvent) => void): () => void {
    return addTraceListener(this.core, listener);
  }

  // ---- nodes (Qnet) ----

  /** This kernel's node name, or null when it was made without `net` (then nd ≠ 0 is ENOREMOTE). */
  get node(): string | null {
    return this.core.net?.name ?? null;
  }

  /** @internal The net manager, or null. */
  get net(): NetManager | null {
    return this.core.net as NetManager | null;
  }

  private netOrFail(call: string): NetManager {
    const net = this.net;
    if (net === null) throw fail('ENOTSUP', call);
    return net;
  }

  /**
   * Join a link to another node (one end of a transport: `connectLoopback`, a worker or NATS
   * link). With `peerName` the peer is reachable at once (sends wait for its HELLO, at most the
   * liveness bound). `options.transient`: the transport heard of the peer by itself (as NATS
   * does), so a peer that never answers is forgotten at the bound and its link closed. ENOTSUP
   * when this kernel is not a node; EAGAIN when its peer table is full (`maxPeers`).
   */
  addLink(link: Link, peerName?: string, options: { readonly transient?: boolean } = {}): void {
    const net = this.netOrFail('netmgr');
    this.core.run(() => net.addLink(link, peerName, options.transient === true));
  }

  /**
   * `netmgr_strtond`: the nd of a node name (`b`, `/net/b`, `/net/b/dev/…`, `b.domain`) and the
   * index where the node part ends. This node is 0; a name never seen gets a new nd (sends to it
   * fail EHOSTUNREACH until a link reaches it). ENOTSUP when not a node, EINVAL for a bad name.
   */
  netmgrStrtond(name: string): { nd: number; end: number } {
    return this.netOrFail('netmgr_strtond').strtond(name);
  }

  /** `netmgr_ndtostr`: the name behind `nd` (`ND2S_DIR_SHOW`: `/net/<name>/`). EBADF for an unknown nd. */
  netmgrNdtostr(flags: number, nd: number): string {
    const net = this.netOrFail('netmgr_ndtostr');
    const name = (flags & ND2S_NAME_HIDE) !== 0 ? '' : net.ndName(int(nd, 'netmgr_ndtostr', 'nd'));
    return (flags & ND2S_DIR_SHOW) !== 0 ? `/net/${name}/` : name;
  }

  /** The peer nodes this kernel knows (nd order): name, nd, state and incarnation. */
  nodes(): NodeInfo[] {
    return (this.net?.allPeers() ?? []).map((p) => ({ node: p.name, nd: p.nd, state: p.suspect && p.state === 'up' ? 'suspect' : p.state, incarnation: p.incarnation }));
  }

  /**
   * The node's counters: frames and bytes in and out, frames dropped by reason (`malformed`,
   * `unauthenticated`, `replayed`, `unknown-peer`, `duplicate`, `oversize`; what a transport drops
   * before the node sees it included), and per peer its state, incarnation, sessions, heartbeat
   * round trip, missed beats and window in use. ENOTSUP when this kernel is not a node.
   */
  netStats(): NetStats {
    return this.netOrFail('netmgr').stats();
  }

  /** Listen to peers coming up and going down, and to frames dropped; returns the stop function. */
  onNet(listener: (e: NetEvent) => void): () => void {
    return this.netOrFail('netmgr').onEvent(listener);
  }
}

/** A peer node as {@link Kernel.nodes} lists it. */
export interface NodeInfo {
  readonly node: string;
  readonly nd: number;
  /** 'unknown': named, never reached; 'connecting': a link, no HELLO yet; 'up'; 'suspect': up, its transport reconnecting; 'down': quarantined. */
  readonly state: 'unknown' | 'connecting' | 'up' | 'suspect' | 'down';
  readonly incarnation: number;
}
