/**
 * How asynchronous connections and channels end: a detach, a destroyed channel, a dying process.
 * @internal
 * @packageDocumentation
 */
import { runCallback } from './asyncDelivery.js';
import { STATE_READY } from './constants.js';
import type { KernelCore } from './core.js';
import { ERRNO } from './errno.js';
import type { AsyncChan, AsyncConn, Process, Waiter } from './objects.js';

/** End `c`: leftover messages complete with EBADF (in put order), waiters are released. */
export function closeAsync(k: KernelCore, c: AsyncConn, runCallbacks: boolean): void {
  if (!c.alive) return;
  c.alive = false;
  c.timer?.unsubscribe();
  c.timer = null;
  const ch = c.chan;
  ch.conns.delete(c);
  if (c.inFifo) {
    ch.fifo.splice(ch.fifo.indexOf(c), 1);
    c.inFifo = false;
  }
  ch.visibleTotal -= c.visible;
  c.visible = 0;
  const left = c.entries.drain();
  if (runCallbacks) for (const e of left) runCallback(k, c, e, ERRNO.EBADF);
  for (const w of [...c.putWaiters.splice(0), ...c.flushWaiters.splice(0)]) release(k, w, ERRNO.EBADF);
}

/** Wake waiter `w` with `err` (a dead thread just loses its wait). */
export function release(k: KernelCore, w: Waiter, err: number): void {
  w.thread.wait = null;
  if (!w.thread.alive) return;
  w.thread.state = STATE_READY;
  k.complete(w, err, 0);
}

/**
 * Asynchronous channel `a` is being destroyed (ChannelDestroy, or its process's death): blocked
 * getters fail ESRCH, and every connection to it ends as a detach would end it: undelivered
 * messages complete with EBADF in put order, puts waiting for a slot and blocking flushes fail
 * EBADF. The senders keep their coids until they detach them; later puts and flushes get EBADF.
 */
export function destroyAsyncChannel(k: KernelCore, a: AsyncChan): void {
  for (const g of a.getters.splice(0)) release(k, g, ERRNO.ESRCH);
  for (const c of [...a.conns]) closeAsync(k, c, c.conn.client.alive);
  a.visibleTotal = 0;
}

/** A dying process: its asynchronous connections end without callbacks (nobody is left to run them). */
export function exitAsync(k: KernelCore, p: Process): void {
  for (const c of p.asyncConns.values()) closeAsync(k, c, false);
  p.asyncConns.clear();
}
