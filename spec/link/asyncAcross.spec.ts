// Asynchronous messages across nodes (the opt-in of qnet.md §6.9) over the loopback link in
// virtual time: triggers send batches, gets on the receiver's node take them, and the sender's
// callbacks run in put order once they are taken; a ring full until then; deaths end them EBADF.
import { describe, expect, it } from 'vitest';
import {
  ERRNO, Kernel, VirtualClock, type AsyncAttr, type AsyncMessage, _NTO_CHF_ASYNC_NONBLOCK, _NTO_COF_NONBLOCK,
} from '../../src/kernel/index.js';
import { connectLoopback } from '../../src/testing/index.js';
import { errnoOf, proc } from './harness.js';

function nodes(asyncAcrossNodes = true) {
  const clock = new VirtualClock();
  const node = (name: string, incarnation: number) => new Kernel({ scheduler: clock, net: { node: name, incarnation, asyncAcrossNodes }, onUnhandledError: (e) => { throw e; } });
  const a = node('a', 1);
  const b = node('b', 2);
  const link = connectLoopback(a, b, { latency: 1 });
  return { clock, a, b, link };
}

const attr = (over: Partial<AsyncAttr> = {}): AsyncAttr => ({
  call_back: null, buffer_size: 64, max_num_buffer: 5, trigger_num_msg: 1, trigger_time: { nsec: 0, interval_nsec: 0 }, ...over,
});
const text = (m: AsyncMessage): string => new TextDecoder().decode(m.data);

describe('asynchronous messages across nodes', () => {
  it('should deliver each triggered batch to a get on the receiver\'s node, then run the sender\'s callbacks in put order', () => {
    const { clock, a, b } = nodes();
    const r = proc(b, 'receiver');
    const achid = b.asyncChannelCreate(r.t, 0, 0o666, 64, 10, null);
    const s = proc(a, 'sender');
    const calls: string[] = [];
    const coid = a.asyncConnectAttach(s.t, a.netmgrStrtond('b').nd, r.pid, achid, 0, 0, attr({ trigger_num_msg: 3, call_back: (err, _buf, h) => calls.push(`cb ${h} ${err}`) }));
    for (let i = 1; i <= 3; i++) a.asyncPut(s.t, coid, new TextEncoder().encode(`m${i}`), i, null, () => calls.push(`put ${i}`));
    const got: string[] = [];
    b.asyncGet(r.t, achid, 10, (err, ms) => got.push(`${err}:${ms.map((m) => `${text(m)}/${m.pid}`).join(',')}`));
    clock.advanceBy(10);
    expect(got).toEqual([`0:m1/${s.pid},m2/${s.pid},m3/${s.pid}`]);
    expect(calls).toEqual(['put 1', 'put 2', 'put 3', 'cb 1 0', 'cb 2 0', 'cb 3 0']);
  });

  it('should keep the sender\'s ring full until the receiver takes the messages (EAGAIN on a nonblocking connection)', () => {
    const { clock, a, b } = nodes();
    const r = proc(b, 'receiver');
    const achid = b.asyncChannelCreate(r.t, _NTO_CHF_ASYNC_NONBLOCK, 0o666, 64, 10, null);
    const s = proc(a, 'sender');
    const coid = a.asyncConnectAttach(s.t, a.netmgrStrtond('b').nd, r.pid, achid, 0, _NTO_COF_NONBLOCK, attr({ max_num_buffer: 3 }));
    const put = () => errnoOf(() => a.asyncPut(s.t, coid, new Uint8Array([1]), 0, null, () => {}));
    expect([put(), put(), put()]).toEqual([0, 0, ERRNO.EAGAIN]);
    clock.advanceBy(10);
    expect(put()).toBe(ERRNO.EAGAIN); // delivered is not taken
    let taken = 0;
    b.asyncGet(r.t, achid, 10, (_e, ms) => { taken = ms.length; });
    clock.advanceBy(10);
    expect([taken, put()]).toEqual([2, 0]);
  });

  it('should report a message cut to the receiver\'s buffer to the sender\'s callback (EMSGSIZE)', () => {
    const { clock, a, b } = nodes();
    const r = proc(b, 'receiver');
    const achid = b.asyncChannelCreate(r.t, 0, 0o666, 4, 10, null);
    const s = proc(a, 'sender');
    const errs: number[] = [];
    const coid = a.asyncConnectAttach(s.t, a.netmgrStrtond('b').nd, r.pid, achid, 0, 0, attr({ call_back: (err) => errs.push(err) }));
    a.asyncPut(s.t, coid, new Uint8Array(10), 0, null, () => {});
    const got: number[] = [];
    b.asyncGet(r.t, achid, 10, (_e, ms) => got.push(...ms.map((m) => m.msglen)));
    clock.advanceBy(10);
    expect([got, errs]).toEqual([[4], [ERRNO.EMSGSIZE]]);
  });

  it('should end undelivered messages with EBADF callbacks when the receiver\'s node is lost, or its channel is not asynchronous', () => {
    const { clock, a, b, link } = nodes();
    const r = proc(b, 'receiver');
    const achid = b.asyncChannelCreate(r.t, 0, 0o666, 64, 10, null);
    const sync = b.channelCreate(r.t, 0);
    const s = proc(a, 'sender');
    const errs: string[] = [];
    const nd = a.netmgrStrtond('b').nd;
    const wrong = a.asyncConnectAttach(s.t, nd, r.pid, sync, 0, 0, attr({ call_back: (err, _b, h) => errs.push(`${h}:${err}`) }));
    a.asyncPut(s.t, wrong, new Uint8Array(1), 7, null, () => {});
    clock.advanceBy(10);
    expect(errs).toEqual([`7:${ERRNO.EBADF}`]);
    const coid = a.asyncConnectAttach(s.t, nd, r.pid, achid, 0, 0, attr({ call_back: (err, _b, h) => errs.push(`${h}:${err}`) }));
    a.asyncPut(s.t, coid, new Uint8Array(1), 8, null, () => {});
    clock.advanceBy(10);
    link.sever();
    clock.advanceBy(5000);
    expect(errs).toEqual([`7:${ERRNO.EBADF}`, `8:${ERRNO.EBADF}`]);
  });

  it('should stay ENOREMOTE without the opt-in', () => {
    const { a } = nodes(false);
    const s = proc(a, 'sender');
    expect(errnoOf(() => a.asyncConnectAttach(s.t, a.netmgrStrtond('b').nd, 1, 1, 0, 0, attr()))).toBe(ERRNO.ENOREMOTE);
  });
});
