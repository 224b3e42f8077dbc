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
import type { KernelCore } from '../core.js';
import type { Completion, Connection } from '../objects.js';
import { F, type Frame } from './frames.js';
import type { NetManager } from './NetManager.js';
import { crossed } from './keepAlive.js';
import type { Peer } from './Peer.js';

/**
 * The payloads of batches sent to a peer that is up: `sendTo` encodes (copies) a payload into its
 * frame before it returns, so one buffer serves every batch (a batch for a peer being connected
 * waits in its outbox: that one gets a buffer of its own).
 */
let scratch = new Uint8Array(16384);
/** Larger batches get a buffer of their own (the scratch buffer never holds on to more). */
const SCRATCH_MAX = 1 << 18;

/** A payload of `bytes` for `peer`: a view of the scratch buffer, or a buffer of its own. */
function payloadFor(peer: Peer, bytes: number): Uint8Array {
  if (peer.state !== 'up' || bytes > SCRATCH_MAX) return new Uint8Array(bytes);
  if (scratch.length < bytes) scratch = new Uint8Array(Math.max(bytes, scratch.length * 2));
  return scratch.subarray(0, bytes);
}

/** Sender side: the newly visible messages of `c` as one ASYNC_BATCH. */
export function sendBatch(m: NetManager, c: AsyncConn): void {
  const r = c.conn.remote!;
  const peer = r.peer as Peer;
  const from = c.visible;
  const n = c.entries.length - from;
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += 8 + c.entries.at(from + i)!.len;
  // one payload for the batch: per message its length and handle (u32 LE), then its bytes
  const payload = payloadFor(peer, bytes);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const e = c.entries.at(from + i)!;
    const len = e.len;
    const h = e.handle;
    payload[at] = len;
    payload[at + 1] = len >>> 8;
    payload[at + 2] = len >>> 16;
    payload[at + 3] = len >>> 24;
    payload[at + 4] = h;
    payload[at + 5] = h >>> 8;
    payload[at + 6] = h >>> 16;
    payload[at + 7] = h >>> 24;
    const buf = e.buf;
    let copied = len;
    if (buf instanceof Uint8Array && buf.length === len) payload.set(buf, at + 8);
    else copied = copyBuffers(buf, 0, payload, at + 8, len);
    // a buffer detached (or shrunk) since its put reads as zeros, as it would from a fresh payload
    if (copied < len) payload.fill(0, at + 8 + copied, at + 8 + len);
    at += 8 + len;
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

const CUT_FIRST: number[] = [0];

/**
 * What the gets took of a proxy's messages, sent back once per kernel call, in put order
 * (ASYNC_CONSUMED: one byte per message, 1 when it was truncated).
 */
class Consumed {
  private count = 0;
  private cut: number[] = [];
  private queued = false;
  private readonly completion: Completion;

  constructor(private readonly k: KernelCore, send: (count: number, flags: Uint8Array) => void) {
    this.completion = {
      err: 0, result: 0, aux: 0,
      done: () => {
        const flags = new Uint8Array(this.count);
        for (const i of this.cut) flags[i] = 1;
        const count = this.count;
        this.count = 0;
        this.cut.length = 0;
        this.queued = false;
        send(count, flags);
      },
    };
  }

  /** `count` more taken; `cut`: the indexes among them of the truncated ones. */
  addMany(count: number, cut: readonly number[] | null): void {
    if (cut !== null) for (const i of cut) this.cut.push(this.count + i);
    this.count += count;
    if (this.queued) return;
    this.queued = true;
    this.k.complete(this.completion, 0, 0);
  }
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
    const taken = new Consumed(k, (count, flags) => m.sendTo(peer, F.ASYNC_CONSUMED, cid, [count], flags));
    const callback = (err: number): void => taken.addMany(1, err === ERRNO.EMSGSIZE ? CUT_FIRST : null);
    rc = new AsyncConn(coid, conn, ch.async, { call_back: callback, buffer_size: 0, max_num_buffer: Math.max(2, ringSize), trigger_num_msg: 0, trigger_time: { nsec: 0, interval_nsec: 0 } }, false);
    // a get reports what it took at once (the callback serves a teardown's leftovers)
    rc.taken = (count, cut) => taken.addMany(count, cut);
    ch.async.conns.add(rc);
    proxy.asyncConns.set(cid, rc);
  }
  // each message is `len` bytes at `at` of the frame's payload, which is this node's own: the
  // gets hand them on (a view of one is made only when its receiver reads it)
  const p = f.payload;
  let at = 0;
  for (let i = 0; i < n && at + 8 <= p.length; i++) {
    const len = (p[at]! | (p[at + 1]! << 8) | (p[at + 2]! << 16) | (p[at + 3]! << 24)) >>> 0;
    const handle = (p[at + 4]! | (p[at + 5]! << 8) | (p[at + 6]! << 16) | (p[at + 7]! << 24)) >>> 0;
    if (at + 8 + len > p.length) break;
    // the sender's ring bounds what is in flight: the proxy's ring never holds more
    if (rc.entries.length < rc.capacity) rc.entries.push(new AsyncEntry(p, len, handle, null, null, at + 8));
    at += 8 + len;
  }
  trigger(k, rc);
}

/** Frames of remote asynchronous messaging. */
export function onAsyncFrame(m: NetManager, peer: Peer, f: Frame): void {
  if (f.kind === F.ASYNC_BATCH) onBatch(m, peer, f);
  else onConsumed(m, peer, f);
}
