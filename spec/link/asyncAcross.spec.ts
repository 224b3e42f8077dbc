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

  it('should report which messages were cut when one batch is taken by several gets in one call (EMSGSIZE in put order)', () => {
    const { clock, a, b } = nodes();
    const r = proc(b, 'receiver');
    const r2 = b.createThread(r.t.process);
    const achid = b.asyncChannelCreate(r.t, 0, 0o666, 4, 10, null);
    const s = proc(a, 'sender');
    const errs: string[] = [];
    const coid = a.asyncConnectAttach(s.t, a.netmgrStrtond('b').nd, r.pid, achid, 0, 0, attr({ max_num_buffer: 10, trigger_num_msg: 5, call_back: (err, _b, h) => errs.push(`${h}:${err}`) }));
    // two gets wait (the later one is served first), and the batch of 5 is split between them
    const got: string[] = [];
    b.asyncGet(r.t, achid, 3, (_e, ms) => got.push(`r:${ms.map((m) => m.msglen).join(',')}`));
    b.asyncGet(r2, achid, 2, (_e, ms) => got.push(`r2:${ms.map((m) => m.msglen).join(',')}`));
    for (const [h, n] of [[1, 2], [2, 10], [3, 3], [4, 10], [5, 4]] as const) a.asyncPut(s.t, coid, new Uint8Array(n).fill(h), h, null, () => {});
    clock.advanceBy(10);
    expect(got).toEqual(['r2:2,4', 'r:3,4,4']);
    expect(errs).toEqual(['1:0', `2:${ERRNO.EMSGSIZE}`, '3:0', `4:${ERRNO.EMSGSIZE}`, '5:0']);
  });

  it('should cut a message of a batch to its first bytes, wherever it lies in the batch (EMSGSIZE)', () => {
    const { clock, a, b } = nodes();
    const r = proc(b, 'receiver');
    const achid = b.asyncChannelCreate(r.t, 0, 0o666, 4, 10, null);
    const s = proc(a, 'sender');
    const coid = a.asyncConnectAttach(s.t, a.netmgrStrtond('b').nd, r.pid, achid, 0, 0, attr({ max_num_buffer: 10, trigger_num_msg: 3 }));
    for (const [i, m] of [[1, 2], [3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13]].entries()) a.asyncPut(s.t, coid, new Uint8Array(m), i + 1, null, () => {});
    let got: Array<[number[], number, number]> = [];
    b.asyncGet(r.t, achid, 10, (_e, ms) => { got = ms.map((m) => [[...m.data], m.srcmsglen, m.err]); });
    clock.advanceBy(10);
    expect(got).toEqual([[[1, 2], 2, 0], [[3, 4, 5, 6], 6, ERRNO.EMSGSIZE], [[9, 10, 11, 12], 5, ERRNO.EMSGSIZE]]);
  });

  it('should hand each message its own bytes (views of the frame that carried the batch)', () => {
    const { clock, a, b } = nodes();
    const r = proc(b, 'receiver');
    const achid = b.asyncChannelCreate(r.t, 0, 0o666, 64, 10, null);
    const s = proc(a, 'sender');
    const coid = a.asyncConnectAttach(s.t, a.netmgrStrtond('b').nd, r.pid, achid, 0, 0, attr({ max_num_buffer: 10, trigger_num_msg: 3 }));
    const sent = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array([9, 8, 7, 6, 5])];
    for (const [i, m] of sent.entries()) a.asyncPut(s.t, coid, m, i + 1, null, () => {});
    sent[0]!.fill(0); // the batch left at the trigger: a later change of the sender's buffer is not seen
    let got: number[][] = [];
    b.asyncGet(r.t, achid, 10, (_e, ms) => { got = ms.map((m) => [...m.data]); });
    clock.advanceBy(10);
    expect(got).toEqual([[1, 2, 3], [], [9, 8, 7, 6, 5]]);
  });

  it('should copy a batch\'s messages from their own places into a receiver\'s buffers, and view each once when read', () => {
    const { clock, a, b } = nodes();
    const r = proc(b, 'receiver');
    const achid = b.asyncChannelCreate(r.t, 0, 0o666, 64, 10, null);
    const s = proc(a, 'sender');
    const coid = a.asyncConnectAttach(s.t, a.netmgrStrtond('b').nd, r.pid, achid, 0, 0, attr({ max_num_buffer: 10, trigger_num_msg: 3 }));
    for (const [i, m] of [[1, 2, 3], [4, 5], [6]].entries()) a.asyncPut(s.t, coid, new Uint8Array(m), i + 1, null, () => {});
    a.asyncPut(s.t, coid, new Uint8Array([7, 8]), 4, null, () => {});
    a.asyncFlush(s.t, coid, 0, () => {});
    let into: number[][] = [];
    let errs: number[] = [];
    b.asyncGet(r.t, achid, 10, (_e, ms) => { into = ms.map((m) => [...m.data]); errs = ms.map((m) => m.err); }, [new Uint8Array(2), new Uint8Array(2), new Uint8Array(2)]);
    clock.advanceBy(10);
    // each copied from its own place in the batch, up to what the receiver's buffer holds (2 bytes)
    expect([into, errs]).toEqual([[[1, 2], [4, 5], [6]], [0, 0, 0]]);
    let last: AsyncMessage[] = [];
    b.asyncGet(r.t, achid, 10, (_e, ms) => { last = ms; });
    clock.advanceBy(10);
    expect(last.map((m) => [m.msglen, m.srcmsglen, [...m.data]])).toEqual([[2, 2, [7, 8]]]);
    expect(last[0]!.data).toBe(last[0]!.data);
  });

  it('should send a buffer detached since its put as zeros of its length, never another batch\'s bytes', () => {
    const { clock, a, b } = nodes();
    const r = proc(b, 'receiver');
    const achid = b.asyncChannelCreate(r.t, 0, 0o666, 64, 10, null);
    const s = proc(a, 'sender');
    const coid = a.asyncConnectAttach(s.t, a.netmgrStrtond('b').nd, r.pid, achid, 0, 0, attr({ max_num_buffer: 10, trigger_num_msg: 2 }));
    const got: number[][] = [];
    const get = () => b.asyncGet(r.t, achid, 10, (_e, ms) => got.push(...ms.map((m) => [...m.data])));
    clock.advanceBy(10); // the session is up: both batches are encoded from the same buffer
    a.asyncPut(s.t, coid, new Uint8Array([5, 5, 5]), 1, null, () => {});
    a.asyncPut(s.t, coid, new Uint8Array([6, 6, 6]), 2, null, () => {});
    get();
    clock.advanceBy(10);
    const gone = new Uint8Array([7, 7, 7]);
    a.asyncPut(s.t, coid, gone, 3, null, () => {});
    structuredClone(gone.buffer, { transfer: [gone.buffer] });
    a.asyncPut(s.t, coid, new Uint8Array([8]), 4, null, () => {});
    get();
    clock.advanceBy(10);
    expect(got).toEqual([[5, 5, 5], [6, 6, 6], [0, 0, 0], [8]]);
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
