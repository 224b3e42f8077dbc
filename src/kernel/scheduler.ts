import { MinHeap } from './MinHeap.js';

/**
 * The kernel's only source of time. It is structurally an RxJS `SchedulerLike`, so
 * `asyncScheduler` or a `TestScheduler` can be passed as is, without the kernel importing RxJS.
 */
export interface KernelScheduler {
  /** Milliseconds since an arbitrary origin. */
  now(): number;
  /** Run `work` once after `delay` milliseconds; the returned handle cancels it. */
  schedule(work: (this: unknown, state?: unknown) => void, delay?: number, state?: unknown): TimerHandle;
}

/** What {@link KernelScheduler.schedule} returns: `unsubscribe()` cancels the work. */
export interface TimerHandle {
  unsubscribe(): void;
}

interface VirtualTask {
  readonly at: number;
  readonly seq: number;
  readonly work: () => void;
  cancelled: boolean;
  ran: boolean;
}

/**
 * A scheduler whose time moves only when told to. Timers due at the same instant run in the
 * order they were scheduled. Used by kernel specs and by `rxnto/testing`.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const kernel = createKernel({ scheduler: clock });
 * clock.advanceBy(1000); // runs every timer due in the next second
 * ```
 */
export class VirtualClock implements KernelScheduler {
  private time = 0;
  private seq = 0;
  /** Pending tasks by (at, seq); a cancelled task stays until it reaches the top (lazy cancel). */
  private readonly tasks = new MinHeap<VirtualTask>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  private live = 0;
  /** Cancelled tasks still in the heap; past a quarter of it, they are swept out. */
  private dead = 0;
  /**
   * Tasks scheduled since time last moved, not yet in the heap: a timeout armed and cancelled
   * before any time passes (the common case) never costs a heap insertion.
   */
  private recent: VirtualTask[] = [];

  now(): number {
    return this.time;
  }

  schedule(work: (this: unknown, state?: unknown) => void, delay = 0, state?: unknown): TimerHandle {
    const task: VirtualTask = {
      at: this.time + Math.max(0, delay),
      seq: this.seq++,
      // `this` in the work is its action, as RxJS schedulers give it (operators such as
      // timeout() re-schedule or end themselves through it)
      work: () => work.call(action, state),
      cancelled: false,
      ran: false,
    };
    const action = {
      schedule: (next?: unknown, again = 0): TimerHandle => this.schedule(work, again, next),
      unsubscribe: (): void => this.cancel(task),
    };
    this.recent.push(task);
    this.live++;
    return action;
  }

  /** The earliest task still pending (cancelled ones at the top are dropped). */
  private top(): VirtualTask | undefined {
    if (this.recent.length > 0) {
      for (const task of this.recent) {
        if (task.cancelled) this.dead--;
        else this.tasks.push(task);
      }
      this.recent = [];
    }
    let t = this.tasks.peek();
    while (t !== undefined && t.cancelled) {
      this.tasks.pop();
      this.dead--;
      t = this.tasks.peek();
    }
    return t;
  }

  /** The time of the next pending timer, or `undefined` when none is pending. */
  nextDue(): number | undefined {
    return this.top()?.at;
  }

  /** Number of timers still pending. */
  get pending(): number {
    return this.live;
  }

  /** Run the earliest pending timer (moving time to it). Returns false when there is none. */
  runNext(): boolean {
    const task = this.top();
    if (task === undefined) return false;
    this.tasks.pop();
    task.ran = true; // done: a later unsubscribe changes nothing
    this.live--;
    this.time = Math.max(this.time, task.at);
    task.work();
    return true;
  }

  /** Move time forward by `ms`, running every timer that falls due, in order. */
  advanceBy(ms: number): void {
    this.advanceTo(this.time + ms);
  }

  /** Move time to `t`, running every timer due at or before it. */
  advanceTo(t: number): void {
    for (;;) {
      const next = this.top();
      if (next === undefined || next.at > t) break;
      this.runNext();
    }
    this.time = Math.max(this.time, t);
  }

  /** Run timers until none is left, or until `limit` have run (periodic timers never end). */
  flush(limit = 100_000): number {
    let n = 0;
    while (n < limit && this.runNext()) n++;
    return n;
  }

  private cancel(task: VirtualTask): void {
    if (task.cancelled || task.ran) return;
    task.cancelled = true;
    this.live--;
    // timeouts armed and cancelled by the million must not pile up under a far timer
    if (++this.dead > 1024 && this.dead * 4 > this.tasks.size + this.recent.length) {
      this.tasks.retain((t) => !t.cancelled);
      this.recent = this.recent.filter((t) => !t.cancelled);
      this.dead = 0;
    }
  }
}

/** Nanoseconds (number or bigint) to scheduler milliseconds, rounded up: timers never fire early. */
export function nsToMs(ns: number | bigint): number {
  if (typeof ns === 'bigint') return Number((ns + 999_999n) / 1_000_000n);
  return Math.ceil(ns / 1_000_000);
}

/** The longest delay a host timer takes (`setTimeout` fires at once beyond 2³¹ − 1 ms). */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * `scheduler.schedule(work, ms)` that is never early: a delay beyond {@link MAX_TIMER_DELAY} is
 * a chain of shorter ones (Node and browsers run a longer `setTimeout` after about 1 ms). The
 * handle cancels whichever piece of the chain is pending.
 */
export function scheduleAfter(scheduler: KernelScheduler, work: () => void, ms: number): TimerHandle {
  if (!(ms > MAX_TIMER_DELAY)) return scheduler.schedule(work, ms);
  let left = ms;
  let cancelled = false;
  let current: TimerHandle;
  const step = (): void => {
    if (cancelled) return;
    if (left > MAX_TIMER_DELAY) {
      left -= MAX_TIMER_DELAY;
      current = scheduler.schedule(step, MAX_TIMER_DELAY);
    } else {
      current = scheduler.schedule(work, left);
    }
  };
  step();
  return {
    unsubscribe: () => {
      cancelled = true;
      current.unsubscribe();
    },
  };
}
