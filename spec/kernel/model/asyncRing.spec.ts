// The sender's ring as the kernel keeps it: its FIFO under wrap-around and growth, bad buffers
// (EFAULT, nothing lost), and the order in which a put and its delivery are heard.
import { describe, expect, it } from 'vitest';
import { Kernel, VirtualClock, type AsyncMessage, type Buffers } from '../../../src/kernel/index.js';
import { SlotRing } from '../../../src/kernel/SlotRing.js';
import { enc, dec, recorder, world } from '../helpers.js';

function asyncWorld(ring: number, count: number) {
  const clock = new VirtualClock();
  const kernel = new Kernel({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  const rx = kernel.createThread(kernel.createProcess({ name: 'rx' }));
  const tx = kernel.createThread(kernel.createProcess({ name: 'tx' }));
  const chid = kernel.asyncChannelCreate(rx, 0, 0o666, 64, 1000, null);
  const coid = kernel.asyncConnectAttach(tx, 0, rx.process.pid, chid, 0, 0, {
    call_back: null, buffer_size: 64, max_num_buffer: ring, trigger_num_msg: count, trigger_time: { nsec: 0, interval_nsec: 0 },
  });
  return { kernel, rx, tx, chid, coid };
}

describe('SlotRing', () => {
  it('should keep FIFO order across wrap-around and growth, up to its capacity', () => {
    const r = new SlotRing<number>(40);
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 10; round++) {
      while (r.length < r.capacity) r.push(next++);
      for (let i = 0; i < 7; i++) out.push(r.shift()!);
    }
    out.push(...r.drain());
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(r.shift()).toBeUndefined();
  });

  it('should refuse a push beyond capacity', () => {
    const r = new SlotRing<number>(1);
    r.push(1);
    expect(() => r.push(2)).toThrow(RangeError);
  });
});

describe('asynchronous ring in the kernel', () => {
  it('should deliver every message of a huge ring in put order (slots grow on demand)', () => {
    const { kernel, rx, tx, chid, coid } = asyncWorld(1_000_000, 0);
    for (let i = 0; i < 300; i++) kernel.asyncPut(tx, coid, enc(`m${i}`), i, null, () => {});
    kernel.asyncFlush(tx, coid, 1, () => {});
    const got: string[] = [];
    kernel.asyncGet(rx, chid, 1000, (_err, ms) => got.push(...ms.map((m) => dec(m.data))));
    expect(got).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
  });

  it('should fail a put of something that is not a buffer with EFAULT and lose nothing queued', () => {
    const { kernel, rx, tx, chid, coid } = asyncWorld(8, 0);
    kernel.asyncPut(tx, coid, enc('kept'), 1, null, () => {});
    for (const bad of ['text', 42, null, [enc('a'), 'b'], { length: 3 }]) {
      expect(() => kernel.asyncPut(tx, coid, bad as unknown as Buffers, 2, null, () => {})).toThrow(expect.objectContaining({ code: 'EFAULT' }));
    }
    kernel.asyncFlush(tx, coid, 1, () => {});
    let got: AsyncMessage[] = [];
    kernel.asyncGet(rx, chid, 10, (_err, ms) => { got = ms; });
    expect(got.map((m) => dec(m.data))).toEqual(['kept']);
  });

  it('should fail MsgSend of something that is not a buffer with EFAULT, keeping the armed state', () => {
    const { kernel, client, coid, server, chid } = world();
    const done = recorder();
    expect(() => kernel.msgSend(client, coid, 'hi' as unknown as Buffers, new Uint8Array(4), done)).toThrow(expect.objectContaining({ code: 'EFAULT' }));
    expect(() => kernel.msgSend(client, coid, enc('hi'), [new Uint8Array(2), 7] as unknown as Buffers, done)).toThrow(expect.objectContaining({ code: 'EFAULT' }));
    expect(done.called).toBe(false);
    expect(client.wait).toBeNull();
    const rcv = recorder();
    kernel.msgReceive(server, chid, new Uint8Array(8), null, rcv);
    kernel.msgSend(client, coid, enc('ok'), new Uint8Array(4), done);
    expect(rcv.called).toBe(true);
  });

  it('should let a put return before its getter and its callback hear of the delivery', () => {
    const { kernel, rx, tx, chid, coid } = asyncWorld(8, 1);
    const order: string[] = [];
    kernel.asyncGet(rx, chid, 10, (_err, ms) => order.push(`get ${ms.length}`));
    kernel.asyncPut(tx, coid, enc('x'), 1, (err) => order.push(`callback ${err}`), () => order.push('put returned'));
    expect(order).toEqual(['put returned', 'get 1', 'callback 0']);
  });
});

describe('asynchronous triggers and receive buffers', () => {
  it('should trigger at every put once the unconsumed count reaches trigger_num_msg (a lagging receiver)', () => {
    const { kernel, rx, tx, chid, coid } = asyncWorld(8, 2);
    const gets: number[] = [];
    const get = () => kernel.asyncGet(rx, chid, 10, (_err, ms) => gets.push(ms.length));
    kernel.asyncPut(tx, coid, enc('a'), 1, null, () => {});
    kernel.asyncPut(tx, coid, enc('b'), 2, null, () => {}); // 2 pending: triggered
    kernel.asyncPut(tx, coid, enc('c'), 3, null, () => {}); // 3 pending, none taken: triggers at once
    get();
    expect(gets).toEqual([3]);
    kernel.asyncPut(tx, coid, enc('d'), 4, null, () => {}); // 1 pending after the get: not yet
    let late = 0;
    kernel.asyncGet(rx, chid, 10, (_err, ms) => { late = ms.length; });
    expect(late).toBe(0);
    kernel.asyncPut(tx, coid, enc('e'), 5, null, () => {}); // 2 pending: the waiting get takes both
    expect(late).toBe(2);
  });

  it('should copy straight into the receiver buffers it is given, no more messages than buffers, truncating to them', () => {
    const { kernel, rx, tx, chid, coid } = asyncWorld(8, 0);
    for (const s of ['one', 'two', 'three']) kernel.asyncPut(tx, coid, enc(s), 0, null, () => {});
    kernel.asyncFlush(tx, coid, 1, () => {});
    const buffers = [new Uint8Array(8), new Uint8Array(2)];
    let got: AsyncMessage[] = [];
    kernel.asyncGet(rx, chid, 10, (_err, ms) => { got = ms; }, buffers);
    expect(got.map((m) => dec(m.data))).toEqual(['one', 'tw']);
    expect(got[0]!.data.buffer).toBe(buffers[0]!.buffer);
    expect(got[1]!.data.buffer).toBe(buffers[1]!.buffer);
    expect(got.map((m) => [m.msglen, m.srcmsglen])).toEqual([[3, 3], [2, 3]]);
    kernel.asyncGet(rx, chid, 10, (_err, ms) => { got = ms; });
    expect(got.map((m) => dec(m.data))).toEqual(['three']);
  });
});
