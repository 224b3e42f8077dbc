/// <reference lib="dom" />
/**
 * Run an async job at most once per `minMs`, never two at once, and once more after a run if it
 * was asked for meanwhile (a trailing run): a view refetched on `changed` at most ~4 times a second.
 * @packageDocumentation
 */
export class Throttle {
  private running = false;
  private wanted = false;
  private last = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly job: () => Promise<void>, private readonly minMs = 250, private readonly now: () => number = () => performance.now()) {}

  /** Ask for a run: now if allowed, else once the period is over or the running one ends. */
  request(): void {
    this.wanted = true;
    this.pump();
  }

  /** Forget a pending run (the view was hidden). */
  cancel(): void {
    this.wanted = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private pump(): void {
    if (!this.wanted || this.running || this.timer !== null) return;
    const wait = this.last + this.minMs - this.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, wait);
      return;
    }
    this.wanted = false;
    this.running = true;
    this.last = this.now();
    this.job()
      .catch(() => undefined)
      .finally(() => {
        this.running = false;
        this.pump();
      });
  }
}
