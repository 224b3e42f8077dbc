/**
 * Thread pools in C shape: `thread_pool_create`, `thread_pool_start`, `thread_pool_destroy`,
 * `thread_pool_limits`. Pool threads are logical threads (`pthread_create`) running
 * `context_alloc`, then `block_func` / `handler_func` in a loop, grown and shrunk by the rules of
 * `qnx-model.md` §6.7 ({@link PoolPolicy}).
 * @packageDocumentation
 */
import { PoolPolicy } from '../dispatch/PoolPolicy.js';
import { ERRNO, POOL_FLAG_EXIT_SELF, POOL_FLAG_USE_SELF } from '../kernel/index.js';
import { current } from './context.js';
import { pthread_create } from './processCalls.js';

/** `thread_pool_attr_t`, with `THREAD_POOL_PARAM_T` = the context type `P` and the handle `H`. */
export interface thread_pool_attr_t<H = unknown, P = unknown> {
  handle: H;
  context_alloc: (handle: H) => P | null;
  block_func: (ctp: P) => Promise<P | null> | P | null;
  unblock_func: (ctp: P) => void;
  handler_func: (ctp: P) => number | Promise<number>;
  context_free: (ctp: P) => void;
  lo_water: number;
  hi_water: number;
  increment: number;
  maximum: number;
}

/** `thread_pool_t`: the pool, with its counters (read-only views for tests and `pidin`-like tools). */
export class thread_pool_t<H = unknown, P = unknown> {
  /** @internal */
  readonly policy: PoolPolicy;
  /** @internal contexts of live threads (for unblock_func) */
  readonly contexts = new Set<P>();
  /** @internal */
  dying = false;
  /** @internal */
  readonly exits: Array<() => void> = [];
  started = false;

  /** @internal */
  constructor(readonly attr: thread_pool_attr_t<H, P>, readonly flags: number) {
    this.policy = new PoolPolicy(attr);
  }

  /** Threads alive. */
  get created(): number {
    return this.policy.created;
  }

  /** Threads blocked in `block_func`. */
  get waiting(): number {
    return this.policy.waiting;
  }
}

/**
 * `thread_pool_t *thread_pool_create(thread_pool_attr_t *attr, unsigned flags)`: null with EINVAL for a
 * bad attr (the five functions must be functions; the limits integers 0..65535).
 */
export function thread_pool_create<H, P>(attr: thread_pool_attr_t<H, P>, flags: number): thread_pool_t<H, P> | null {
  const ok = attr !== null && typeof attr === 'object' && typeof attr.context_alloc === 'function' && typeof attr.block_func === 'function'
    && typeof attr.handler_func === 'function' && typeof attr.unblock_func === 'function' && typeof attr.context_free === 'function' && [attr.lo_water, attr.hi_water, attr.increment, attr.maximum].every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffff)
    && Number.isInteger(flags) && (flags & ~(POOL_FLAG_EXIT_SELF | POOL_FLAG_USE_SELF)) === 0;
  if (!ok) {
    current().thread.errno = ERRNO.EINVAL;
    return null;
  }
  return new thread_pool_t(attr, flags);
}

/** Whether `pool` is a pool (EINVAL, C's bad pointer, when it is not). */
function badPool(pool: unknown): boolean {
  if (pool instanceof thread_pool_t) return false;
  current().thread.errno = ERRNO.EINVAL;
  return true;
}

/** Start `n` pool threads the policy has counted already. */
function addThreads<H, P>(pool: thread_pool_t<H, P>, n: number): void {
  for (let i = 0; i < n; i++) {
    if (pool.dying) pool.policy.abandoned();
    else pthread_create(null, null, poolThread, pool as thread_pool_t<unknown, unknown>);
  }
}

/** One pool thread: allocate a context, then block → handle until told to exit. */
async function poolThread<H, P>(pool: thread_pool_t<H, P>): Promise<void> {
  const { attr, policy } = pool;
  const ctp = attr.context_alloc(attr.handle);
  let fresh = true;
  if (ctp !== null) {
    pool.contexts.add(ctp);
    while (!pool.dying) {
      addThreads(pool, policy.blocking(fresh));
      fresh = false;
      const got = await attr.block_func(ctp);
      addThreads(pool, policy.workArrived());
      if (pool.dying) break;
      if (got === null) {
        // the channel is gone (or the thread was unblocked): this thread ends
        if (current().thread.errno !== ERRNO.EINTR) pool.dying = true;
        break;
      }
      const r = attr.handler_func(got);
      if (r instanceof Promise) await r; // a synchronous handler goes back to block at once
      if (policy.shouldExit() || pool.dying) break;
    }
    pool.contexts.delete(ctp);
    attr.context_free(ctp);
  }
  if (fresh) policy.abandoned(); // it never got to block
  else policy.exited();
  if (policy.created === 0) for (const f of pool.exits.splice(0)) f();
}

/**
 * `int thread_pool_start(void *pool)`: starts the first thread (more follow by the grow rules).
 * Flags 0: resolves 0. `POOL_FLAG_USE_SELF`: the calling thread becomes a pool thread and the
 * Promise never resolves; `POOL_FLAG_EXIT_SELF`: the calling thread ends and it never resolves.
 */
export function thread_pool_start<H, P>(pool: thread_pool_t<H, P>): Promise<number> {
  if (badPool(pool)) return Promise.resolve(-1);
  if (pool.started || pool.dying) {
    current().thread.errno = ERRNO.EINVAL;
    return Promise.resolve(-1);
  }
  pool.started = true;
  if ((pool.flags & POOL_FLAG_USE_SELF) !== 0) {
    pool.policy.added();
    return poolThread(pool).then(() => new Promise<number>(() => {}));
  }
  pool.policy.added();
  addThreads(pool, 1);
  if ((pool.flags & POOL_FLAG_EXIT_SELF) !== 0) {
    const { kernel, thread } = current();
    kernel.threadExit(thread);
    return new Promise<number>(() => {});
  }
  return Promise.resolve(0);
}

/**
 * `int thread_pool_destroy(thread_pool_t *pool)`: limits to 0, `unblock_func` once per thread,
 * resolves 0 once every pool thread has exited (each `context_free` called).
 */
export function thread_pool_destroy<H, P>(pool: thread_pool_t<H, P>): Promise<number> {
  if (badPool(pool)) return Promise.resolve(-1);
  pool.dying = true;
  pool.policy.setLimits({ lo_water: 0, hi_water: 0, increment: 1, maximum: 0 });
  if (pool.policy.created === 0) return Promise.resolve(0);
  const done = new Promise<number>((resolve) => pool.exits.push(() => resolve(0)));
  const any = pool.contexts.values().next();
  if (!any.done) for (let i = 0; i < pool.policy.created; i++) pool.attr.unblock_func(any.value);
  return done;
}

/**
 * `int thread_pool_limits(thread_pool_t *pool, int lowater, int hiwater, int maximum, int increment, unsigned flags)`:
 * new limits (a negative value keeps the old one); adds threads up to the new lo_water and
 * unblocks waiting ones above the new hi_water. 0, or -1 with EINVAL.
 */
export function thread_pool_limits<H, P>(pool: thread_pool_t<H, P>, lowater: number, hiwater: number, maximum: number, increment: number, _flags: number): number {
  if (badPool(pool)) return -1;
  const old = pool.policy.limits;
  const pick = (v: number, was: number) => (v < 0 ? was : v);
  const next = { lo_water: pick(lowater, old.lo_water), hi_water: pick(hiwater, old.hi_water), maximum: pick(maximum, old.maximum), increment: pick(increment, old.increment) };
  if (![next.lo_water, next.hi_water, next.maximum, next.increment].every((n) => Number.isInteger(n) && n <= 0xffff) || pool.dying) {
    current().thread.errno = ERRNO.EINVAL;
    return -1;
  }
  pool.policy.setLimits(next);
  if (!pool.started) return 0;
  addThreads(pool, pool.policy.grow());
  const extra = pool.policy.waiting - pool.policy.limits.hi_water;
  const any = pool.contexts.values().next();
  if (!any.done) for (let i = 0; i < extra; i++) pool.attr.unblock_func(any.value);
  return 0;
}
