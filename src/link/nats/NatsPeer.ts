/**
 * One peer node on NATS: its stream (outliving kernel sessions), the link of the current
 * session, and what it has proved of itself. A peer's stream id and process epoch are taken only
 * from a sync reply bound to our request (a nonce; with a key, a MAC over it): a message of
 * another stream or epoch is dropped (`replayed`) and only makes this node ask the peer (one sync
 * at a time). So a forged or replayed message costs a probe at most, never the pair; a verified
 * new stream restarts the stream and takes the link down, and the link is made again at once.
 * @internal
 * @packageDocumentation
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { DropReason, Kernel } from '../../kernel/index.js';
import { KIND, TAG_BYTES, type NatsAuth } from './natsAuth.js';
import { noResponders } from './natsNames.js';
import { NatsPeerLink, type PeerFaults } from './NatsPeerLink.js';
import { NatsStream, type StreamPort } from './NatsStream.js';
import { compose, parse, random, WORDS } from './natsWire.js';

/** Batches of an unverified stream kept while its sync is out (more are dropped). */
const EARLY = 16;

/** A joined network's state, shared by its peers. */
export interface Net {
  readonly k: Kernel;
  readonly nc: NatsConnection;
  readonly me: string;
  /** `rxnto.<domain>`. */
  readonly prefix: string;
  /** This process's epoch on the network (random per join). */
  readonly epoch: number;
  /** This node's name as messages carry it (natsWire.ts `nameField`). */
  readonly sender: Uint8Array;
  /** The domain's key, or null. */
  readonly auth: NatsAuth | null;
  /** The scopes of the messages this node receives (null without a key). */
  readonly scopes: { readonly synced: Uint8Array } | null;
  readonly maxFrameBytes: number;
  readonly probeMs: number;
  readonly resendBytes: number;
  readonly peers: Map<string, NatsPeer>;
  /** Left the domain. */
  closed: boolean;
  /** Our connection is closed for good: no link can be made any more. */
  ended: boolean;
  /** Count a message the NATS layer dropped (`kernel.netStats().drops`). */
  drop(reason: DropReason, node: string, detail?: string): void;
}

/** `data` without its tag when its MAC is valid (or the domain has no key); null (counted) otherwise. */
export function opened(net: Net, scope: Uint8Array | undefined, data: Uint8Array): Uint8Array | null {
  if (net.auth === null || scope === undefined) return data;
  if (!net.auth.check(scope, data)) {
    net.drop('unauthenticated', '', 'no valid MAC');
    return null;
  }
  return data.subarray(0, data.length - TAG_BYTES);
}

export class NatsPeer implements StreamPort, PeerFaults {
  link: NatsPeerLink | null = null;
  readonly stream: NatsStream;
  /** The peer's process epoch, as a verified reply told it (0 before). */
  epoch = 0;
  /** Its process left (a bye) or is gone (no responders): not probed until it speaks again. */
  gone = false;
  /** Test fault: every message to and from it is lost. */
  severed = false;
  /** When it was first met (a name not proved within the liveness bound is forgotten). */
  private readonly met = Date.now();
  /** Batches of a stream not verified yet, waiting for the reply of the sync they set off. */
  private readonly early: Array<{ readonly body: Uint8Array; readonly sid: number; readonly dst: number; readonly at: number }> = [];
  private readonly tag: number;
  /** Scopes of what we send it (null without a key). */
  private readonly out: { readonly batch: Uint8Array; readonly sync: Uint8Array; readonly synced: Uint8Array } | null;

  constructor(private readonly net: Net, readonly name: string) {
    this.stream = new NatsStream(this, net.resendBytes, random());
    const a = net.auth;
    this.tag = a === null ? 0 : TAG_BYTES;
    this.out = a === null ? null : { batch: a.scope(KIND.batch, name), sync: a.scope(KIND.sync, name), synced: a.scope(KIND.synced, name) };
  }

  /** Whether this is still the network's peer of its name (not forgotten, not left). */
  get current(): boolean {
    return !this.net.closed && this.net.peers.get(this.name) === this;
  }

  /** The live link, made and joined to the node if there is none; null when none can be. */
  linked(): NatsPeerLink | null {
    if (this.link !== null && !this.link.closed) return this.link;
    const net = this.net;
    if (net.closed || net.ended || this.severed || !this.current) return null;
    const l: NatsPeerLink = new NatsPeerLink((b) => this.stream.send(b), net.maxFrameBytes, net.sender, this.tag, this, (reason) => this.closedBy(l, reason));
    try {
      // transient: NATS named the peer, so one that never says HELLO is forgotten at the bound
      net.k.addLink(l, this.name, { transient: true });
    } catch {
      net.drop('unknown-peer', this.name, 'the peer table is full');
      this.forget();
      return null;
    }
    this.link = l;
    return l;
  }

  /** Forgotten: no longer the network's peer of its name. */
  forget(): void {
    if (this.net.peers.get(this.name) === this) this.net.peers.delete(this.name);
  }

  /** The node closed a link: a peer that never answered and that it forgot is forgotten here too. */
  private closedBy(l: NatsPeerLink, reason: string): void {
    if (reason === 'handshake timeout' && l === this.link && !this.net.k.net!.knows(this.name)) this.forget();
  }

  // ---- what arrives from it ----

  /**
   * A batch (checked: MAC, layout) with its words; its frames from `at`. One of a stream not
   * verified waits for the reply of the sync it sets off (NATS hands a reply to us after the
   * messages that came with it): taken then if the reply proves its stream, dropped if not.
   */
  onBatch(body: Uint8Array, sid: number, dst: number, at: number, again = false): void {
    if (this.severed) return;
    const s = this.stream;
    if (s.theirs === 0 || sid !== s.theirs || dst !== s.mine) {
      if (!again) s.sync(); // one probe: its reply shows whether the peer's stream is new, and our request shows it ours
      if (again || !s.syncPending || this.early.length >= EARLY) this.net.drop('replayed', this.name, 'a batch of another stream');
      else this.early.push({ body: body.slice(), sid, dst, at });
      return;
    }
    const r = s.receive(body, at);
    if (r !== null) this.net.drop(r === 'duplicate' && this.tag > 0 ? 'replayed' : r, this.name);
  }

  /** A sync request (checked) from it: apply it if it is of our stream, and return the reply (null: none). */
  onSync(words: readonly number[]): Uint8Array | null {
    const [sid, dst, expected, resendTo, n0, n1] = words as [number, number, number, number, number, number];
    const s = this.stream;
    let state = s.state();
    if (s.theirs !== 0 && sid === s.theirs && dst === s.mine) {
      const answered = s.answer(expected, resendTo);
      if (answered === null) {
        this.net.drop('malformed', this.name, 'a sync acknowledging what was never sent');
        return null;
      }
      state = answered;
      if (this.link === null || this.link.closed) s.sync(); // alive: its reply makes the link again
    } else {
      // not of our stream: answered (that tells the peer our stream), applied not. A request of
      // its current stream that does not know ours yet (dst 0: it is asking who we are) is no drop
      if (s.theirs !== 0 && (sid !== s.theirs || dst !== 0)) this.net.drop('replayed', this.name, 'a sync of another stream');
      if (sid !== s.theirs) s.sync(); // learn its stream (our request goes out before our reply)
    }
    const reply = compose([s.mine, s.theirs, this.net.epoch, state.expected, state.floor, state.sentUpTo, n0, n1], this.net.sender, 0, this.tag);
    return this.out === null ? reply : this.net.auth!.sign(this.out.synced, reply);
  }

  /** Its hello: a process we have not verified is asked (the reply tells whether it is new). */
  onHello(epoch: number): void {
    if (this.severed) return;
    if (epoch !== this.epoch || this.link === null || this.link.closed) this.stream.sync();
  }

  /** Its bye: taken only from its current process (a replay of an earlier one's changes nothing). */
  onBye(epoch: number): void {
    if (this.epoch === 0 || epoch !== this.epoch) {
      this.net.drop('replayed', this.name, 'a bye of another process');
      return;
    }
    this.gone = true;
    this.link?.down('left the NATS domain');
  }

  /** A provider's answer (checked, bound to our lookup) names this peer with `epoch`. */
  found(epoch: number): void {
    if (epoch !== this.epoch) this.stream.sync();
    this.gone = false;
  }

  // ---- StreamPort ----

  publish(data: Uint8Array): void {
    const net = this.net;
    if (net.closed || this.severed) return;
    if (this.out !== null) net.auth!.sign(this.out.batch, data);
    try {
      net.nc.publish(`${net.prefix}.f.${this.name}`, data);
    } catch {
      // the connection is closed or draining: the batch stays held; the liveness rules decide
    }
  }

  request(expected: number, resendTo: number): void {
    const net = this.net;
    const s = this.stream;
    const n0 = random();
    const n1 = random();
    const req = compose([s.mine, s.theirs, expected, resendTo, n0, n1], net.sender, 0, this.tag);
    if (this.out !== null) net.auth!.sign(this.out.sync, req);
    let sent: Promise<{ data: Uint8Array }>;
    try {
      sent = net.nc.request(`${net.prefix}.hb.${this.name}`, req, { timeout: net.probeMs });
    } catch (e) {
      sent = Promise.reject(e);
    }
    sent.then((m) => this.onSynced(m.data, n0, n1), (e: unknown) => this.onSyncFailed(e));
  }

  deliver(batch: Uint8Array, at: number): void {
    this.gone = false;
    this.linked()?.deliver(batch, at);
  }

  lost(reason: string): void {
    this.link?.down(reason);
    this.linked(); // the peer is alive (it asked or answered): a new session at once
  }

  recovered(): void {
    this.link?.suspect(false, 'NATS connection back');
  }

  // ---- our sync's outcome ----

  private onSynced(data: Uint8Array, n0: number, n1: number): void {
    if (!this.current) return;
    const s = this.stream;
    const body = opened(this.net, this.net.scopes?.synced, data);
    const p = body === null ? null : parse(body, WORDS.synced);
    if (body !== null && p === null) this.net.drop('malformed', this.name, 'a sync reply');
    if (p === null) {
      this.onSyncFailed(null);
      return;
    }
    const [sid, dst, epoch, expected, floor, sentUpTo, r0, r1] = p.words as [number, number, number, number, number, number, number, number];
    if (r0 !== n0 || r1 !== n1 || p.name !== this.name || sid === 0 || epoch === 0) {
      this.net.drop(r0 !== n0 || r1 !== n1 ? 'replayed' : 'malformed', this.name, 'a sync reply not to our request');
      this.onSyncFailed(null);
      return;
    }
    if (s.theirs === 0) s.verified(sid);
    else if (sid !== s.theirs) {
      // a new stream of the peer, proved: both directions start again, and so does the session
      const why = this.epoch !== 0 && epoch !== this.epoch ? 'restarted' : 'stream reset';
      this.link?.down(why);
      s.restart(sid);
    }
    this.epoch = epoch;
    this.gone = false;
    this.linked(); // it answers: a link reaches it (made again if it was closed)
    s.onReply(dst === s.mine ? { expected, floor, sentUpTo } : null);
    for (const e of this.early.splice(0)) this.onBatch(e.body, e.sid, e.dst, e.at, true);
  }

  private onSyncFailed(e: unknown): void {
    if (!this.current) return;
    for (let n = this.early.splice(0).length; n > 0; n--) this.net.drop('replayed', this.name, 'a batch of a stream not proved');
    const none = noResponders(e);
    const final = this.stream.onSyncFailed(none);
    if (this.stream.theirs === 0 && (this.link === null || this.link.closed)) {
      // never proved to exist, nothing linked: forgotten when nobody answers (a forged name costs
      // one probe), or when it stays silent for the liveness bound (until then, asked at each probe)
      const k = this.net.k.net!;
      if (none || Date.now() - this.met >= k.heartbeatMs * k.missed) this.forget();
      return;
    }
    if (!final) return;
    this.gone = true;
    // a session that never started is the node's to end (at its bound, forgetting the name)
    if (this.link !== null && this.link.heard) this.link.down('no responders');
  }
}
