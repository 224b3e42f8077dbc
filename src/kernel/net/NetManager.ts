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
import { Channel, Process, type CoidEntry, type Connection, type Done, type SendWait, type Thread } from '../objects.js';
import type { TimerHandle } from '../scheduler.js';
import type { Sigevent } from '../types.js';
import type { AsyncConn } from '../asyncObjects.js';
import * as client from './clientSide.js';
import { GlobalNames } from './globalNames.js';
import { onAsyncFrame, sendBatch } from './asyncRemote.js';
import { decodeInto, encodeParts, F, FLAG_MORE, HEADER_BYTES, reusableFrame, textBytes, type Frame } from './frames.js';
import { EndOfCall } from './endOfCall.js';
import { reassemble } from './fragments.js';
import { PathResolves } from './pathResolves.js';
import { armHeartbeat, endCrossings, linkSuspect } from './liveness.js';
import { onHello, validNodeName } from './hello.js';
import type { NetHooks } from './hooks.js';
import type { Link, NetEvent, NetOptions, NodeEvent } from './Link.js';
import { Peer, Session } from './Peer.js';
import * as server from './serverSide.js';

const EMPTY = new Uint8Array(0);

export class NetManager implements NetHooks {
  readonly name: string;
  readonly incarnation: number;
  readonly heartbeatMs: number;
  readonly missed: number;
  readonly maxMessageBytes: number;
  readonly firstChunkBytes: number;
  readonly window: number;
  readonly asyncAcross: boolean;
  /** The manager's own process (pid 0, in no process table): every remote send waits on its channel. */
  readonly process: Process;
  readonly channel: Channel;
  /** Frames dropped: malformed, out of session, or for another incarnation. */
  dropped = 0;
  /** The global name table (every node's NAME_FLAG_ATTACH_GLOBAL names). */
  readonly names = new GlobalNames(this);
  private readonly peers = new Map<number, Peer>();
  private readonly byName = new Map<string, Peer>();
  /** @internal Open links. */
  readonly sessions = new Set<Session>();
  private nextNd = 1;
  private nextXid = 1;
  private nextCid = 1;
  /** @internal The heartbeat timer, while a link is open (liveness.ts). */
  heartbeat: TimerHandle | null = null;
  /** The frame every arriving one is decoded into (handlers read it synchronously). */
  private readonly frame = reusableFrame();
  private readonly listeners = new Set<(e: NetEvent) => void>();

  constructor(readonly k: KernelCore, options: NetOptions) {
    if (!validNodeName(options.node)) throw fail('EINVAL', 'netmgr', undefined);
    this.name = options.node;
    const positive = (v: number | undefined, d: number): number => (v !== undefined && Number.isInteger(v) && v > 0 ? v : d);
    this.heartbeatMs = positive(options.heartbeatMs, 1000);
    this.missed = positive(options.missed, 3);
    this.maxMessageBytes = positive(options.maxMessageBytes, 64 * 1024 * 1024);
    this.firstChunkBytes = positive(options.firstChunkBytes, 0);
    this.window = positive(options.window, 1024);
    this.asyncAcross = options.asyncAcrossNodes === true;
    this.incarnation = (options.incarnation ?? 1 + Math.floor(Math.random() * 0xfffffffe)) >>> 0 || 1;
    this.process = new Process(0, 'qnet', 0, 0, PRIORITY_DEFAULT, []);
    this.channel = new Channel(0, this.process, _NTO_CHF_UNBLOCK);
    this.receivedLater = new EndOfCall(k, (list) => server.sendReceived(this, list));
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
    return { nd: node === this.name ? 0 : this.peerNamed(node).nd, end };
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
   * peer is reachable at once: frames for it wait for its HELLO.
   */
  addLink(link: Link, peerName?: string): void {
    const session = new Session(link);
    this.sessions.add(session);
    if (peerName !== undefined) {
      const peer = this.peerNamed(peerName);
      if (peer.state === 'unknown' || peer.state === 'down') {
        peer.state = 'connecting';
        peer.session = session;
        session.peer = peer;
      }
    }
    link.onFrame((bytes) => this.k.run(() => this.onFrame(session, bytes)));
    link.onState((state, reason) => {
      if (state === 'down') this.k.run(() => this.linkDown(session, reason));
      else this.k.run(() => linkSuspect(this, session, state === 'suspect', reason));
    });
    this.sendRaw(session, F.HELLO, 0, [link.maxFrameBytes, this.heartbeatMs, this.missed], textBytes(this.name), 0, 0);
    armHeartbeat(this);
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

  private sendRaw(session: Session, kind: number, id: number, body: readonly number[], payload: Uint8Array, flags: number, dstInc: number): void {
    if (session.closed) return;
    const frame = encodeParts(kind, flags, session.txSeq++, session.rxSeq, this.incarnation, dstInc, id, body, payload);
    session.link.send(frame);
  }

  /** Send a frame to `peer`: now if it is up, after its HELLO while connecting, else nowhere. */
  sendTo(peer: Peer, kind: number, id: number, body: readonly number[], payload: Uint8Array = EMPTY, flags = 0): void {
    if (peer.state === 'connecting') {
      peer.outbox.push(() => this.sendTo(peer, kind, id, body, payload, flags));
      return;
    }
    const session = peer.session;
    if (peer.state !== 'up' || session === null) return;
    const room = session.link.maxFrameBytes - HEADER_BYTES - body.length * 4;
    if (payload.length <= room || room <= 0) {
      this.sendRaw(session, kind, id, body, payload, flags, peer.incarnation);
      return;
    }
    // fragments: every one carries the kind, id and body; MORE on all but the last
    for (let at = 0; at < payload.length; at += room) {
      const end = Math.min(payload.length, at + room);
      this.sendRaw(session, kind, id, body, payload.subarray(at, end), end < payload.length ? flags | FLAG_MORE : flags, peer.incarnation);
    }
  }

  private onFrame(session: Session, bytes: Uint8Array): void {
    if (session.closed) return;
    const f = this.frame;
    if (!(bytes instanceof Uint8Array) || !decodeInto(bytes, f)) {
      this.drop(session.peer, 'malformed');
      return;
    }
    if (f.kind === F.HELLO) {
      onHello(this, session, f);
      return;
    }
    const peer = session.peer;
    if (peer === null || peer.state !== 'up' || peer.session !== session || f.srcInc !== peer.incarnation || f.dstInc !== this.incarnation) {
      this.drop(peer, 'out of session');
      return;
    }
    if (f.seq !== session.rxSeq) {
      this.quarantine(peer, 'sequence gap');
      return;
    }
    session.rxSeq = (session.rxSeq + 1) >>> 0;
    peer.lastHeard = this.k.scheduler.now();
    if ((f.flags & FLAG_MORE) !== 0 || peer.fragments.size > 0) {
      const whole = reassemble(peer, f);
      if (whole === null) return;
      f.payload = whole;
    }
    this.dispatch(peer, f);
  }

  private dispatch(peer: Peer, f: Frame): void {
    switch (f.kind) {
      case F.HEARTBEAT:
      case F.HEARTBEAT_ACK:
        return;
      case F.CREDIT:
        client.credit(this, peer, f.body[0] ?? 0);
        return;
      case F.RECEIVED: case F.REQUEUED: case F.REPLY: case F.ERROR:
      case F.CONNECTED: case F.CONNECT_FAIL: case F.CHANNEL_GONE: case F.EVENT:
        client.onFrame(this, peer, f);
        return;
      case F.RESOLVED:
        this.paths.resolved(f.id, f.body[0]!, f.body[1]!, f.body[2]!);
        return;
      case F.ASYNC_BATCH:
      case F.ASYNC_CONSUMED:
        onAsyncFrame(this, peer, f);
        return;
      default:
        server.onFrame(this, peer, f);
    }
  }



  /** @internal Drop a session that said something unacceptable. */
  refuse(session: Session, reason: string): void {
    this.drop(session.peer, reason);
    this.closeSession(session, reason);
  }

  private closeSession(session: Session, reason: string): void {
    if (session.closed) return;
    session.closed = true;
    this.sessions.delete(session);
    session.link.close(reason);
    if (this.sessions.size === 0 && this.heartbeat !== null) {
      this.heartbeat.unsubscribe();
      this.heartbeat = null;
    }
  }

  private linkDown(session: Session, reason: string): void {
    const peer = session.peer;
    if (peer !== null && peer.session === session) this.quarantine(peer, `closed: ${reason}`);
    else this.closeSession(session, reason);
  }

  private drop(peer: Peer | null, reason: string): void {
    this.dropped++;
    if (this.k.tracer !== null) this.k.trace('drop', null, { node: peer?.name ?? '?', reason });
    this.emit({ type: 'drop', reason, node: peer?.name ?? '' });
  }

  // ---- liveness (liveness.ts) ----

  /**
   * The peer's incarnation is lost for good (qnet.md §3.6): its session closes; remote sends to
   * it fail EHOSTDOWN, its connections die (EBADF, COIDDEATH); its clients' proxies here end as
   * processes do; its global names go.
   */
  quarantine(peer: Peer, reason: string): void {
    if (peer.state !== 'up' && peer.state !== 'connecting') return;
    const inc = peer.incarnation;
    if (inc !== 0) peer.quarantined.add(inc);
    peer.state = 'down';
    peer.suspect = false;
    peer.deadline?.unsubscribe();
    peer.deadline = null;
    peer.outbox.length = 0;
    const session = peer.session;
    peer.session = null;
    if (session !== null) {
      session.peer = null;
      this.closeSession(session, reason);
    }
    const k = this.k;
    endCrossings(this, peer);
    if (k.tracer !== null) k.trace('node', null, { node: peer.name, nd: peer.nd, state: 'down', reason });
    this.emit({ type: 'node', event: { node: peer.name, nd: peer.nd, state: 'down', reason, incarnation: inc } });
  }

  // ---- /net paths ----

  private readonly paths = new PathResolves();

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
    client.detach(this, conn);
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
  private readonly receivedLater: EndOfCall<SendWait | number>;

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
    sendBatch(this, c);
  }
}

export type { NodeEvent };
