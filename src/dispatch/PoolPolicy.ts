/**
 * The thread pool's arithmetic (`qnx-model.md` §6.7), apart from any thread: how many threads
 * exist, how many wait for work, when to add threads and when one should exit. The C facade's
 * pool and the RxJS router both run on it.
 * @packageDocumentation
 */

/** `lo_water`, `hi_water`, `increment`, `maximum` of `thread_pool_attr_t`. */
export interface PoolLimits {
  readonly lo_water: number;
  readonly hi_water: number;
  readonly increment: number;
  readonly maximum: number;
}

/** hi_water is at most maximum, lo_water at most hi_water (the pool's start-up rule). */
export function normaliseLimits(l: PoolLimits): PoolLimits {
  const maximum = Math.max(0, l.maximum);
  const hi = Math.min(Math.max(0, l.hi_water), maximum);
  const lo = Math.min(Math.max(0, l.lo_water), hi);
  return { lo_water: lo, hi_water: hi, increment: Math.max(1, l.increment), maximum };
}

/** The counters of a pool and its rules; every method is one moment of the §6.7 table. */
export class PoolPolicy {
  /** Threads alive. */
  created = 0;
  /** Threads blocked waiting for work. */
  waiting = 0;
  /** Threads created that have not started waiting yet. */
  starting = 0;
  private l: PoolLimits;

  constructor(limits: PoolLimits) {
    this.l = normaliseLimits(limits);
  }

  get limits(): PoolLimits {
    return this.l;
  }

  /** New limits (normalised); the caller then grows or unblocks to fit. */
  setLimits(limits: PoolLimits): void {
    this.l = normaliseLimits(limits);
  }

  /** Count a thread the pool creates outside the grow rule (the first one, at start). */
  added(): void {
    this.created++;
    this.starting++;
  }

  /** A thread is about to block for work: returns how many threads to add (already counted). */
  blocking(fresh: boolean): number {
    if (fresh) this.starting--;
    this.waiting++;
    return this.grow();
  }

  /** Work arrived for a waiting thread: returns how many threads to add (already counted). */
  workArrived(): number {
    this.waiting--;
    return this.grow();
  }

  /** A handler finished: whether its thread should exit (enough are waiting already). */
  shouldExit(): boolean {
    return this.waiting >= this.l.hi_water;
  }

  /** Count a thread that ended: after its work, or (`wasWaiting`) while it waited for work. */
  exited(wasWaiting = false): void {
    if (wasWaiting) this.waiting--;
    this.created--;
  }

  /**
   * The grow check: too few waiting (or about to) → up to lo_water at first, then `increment`
   * at a time, never letting the waiting exceed hi_water nor the total exceed maximum. The
   * threads it asks for are counted at once (as created, not yet waiting): the caller must start
   * exactly that many.
   */
  grow(): number {
    const idle = this.waiting + this.starting;
    if (idle >= this.l.lo_water || this.created >= this.l.maximum) return 0;
    let n = this.created < this.l.lo_water ? this.l.lo_water - this.created : this.l.increment;
    n = Math.max(0, Math.min(n, this.l.hi_water - idle, this.l.maximum - this.created));
    this.created += n;
    this.starting += n;
    return n;
  }

  /** A thread counted as created ends before it ever waited (the pool is stopping, or it failed to start). */
  abandoned(): void {
    this.starting--;
    this.created--;
  }
}
