/**
 * What core NATS does not give (it is at-most-once): the batches between two nodes numbered per
 * direction, held until the peer acknowledges them, and sent again when the peer reports a gap
 * or when our own connection comes back (qnet.md §3.7: "a reconnect within the liveness bound
 * with no sequence gap keeps them"). A stream lives as long as the two streams' ids do: kernel
 * sessions (links) come and go over it. Only a loss it cannot repair (a sync reply shows that
 * the peer no longer holds a batch we miss) reaches the node, as a link down ('sequence gap').
 *
 * A stream is named by two random ids (natsWire.ts): `mine`, made with it, and `theirs`, the
 * peer's stream with this node, learned only from a sync reply bound to our request
 * ({@link NatsStream.verified}). Numbers hold between those two only: when `theirs` changes (the
 * peer's process or stream is new), both directions start again at 1 ({@link NatsStream.restart}).
 * Nothing is published before `theirs` is known.
 * @internal
 * @packageDocumentation
 */
import { u32 } from './natsWire.js';

export { BATCH_HEADER } from './natsWire.js';

/** What a stream needs of its network. */
export interface StreamPort {
  /** Publish a batch to the peer (its header filled in; the port signs it when keyed). */
  publish(data: Uint8Array): void;
  /** Ask the peer to sync; the reply or the failure comes back through `onReply` / `onSyncFailed`. */
  request(expected: number, resendTo: number): void;
  /** Hand a batch's frames to the node (through the peer's current link). */
  deliver(batch: Uint8Array, from: number): void;
  /** Take the current link down (an unrepairable gap). */
  lost(reason: string): void;
  /** The stream resumed after our reconnect: the peer answered, nothing was lost. */
  recovered(): void;
}

/** A stream's state as a sync reply tells it: the next batch expected, the oldest held, the last sent. */
export interface SyncState {
  readonly expected: number;
  readonly floor: number;
  readonly sentUpTo: number;
}

interface Held {
  readonly seq: number;
  readonly data: Uint8Array;
}

export class NatsStream {
  /** The peer's stream id (0 until a sync reply told it). */
  theirs = 0;
  /** The next batch number this side publishes. */
  private nextSeq = 1;
  /** The next batch number expected from the peer. */
  expected = 1;
  /** Published and not yet acknowledged, oldest first (from `head`). */
  private readonly held: Held[] = [];
  private head = 0;
  private heldBytes = 0;
  /** Batches before this one are gone from `held` (acknowledged or evicted). */
  private floor = 1;
  /** The highest batch the peer acknowledged: a sync request that asks for less is stale. */
  private ackHigh = 0;
  /** Held batches were never published (made before `theirs` was known). */
  private unsent = false;
  /** Publishing paused: our connection is down, or back and not yet synced with the peer. */
  paused = false;
  /** Resuming after our reconnect: sync until the peer answers (no responders is not final yet). */
  resuming = false;
  /** A sync request is out (its `nextSeq` then, to resend what it shows lost). */
  private syncing = 0;
  /** The peer sent up to here (a gap seen, or its reply said so): ask for it. */
  private wantTo = 0;
  /** Test hook: lose the next `losing` publishes on the wire (they stay held, so they are repaired). */
  losing = 0;

  /** `mine`: this stream's id (random, never 0). */
  constructor(private readonly port: StreamPort, private readonly maxHeldBytes: number, readonly mine: number) {}

  /** A batch of frames (`BATCH_HEADER` bytes left free at its start) goes out, numbered and held. */
  send(data: Uint8Array): void {
    const seq = this.nextSeq++;
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    dv.setUint32(0, this.mine, true);
    dv.setUint32(8, seq, true);
    this.held.push({ seq, data });
    this.heldBytes += data.length;
    while (this.heldBytes > this.maxHeldBytes && this.head < this.held.length - 1) this.evict();
    if (this.theirs === 0) this.unsent = true;
    else if (!this.paused) this.put(data);
  }

  /**
   * A batch of this stream from the peer (its frames from `at` on): in order, handed on; an
   * earlier one, dropped (`'duplicate'`); past a gap, dropped and asked for again. `'malformed'`
   * when it acknowledges a batch never sent.
   */
  receive(data: Uint8Array, at: number): 'duplicate' | 'malformed' | null {
    const seq = u32(data, 8);
    const ack = u32(data, 12);
    if (seq === 0 || ack >= this.nextSeq) return 'malformed';
    this.acked(ack);
    if (seq < this.expected) return 'duplicate';
    if (seq > this.expected) {
      this.want(seq);
      return null;
    }
    this.expected++;
    this.port.deliver(data, at);
    return null;
  }

  /**
   * A sync request of this stream: apply it, resend what it asks (what is still held of it), and
   * return our state; null when it acknowledges a batch never sent. A stale one (it expects less
   * than the peer acknowledged already: a replay) changes nothing. What is no longer held is the
   * requester's loss: our reply's `floor` tells it, and it ends its session.
   */
  answer(expected: number, resendTo: number): SyncState | null {
    if (expected === 0 || expected > this.nextSeq) return null;
    if (expected - 1 >= this.ackHigh) {
      this.acked(expected - 1);
      this.resend(expected, Math.min(resendTo, this.nextSeq - 1));
    }
    return this.state();
  }

  /** Our sync request's reply: the peer's state, or null when it had none of this stream yet. */
  onReply(reply: SyncState | null): void {
    const sentBefore = this.syncing;
    const unsent = this.unsent;
    this.syncing = 0;
    this.unsent = false;
    if (reply === null) {
      // alive, but it knows no stream of ours yet: nothing was lost that it could know of
      if (unsent || this.paused) this.resend(1, this.nextSeq - 1);
      this.resumed();
      return;
    }
    const { expected, floor, sentUpTo } = reply;
    if (expected > this.nextSeq || sentUpTo < floor - 1) return this.resumed(); // nonsense: only "alive"
    this.acked(expected - 1);
    if (floor > this.expected) {
      // what we miss is gone for good: the session that needed it ends (everything it sent so
      // far with it), and the stream goes on from its next batch (asking for any that arrived
      // past the gap meanwhile)
      this.expected = sentUpTo + 1;
      const past = this.wantTo;
      this.wantTo = 0;
      this.unpause();
      this.port.lost('sequence gap (batches lost past repair)');
      if (past >= this.expected) this.want(past);
      return;
    }
    // what it misses that we no longer hold is its loss: its own sync's reply shows it our floor
    this.resend(expected, this.paused || unsent ? this.nextSeq - 1 : sentBefore - 1);
    this.resumed();
    // nothing past what it has sent exists (a gap seen from a stream of its former process)
    if (this.wantTo > sentUpTo) this.wantTo = sentUpTo;
    if (sentUpTo >= this.expected) this.want(sentUpTo);
  }

  /** Our sync request failed: `none` (no responders) or a timeout. True when the peer is to be taken down. */
  onSyncFailed(none: boolean): boolean {
    this.syncing = 0;
    return none && !this.resuming;
  }

  /** Ask the peer for its state (and for batches from `wantTo` back to `expected`); at most one request is out. */
  sync(): void {
    if (this.syncing !== 0) return;
    this.syncing = this.nextSeq;
    this.port.request(this.expected, this.wantTo >= this.expected ? this.wantTo : 0);
  }

  /** Whether a sync request is out. */
  get syncPending(): boolean {
    return this.syncing !== 0;
  }

  /** The peer's stream id, learned for the first time (what was held goes out with the reply's state). */
  verified(theirs: number): void {
    this.theirs = theirs;
  }

  /** The peer's stream is another one now (its process or stream is new): both directions start again. */
  restart(theirs: number): void {
    this.theirs = theirs;
    this.nextSeq = 1;
    this.expected = 1;
    this.held.length = 0;
    this.head = 0;
    this.heldBytes = 0;
    this.floor = 1;
    this.ackHigh = 0;
    this.unsent = false;
    this.syncing = 0;
    this.wantTo = 0;
  }

  /** Bytes held for resending (bounded by `maxHeldBytes`). */
  get heldSize(): number {
    return this.heldBytes;
  }

  /** What a sync reply tells of this stream. */
  state(): SyncState {
    return { expected: this.expected, floor: this.floor, sentUpTo: this.nextSeq - 1 };
  }

  /** Publish again: a resume ended (answered, lost past repair, or given up at the heartbeat bound). */
  unpause(): void {
    this.resuming = false;
    this.paused = false;
  }

  /** The peer answered after our reconnect: nothing was lost. */
  private resumed(): void {
    if (!this.resuming) return;
    this.unpause();
    this.port.recovered();
  }

  private want(seq: number): void {
    if (seq > this.wantTo) this.wantTo = seq;
    this.sync();
  }

  private put(data: Uint8Array): void {
    if (this.losing > 0) {
      this.losing--;
      return;
    }
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    dv.setUint32(4, this.theirs, true);
    dv.setUint32(12, this.expected - 1, true);
    this.port.publish(data);
  }

  /** Publish again the batches of `from`..`to` still held. */
  private resend(from: number, to: number): void {
    for (let i = this.head; i < this.held.length; i++) {
      const h = this.held[i]!;
      if (h.seq > to) break;
      if (h.seq >= from) this.put(h.data);
    }
  }

  /** The peer has everything up to `seq`. */
  private acked(seq: number): void {
    if (seq > this.ackHigh) this.ackHigh = seq;
    while (this.head < this.held.length && this.held[this.head]!.seq <= seq) this.evict();
  }

  private evict(): void {
    const h = this.held[this.head]!;
    this.heldBytes -= h.data.length;
    this.floor = h.seq + 1;
    this.head++;
    if (this.head === this.held.length) {
      this.held.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.held.length) {
      this.held.splice(0, this.head);
      this.head = 0;
    }
  }
}
