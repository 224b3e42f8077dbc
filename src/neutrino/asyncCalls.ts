import {
  ASYNCMSG_RECVBUF_ALLOC, ASYNCMSG_RECVBUF_FREE, ERRNO, KernelError, emptyMsgInfo, type AsyncAttr, type AsyncMessage, type Kernel,
  type MsgInfo, type Process, type Sigevent, type Thread,
} from '../kernel/index.js';
import { cBuf, cIov, type CBuffer, type iov_t } from './cBuffers.js';
import { current, runAs } from './context.js';
import { block, sys } from './cResult.js';
import { durableFree, durableTaken } from './durableHeld.js';

/** A put's completion callback, as C declares it: `int (*)(int err, void *buf, unsigned handle)`. */
export type asyncmsg_callback_t = (err: number, buf: CBuffer | readonly iov_t[], handle: number) => number | void;

/** The receive-buffer allocator of `asyncmsg_channel_create`: store a buffer in `bufs[0]`, return 1 for more. */
export type asyncmsg_recvbuf_callback_t = (bufsize: number, num_bufs: number, bufs: Array<Uint8Array | undefined>, flags: number) => number;

/** `struct _asyncmsg_connection_attr`. */
export interface _asyncmsg_connection_attr {
  call_back: asyncmsg_callback_t | null;
  buffer_size: number;
  max_num_buffer: number;
  trigger_num_msg: number;
  trigger_time: { nsec: number | bigint; interval_nsec: number | bigint };
  reserve?: number;
}

/** `struct _asyncmsg_get_header`: one received message; `next` links the rest of a get's list. */
export interface _asyncmsg_get_header {
  info: MsgInfo;
  /** 0, or EMSGSIZE when the message was longer than the channel's buffer size (it is truncated). */
  err: number;
  iov: iov_t[];
  parts: number;
  next: _asyncmsg_get_header | null;
  reserve: number[];
}

/** What the library keeps per async channel: its spare receive buffers and allocator. */
interface LibChannel {
  readonly bufferSize: number;
  readonly maxNumBuffer: number;
  readonly recvbuf: asyncmsg_recvbuf_callback_t | null;
  readonly spare: Uint8Array[];
}

const channels = new WeakMap<Process, Map<number, LibChannel>>();
const helpers = new WeakMap<Process, Thread>();

function libChannels(p: Process): Map<number, LibChannel> {
  let m = channels.get(p);
  if (m === undefined) channels.set(p, (m = new Map()));
  return m;
}

/** The process's library helper thread, on which put callbacks run (as in QNX). */
function helper(kernel: Kernel, p: Process): Thread {
  let t = helpers.get(p);
  if (t === undefined || !t.alive) {
    t = kernel.createThread(p, { name: 'asyncmsg' });
    helpers.set(p, t);
  }
  return t;
}

function callbackOn(kernel: Kernel, p: Process, cb: asyncmsg_callback_t | null, original: CBuffer | readonly iov_t[]) {
  if (cb === null) return null;
  return (err: number, _buf: unknown, handle: number): void => {
    runAs(kernel, helper(kernel, p), () => { cb(err, original, handle); });
  };
}

/**
 * `int asyncmsg_channel_create(unsigned flags, mode_t mode, size_t buffer_size, unsigned max_num_buffer,
 * const struct sigevent *ev, int (*recvbuf_callback)(...))`: a chid, or -1 (EINVAL, EPERM, EBUSY).
 * `_NTO_CHF_ASYNC` is added to `flags`; `ev` is delivered when the queue goes from empty to non-empty.
 */
export function asyncmsg_channel_create(
  flags: number, mode: number, buffer_size: number, max_num_buffer: number, ev: Sigevent | null, recvbuf_callback: asyncmsg_recvbuf_callback_t | null,
): number {
  return sys((k, t) => {
    const chid = k.asyncChannelCreate(t, flags, mode, buffer_size, max_num_buffer, ev);
    libChannels(t.process).set(chid, { bufferSize: buffer_size, maxNumBuffer: max_num_buffer, recvbuf: recvbuf_callback, spare: [] });
    return chid;
  });
}

/** `int asyncmsg_channel_destroy(int chid)`: spare receive buffers go back through the FREE callback. */
export function asyncmsg_channel_destroy(chid: number): number {
  return sys((k, t) => {
    const r = k.asyncChannelDestroy(t, chid);
    const lib = libChannels(t.process).get(chid);
    libChannels(t.process).delete(chid);
    if (lib !== undefined && lib.recvbuf !== null && lib.spare.length > 0) {
      lib.recvbuf(lib.bufferSize, lib.spare.length, lib.spare.splice(0), ASYNCMSG_RECVBUF_FREE);
    }
    return r;
  });
}

function kernelAttr(kernel: Kernel, p: Process, a: _asyncmsg_connection_attr | null): AsyncAttr {
  if (a === null || typeof a !== 'object') throw new KernelError('EINVAL', 'asyncmsg_connect_attach');
  if (a.call_back !== null && a.call_back !== undefined && typeof a.call_back !== 'function') throw new KernelError('EINVAL', 'asyncmsg_connect_attach');
  return {
    call_back: a.call_back === null || a.call_back === undefined ? null : wrapDefault(kernel, p, a.call_back),
    buffer_size: a.buffer_size,
    max_num_buffer: a.max_num_buffer,
    trigger_num_msg: a.trigger_num_msg,
    trigger_time: a.trigger_time ?? { nsec: 0, interval_nsec: 0 },
  };
}

/** The connection's default callback: it gets the buffer the put was given. */
const originals = new WeakMap<object, CBuffer | readonly iov_t[]>();
/** A kernel callback that runs the user's on the helper thread; it remembers the user's (`user`). */
type Wrapped = ((err: number, buf: unknown, handle: number) => void) & { user: asyncmsg_callback_t };
function wrapDefault(kernel: Kernel, p: Process, cb: asyncmsg_callback_t): Wrapped {
  const w = ((err: number, buf: unknown, handle: number) => {
    const original = (typeof buf === 'object' && buf !== null ? originals.get(buf) : undefined) ?? (buf as CBuffer);
    runAs(kernel, helper(kernel, p), () => { cb(err, original, handle); });
  }) as Wrapped;
  w.user = cb;
  return w;
}

/**
 * `int asyncmsg_connect_attach(uint32_t nd, pid_t pid, int chid, unsigned index, unsigned flags,
 * const struct _asyncmsg_connection_attr *attr)`: a coid, or -1 (ESRCH, EINVAL). With
 * `_NTO_COF_NONBLOCK` in `flags`, a put on a full ring fails with EAGAIN instead of waiting.
 */
export function asyncmsg_connect_attach(nd: number, pid: number, chid: number, index: number, flags: number, attr: _asyncmsg_connection_attr | null): number {
  return sys((k, t) => k.asyncConnectAttach(t, nd, pid, chid, index, flags, kernelAttr(k, t.process, attr)));
}

/** `int asyncmsg_connect_detach(int coid)`: undelivered messages' callbacks run now with EBADF. */
export function asyncmsg_connect_detach(coid: number): number {
  return sys((k, t) => k.asyncConnectDetach(t, coid));
}

/** `int asyncmsg_connect_attr(int coid, struct _asyncmsg_connection_attr *old, const ... *new)`. */
export function asyncmsg_connect_attr(coid: number, old_attr?: _asyncmsg_connection_attr | null, new_attr?: _asyncmsg_connection_attr | null): number {
  old_attr ??= null;
  new_attr ??= null;
  return sys((k, t) => {
    if (old_attr !== null && (typeof old_attr !== 'object' || !Object.isExtensible(old_attr))) throw new KernelError('EFAULT', 'asyncmsg_connect_attr');
    const old: AsyncAttr | null = old_attr === null ? null : { call_back: null, buffer_size: 0, max_num_buffer: 0, trigger_num_msg: 0, trigger_time: { nsec: 0, interval_nsec: 0 } };
    const r = k.asyncConnectAttr(t, coid, old, new_attr === null ? null : kernelAttr(k, t.process, new_attr));
    if (old_attr !== null && old !== null) {
      old_attr.buffer_size = old.buffer_size;
      old_attr.max_num_buffer = old.max_num_buffer;
      old_attr.trigger_num_msg = old.trigger_num_msg;
      old_attr.trigger_time = { ...old.trigger_time };
      old_attr.call_back = (old.call_back as Wrapped | null)?.user ?? null;
    }
    return r;
  });
}

function put(coid: number, bytes: () => Uint8Array | Uint8Array[], original: CBuffer | readonly iov_t[], handle: number, call_back: asyncmsg_callback_t | null | undefined): Promise<number> {
  return block((k, t, done) => {
    // a callback left out is the connection's (C's NULL); anything else must be a function
    if (call_back !== null && call_back !== undefined && typeof call_back !== 'function') throw new KernelError('EINVAL', 'asyncmsg_put');
    const b = bytes();
    originals.set(b, original);
    k.asyncPut(t, coid, b, handle, callbackOn(k, t.process, call_back ?? null, original), done);
  });
}

/**
 * `int asyncmsg_put(int coid, const void *buff, size_t size, unsigned handle, int (*call_back)(...))`:
 * 0 once the message is in the send ring (waiting for a free slot unless `_NTO_COF_NONBLOCK`),
 * or -1 (EBADF, EAGAIN). The buffer is not copied: change it before the receiver's get and the
 * receiver sees the change, as in QNX. The callback (this one, else the connection's) runs once
 * after delivery, on the library's helper thread; left out (or null), the connection's runs.
 */
export function asyncmsg_put(coid: number, buff: CBuffer, size: number | undefined, handle: number, call_back?: asyncmsg_callback_t | null): Promise<number> {
  return put(coid, () => cBuf(buff, size), buff, handle, call_back);
}

/** `int asyncmsg_putv(int coid, const iov_t *iov, int parts, unsigned handle, int (*call_back)(...))`. */
export function asyncmsg_putv(coid: number, iov: readonly iov_t[], parts: number, handle: number, call_back?: asyncmsg_callback_t | null): Promise<number> {
  return put(coid, () => cIov(iov, parts), iov, handle, call_back);
}

/**
 * `int asyncmsg_flush(int coid, int mode)`: deliver what is pending. `ASYNCMSG_FLUSH_NONBLOCK`
 * returns at once; mode 0 resolves when the receiver has taken every pending message.
 */
export function asyncmsg_flush(coid: number, mode: number): Promise<number> {
  return block((k, t, done) => k.asyncFlush(t, coid, mode, done));
}

function topUp(lib: LibChannel): void {
  while (lib.spare.length < lib.maxNumBuffer) {
    if (lib.recvbuf === null) {
      lib.spare.push(new Uint8Array(lib.bufferSize));
      continue;
    }
    const bufs: Array<Uint8Array | undefined> = [undefined];
    const more = lib.recvbuf(lib.bufferSize, 1, bufs, ASYNCMSG_RECVBUF_ALLOC);
    if (bufs[0] instanceof Uint8Array) lib.spare.push(bufs[0]);
    if (more <= 0 || !(bufs[0] instanceof Uint8Array)) break;
  }
}

/** A header for message `m`, whose data the kernel copied into one of the channel's receive buffers. */
function header(m: AsyncMessage): _asyncmsg_get_header {
  const info = emptyMsgInfo();
  info.pid = m.pid;
  info.chid = m.chid;
  info.coid = m.coid;
  info.msglen = m.msglen;
  info.srcmsglen = m.srcmsglen;
  return { info, err: m.err, iov: [{ iov_base: m.data, iov_len: m.msglen }], parts: 1, next: null, reserve: [0, 0] };
}

/**
 * `struct _asyncmsg_get_header *asyncmsg_get(int chid)`: the first header of a list of up to
 * `max_num_buffer` messages (drained one connection at a time, in put order), or `null` with
 * errno EAGAIN (nothing on an `_NTO_CHF_ASYNC_NONBLOCK` channel) or EBADF. On a blocking channel
 * it waits for messages.
 */
export function asyncmsg_get(chid: number): Promise<_asyncmsg_get_header | null> {
  const { kernel, thread } = current();
  const lib = libChannels(thread.process).get(chid);
  if (lib === undefined) {
    thread.errno = ERRNO.EBADF;
    return Promise.resolve(null);
  }
  topUp(lib);
  // this get owns the spare buffers until it returns; the kernel copies straight into them
  const buffers = lib.spare.splice(0);
  return new Promise((resolve, reject) => {
    try {
      kernel.asyncGet(thread, chid, buffers.length, (err, messages) => {
        // a durable channel (rxnto): each header is acknowledged when freed
        const durable = err === 0 ? durableTaken(kernel, thread, chid, messages) : null;
        lib.spare.unshift(...buffers.slice(err === 0 ? messages.length : 0));
        if (err !== 0) {
          thread.errno = err;
          resolve(null);
          return;
        }
        let first: _asyncmsg_get_header | null = null;
        let last: _asyncmsg_get_header | null = null;
        for (const [i, m] of messages.entries()) {
          const h = header(m);
          durable?.(h, i);
          if (last === null) first = h;
          else last.next = h;
          last = h;
        }
        resolve(first);
      }, buffers);
    } catch (e) {
      lib.spare.unshift(...buffers);
      if (e instanceof KernelError) {
        thread.errno = e.errno;
        resolve(null);
      } else reject(e);
    }
  });
}

/**
 * `void asyncmsg_free(void *buf)`: release one header from `asyncmsg_get`. In JavaScript the
 * garbage collector reclaims it; the call is kept so ports read as the C does. On a durable
 * channel (rxnto) it acknowledges the message.
 */
export function asyncmsg_free(h: _asyncmsg_get_header | null): void {
  durableFree(h);
}

/** `void *asyncmsg_malloc(size_t size)`: a send buffer, or null with errno ENOMEM. */
export function asyncmsg_malloc(size: number): Uint8Array | null {
  if (!Number.isInteger(size) || size < 0 || size > 2 ** 31) {
    current().thread.errno = ERRNO.ENOMEM;
    return null;
  }
  return new Uint8Array(size);
}
