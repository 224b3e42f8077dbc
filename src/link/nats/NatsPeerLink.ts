/**
 * One kernel session with one peer over NATS: the frames of a tick go out as one batch of the
 * peer's {@link NatsStream} (each frame prefixed by its length); batches from the stream are cut
 * back into frames for the node.
 * @internal
 * @packageDocumentation
 */
import { LinkBase } from '../LinkBase.js';
import { TickBatch } from '../TickBatch.js';
import { BATCH_HEADER } from './natsWire.js';

/** The test faults of a peer, shared by its links (a new link inherits a severed peer). */
export interface PeerFaults {
  /** Every frame to and from the peer is lost (a silent partition). */
  severed: boolean;
}

export class NatsPeerLink extends LinkBase {
  readonly kind = 'nats' as const;
  /** Test hook: the next frames are lost before the stream numbers them (a loss past repair). */
  dropping = 0;
  /** Frames were handed to the node on this link (the peer spoke on it). */
  heard = false;

  private readonly batch: TickBatch;

  /**
   * `sender` goes after the stream's header in every batch (the sender's name, length first:
   * the subject names only the receiver); `tagBytes` are left free at the end for the MAC.
   * `closed` hears the node's reason when it closes the link.
   */
  constructor(
    private readonly out: (batch: Uint8Array) => void,
    readonly maxFrameBytes: number,
    private readonly sender: Uint8Array,
    private readonly tagBytes: number,
    private readonly faults: PeerFaults,
    private readonly closedBy: (reason: string) => void,
  ) {
    super();
    this.batch = new TickBatch((frames, bytes) => this.publish(frames, bytes), maxFrameBytes, 4);
  }

  get severed(): boolean {
    return this.faults.severed;
  }

  send(frame: Uint8Array): boolean {
    if (this.closed) return false;
    if (this.faults.severed) return true;
    if (this.dropping > 0) {
      this.dropping--;
      return true;
    }
    this.batch.add(frame);
    return true;
  }

  private publish(frames: Uint8Array[], bytes: number): void {
    if (this.closed) return;
    const out = new Uint8Array(BATCH_HEADER + this.sender.length + bytes + this.tagBytes);
    const dv = new DataView(out.buffer);
    out.set(this.sender, BATCH_HEADER);
    let at = BATCH_HEADER + this.sender.length;
    for (const f of frames) {
      dv.setUint32(at, f.length, true);
      out.set(f, at + 4);
      at += 4 + f.length;
    }
    this.out(out);
  }

  /** A batch's frames from `at` on, in order (checked whole by the network: `framesFit`). */
  deliver(batch: Uint8Array, at: number): void {
    const dv = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
    while (at + 4 <= batch.length && !this.closed && !this.faults.severed) {
      const n = dv.getUint32(at, true);
      const frame = batch.subarray(at + 4, Math.min(batch.length, at + 4 + n));
      at += 4 + n;
      this.heard = true;
      this.frameHandler?.(frame);
    }
  }

  /** What this tick queued still goes out before the link closes. */
  override close(reason: string): void {
    if (!this.closed) this.batch.flush();
    super.close(reason);
  }

  protected cleanup(): void {
    this.batch.clear();
  }

  protected override release(reason: string): void {
    this.closedBy(reason);
  }
}
