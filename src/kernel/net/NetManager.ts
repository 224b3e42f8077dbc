/**
 * The net manager of a node (qnet.md §3): the node table (nds), the links and their sessions
 * (HELLO, sequence numbers, incarnations), liveness (heartbeats, deadlines, quarantine) and the
 * dispatch of frames to the client side (`clientSide.ts`) and the server side (`serverSide.ts`).
 * No transport and no RxJS: links are injected through the {@link Link} port.
 * @internal
 * @packageDocumentation
 */
import type { Buffers } from '../buffers.js';
import { _NTO_CHF_UNBLOCK, PRIORITY_DEFAULT } from '../constants.js';
import { fail, type KernelCore } from '../core.js';
import { KernelError } from '../KernelError.js';
import { Channel, Process, type CoidEntry, type Connection, type Done, type SendWait, type Thread } from '../objects.js';
import type { TimerHandle } from '../scheduler.js';
import type { Sigevent } from '../types.js';
import type { AsyncConn } from '../asyncObjects.js';
import * as client from './clientSide.js';
import { GlobalNames } from './globalNames.js';
import { sendBatch } from './asyncRemote.js';
import { DurableNode } from './durableNode.js';
import { F, textBytes, type Frame } from './frames.js';
import { reusableFrame } from './frameWords.js';
import { sendRaw, sendTo } from './frameOut.js';
import { frameTaker, inSequence } from './frameIn.js';
import { PathResolves } from './pathResolves.js';
import { armConnectDeadline, armHeartbeat, linkSuspect } from './liveness.js';
import { endSession, giveUp, holdsAnything, takeOver } from './sessionEnd.js';
import { restartHandshake, validNodeName } from './hello.js';
import type { NetHooks } from './hooks.js';
import type { DropReason, Link, NetEvent, NetOptions, NetStats, NodeEvent } from './Link.js';
import { mix32, NetCounters, RateBudget } from './netStats.js';
import { netSettings, type NetSettings } from './netSettings.js';
import { Peer, Session } from './Peer.js';
import * as server from './serverSide.js';

const EMPTY = new Uint8Array(0);

// the resolved options (netSettings.ts) are fields of the manager, as modules read them
export interface NetManager extends NetSettings {}

export class NetManager implements NetHooks {
  readonly name: string;
  /** Durable asynchronous messaging (`net: { durable }`, docs/durable.md), else null. */
  readonly durable: DurableNode | null;
  /** The manager's own process (pid 0, in no process table): every remote send waits on its channel. */
  readonly process: Process;
  readonly channel: Channel;
  /** Frames in and out, and drops by reason (`stats()`). */
  readonly counters = new NetCounters();
  /** The global name table (every node's NAME_FLAG_ATTACH_GLOBAL names). */
  readonly names = new GlobalNames(this);
  /** @internal Peers by nd, and by name. */
  readonly peers = new Map<number, Peer>();
  readonly byName = new Map<string, Peer>();
  /** @internal Open links. */
  readonly sessions = new Set<Session>();
  private nextNd = 1;
  private nextXid = 1;
  private nextCid = 1;
  private nonces = 0;
  /** Unknown names this node answers per heartbeat period. */
  private readonly helloBudget: RateBudget;
  /** @internal The heartbeat timer, while a link is open (liveness.ts). */
  heartbeat: TimerHandle | null = null;
  /** @internal The frame every arriving one is decoded into (handlers read it synchronously). */
  readonly frame = reusableFrame();
  private readonly listeners = new Set<(e: NetEvent) => void>();

  constructor(readonly k: KernelCore, options: NetOptions) {
    if (!validNodeName(options.node)) throw fail('EINVAL', 'netmgr', undefined);
    this.name = options.node;
    Object.assign(this, netSettings(options));
    this.helloBudget = new RateBudget(this.helloRate, this.heartbeatMs);
    this.process = new Process(0, 'qnet', 0, 0, PRIORITY_DEFAULT, []);
    this.channel = new Channel(0, this.process, _NTO_CHF_UNBLOCK);
    this.receivedLater = new server.ReceivedLater(k, this);
    this.durable = options.durable === undefined ? null : new DurableNode(k, this.name, this.incarnation, options.durable, this.process, this.channel);
  }

  // ---- nds and names ----

  /** The peer named `name`, made (state 'unknown', a new nd) on first use. */
  peerNamed(name: string): Peer {
    let peer = this.byName.get(name);
    if (peer === undefined) {
      peer = new Peer(this.nextNd++, name);
      this.byName.set(name, peer);
      this.peers.set(peer.nd, peer);
    }
    return peer;
  }

  peer(nd: number): Peer | undefined {
    return this.peers.get(nd);
  }

  /** `netmgr_strtond`: the nd of `name` (`b`, `/net/b`, `/net/b/…`, `b.domain`) and where the node part ends. */
  strtond(name: string): { nd: number; end: number } {
    if (typeof name !== 'string') throw fail('EINVAL', 'netmgr_strtond');
    let start = 0;
    if (name.startsWith('/net/')) start = 5;
    let end = name.indexOf('/', start);
    if (end < 0) end = name.length;
    const fqnn = name.slice(start, end);
    const node = fqnn.split('.')[0]!;
    if (!validNodeName(node)) throw fail('EINVAL', 'netmgr_strtond');
    if (node === this.name) return { nd: 0, end };
    const peer = this.peerNamed(node);
    peer.pinned = true; // its nd is in a user's hands now
    return { nd: peer.nd, end };
  }

  /** The name behind `nd` (0: this node). EBADF for an nd this kernel never handed out. */
  ndName(nd: number): string {
    if ((nd & 0xffff) === 0) return this.name;
    const peer = this.peers.get(nd & 0xffff);
    if (peer === undefined) throw fail('EBADF', 'netmgr_ndtostr');
    return peer.name;
  }

  /** Peers in nd order, for `pidin` and `nodes`. */
  allPeers(): Peer[] {
    return [...this.peers.values()];
  }

  // ---- links and sessions ----

  /**
   * Join a link. With `peerName` (a loopback or worker link knows who is at the other end) the
   * peer is reachable at once: frames for it wait for its HELLO, at most the liveness bound.
   * `transient`: the transport named the peer itself (it heard of it: NATS), so a peer that never
   * answers is forgotten at the bound and its link closed ('handshake timeout'); otherwise the
   * peer stays in the table and the link goes on saying HELLO. EAGAIN when `peerName` is a node
   * this one does not know and its peer table is full.
   */
  addLink(link: Link, peerName?: string, transient = false): void {
    if (peerName !== undefined && !this.byName.has(peerName) && this.byName.size >= this.maxPeers) {
      throw new KernelError('EAGAIN', 'netmgr', undefined, { reason: `the peer table is full (maxPeers ${this.maxPeers})` });
    }
    const session = new Session(link, this.nonce(), peerName ?? null);
    this.sessions.add(session);
    if (peerName !== undefined) {
      const peer = this.peerNamed(peerName);
      if (!transient) peer.pinned = true;
      if (peer.session === null || peer.session.closed) {
        if (peer.session !== null) peer.session.peer = null;
        peer.session = session;
        session.peer = peer;
        if (peer.state === 'unknown' || peer.state === 'down') {
          peer.state = 'connecting';
          armConnectDeadline(this, peer);
        }
      }
    }
    link.onFrame(frameTaker(this, session));
    link.onState((state, reason) => {
      if (state === 'down') this.k.run(() => this.linkDown(session, reason));
      else this.k.run(() => linkSuspect(this, session, state === 'suspect', reason));
    });
    restartHandshake(this, session, true);
    armHeartbeat(this);
  }

  /** A new session nonce: never 0, from the incarnation (deterministic when the incarnation is given). */
  nonce(): number {
    return mix32(this.incarnation ^ Math.imul(++this.nonces, 0x9e3779b1)) || 1;
  }

  /**
   * May a transport make state for node `name` now? Yes for a node this one knows; for an
   * unknown one while the peer table has room (`maxPeers`) and this heartbeat period's budget of
   * unknown names (`helloRate`) lasts. A transport drops what it may not take (and counts it
   * with {@link NetManager.noteDrop} as `unknown-peer`).
   */
  admit(name: string): boolean {
    if (this.byName.has(name)) return true;
    if (!validNodeName(name) || name === this.name || this.byName.size >= this.maxPeers) return false;
    return this.helloBudget.take(this.k.scheduler.now());
  }

  /** Whether this node has `name` in its peer table. */
  knows(name: string): boolean {
    return this.byName.has(name);
  }

  /** Listen to peers coming up and going down, and to dropped frames. */
  onEvent(listener: (e: NetEvent) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** @internal Tell the listeners. */
  emit(e: NetEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (error) {
        this.k.onUnhandledError(error);
      }
    }
  }

  /** @internal Encode and send one frame on `session` (frameOut.ts). */
  sendRaw(session: Session, kind: number, id: number, body: readonly number[], payload: Uint8Array, flags: number, dstInc: number): void {
    sendRaw(this, session, kind, id, body, payload, flags, dstInc);
  }

  /** Send a frame to `peer`: now if it is up, after its HELLO while connecting, else nowhere (frameOut.ts). */
  sendTo(peer: Peer, kind: number, id: number, body: readonly number[], payload: Uint8Array = EMPTY, flags = 0): void {
    sendTo(this, peer, kind, id, body, payload, flags);
  }

  /** @internal The frame's sequence number against the session's (frameIn.ts). */
  inSequence(session: Session, peer: Peer, f: Frame): boolean {
    return inSequence(this, session, peer, f);
  }

  /** @internal End `session` for good: the link is closed. */
  closeSession(session: Session, reason: string): void {
    if (session.closed) return;
    session.closed = true;
    session.retry?.unsubscribe();
    session.retry = null;
    this.sessions.delete(session);
    session.link.close(reason);
    if (this.sessions.size === 0 && this.heartbeat !== null) {
      this.heartbeat.unsubscribe();
      this.heartbeat = null;
    }
  }

  /** The transport of `session` is gone: no handshake can follow on it. */
  private linkDown(session: Session, reason: string): void {
    this.closeSession(session, reason);
    const peer = session.peer;
    if (peer === null || peer.session !== session) return;
    peer.session = null;
    session.peer = null;
    this.quarantine(peer, `closed: ${reason}`);
    if (!takeOver(this, peer) && !peer.pinned && !holdsAnything(peer)) this.forgetPeer(peer);
  }

  /** @internal A frame dropped: counted by reason, traced, told to `onNet` listeners. */
  drop(peer: Peer | null, reason: DropReason, detail?: string): void {
    this.noteDrop(reason, peer?.name ?? '', detail);
  }

  /**
   * Count a drop (transports call this for what they drop before the node sees it: a message
   * without a valid MAC, a replay, a name not admitted).
   */
  noteDrop(reason: DropReason, node: string, detail?: string): void {
    this.counters.drop(reason);
    if (this.k.tracer !== null) this.k.trace('drop', null, { node: node === '' ? '?' : node, reason });
    this.emit(detail === undefined ? { type: 'drop', reason, node } : { type: 'drop', reason, node, detail });
  }

  /** Frames in and out, drops by reason, and every peer's state, round trip, missed beats and window. */
  stats(): NetStats {
    return this.counters.snapshot(this, this.allPeers());
  }

  // ---- liveness (liveness.ts) ----

  /**
   * The peer's session ends (qnet.md §3.6, §6.11): remote sends to it fail EHOSTDOWN, its
   * connections die (EBADF, COIDDEATH), its clients' proxies here end as processes do, its
   * global names go. The link stays: a new handshake (a new nonce, unless `keepNonce`: the peer
   * acknowledged ours already) starts at once, so the pair heals as soon as it can reach itself.
   * `hello: false` when the peer's own HELLO ended the session: the answer to it is our HELLO
   * (a HELLO acknowledging nothing would make the peer take yet another nonce).
   */
  quarantine(peer: Peer, reason: string, keepNonce = false, hello = true): void {
    endSession(this, peer, reason, keepNonce, hello);
  }

  /** @internal A peer being connected did not answer within the bound: forgotten or down (liveness.ts). */
  unreachable(peer: Peer): void {
    giveUp(this, peer);
  }

  /** @internal Forget a peer only a transport named (liveness.ts). */
  forgetPeer(peer: Peer): void {
    this.byName.delete(peer.name);
    this.peers.delete(peer.nd);
    if (peer.session !== null) this.closeSession(peer.session, 'handshake timeout');
    peer.session = null;
  }

  // ---- /net paths ----

  /** @internal `/net` resolves in flight. */
  readonly paths = new PathResolves();

  resolve(nd: number, path: string, done: (errno: number, pid: number, chid: number) => void): void {
    const peer = this.peers.get(nd);
    if (peer === undefined || (peer.state !== 'up' && peer.state !== 'connecting')) throw fail('EHOSTUNREACH', 'open');
    this.sendTo(peer, F.RESOLVE, this.paths.add(peer, done), [], textBytes(path));
  }

  // ---- ids ----

  xid(): number {
    const x = this.nextXid;
    this.nextXid = x >= 0x7fffffff ? 1 : x + 1;
    return x;
  }

  cid(): number {
    return this.nextCid++;
  }

  // ---- NetHooks ----

  attach(k: KernelCore, t: Thread, nd: number, pid: number, chid: number, index: number, flags: number): number {
    return client.attach(this, k, t, nd, pid, chid, index, flags);
  }

  send(k: KernelCore, t: Thread, entry: CoidEntry, smsg: Buffers, rmsg: Buffers, done: Done, growReply: boolean, slen: number, rlen: number, call: string): void {
    client.send(this, k, t, entry, smsg, rmsg, done, growReply, slen, rlen, call);
  }

  pulse(k: KernelCore, from: Thread | Process, entry: CoidEntry, priority: number, code: number, value: number): void {
    client.pulse(this, k, from, entry, priority, code, value);
  }

  unblock(w: SendWait, err: number): void {
    if (client.endHeld(this, w, 'unblock', err) || w.unblockRequested) return;
    w.unblockRequested = true;
    w.unblockErr = err;
    this.sendTo(w.net!.peer as Peer, F.UNBLOCK, w.net!.xid, [err]);
  }

  cancel(w: SendWait): void {
    if (client.endHeld(this, w, 'cancel', 0)) return;
    w.unblockRequested = true;
    this.sendTo(w.net!.peer as Peer, F.CANCEL, w.net!.xid, []);
  }

  timeout(w: SendWait, flags: number): void {
    if (client.endHeld(this, w, 'timeout', flags)) return;
    this.sendTo(w.net!.peer as Peer, F.TIMEOUT, w.net!.xid, [flags]);
  }

  forget(w: SendWait): void {
    client.forget(this, w);
  }

  detach(conn: Connection): void {
    if (this.durable?.owns(conn) === true) this.durable.detached(conn);
    else client.detach(this, conn);
  }

  answer(w: SendWait, err: number, result: number): void {
    server.answer(this, w, err, result);
  }

  /**
   * RECEIVED goes out after the receiver's continuation has run, and only if the message is
   * still unanswered then: a server that replies at once sends one frame (REPLY), not two.
   */
  received(w: SendWait): void {
    this.receivedLater.add(w);
    this.receivedLater.add(w.net!.xid);
  }

  /** Pairs (wait, its xid when received); a wait reused since carries another xid. */
  private readonly receivedLater: server.ReceivedLater;

  requeued(w: SendWait): void {
    this.sendTo(w.net!.peer as Peer, F.REQUEUED, w.net!.xid, []);
  }

  channelGone(conn: Connection): void {
    server.channelGone(this, conn);
  }

  event(proxy: Process, ev: Sigevent, priority: number): void {
    server.event(this, proxy, ev, priority);
  }

  asyncTrigger(c: AsyncConn): void {
    if (this.durable?.owns(c.conn) === true) this.durable.trigger(c);
    else sendBatch(this, c);
  }

  asyncCatchUp(c: AsyncConn): void {
    // a durable connection's slots free when the log stores its messages: nothing to read here
    if (this.durable?.owns(c.conn) === true) return;
    const session = (c.conn.remote?.peer as Peer | undefined)?.session;
    if (session !== null && session !== undefined && !session.closed) session.link.poll?.();
  }
}

export type { NodeEvent };
