/**
 * The asynchronous state machine: triggers make a connection's messages visible, the channel is told
 * (a blocked getter, or the event on empty → non-empty), gets drain connections one at a time.
 * @internal
 * @packageDocumentation
 */
import { checkedLength, copyBuffers, type Buffers } from './buffers.js';
import { STATE_READY } from './constants.js';
import type { KernelCore } from './core.js';
import { AsyncEntry, type AsyncCallback, type AsyncChan, type AsyncConn, type AsyncMessage, type Done } from './objects.js';
import { BatchMessage } from './asyncMessage.js';
import { ERRNO } from './errno.js';
import { deliverEventFor } from './events.js';

/** Make every message in `c`'s ring visible to the receiver (the kernel's MsgSendAsync). */
export function trigger(k: KernelCore, c: AsyncConn): void {
  const added = c.entries.length - c.visible;
  if (added <= 0 || !c.alive) return;
  if (c.conn.remote !== null) {
    // a connection to another node: the batch crosses the link; the ring keeps it until taken
    k.net!.asyncTrigger(c);
    return;
  }
  const ch = c.chan;
  const before = ch.visibleTotal;
  c.visible = c.entries.length;
  ch.visibleTotal += added;
  if (!c.inFifo) {
    c.inFifo = true;
    ch.fifo.push(c);
  }
  if (k.tracer !== null) k.trace('send', c.conn.client, { coid: c.coid, async: added });
  if (ch.getters.length > 0) {
    serveGetters(k, ch);
  } else if (before === 0 && ch.event !== null) {
    // the docs' rule: the event is delivered when the queue goes from empty to non-empty
    const owner = c.conn.server;
    deliverEventFor(k, owner, ch.event, owner.priority);
  }
}

/** Hand visible messages to blocked getters, most recent first (receivers are LIFO). */
function serveGetters(k: KernelCore, ch: AsyncChan): void {
  while (ch.getters.length > 0 && ch.visibleTotal > 0) {
    const g = ch.getters.pop()!;
    if (!g.thread.alive) continue;
    g.thread.wait = null;
    g.thread.state = STATE_READY;
    // the getter returns before the senders hear their messages were consumed
    k.complete(g, 0, 0);
    g.messages = take(k, ch, g.limit, g.buffers);
  }
}

/**
 * The receiver's copy of a message: at most `bufferSize` bytes (the rest is truncated, EMSGSIZE),
 * into `into` when the receiver gave a buffer (never more than it holds), else a new array; an
 * `owned` message (a remote batch's: `len` bytes at `at` of the payload that carried it, the
 * receiver's copy already) is handed on as it is, viewed when first read.
 */
function copyOut(pid: number, chid: number, coid: number, bufferSize: number, e: AsyncEntry, into: Uint8Array | undefined, owned: boolean): AsyncMessage {
  const src = e.buf;
  const n = Math.min(e.len, bufferSize);
  const err = e.len > bufferSize ? ERRNO.EMSGSIZE : 0;
  let data: Uint8Array;
  if (into !== undefined) {
    data = into.subarray(0, copyBuffers(src, e.at, into, 0, n));
  } else if (owned && src instanceof Uint8Array) {
    return new BatchMessage(pid, chid, coid, n, e.len, err, src, e.at);
  } else if (src instanceof Uint8Array) {
    // copying a whole typed array through its constructor is V8's fastest copy
    data = e.at === 0 && n === src.length ? new Uint8Array(src) : src.slice(e.at, e.at + n);
  } else {
    data = new Uint8Array(n);
    copyBuffers(src, e.at, data, 0, n);
  }
  return { pid, chid, coid, msglen: data.length, srcmsglen: e.len, err, data };
}

/**
 * Take up to `limit` visible messages: the connection first triggered is drained before the next
 * is started, each in put order. Each consumed put's callback is queued (after the getter's own
 * completion, which the caller queued first), and freed slots admit waiting puts.
 */
export function take(k: KernelCore, ch: AsyncChan, limit: number, buffers: readonly Uint8Array[] | null = null): AsyncMessage[] {
  const out: AsyncMessage[] = [];
  // a get copies what was triggered when it started (§5.9): slots it frees admit waiting puts
  // only after it, so a put admitted here cannot join this same get (usually one connection:
  // no array unless a second one is drained)
  let first: AsyncConn | null = null;
  let more: AsyncConn[] | null = null;
  while (out.length < limit && ch.fifo.length > 0) {
    const c = ch.fifo[0]!;
    const tell = c.conn.client.alive;
    const pid = c.conn.client.pid;
    const chid = c.conn.channel?.chid ?? -1;
    // a remote sender's proxy: one report for what this get takes, not a callback per message
    const report = c.taken;
    const from = out.length;
    let cut: number[] | null = null;
    while (out.length < limit && c.visible > 0) {
      const e = c.entries.shift()!;
      c.visible--;
      ch.visibleTotal--;
      const m = copyOut(pid, chid, c.coid, ch.bufferSize, e, buffers?.[out.length], report !== null);
      if (report === null) {
        if (tell) runCallback(k, c, e, m.err);
      } else if (m.err !== 0) {
        (cut ??= []).push(out.length - from);
      }
      out.push(m);
    }
    if (report !== null && tell && out.length > from) report(out.length - from, cut);
    if (c.visible === 0) {
      ch.fifo.shift();
      c.inFifo = false;
    }
    if (first === null) first = c;
    else (more ??= []).push(c);
  }
  if (first !== null) consumed(k, first);
  if (more !== null) for (const c of more) consumed(k, c);
  return out;
}

/** After a take from `c`: freed slots admit waiting puts; an empty ring releases flushers. */
export function consumed(k: KernelCore, c: AsyncConn): void {
  admitPuts(k, c);
  if (c.entries.length === 0) {
    for (const w of c.flushWaiters.splice(0)) {
      if (!w.thread.alive) continue;
      w.thread.wait = null;
      w.thread.state = STATE_READY;
      k.complete(w, 0, 0);
    }
  }
}

/** Queue `entry`'s callback (its own, else the connection's) with `err`. */
export function runCallback(k: KernelCore, c: AsyncConn, entry: AsyncEntry, err: number): void {
  const cb = entry.callback ?? c.attr.call_back;
  if (cb === null) return;
  entry.notify = cb;
  k.complete(entry, err, 0);
}

/** Admit waiting puts, in order, while the ring has room. */
export function admitPuts(k: KernelCore, c: AsyncConn): void {
  while (c.putWaiters.length > 0 && c.entries.length < c.capacity) {
    const w = c.putWaiters.shift()!;
    if (!w.thread.alive) continue; // died while waiting: its message was never put
    w.thread.wait = null;
    w.thread.state = STATE_READY;
    accept(k, c, w.entry);
    k.complete(w, 0, 0);
  }
}

/**
 * A put enters the ring: the count trigger, else the time trigger armed by the first untriggered put.
 * On one node the count is every message put and not yet consumed (a get that keeps up empties the
 * ring at each trigger, so its gets see batches of `count`). Across nodes the sent messages stay in
 * the ring until the receiver's report of their consumption comes back, a link's latency later:
 * counting them would make every put a batch of one once `count` are in flight. There the count is
 * the puts not yet sent, which gives a receiver that keeps up the batches it would see on one node.
 */
export function accept(k: KernelCore, c: AsyncConn, entry: AsyncEntry): void {
  c.entries.push(entry);
  const { trigger_num_msg: count, trigger_time: time } = c.attr;
  if (count !== 0 && (c.conn.remote === null ? c.entries.length : c.entries.length - c.visible) >= count) {
    trigger(k, c);
  } else if (c.timer === null && Number(time.nsec) > 0) {
    armTrigger(k, c, Math.max(1, Math.ceil(Number(time.nsec) / 1e6)));
  }
}

function armTrigger(k: KernelCore, c: AsyncConn, ms: number): void {
  c.timer = k.schedule(() => {
    c.timer = null;
    if (!c.alive) return;
    trigger(k, c);
    const interval = Number(c.attr.trigger_time.interval_nsec);
    if (interval > 0) armTrigger(k, c, Math.max(1, Math.ceil(interval / 1e6)));
  }, ms);
}

/** A put's ring entry; `onPut` is its completion when it is accepted at once (else its waiter's). */
export function entryOf(buf: Buffers, handle: number, callback: AsyncCallback | null, onPut: Done | null): AsyncEntry {
  return new AsyncEntry(buf, checkedLength(buf, 'asyncmsg_put'), handle, callback, onPut);
}
