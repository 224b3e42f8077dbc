/**
 * The dispatch layer in C shape: `dispatch_create*`, `message_attach`, `pulse_attach`, contexts,
 * `dispatch_block` (a Promise) and `dispatch_handler`.
 * @packageDocumentation
 */
import { Dispatch, type DispatchContext, type message_attr_t } from '../dispatch/Dispatch.js';
import { ERRNO, KernelError, MSG_FLAG_TYPE_PULSE, isKernelError } from '../kernel/index.js';
import { sys } from './cResult.js';
import { current } from './context.js';

/** `message_context_t` / `dispatch_context_t` / `resmgr_context_t`: `{ rcvid, info, msg, dpp, id }`. */
export type message_context_t = DispatchContext & { readonly dpp: dispatch_t };
export type dispatch_context_t = message_context_t;
export type { message_attr_t };

/**
 * A handler of `message_attach` / `pulse_attach`: `(ctp, code, flags, handle)`, returning 0. It
 * may be `async`: `dispatch_handler` then returns its Promise.
 */
export type dispatch_func_t = (ctp: message_context_t, code: number, flags: number, handle: unknown) => number | Promise<number>;

/** `dispatch_t`: an opaque dispatch handle (`chid` is the channel, -1 until the first attach). */
export type dispatch_t = Dispatch<dispatch_func_t>;

/** @internal `dpp` as a handle, or EINVAL (C's bad pointer) before anything changes. */
export function handleOf(dpp: unknown, call: string): dispatch_t {
  if (!(dpp instanceof Dispatch)) throw new KernelError('EINVAL', call, undefined, { cause: 'not a dispatch_t' });
  return dpp as dispatch_t;
}

/** @internal `ctp` as a context of a handle, or EINVAL. */
export function contextOf(ctp: unknown, call: string): dispatch_context_t {
  if (typeof ctp !== 'object' || ctp === null) throw new KernelError('EINVAL', call, undefined, { cause: 'not a dispatch_context_t' });
  handleOf((ctp as { dpp?: unknown }).dpp, call);
  return ctp as dispatch_context_t;
}

/** `func` as a handler, or EINVAL. */
function funcOf(func: unknown, call: string): dispatch_func_t {
  if (typeof func !== 'function') throw new KernelError('EINVAL', call, undefined, { cause: 'the handler must be a function' });
  return func as dispatch_func_t;
}

/** `dispatch_t *dispatch_create(void)`: `dispatch_create_channel(-1, 0)`. */
export function dispatch_create(): dispatch_t | null {
  return dispatch_create_channel(-1, 0);
}

/**
 * `dispatch_t *dispatch_create_channel(int chid, unsigned flags)`: with -1 the channel is made at
 * the first attach (`_NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT`, plus `_NTO_CHF_COID_DISCONNECT` if
 * the process has no death channel). `flags`: `DISPATCH_FLAG_NOLOCK` or 0 (else EINVAL).
 */
export function dispatch_create_channel(chid: number, flags: number): dispatch_t | null {
  return sys((k, t) => new Dispatch<dispatch_func_t>(k, t.process, chid, flags), null);
}

/** `int dispatch_destroy(dispatch_t *dpp)`: the channel goes too if the handle created it. */
export function dispatch_destroy(dpp: dispatch_t): number {
  return sys((_k, t) => handleOf(dpp, 'dispatch_destroy').destroy(t));
}

/**
 * `int message_attach(dispatch_t *dpp, message_attr_t *attr, int low, int high, func, void *handle)`:
 * 0, or for a pulse range (`MSG_FLAG_TYPE_PULSE`) its code (the allocated one with
 * `MSG_FLAG_ALLOC_PULSE`); -1 with EINVAL (range outside uint16 / int8, low > high, sizes grown
 * after a context exists, any change under `DISPATCH_FLAG_NOLOCK` once active), EEXIST (overlaps
 * an attached range), EAGAIN (no pulse code left), EBUSY (`_PULSE_CODE_COIDDEATH` without
 * `_NTO_CHF_COID_DISCONNECT`), EPERM (public channel without the ability).
 */
export function message_attach(dpp: dispatch_t, attr: Partial<message_attr_t> | null, low: number, high: number, func: dispatch_func_t, handle: unknown): number {
  return sys((_k, t) => handleOf(dpp, 'message_attach').attach(t, 'message_attach', attr, low, high, funcOf(func, 'message_attach'), handle));
}

/** `int message_detach(dispatch_t *dpp, int low, int high, int flags)`: -1 (EINVAL) if no entry has that range. */
export function message_detach(dpp: dispatch_t, low: number, high: number, flags: number): number {
  return sys(() => handleOf(dpp, 'message_detach').detach('message_detach', low, high, flags));
}

/** `int pulse_attach(dispatch_t *dpp, int flags, int code, func, void *handle)`: the code, or -1. */
export function pulse_attach(dpp: dispatch_t, flags: number, code: number, func: dispatch_func_t, handle: unknown): number {
  return sys((_k, t) => handleOf(dpp, 'pulse_attach').attach(t, 'pulse_attach', { flags: flags | MSG_FLAG_TYPE_PULSE }, code, code, funcOf(func, 'pulse_attach'), handle));
}

/** `int pulse_detach(dispatch_t *dpp, int code, int flags)`. */
export function pulse_detach(dpp: dispatch_t, code: number, flags: number): number {
  return sys(() => handleOf(dpp, 'pulse_detach').detach('pulse_detach', code, code, flags | MSG_FLAG_TYPE_PULSE));
}

/** `int message_connect(dispatch_t *dpp, int flags)`: a coid to the handle's own channel (`MSG_FLAG_SIDE_CHANNEL`). */
export function message_connect(dpp: dispatch_t, flags: number): number {
  return sys((_k, t) => handleOf(dpp, 'message_connect').connect(t, flags));
}

/** `dispatch_context_t *dispatch_context_alloc(dispatch_t *dpp)`: null with EINVAL while nothing is attached. */
export function dispatch_context_alloc(dpp: dispatch_t): dispatch_context_t | null {
  return sys(() => handleOf(dpp, 'dispatch_context_alloc').contextAlloc() as dispatch_context_t, null);
}

/** `void dispatch_context_free(dispatch_context_t *ctp)`: the garbage collector reclaims it. */
export function dispatch_context_free(_ctp: dispatch_context_t | null): void {}

/**
 * `dispatch_context_t *dispatch_block(dispatch_context_t *ctp)`: receive on the handle's channel.
 * Resolves to `ctp`; on the handle's timeout to `ctp` with `rcvid === -1` and errno ETIMEDOUT;
 * on another failure (EINTR, the channel gone) to null with errno set.
 */
export function dispatch_block(ctp: dispatch_context_t): Promise<dispatch_context_t | null> {
  const { thread } = current();
  return new Promise((resolve, reject) => {
    try {
      contextOf(ctp, 'dispatch_block').dpp.block(thread, ctp, (err) => {
        if (err !== 0) thread.errno = err;
        resolve(err === 0 || err === ERRNO.ETIMEDOUT ? ctp : null);
      });
    } catch (e) {
      if (!isKernelError(e)) {
        reject(e);
        return;
      }
      thread.errno = e.errno;
      resolve(null);
    }
  });
}

/**
 * `int dispatch_handler(dispatch_context_t *ctp)`, in the model's order: a timeout → -1; a message
 * under 2 bytes → answered EINVAL, -1; the attached range's handler, else the default handler,
 * else ENOSYS for a message (a pulse is dropped), -1. Returns the handler's value, or its Promise
 * when the handler is `async`.
 */
export function dispatch_handler(ctp: dispatch_context_t | null): number | Promise<number> {
  const r = sys((_k, t) => {
    const c = contextOf(ctp, 'dispatch_handler');
    const dpp: dispatch_t = c.dpp;
    const routed = dpp.route(t, c);
    return routed === null ? null : { c, routed };
  }, null);
  if (r === null) return -1;
  return r.routed.entry.handler(r.c, r.routed.code, 0, r.routed.entry.handle);
}

/** `void dispatch_unblock(dispatch_context_t *ctp)`: wakes one thread blocked in `dispatch_block` (an UNBLOCK pulse, value 0). */
export function dispatch_unblock(ctp: dispatch_context_t): void {
  sys((_k, t) => contextOf(ctp, 'dispatch_unblock').dpp.unblock(t));
}

/**
 * `int dispatch_timeout(dispatch_t *dpp, struct timespec *reltime)`: nanoseconds for every later
 * `dispatch_block`; null cancels (the 7.x rule).
 */
export function dispatch_timeout(dpp: dispatch_t, reltime: number | bigint | null): number {
  if (!(dpp instanceof Dispatch) || (reltime !== null && (typeof reltime === 'bigint' ? reltime < 0n : !(typeof reltime === 'number' && Number.isFinite(reltime) && reltime >= 0)))) {
    current().thread.errno = ERRNO.EINVAL;
    return -1;
  }
  dpp.timeoutNs = reltime;
  return 0;
}
