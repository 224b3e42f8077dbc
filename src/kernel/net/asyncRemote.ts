/**
 * Asynchronous messages between nodes (qnet.md §6.9, opt-in `asyncAcrossNodes`): the sender's
 * ring and triggers stay on its node; a trigger sends its batch (ASYNC_BATCH); on the receiver's
 * node the batch fills a proxy connection's ring, whose messages `asyncmsg_get` takes as local
 * ones; what the gets took goes back (ASYNC_CONSUMED), and the sender frees those slots and runs
 * their callbacks, in put order.
 * @internal
 * @packageDocumentation
 */
import { AsyncConn, AsyncEntry } from '../asyncObjects.js';
import { consumed, runCallback, trigger } from '../asyncDelivery.js';
import { copyBuffers } from '../buffers.js';
import { ERRNO } from '../errno.js';
import type { Connection } from '../objects.js';
import { EndOfCall } from './endOfCall.js';
import { F, type Frame } from './frames.js';
import type { NetManager } from './NetManager.js';
import { crossed } from './keepAlive.js';
import type { Peer } from './Peer.js';

/** Sender side: the newly visible messages of `c` as one ASYNC_BATCH. */
export function sendBatch(m: NetManager, c: AsyncConn): void {
  const r = c.conn.remote!;
  const peer = r.peer as Peer;
  const from = c.visible;
  const n = c.entries.length - from;
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += 8 + c.entries.at(from + i)!.len;
  const payload = new Uint8Array(bytes);
  const dv = new DataView(payload.buffer);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const e = c.entries.at(from + i)!;
    dv.setUint32(at, e.len, true);
    dv.setUint32(at + 4, e.handle, true);
    copyBuffers(e.buf, 0, payload, at + 8, e.len);
    at += 8 + e.len;
  }
  c.visible = c.entries.length;
  if (r.state === 'new') {
    r.state = 'connecting';
    const p = c.conn.client;
    m.sendTo(peer, F.CONNECT, r.cid, [r.pid, r.chid, p.pid, p.uid, p.gid]);
  }
  m.sendTo(peer, F.ASYNC_BATCH, r.cid, [c.coid, n, c.attr.max_num_buffer, r.chid], payload);
  peer.asyncSent.add(c);
  crossed(peer);
}

/** Sender side: the receiver's gets took `n` messages (in put order): free them, run their callbacks. */
function onConsumed(m: NetManager, peer: Peer, f: Frame): void {
  const conn = peer.conns.get(f.id);
  const c = conn === undefined ? undefined : asyncOf(conn);
  if (c === undefined || !c.alive) return;
  const n = Math.min(f.body[0]!, c.visible);
  for (let i = 0; i < n; i++) {
    const e = c.entries.shift()!;
    c.visible--;
    runCallback(m.k, c, e, f.payload[i] === 1 ? ERRNO.EMSGSIZE : 0);
  }
  consumed(m.k, c);
  crossed(peer);
}

/** The asynchronous connection of `conn` in its client process. */
function asyncOf(conn: Connection): AsyncConn | undefined {
  for (const c of conn.client.asyncConns.values()) if (c.conn === conn) return c;
  return undefined;
}

/** Receiver side: a batch for the proxy connection `f.id` fills its ring and triggers it. */
function onBatch(m: NetManager, peer: Peer, f: Frame): void {
  const k = m.k;
  const [coid, n, ringSize, chid] = f.body as [number, number, number, number];
  const conn = peer.accepted.get(f.id);
  const ch = conn?.channel;
  if (!m.asyncAcross || conn === undefined || ch === null || ch === undefined || !ch.alive || ch.async === null || ch.chid !== chid) {
    m.sendTo(peer, F.CHANNEL_GONE, f.id, []);
    return;
  }
  const proxy = conn.client;
  let rc = proxy.asyncConns.get(f.id);
  if (rc === undefined || !rc.alive) {
    const cid = f.id;
    // what the gets took goes back once per kernel call, in put order (1: truncated, EMSGSIZE)
    const taken = new EndOfCall<number>(k, (errs) => m.sendTo(peer, F.ASYNC_CONSUMED, cid, [errs.length], Uint8Array.from(errs)));
    const callback = (err: number): void => taken.add(err === ERRNO.EMSGSIZE ? 1 : 0);
    rc = new AsyncConn(coid, conn, ch.async, { call_back: callback, buffer_size: 0, max_num_buffer: Math.max(2, ringSize), trigger_num_msg: 0, trigger_time: { nsec: 0, interval_nsec: 0 } }, false);
    ch.async.conns.add(rc);
    proxy.asyncConns.set(cid, rc);
  }
  const dv = new DataView(f.payload.buffer, f.payload.byteOffset, f.payload.byteLength);
  let at = 0;
  for (let i = 0; i < n && at + 8 <= f.payload.length; i++) {
    const len = dv.getUint32(at, true);
    const handle = dv.getUint32(at + 4, true);
    const bytes = f.payload.subarray(at + 8, at + 8 + len);
    at += 8 + len;
    // the sender's ring bounds what is in flight: the proxy's ring never holds more
    if (rc.entries.length < rc.capacity) rc.entries.push(new AsyncEntry(bytes, len, handle, null, null));
  }
  trigger(k, rc);
}

/** Frames of remote asynchronous messaging. */
export function onAsyncFrame(m: NetManager, peer: Peer, f: Frame): void {
  if (f.kind === F.ASYNC_BATCH) onBatch(m, peer, f);
  else onConsumed(m, peer, f);
}
