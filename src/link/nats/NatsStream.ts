/**
 * What core NATS does not give (it is at-most-once): the batches between two nodes numbered per
 * direction, held until the peer acknowledges them, and sent again when the peer reports a gap
 * or when our own connection comes back (qnet.md §3.7: "a reconnect within the liveness bound
 * with no sequence gap keeps them"). A stream lives as long as the two node processes: kernel
 * sessions (links) come and go over it. Only a loss it cannot repair (the peer asks for a batch
 * no longer held) reaches the node, as a link down ('sequence gap').
 *
 * Wire (u32 little-endian): a batch is `[epoch][seq][ack]`, the sender's name (a length byte
 * and its bytes: the subject names only the receiver), then its frames; a sync request is
 * `[epoch][expected][resendTo]` then the requester's name; a sync reply is
 * `[epoch][expected][floor][sentUpTo]`. `epoch` names the sender's process (random per join): a
 * new one means the peer restarted, and both directions start again at 1.
 * @internal
 * @packageDocumentation
 */

export const BATCH_HEADER = 12;

/** What a stream needs of its network. */
export interface StreamPort {
  /** This process's epoch. */
  readonly epoch: number;
  /** Publish a batch to the peer (false: our connection is down; it stays held). */
  publish(data: Uint8Array): void;
  /** Ask the peer to sync; the reply or the failure comes back through `onReply` / `onSyncFailed`. */
  request(payload: Uint8Array): void;
  /** Hand a batch's frames to the node (through the peer's current link). */
  deliver(batch: Uint8Array, from: number): void;
  /** Take the current link down (an unrepairable gap, a restart of the peer). */
  lost(reason: string): void;
  /** The stream resumed after our reconnect: the peer answered, nothing was lost. */
  recovered(): void;
}

interface Held {
  readonly seq: number;
  readonly data: Uint8Array;
}

/** The little-endian u32 at `at` of `b` (the wire's every field). */
export const u32 = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, true);

export class NatsStream {
  /** The peer's epoch (0 until heard). */
  peerEpoch = 0;
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

  constructor(private readonly port: StreamPort, private readonly maxHeldBytes: number) {}

  /** A batch of frames (`BATCH_HEADER` bytes left free at its start) goes out, numbered and held. */
  send(data: Uint8Array): void {
    const seq = this.nextSeq++;
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    dv.setUint32(0, this.port.epoch, true);
    dv.setUint32(4, seq, true);
    this.held.push({ seq, data });
    this.heldBytes += data.length;
    while (this.heldBytes > this.maxHeldBytes && this.head < this.held.length - 1) this.evict();
    if (!this.paused) this.put(data);
  }

  /**
   * A batch from the peer (its frames from `at` on): in order, handed on; a duplicate, dropped;
   * past a gap, dropped and asked for again.
   */
  receive(data: Uint8Array, at = BATCH_HEADER): void {
    if (data.length < at) return;
    const seq = u32(data, 4);
    this.acked(u32(data, 8));
    if (seq < this.expected) return;
    if (seq > this.expected) {
      this.want(seq);
      return;
    }
    this.expected++;
    this.port.deliver(data, at);
  }

  /** A sync request (the payload as received): apply it, resend what it asks, return the reply. */
  answer(req: Uint8Array): Uint8Array {
    const expected = u32(req, 4);
    const resendTo = u32(req, 8);
    this.acked(expected - 1);
    if (resendTo >= expected && !this.resend(expected, resendTo)) this.port.lost('sequence gap (the batches asked for are no longer held)');
    return this.state();
  }

  /** Our sync request's reply. */
  onReply(reply: Uint8Array): void {
    const sentBefore = this.syncing;
    this.syncing = 0;
    if (reply.length < 16) {
      // alive, but it had no stream for us yet: nothing was lost that it could know of
      this.resumed();
      return;
    }
    const expected = u32(reply, 4);
    const floor = u32(reply, 8);
    const sentUpTo = u32(reply, 12);
    this.acked(expected - 1);
    if (floor > this.expected) {
      // what we miss is gone for good: the session that needed it ends (everything it sent so
      // far with it), and the stream goes on from its next batch
      this.expected = sentUpTo + 1;
      this.wantTo = 0;
      this.unpause();
      this.port.lost('sequence gap (batches lost past repair)');
      return;
    }
    const upTo = this.paused ? this.nextSeq - 1 : sentBefore - 1;
    if (expected <= upTo && !this.resend(expected, upTo)) {
      this.unpause();
      this.port.lost('sequence gap (the batches asked for are no longer held)');
      return;
    }
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

  /** Ask the peer for its state (and for batches from `wantTo` back to `expected`). */
  sync(): void {
    if (this.syncing !== 0) return;
    this.syncing = this.nextSeq;
    const req = new Uint8Array(12);
    const dv = new DataView(req.buffer);
    dv.setUint32(0, this.port.epoch, true);
    dv.setUint32(4, this.expected, true);
    dv.setUint32(8, this.wantTo >= this.expected ? this.wantTo : 0, true);
    this.port.request(req);
  }

  /** The peer restarted (a new epoch): both directions start again. */
  restart(epoch: number): void {
    this.peerEpoch = epoch;
    this.nextSeq = 1;
    this.expected = 1;
    this.held.length = 0;
    this.head = 0;
    this.heldBytes = 0;
    this.floor = 1;
    this.syncing = 0;
    this.wantTo = 0;
  }

  /** Bytes held for resending (bounded by `maxHeldBytes`). */
  get heldSize(): number {
    return this.heldBytes;
  }

  private state(): Uint8Array {
    const out = new Uint8Array(16);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, this.port.epoch, true);
    dv.setUint32(4, this.expected, true);
    dv.setUint32(8, this.floor, true);
    dv.setUint32(12, this.nextSeq - 1, true);
    return out;
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
    new DataView(data.buffer, data.byteOffset, data.byteLength).setUint32(8, this.expected - 1, true);
    this.port.publish(data);
  }

  /** Publish the held batches `from`..`to` again; false when some are no longer held. */
  private resend(from: number, to: number): boolean {
    if (from < this.floor) return false;
    for (let i = this.head; i < this.held.length; i++) {
      const h = this.held[i]!;
      if (h.seq > to) break;
      if (h.seq >= from) this.put(h.data);
    }
    return true;
  }

  /** The peer has everything up to `seq`. */
  private acked(seq: number): void {
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
