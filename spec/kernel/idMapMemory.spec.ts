import { describe, expect, it } from 'vitest';
import { IdMap } from '../../src/kernel/IdMap.js';
import { _NTO_SIDE_CHANNEL } from '../../src/kernel/index.js';
import { rng, world } from './helpers.js';

// Issue 20 item 7.1: the id tables' free structure follows the live ids, not the history.

const CYCLES = 300_000;


describe('IdMap memory', () => {
  it('should hold O(live) free entries after 300k take/free cycles of the lowest id', () => {
    const m = new IdMap<string>(0);
    for (let i = 0; i < 10; i++) m.set(m.lowestFree(0), 'live');
    m.delete(4); // a hole: the cycle below takes and frees it, through the heap
    for (let i = 0; i < CYCLES; i++) {
      const id = m.lowestFree(0);
      m.set(id, 'cycle');
      m.delete(id);
    }
    expect(m.lowestFree(0)).toBe(4);
    const { free, slots } = m.footprint();
    expect(free).toBeLessThanOrEqual(1);
    expect(slots).toBe(10);
  });

  it('should hold O(live) free entries after 300k cycles at the top of the table', () => {
    const m = new IdMap<string>(1);
    m.set(1, 'live');
    for (let i = 0; i < CYCLES; i++) {
      const id = m.lowestFree(1);
      m.set(id, 'cycle');
      m.delete(id);
    }
    expect(m.footprint()).toEqual({ free: 0, slots: 1 });
  });

  it('should stay bounded when ids are taken above the lowest free one (a raised ConnectAttach index)', () => {
    const m = new IdMap<string>(0, _NTO_SIDE_CHANNEL);
    for (let i = 0; i < 20; i++) m.set(i, 'live');
    for (const id of [2, 5, 9]) m.delete(id);
    for (let i = 0; i < CYCLES; i++) {
      const id = m.lowestFree(6); // 9, while 2 and 5 stay free below it
      m.set(id, 'cycle');
      m.delete(id);
      const side = m.lowestFree(_NTO_SIDE_CHANNEL | 1);
      m.set(side, 'side');
      m.delete(side);
    }
    expect(m.lowestFree(0)).toBe(2);
    expect(m.lowestFree(6)).toBe(9);
    expect(m.footprint().free).toBeLessThanOrEqual(2 * 3 + 16);
    expect(m.footprint().slots).toBe(20);
  });

  it('should give the slots back when the top ids go', () => {
    const m = new IdMap<number>(0);
    for (let i = 0; i < 1000; i++) m.set(i, i);
    for (let i = 0; i < 999; i++) m.delete(i); // ascending: every one lands in the heap
    m.delete(999);
    expect(m.size).toBe(0);
    expect(m.footprint()).toEqual({ free: 0, slots: 0 });
    expect(m.lowestFree(0)).toBe(0);
  });

  it('should hand out the lowest free id like a plain set does, whatever the order of takes and frees', () => {
    const random = rng(20);
    const m = new IdMap<number>(1);
    const model = new Set<number>();
    const lowest = (from: number, limit: number): number => {
      let id = from;
      while (id < limit && model.has(id)) id++;
      return id;
    };
    for (let step = 0; step < 20_000; step++) {
      const r = random();
      if (r < 0.5 || model.size === 0) {
        // take: mostly the lowest free id, sometimes from a raised start
        const from = r < 0.4 ? 1 : 1 + Math.floor(random() * 64);
        const id = m.lowestFree(from, 200);
        expect(id).toBe(lowest(from, 200));
        if (id < 200) {
          m.set(id, step);
          model.add(id);
        }
      } else {
        const ids = [...model];
        const id = ids[Math.floor(random() * ids.length)]!;
        expect(m.delete(id)).toBe(true);
        model.delete(id);
      }
      expect(m.size).toBe(model.size);
      const { free, slots } = m.footprint();
      const top = Math.max(0, ...model);
      expect(slots).toBe(top === 0 ? 0 : top);
      expect(free).toBeLessThanOrEqual(2 * slots + 16);
    }
    expect([...m.keys()]).toEqual([...model].sort((a, b) => a - b));
  });
});

describe('kernel id tables after 300k cycles', () => {
  it('should keep coid, scoid and chid tables the size of what is live', () => {
    const { kernel, server, client, serverP, clientP, chid } = world();
    for (let i = 0; i < CYCLES; i++) {
      const coid = kernel.connectAttach(client, 0, serverP.pid, chid, 0, 0);
      kernel.connectDetach(client, coid);
      const ch = kernel.channelCreate(server, 0);
      kernel.channelDestroy(server, ch);
    }
    // one side-channel coid and one scoid live (the world's connection), one channel
    expect(clientP.coids.footprint().free).toBeLessThanOrEqual(1);
    expect(serverP.scoids.footprint().free).toBeLessThanOrEqual(1);
    expect(serverP.channels.footprint()).toEqual({ free: 0, slots: 1 });
    expect(kernel.connectAttach(client, 0, serverP.pid, chid, 0, 0)).toBe(0);
    expect(kernel.channelCreate(server, 0)).toBe(chid + 1);
  });
});
