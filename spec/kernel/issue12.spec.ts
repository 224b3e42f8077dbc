// Issue 12: the kernel's structures at scale keep the model's semantics (lowest-free ids, queue
// order) and rcvids never collide or go negative.
import { describe, expect, it } from 'vitest';
import { CLOCK_MONOTONIC, Kernel, SIGEV_PULSE, VirtualClock, _NTO_CHF_PRIVATE, _NTO_SIDE_CHANNEL, _NTO_TIMEOUT_REPLY, _NTO_TIMEOUT_SEND, ERRNO } from '../../src/kernel/index.js';
import { PriorityFifo, type FifoLinks } from '../../src/kernel/PriorityFifo.js';
import { codeOf, dec, enc, readPulse, receive, send, world } from './helpers.js';

describe('issue 12: rcvids', () => {
  it('should keep rcvids positive and distinct for sends of threads made over a process life of 70,000 threads', () => {
    const { kernel, server, clientP, chid, coid } = world();
    for (let i = 0; i < 70_000; i++) {
      const t = kernel.createThread(clientP);
      if (i % 7_000 !== 6_999) {
        kernel.threadExit(t);
        continue;
      }
      // every 7,000th thread sends twice, with a second one in flight at the same time
      const a = send(kernel, t, coid, 'a');
      const other = kernel.createThread(clientP);
      const b = send(kernel, other, coid, 'b');
      const ra = receive(kernel, server, chid).done.value!;
      const rb = receive(kernel, server, chid).done.value!;
      for (const r of [ra, rb]) {
        expect(r).toBeGreaterThan(0);
        expect(r).toBeLessThanOrEqual(0x7fffffff);
      }
      expect(ra).not.toBe(rb);
      kernel.msgReply(server, rb, 2);
      kernel.msgReply(server, ra, 1);
      expect([a.done.calls, b.done.calls]).toEqual([[[0, 1]], [[0, 2]]]);
      kernel.threadExit(t);
      kernel.threadExit(other);
    }
    expect(clientP.nextTid).toBeGreaterThan(70_000);
  });
});

describe('issue 12: lowest-free ids at scale', () => {
  it('should hand out the lowest free chid, coid and timer id after frees, as QNX does', () => {
    const k = new Kernel({ scheduler: new VirtualClock() });
    const t = k.createThread(k.createProcess());
    const chids = Array.from({ length: 2000 }, () => k.channelCreate(t, _NTO_CHF_PRIVATE));
    expect(chids[1999]).toBe(2000);
    k.channelDestroy(t, 1500);
    k.channelDestroy(t, 7);
    expect(k.channelCreate(t, _NTO_CHF_PRIVATE)).toBe(7);
    expect(k.channelCreate(t, _NTO_CHF_PRIVATE)).toBe(1500);
    expect(k.channelCreate(t, _NTO_CHF_PRIVATE)).toBe(2001);
    const side = Array.from({ length: 100 }, () => k.connectAttach(t, 0, 0, 1, _NTO_SIDE_CHANNEL, 0));
    expect(side[0]).toBe(_NTO_SIDE_CHANNEL | 1);
    const fds = [k.connectAttach(t, 0, 0, 1, 0, 0), k.connectAttach(t, 0, 0, 1, 0, 0), k.connectAttach(t, 0, 0, 1, 5, 0)];
    expect(fds).toEqual([0, 1, 5]);
    expect(k.connectAttach(t, 0, 0, 1, 0, 0)).toBe(2); // the gap below index 5 is still free
    k.connectDetach(t, side[10]!);
    expect(k.connectAttach(t, 0, 0, 1, _NTO_SIDE_CHANNEL, 0)).toBe(side[10]);
    const self = side[0]!;
    const ev = { sigev_notify: SIGEV_PULSE, sigev_coid: self, sigev_priority: 10, sigev_code: 1 };
    const timers = Array.from({ length: 50 }, () => k.timerCreate(t, CLOCK_MONOTONIC, ev));
    expect(timers[49]).toBe(49);
    k.timerDestroy(t, 3);
    expect(k.timerCreate(t, CLOCK_MONOTONIC, ev)).toBe(3);
  });
});

describe('issue 12: PriorityFifo', () => {
  class Item implements FifoLinks<Item> {
    prevQ: Item | null = null;
    nextQ: Item | null = null;
    seqQ = 0;
    inQ: object | null = null;
    constructor(readonly priority: number, readonly name: string, readonly pulse = false) {}
  }

  it('should keep priority order, FIFO within a level across senders and pulses, and take the first pulse', () => {
    const q = new PriorityFifo<Item>((i) => i.pulse);
    const items = [new Item(10, 'a'), new Item(20, 'b'), new Item(10, 'p1', true), new Item(10, 'c'), new Item(20, 'p2', true), new Item(5, 'd')];
    for (const i of items) q.push(i);
    expect(q.toArray().map((i) => i.name)).toEqual(['b', 'p2', 'a', 'p1', 'c', 'd']);
    expect(q.shiftPulse()?.name).toBe('p2');
    expect(q.remove(items[0]!)).toBe(true);
    expect(q.remove(items[0]!)).toBe(false);
    const other = new PriorityFifo<Item>((i) => i.pulse);
    expect(other.remove(items[3]!)).toBe(false);
    expect([q.shift(), q.shift(), q.shift(), q.shift(), q.shift()].map((i) => i?.name)).toEqual(['b', 'p1', 'c', 'd', undefined]);
    expect(q.length).toBe(0);
  });
});

describe('issue 12: a thread reuses its ended wait objects', () => {
  it('should keep a stale rcvid stale when the next send is made from the last one\'s continuation', () => {
    const { kernel, server, client, chid, coid } = world();
    const rcvids: number[] = [];
    const results: Array<[number, number, string]> = [];
    const reply = new Uint8Array(8);
    let left = 3;
    const next = (): void => {
      kernel.msgSend(client, coid, enc(`m${left}`), reply, (err, value) => {
        results.push([err, value, dec(reply, 2)]);
        if (--left > 0) next();
      });
    };
    next();
    for (let i = 0; i < 3; i++) {
      const r = receive(kernel, server, chid);
      const rcvid = r.done.value!;
      rcvids.push(rcvid);
      // every stale rcvid of the same client names nothing, although its object now serves again
      for (const old of rcvids.slice(0, -1)) expect(codeOf(() => kernel.msgReply(server, old, 9))).toBe('ESRCH');
      kernel.msgReply(server, rcvid, i, enc(`r${i}`));
    }
    expect(results).toEqual([[0, 0, 'r0'], [0, 1, 'r1'], [0, 2, 'r2']]);
    expect(new Set(rcvids).size).toBe(3);
  });

  it('should not reuse a send whose continuation is still queued behind another', () => {
    const { kernel, server, client, clientP, chid, coid } = world();
    const other = kernel.createThread(clientP);
    const order: string[] = [];
    const replyA = new Uint8Array(8);
    // `other`'s continuation runs first and makes a call for `client`, whose own continuation is queued
    kernel.msgSend(other, coid, enc('o'), new Uint8Array(8), () => {
      order.push('other');
      kernel.msgSend(client, coid, enc('c2'), new Uint8Array(8), (err, v) => order.push(`client2 ${err} ${v}`));
    });
    const ro = receive(kernel, server, chid).done.value!;
    // the server answers both sends in one continuation: both completions queue, `other`'s first
    kernel.msgReceive(server, chid, new Uint8Array(8), null, (_err, rc) => {
      kernel.msgReply(server, ro, 0);
      kernel.msgReply(server, rc, 5, enc('ok'));
    });
    kernel.msgSend(client, coid, enc('c1'), replyA, (err, v) => order.push(`client1 ${err} ${v} ${dec(replyA, 2)}`));
    expect(order).toEqual(['other', 'client1 0 5 ok']);
    const r2 = receive(kernel, server, chid);
    expect(dec(r2.buf, 2)).toBe('c2');
    kernel.msgReply(server, r2.done.value!, 7);
    expect(order[2]).toBe('client2 0 7');
  });

  it('should not reuse a receive whose continuation is still queued behind another', () => {
    const { kernel, server, serverP, client, chid, coid } = world();
    const s = kernel.createThread(serverP);
    const chid2 = kernel.channelCreate(s, 0);
    const coid2 = kernel.connectAttach(server, 0, serverP.pid, chid2, _NTO_SIDE_CHANNEL, 0);
    const first = new Uint8Array(16);
    const second = new Uint8Array(16);
    const got: string[] = [];
    kernel.msgReceive(s, chid2, first, null, (err, rcvid) => got.push(`first ${err} ${rcvid} ${readPulse(first).value.sival_int}`));
    // the server answers the client, then pulses `s`: two completions queue, the client's first
    kernel.msgReceive(server, chid, new Uint8Array(8), null, (_err, rcvid) => {
      kernel.msgReply(server, rcvid, 0);
      kernel.msgSendPulse(server, coid2, 10, 3, 77);
    });
    // the client's continuation makes `s` receive again while `s`'s first continuation waits its turn
    kernel.msgSend(client, coid, enc('hi'), new Uint8Array(8), () => {
      got.push('client');
      kernel.msgReceive(s, chid2, second, null, (err, rcvid) => got.push(`second ${err} ${rcvid} ${readPulse(second).value.sival_int}`));
    });
    expect(got).toEqual(['client', 'first 0 0 77']);
    kernel.msgSendPulse(server, coid2, 10, 3, 88);
    expect(got).toEqual(['client', 'first 0 0 77', 'second 0 0 88']);
  });

  it('should leave a timed-out send\'s rcvid stale for the thread\'s next send', () => {
    const { clock, kernel, server, client, chid, coid } = world();
    kernel.timerTimeout(client, CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY, null, 1_000_000);
    const first = send(kernel, client, coid, 'a');
    const r1 = receive(kernel, server, chid).done.value!;
    clock.flush();
    expect(first.done.calls).toEqual([[ERRNO.ETIMEDOUT, 0]]);
    const second = send(kernel, client, coid, 'b');
    const r2 = receive(kernel, server, chid).done.value!;
    expect(r2).not.toBe(r1);
    expect(codeOf(() => kernel.msgReply(server, r1, 1))).toBe('ESRCH');
    kernel.msgReply(server, r2, 2);
    expect(second.done.calls).toEqual([[0, 2]]);
  });
});
