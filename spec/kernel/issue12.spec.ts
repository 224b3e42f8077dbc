// Issue 12: the kernel's structures at scale keep the model's semantics (lowest-free ids, queue
// order) and rcvids never collide or go negative.
import { describe, expect, it } from 'vitest';
import { CLOCK_MONOTONIC, Kernel, SIGEV_PULSE, VirtualClock, _NTO_CHF_PRIVATE, _NTO_SIDE_CHANNEL } from '../../src/kernel/index.js';
import { PriorityFifo, type FifoLinks } from '../../src/kernel/PriorityFifo.js';
import { receive, send, world } from './helpers.js';

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
