/**
 * One kernel session with one peer over NATS: the frames of a tick go out as one batch of the
 * peer's {@link NatsStream} (each frame prefixed by its length); batches from the stream are cut
 * back into frames for the node.
 * @internal
 * @packageDocumentation
 */
import { LinkBase } from '../LinkBase.js';
import { TickBatch } from '../TickBatch.js';
import { BATCH_HEADER } from './NatsStream.js';

export class NatsPeerLink extends LinkBase {
  readonly kind = 'nats' as const;
  /** Test hook: every frame to and from the peer is lost (a silent partition). */
  severed = false;
  /** Test hook: the next frames are lost before the stream numbers them (a loss past repair). */
  dropping = 0;

  private readonly batch: TickBatch;

  /**
   * `sender` goes after the stream's header in every batch (the sender's name, length first:
   * the subject names only the receiver).
   */
  constructor(private readonly out: (batch: Uint8Array) => void, readonly maxFrameBytes: number, private readonly sender: Uint8Array) {
    super();
    this.batch = new TickBatch((frames, bytes) => this.publish(frames, bytes), maxFrameBytes, 4);
  }

  send(frame: Uint8Array): boolean {
    if (this.closed) return false;
    if (this.severed) return true;
    if (this.dropping > 0) {
      this.dropping--;
      return true;
    }
    this.batch.add(frame);
    return true;
  }

  private publish(frames: Uint8Array[], bytes: number): void {
    if (this.closed) return;
    const out = new Uint8Array(BATCH_HEADER + this.sender.length + bytes);
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

  /** A batch's frames from `at` on, in order (a malformed batch hands the node what it can read). */
  deliver(batch: Uint8Array, at: number): void {
    const dv = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
    while (at + 4 <= batch.length && !this.closed && !this.severed) {
      const n = dv.getUint32(at, true);
      const frame = batch.subarray(at + 4, Math.min(batch.length, at + 4 + n));
      at += 4 + n;
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
}
