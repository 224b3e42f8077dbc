// Asynchronous batches across nodes as on one node (issue 23): a count trigger counts the puts
// not yet sent when the receiver is on another node, so a receiver that keeps up (a get always
// waiting) sees batches of `count`, and a trailing partial batch waits for the time trigger or a
// flush, exactly as a receiver on the sender's node. Each case runs the same schedule twice, on
// one node and over the loopback link (1 ms each way, virtual time), and compares what the
// receiver saw. Slots still free, and callbacks still run, when the remote gets take the messages.
import { describe, expect, it } from 'vitest';
import {
  ERRNO, Kernel, VirtualClock, type AsyncAttr, _NTO_COF_NONBLOCK,
} from '../../src/kernel/index.js';
import { connectLoopback } from '../../src/testing/index.js';
import { errnoOf, proc } from './harness.js';

interface Options {
  readonly count: number;
  /** The time trigger, ms (0: none). */
  readonly time?: number;
  /** max_num_buffer: the ring holds one less. */
  readonly ring?: number;
  readonly nonblock?: boolean;
  /** A get always waiting (default), or none until the test makes one. */
  readonly keepUp?: boolean;
}

/**
 * A sender on node a and a receiver on node b (or on a too: `remote` false) whose get is always
 * waiting: each batch it takes is recorded, with the time, and it gets again at once.
 */
function setup(remote: boolean, o: Options) {
  const clock = new VirtualClock();
  const node = (name: string, incarnation: number) => new Kernel({ scheduler: clock, net: { node: name, incarnation, asyncAcrossNodes: true }, onUnhandledError: (e) => { throw e; } });
  const a = node('a', 1);
  const b = remote ? node('b', 2) : a;
  if (remote) connectLoopback(a, b, { latency: 1 });
  // the nodes' session is up before the schedule starts (at 10 ms)
  clock.advanceBy(10);
  const r = proc(b, 'receiver');
  const chid = b.asyncChannelCreate(r.t, 0, 0o666, 64, 400, null);
  const s = proc(a, 'sender');
  const batches: number[] = [];
  const times: number[] = [];
  const get = (): void => b.asyncGet(r.t, chid, 400, (err, ms) => {
    if (err !== 0) return;
    batches.push(ms.length);
    times.push(clock.now());
    get();
  });
  if (o.keepUp !== false) get();
  const callbacks: number[] = [];
  const attr: AsyncAttr = {
    call_back: (err, _buf, handle) => callbacks.push(err === 0 ? handle : -handle - 1),
    buffer_size: 64,
    max_num_buffer: o.ring ?? 301,
    trigger_num_msg: o.count,
    trigger_time: { nsec: (o.time ?? 0) * 1e6, interval_nsec: 0 },
  };
  const nd = remote ? a.netmgrStrtond('b').nd : 0;
  const coid = a.asyncConnectAttach(s.t, nd, r.pid, chid, 0, o.nonblock === true ? _NTO_COF_NONBLOCK : 0, attr);
  const put = (i: number, done: () => void = () => {}): number => errnoOf(() => a.asyncPut(s.t, coid, new Uint8Array([i]), i, null, done));
  const flush = (): { done: boolean } => {
    const f = { done: false };
    a.asyncFlush(s.t, coid, 0, () => { f.done = true; });
    return f;
  };
  return { clock, a, b, r, s, chid, coid, batches, times, callbacks, put, flush };
}

/** 100 puts in one go (each accepted at once), then 50 ms: what the receiver took. */
function burst(remote: boolean, o: Options) {
  const x = setup(remote, o);
  for (let i = 0; i < 100; i++) expect(x.put(i)).toBe(0);
  x.clock.advanceBy(50);
  return x;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const batchesOf = (size: number, n: number): number[] => Array<number>(n).fill(size);

describe('asynchronous batches across nodes as on one node', () => {
  it('should deliver 100 puts at a count trigger of 10 as ten batches of 10, as on one node', () => {
    const [local, remote] = [burst(false, { count: 10 }), burst(true, { count: 10 })];
    expect(local.batches).toEqual(batchesOf(10, 10));
    expect(remote.batches).toEqual(local.batches);
    expect(remote.callbacks).toEqual(range(100));
    expect(local.callbacks).toEqual(range(100));
  });

  it('should keep the trailing 2 of 100 puts at a count trigger of 7 until a flush, as on one node', () => {
    for (const x of [burst(false, { count: 7 }), burst(true, { count: 7 })]) {
      expect(x.batches).toEqual(batchesOf(7, 14));
      expect(x.callbacks).toEqual(range(98));
      x.clock.advanceBy(1000);
      expect(x.batches).toHaveLength(14); // no time trigger: they wait
      const f = x.flush();
      x.clock.advanceBy(10);
      expect(x.batches).toEqual([...batchesOf(7, 14), 2]);
      expect(x.callbacks).toEqual(range(100));
      expect(f.done).toBe(true); // a flush waits until every message was taken
    }
  });

  it('should deliver the trailing 2 at the time trigger (5 ms after the first put), as on one node', () => {
    const [local, remote] = [setup(false, { count: 7, time: 5 }), setup(true, { count: 7, time: 5 })];
    for (const x of [local, remote]) {
      for (let i = 0; i < 100; i++) expect(x.put(i)).toBe(0);
      x.clock.advanceBy(4);
      expect(x.batches).toEqual(batchesOf(7, 14));
      x.clock.advanceBy(46);
      expect(x.batches).toEqual([...batchesOf(7, 14), 2]);
      expect(x.callbacks).toEqual(range(100));
    }
    // the same trigger, one link's latency (1 ms) later
    expect(local.times.at(-1)).toBe(15);
    expect(remote.times.at(-1)).toBe(16);
  });

  it('should see the same batches when the puts come one per ms, with and without a time trigger', () => {
    for (const time of [0, 5]) {
      const seen = [false, true].map((remote) => {
        const x = setup(remote, { count: 7, time });
        for (let i = 0; i < 100; i++) {
          expect(x.put(i)).toBe(0);
          x.clock.advanceBy(1);
        }
        x.flush();
        x.clock.advanceBy(50);
        expect(x.callbacks).toEqual(range(100));
        return x.batches;
      });
      expect(seen[0]).toEqual(time === 0 ? [...batchesOf(7, 14), 2] : batchesOf(5, 20));
      expect(seen[1]).toEqual(seen[0]);
    }
  });

  it('should hold put() back on a full ring (a blocking connection) and still see batches of 7, callbacks in put order', () => {
    const seen = [false, true].map((remote) => {
      // 9 slots: the sent messages keep theirs until the receiver's node reports them taken
      const x = setup(remote, { count: 7, ring: 10 });
      // one thread puts, each put when the last returned (blocked while the ring is full)
      const puts: number[] = [];
      const next = (i: number): void => {
        if (i < 100) expect(x.put(i, () => { puts.push(i); next(i + 1); })).toBe(0);
      };
      next(0);
      x.clock.advanceBy(500);
      expect(puts).toEqual(range(100));
      expect(x.callbacks).toEqual(range(98));
      x.flush();
      x.clock.advanceBy(10);
      expect(x.callbacks).toEqual(range(100));
      return x.batches;
    });
    expect(seen[0]).toEqual([...batchesOf(7, 14), 2]);
    expect(seen[1]).toEqual(seen[0]);
  });

  it('should fail a put on a full ring with EAGAIN until the receiver\'s node reports the sent messages taken', () => {
    const x = setup(true, { count: 7, ring: 10, nonblock: true });
    // 9 slots: 7 sent at the count trigger, 2 not yet sent, then EAGAIN
    expect(range(10).map((i) => x.put(i))).toEqual([...Array<number>(9).fill(0), ERRNO.EAGAIN]);
    // the batch is taken at 1 ms; its report frees the 7 slots at 2 ms
    x.clock.advanceBy(1);
    expect([x.batches, x.put(9)]).toEqual([[7], ERRNO.EAGAIN]);
    x.clock.advanceBy(1);
    expect(x.callbacks).toEqual(range(7));
    // the 2 unsent count towards the next batch: 5 more make 7
    expect(range(7).map((i) => x.put(9 + i))).toEqual([...Array<number>(7).fill(0)]);
    x.clock.advanceBy(10);
    expect(x.batches).toEqual([7, 7]);
    expect(x.callbacks).toEqual(range(14));
    expect(x.put(16)).toBe(0);
  });

  it('should keep one node\'s count (7 pending and not taken: each put triggers), where across nodes, with no get waiting, the trailing 2 wait', () => {
    // no get waits while the puts come: on one node the ring's pending count (sent or not) stays
    // at 7 or more, so each put is visible at once and one get takes all 100
    const x = setup(false, { count: 7, keepUp: false });
    const y = setup(true, { count: 7, keepUp: false });
    for (let i = 0; i < 100; i++) {
      x.put(i);
      y.put(i);
    }
    x.clock.advanceBy(5);
    y.clock.advanceBy(5);
    const got = (z: typeof x): number[] => {
      const sizes: number[] = [];
      z.b.asyncGet(z.r.t, z.chid, 400, (_e, ms) => sizes.push(ms.length));
      z.clock.advanceBy(5);
      return sizes;
    };
    expect(got(x)).toEqual([100]);
    // across nodes the sender cannot see that no get waits (the report of a take comes a link's
    // latency later): it sends what reached the count, and the trailing 2 wait for a flush
    expect(got(y)).toEqual([98]);
  });
});
