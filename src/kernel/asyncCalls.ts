/**
 * The `asyncmsg_*` calls. Unknown ids fail as the docs say (EBADF for put/flush/get, EINVAL for
 * detach/attr/destroy), not as the 6.4.1 library did (ESRCH).
 * @internal
 * @packageDocumentation
 */
import { accept, entryOf, take, trigger } from './asyncDelivery.js';
import { closeAsync } from './asyncTeardown.js';
import { checkedLength, type Buffers } from './buffers.js';
import { channelCreate } from './channels.js';
import { connectAttach, detachEntry } from './connections.js';
import {
  ASYNCMSG_FLUSH_NONBLOCK, _NTO_CHF_ASYNC, _NTO_CHF_ASYNC_NONBLOCK, _NTO_COF_NONBLOCK, _NTO_COF_NOSHARE, ND_NODE_MASK, STATE_CONDVAR,
  STATE_RECEIVE,
} from './constants.js';
import { alive, callable, fail, int, outParam, type KernelCore } from './core.js';
import { KernelError } from './KernelError.js';
import { eventCredentials, validateEvent } from './events.js';
import { AsyncChan, AsyncConn, GetWaiter, SleepWait, type AsyncAttr, type AsyncCallback, type AsyncMessage, type Done, type Thread, type Waiter } from './objects.js';
import type { Sigevent } from './types.js';

/** `asyncmsg_channel_create`: a channel with `_NTO_CHF_ASYNC` and its receive side. */
export function asyncChannelCreate(
  k: KernelCore, t: Thread, flags: number, mode: number, bufferSize: number, maxNumBuffer: number, ev: Sigevent | null,
): number {
  const call = 'asyncmsg_channel_create';
  alive(t, call);
  int(bufferSize, call, 'buffer_size');
  int(maxNumBuffer, call, 'max_num_buffer');
  int(mode, call, 'mode');
  if (bufferSize < 0 || maxNumBuffer < 0) throw fail('EINVAL', call);
  if (ev !== null) {
    const bad = validateEvent(ev, false) || eventCredentials(t.process, ev);
    if (bad !== 0) throw new KernelError(bad, call);
  }
  const chid = channelCreate(k, t, int(flags, call, 'flags') | _NTO_CHF_ASYNC);
  t.process.channels.get(chid)!.async = new AsyncChan(bufferSize, maxNumBuffer, ev === null ? null : { ...ev }, mode);
  return chid;
}

function asyncChannel(t: Thread, chid: number, call: string, code: 'EBADF' | 'EINVAL') {
  const ch = t.process.channels.get(chid);
  if (ch === undefined || ch.async === null) throw fail(code, call, { chid });
  return { ch, a: ch.async };
}

/** `asyncmsg_channel_destroy`: EINVAL for an unknown or synchronous channel. */
export function asyncChannelCheck(t: Thread, chid: number): void {
  alive(t, 'asyncmsg_channel_destroy');
  asyncChannel(t, chid, 'asyncmsg_channel_destroy', 'EINVAL');
}

/**
 * `attr` checked as `asyncmsg_connect_attach` checks it (EINVAL for a negative or fractional size or
 * count, a negative trigger time, fewer than 2 ring slots), copied with its defaults filled in. The
 * durable connections (net/durableNode.ts) check theirs with it too.
 */
export function validAttr(attr: AsyncAttr, call: string): AsyncAttr {
  if (typeof attr !== 'object' || attr === null) throw fail('EINVAL', call);
  for (const f of ['buffer_size', 'max_num_buffer', 'trigger_num_msg'] as const) {
    if (!Number.isInteger(attr[f]) || attr[f] < 0) throw fail('EINVAL', call);
  }
  const tt = attr.trigger_time ?? { nsec: 0, interval_nsec: 0 };
  if (Number(tt.nsec) < 0 || Number(tt.interval_nsec) < 0 || Number.isNaN(Number(tt.nsec))) throw fail('EINVAL', call);
  // one ring slot always stays empty: fewer than 2 would hold nothing
  if (attr.max_num_buffer < 2) throw fail('EINVAL', call);
  return { call_back: attr.call_back ?? null, buffer_size: attr.buffer_size, max_num_buffer: attr.max_num_buffer, trigger_num_msg: attr.trigger_num_msg, trigger_time: { nsec: tt.nsec, interval_nsec: tt.interval_nsec } };
}

export function asyncConnectAttach(
  k: KernelCore, t: Thread, nd: number, pid: number, chid: number, index: number, flags: number, attr: AsyncAttr,
): number {
  const call = 'asyncmsg_connect_attach';
  alive(t, call);
  const a = validAttr(attr, call);
  // another node first: the local pid table says nothing about a remote process
  if ((int(nd, call, 'nd') & ND_NODE_MASK) !== 0) {
    if (k.net === null || !k.net.asyncAcross) throw fail('ENOREMOTE', call, { pid, chid });
    // the receiver's node checks its channel: a bad one ends the connection (EBADF callbacks)
    const coid = connectAttach(k, t, nd, int(pid, call, 'pid'), int(chid, call, 'chid'), index, int(flags, call, 'flags') | _NTO_COF_NOSHARE);
    const entry = t.process.coids.get(coid)!;
    const c = new AsyncConn(coid, entry.conn, new AsyncChan(0, 0, null, 0), a, (flags & _NTO_COF_NONBLOCK) !== 0);
    t.process.asyncConns.set(coid, c);
    return coid;
  }
  const target = k.processOf(t, int(pid, call, 'pid'), call);
  const ch = target.channels.get(int(chid, call, 'chid'));
  if (ch === undefined || ch.async === null || !ch.alive) throw fail('ESRCH', call, { pid, chid });
  // every asynchronous connection is its own kernel connection (6.4.1 adds _NTO_COF_NOSHARE)
  const coid = connectAttach(k, t, nd, pid, chid, index, int(flags, call, 'flags') | _NTO_COF_NOSHARE);
  const entry = t.process.coids.get(coid)!;
  const c = new AsyncConn(coid, entry.conn, ch.async, a, (flags & _NTO_COF_NONBLOCK) !== 0);
  ch.async.conns.add(c);
  t.process.asyncConns.set(coid, c);
  return coid;
}

function asyncConnection(t: Thread, coid: number, call: string, code: 'EBADF' | 'EINVAL'): AsyncConn {
  alive(t, call);
  const c = t.process.asyncConns.get(int(coid, call, 'coid'));
  if (c === undefined) throw fail(code, call, { coid });
  return c;
}

export function asyncConnectDetach(k: KernelCore, t: Thread, coid: number): number {
  const c = asyncConnection(t, coid, 'asyncmsg_connect_detach', 'EINVAL');
  closeAsync(k, c, true);
  t.process.asyncConns.delete(coid);
  detachEntry(k, t.process, coid, t.priority);
  return 0;
}

export function asyncConnectAttr(t: Thread, coid: number, old: AsyncAttr | null, neu: AsyncAttr | null): number {
  const call = 'asyncmsg_connect_attr';
  const c = asyncConnection(t, coid, call, 'EINVAL');
  if (old !== null) outParam(old, call, 'old_attr');
  const next = neu === null ? null : validAttr({ ...neu, max_num_buffer: Math.max(2, neu.max_num_buffer) }, call);
  if (old !== null) {
    old.call_back = c.attr.call_back;
    old.buffer_size = c.attr.buffer_size;
    old.max_num_buffer = c.attr.max_num_buffer;
    old.trigger_num_msg = c.attr.trigger_num_msg;
    old.trigger_time = { ...c.attr.trigger_time };
  }
  if (next !== null) {
    // the ring keeps its size; new triggers apply from the next put
    c.attr = { ...next, max_num_buffer: c.attr.max_num_buffer };
  }
  return 0;
}

/**
 * A full ring of a connection to another node: the receiver's reports of what its gets took may
 * have arrived and not been read yet (a link's frames are read when this thread's event loop
 * turns): read them now, so that a full ring means the receiver has not taken the messages, as
 * on QNX, where a get frees its slots at once. Whether the ring has room now; EBADF when what
 * arrived says the channel is gone.
 */
function roomAfterCatchUp(k: KernelCore, c: AsyncConn, call: string, coid: number): boolean {
  if (c.conn.remote === null || k.net === null || c.putWaiters.length > 0) return false;
  k.net.asyncCatchUp(c);
  if (c.conn.channel === null || !c.conn.channel.alive || !c.alive) throw fail('EBADF', call, { coid });
  return c.entries.length < c.capacity && c.putWaiters.length === 0;
}

/**
 * `asyncmsg_put`: `done(0)` once the message is in the ring (at once, or when a slot frees).
 * Throws EBADF (no such asynchronous connection, or its channel is gone) and, with `_NTO_COF_NONBLOCK`
 * on a full ring, EAGAIN: nothing already put is touched.
 */
export function asyncPut(k: KernelCore, t: Thread, coid: number, buf: Buffers, handle: number, cb: AsyncCallback | null, done: Done): void {
  const call = 'asyncmsg_put';
  callable(t, call);
  const c = asyncConnection(t, coid, call, 'EBADF');
  if (c.conn.channel === null || !c.conn.channel.alive || !c.alive) throw fail('EBADF', call, { coid });
  const h = int(handle, call, 'handle') >>> 0;
  if ((c.entries.length >= c.capacity || c.putWaiters.length > 0) && !roomAfterCatchUp(k, c, call, coid)) {
    if (c.nonblock) throw fail('EAGAIN', call, { coid });
    park(t, c.putWaiters, { entry: entryOf(buf, h, cb, null), thread: t, done, err: 0, result: 0, aux: 0 }, STATE_CONDVAR);
    return;
  }
  const entry = entryOf(buf, h, cb, done);
  // queued before accept(): the put returns before anyone hears of its delivery
  k.complete(entry, 0, 0);
  accept(k, c, entry);
}

/**
 * A put that enters the ring now or not at all (the binding's `next()`): false when the ring is
 * full or puts wait for a slot (nothing is put, no error is made); EBADF as `asyncmsg_put`. No
 * put completion: the caller returns at once.
 */
export function asyncTryPut(k: KernelCore, t: Thread, coid: number, buf: Buffers, handle: number, cb: AsyncCallback | null): boolean {
  const call = 'asyncmsg_put';
  callable(t, call);
  const c = asyncConnection(t, coid, call, 'EBADF');
  if (c.conn.channel === null || !c.conn.channel.alive || !c.alive) throw fail('EBADF', call, { coid });
  const h = int(handle, call, 'handle') >>> 0;
  if ((c.entries.length >= c.capacity || c.putWaiters.length > 0) && !roomAfterCatchUp(k, c, call, coid)) return false;
  accept(k, c, entryOf(buf, h, cb, null));
  return true;
}

/** `asyncmsg_flush`: trigger; with mode 0, `done` waits until every message was taken by a get. */
export function asyncFlush(k: KernelCore, t: Thread, coid: number, mode: number, done: Done): void {
  const call = 'asyncmsg_flush';
  callable(t, call);
  const c = asyncConnection(t, coid, call, 'EBADF');
  if (c.conn.channel === null || !c.conn.channel.alive || !c.alive) throw fail('EBADF', call, { coid });
  trigger(k, c);
  if ((int(mode, call, 'mode') & ASYNCMSG_FLUSH_NONBLOCK) !== 0 || c.entries.length === 0) {
    k.complete({ done, err: 0, result: 0, aux: 0 }, 0, 0);
    return;
  }
  park(t, c.flushWaiters, { thread: t, done, err: 0, result: 0, aux: 0 }, STATE_CONDVAR);
}

/**
 * `asyncmsg_get`: up to `limit` (at most the channel's `max_num_buffer`) visible messages. An
 * empty `_NTO_CHF_ASYNC_NONBLOCK` channel fails with EAGAIN; a blocking one waits for a trigger.
 */
export function asyncGet(
  k: KernelCore, t: Thread, chid: number, limit: number, done: (err: number, messages: AsyncMessage[]) => void, buffers: readonly Uint8Array[] | null = null,
): void {
  const call = 'asyncmsg_get';
  callable(t, call);
  const { ch, a } = asyncChannel(t, int(chid, call, 'chid'), call, 'EBADF');
  const max = Math.min(a.maxNumBuffer, Math.max(0, int(limit, call, 'limit')));
  if (buffers !== null) {
    if (!Array.isArray(buffers)) throw fail('EFAULT', call, { chid });
    for (const b of buffers) checkedLength(b, call);
  }
  const g = new GetWaiter(t, buffers === null ? max : Math.min(max, buffers.length), done, buffers);
  if (g.limit === 0) throw fail('EAGAIN', call, { chid });
  if (a.visibleTotal > 0) {
    // the getter returns before the senders hear their messages were consumed
    k.complete(g, 0, 0);
    g.messages = take(k, a, g.limit, buffers);
    return;
  }
  if ((ch.flags & _NTO_CHF_ASYNC_NONBLOCK) !== 0) throw fail('EAGAIN', call, { chid });
  park(t, a.getters, g, STATE_RECEIVE);
}

/**
 * Block `t` in `list` as waiter `w`. The thread's wait is a sleep marker, so that an unblock
 * (EINTR) or the thread's death takes it out of the list; a normal wake-up clears the marker.
 */
function park<W extends Waiter>(t: Thread, list: W[], w: W, state: number): void {
  t.state = state;
  t.wait = new SleepWait(t, (err) => {
    const i = list.indexOf(w);
    if (i >= 0) list.splice(i, 1);
    w.done(err, 0, 0);
  });
  list.push(w);
}

/** Whether a put on `coid` would enter the ring now (EBADF for an unknown or dead connection). */
export function asyncHasRoom(t: Thread, coid: number): boolean {
  const c = asyncConnection(t, coid, 'asyncmsg_put', 'EBADF');
  if (c.conn.channel === null || !c.conn.channel.alive || !c.alive) throw fail('EBADF', 'asyncmsg_put', { coid });
  return c.entries.length < c.capacity && c.putWaiters.length === 0;
}
