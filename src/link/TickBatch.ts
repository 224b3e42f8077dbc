/**
 * The frames a link is given in one tick, sent as one transport message (one `postMessage`, one
 * NATS publish): many sends or pulses in flight cost few messages. Frames from `encodeFrame`
 * are never rewritten, so holding them until the end of the tick is safe.
 * @internal
 * @packageDocumentation
 */
export class TickBatch {
  private frames: Uint8Array[] = [];
  private bytes = 0;
  private queued = false;

  /**
   * `out` gets each batch with its size (frames plus `overhead` bytes each); a batch never grows
   * past `limit` (a frame that would pass it starts the next one).
   */
  constructor(
    private readonly out: (frames: Uint8Array[], bytes: number) => void,
    private readonly limit = Number.POSITIVE_INFINITY,
    private readonly overhead = 0,
  ) {}

  add(frame: Uint8Array): void {
    const size = frame.length + this.overhead;
    if (this.frames.length > 0 && this.bytes + size > this.limit) this.flush();
    this.frames.push(frame);
    this.bytes += size;
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      this.flush();
    });
  }

  /** Send what is queued now. */
  flush(): void {
    if (this.frames.length === 0) return;
    const frames = this.frames;
    const bytes = this.bytes;
    this.frames = [];
    this.bytes = 0;
    this.out(frames, bytes);
  }

  /** Drop what is queued (the link ended). */
  clear(): void {
    this.frames = [];
    this.bytes = 0;
  }
}
