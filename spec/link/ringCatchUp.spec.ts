// A put that finds a remote asynchronous ring full first reads what the link holds already
// (issue 23): over the worker link's rings, the receiver's reports of what its gets took are
// frames this thread has not read yet (they are read when its event loop turns); the put reads
// them at once, frees those slots and goes in, with the callbacks of the taken messages. Two
// kernels in one thread joined by a pair of rings, so the steps below are synchronous.
import { MessageChannel } from 'node:worker_threads';
import { asyncScheduler } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Kernel, STATE_READY, type AsyncAttr, type Thread } from '../../src/kernel/index.js';
import { RingLink, makeRing, type PortLike } from '../../src/link/worker/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const closers: Array<() => void> = [];
afterEach(() => { for (const c of closers.splice(0)) c(); });

async function pair() {
  const node = (name: string, incarnation: number) => new Kernel({ scheduler: asyncScheduler, net: { node: name, incarnation, asyncAcrossNodes: true }, onUnhandledError: (e) => { throw e; } });
  const a = node('a', 1);
  const b = node('b', 2);
  const { port1, port2 } = new MessageChannel();
  const [r1, r2] = [makeRing(1 << 16), makeRing(1 << 16)];
  const la = new RingLink(port1 as unknown as PortLike, r1, r2);
  const lb = new RingLink(port2 as unknown as PortLike, r2, r1);
  a.addLink(la, 'b');
  b.addLink(lb, 'a');
  closers.push(() => port1.close());
  for (const end = Date.now() + 10_000; a.netmgrStrtond('b').nd <= 0 || !a.net!.allPeers().some((p) => p.name === 'b' && p.state === 'up');) {
    if (Date.now() > end) throw new Error('the link did not come up');
    await sleep(5);
  }
  return { a, b, la, lb };
}

/** A receiving process on `b` with an asynchronous channel (64-byte buffers, 16 at most). */
function inbox(b: Kernel) {
  const rp = b.createProcess({ name: 'inbox' });
  const rt = b.createThread(rp);
  return { rp, rt, chid: b.asyncChannelCreate(rt, 0, 0o666, 64, 16, null) };
}

/** A sender on `a` attached to channel `chid` of `pid` on b: a ring of 4, every put its own batch (count trigger 1). */
function sender(a: Kernel, pid: number, chid: number, call_back: AsyncAttr['call_back'] = null) {
  const st = a.createThread(a.createProcess({ name: 'sender' }));
  const attr: AsyncAttr = { call_back, buffer_size: 64, max_num_buffer: 4, trigger_num_msg: 1, trigger_time: { nsec: 0, interval_nsec: 0 } };
  return { st, coid: a.asyncConnectAttach(st, a.netmgrStrtond('b').nd, pid, chid, 0, 0, attr) };
}

/** Puts (handles from `put` on) until the ring is full as far as the sender has read; returns the next handle. */
function fill(a: Kernel, st: Thread, coid: number, put: number): number {
  while (a.asyncTryPut(st, coid, new Uint8Array([put]), put, null)) put++;
  return put;
}

describe('a full remote asynchronous ring reads the link first (worker rings)', () => {
  it('should take the receiver\'s reports already in the ring, free those slots and put, with their callbacks, without an event-loop turn', async () => {
    const { a, b, lb } = await pair();
    // the receiver: a get that always waits
    const { rp, rt, chid } = inbox(b);
    const got: number[] = [];
    const get = (): void => b.asyncGet(rt, chid, 16, (err, ms) => { if (err === 0) { got.push(ms.length); get(); } });
    get();
    // the sender: a ring of 4, every put its own batch (count trigger 1)
    const callbacks: number[] = [];
    const { st, coid } = sender(a, rp.pid, chid, (err, _b, h) => { callbacks.push(err === 0 ? h : -err); });
    // warm up the connection (its CONNECT and first batch) with the event loop turning
    expect(a.asyncTryPut(st, coid, new Uint8Array([0]), 0, null)).toBe(true);
    for (const end = Date.now() + 10_000; callbacks.length < 1;) {
      if (Date.now() > end) throw new Error('the first put was not taken');
      await sleep(5);
    }
    // from here on, synchronous: fill the ring
    const full = fill(a, st, coid, 1);
    expect(full).toBeGreaterThan(1);
    expect(callbacks).toEqual([0]);
    // the receiver's thread reads its ring now: its get takes the batches, its reports go back
    lb.poll();
    expect(got.reduce((x, y) => x + y, 0)).toBe(full);
    expect(callbacks).toEqual([0]); // not read by the sender yet
    // the next put finds the ring full, reads the reports, and goes in
    expect(a.asyncTryPut(st, coid, new Uint8Array([full]), full, null)).toBe(true);
    expect(callbacks).toEqual(Array.from({ length: full }, (_, i) => i));
  });

  it('should let a waiting put (asyncmsg_put) in at once, not park it, when the reports that free its slot are in the ring', async () => {
    const { a, b, lb } = await pair();
    const { rp, rt, chid } = inbox(b);
    const get = (): void => b.asyncGet(rt, chid, 16, (err) => { if (err === 0) get(); });
    get();
    const { st, coid } = sender(a, rp.pid, chid);
    const put = fill(a, st, coid, 0);
    lb.poll();
    // the ring is full as far as the sender has read; the put reads the reports and goes in within the call
    const done: number[] = [];
    a.asyncPut(st, coid, new Uint8Array([put]), put, null, (err) => { done.push(err); });
    expect(done).toEqual([0]);
    expect(st.state).toBe(STATE_READY);
  });

  it('should refuse the put (false, EAGAIN from next()) when the receiver has taken nothing', async () => {
    const { a, b } = await pair();
    // nobody gets: the sender's ring stays full
    const { rp, chid } = inbox(b);
    const { st, coid } = sender(a, rp.pid, chid);
    const put = fill(a, st, coid, 0);
    await sleep(50);
    expect(a.asyncTryPut(st, coid, new Uint8Array([put]), put, null)).toBe(false);
  });
});
