/**
 * How a ring's reader backs off a way of waiting that keeps failing (a spin, or looks at each
 * turn of the event loop, that end with nothing: the other side is slow or quiet, or the cores
 * are busy and the waiting takes time from the thread that would answer): after two misses in a
 * row the next tries are skipped, more of them each time, until one hits.
 * @internal
 * @packageDocumentation
 */

/** Misses, skips and the backoff level of one way of waiting. */
export class Backoff {
  private skip = 0;
  private misses = 0;
  private level = 0;

  /** Whether to try now (false: this try is skipped). */
  tryNow(): boolean {
    if (this.skip === 0) return true;
    this.skip--;
    return false;
  }

  /** A try found a frame: no backoff any more. */
  hit(): void {
    this.misses = this.level = 0;
  }

  /** A try ended with nothing: after two in a row, skip the next `4 << level` (up to 256). */
  miss(): void {
    if (++this.misses < 2) return;
    this.misses = 0;
    this.skip = 4 << this.level;
    if (this.level < 6) this.level++;
  }
}
