// Behaviour: a receiver that holds each batch until it is stored (holdMap) takes the next only
// then, so the sender's 8-slot ring fills and its puts are refused (EAGAIN) or wait; concatMap
// would take all 40 at once and buffer them.
import { concatMap, map, timer } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { isKernelError, utf8, type AsyncBatch } from '../../src/index.js';
import { holdMap } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../testScheduler.js';

describe('async back-pressure', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  /** 40 puts, one a frame, into an 8-slot ring (7 messages) with a count trigger of 1. */
  function burst(h: MarbleHarness, store: 'holdMap' | 'concatMap') {
    const inbox = h.process('receiver').asyncChannel({ codec: utf8, maxNumBuffer: 2 });
    const out = h.process('sender').asyncConnect(inbox, { codec: utf8, ringSize: 8, count: 1 });
    const stored: string[] = [];
    const store20 = (batch: AsyncBatch<string>) => timer(20).pipe(map(() => stored.push(...batch.map((m) => m.data))));
    if (store === 'holdMap') inbox.pipe(holdMap(store20)).subscribe();
    else inbox.pipe(concatMap(store20)).subscribe();
    let refused = 0;
    const accepted: number[] = [];
    for (let i = 0; i < 40; i++) {
      ts.schedule(() => {
        try {
          out.next(`m${i}`);
          accepted.push(i);
        } catch (e) {
          if (!isKernelError(e) || e.code !== 'EAGAIN') throw e;
          refused++;
        }
      }, i);
    }
    return { stored, accepted, refused: () => refused };
  }

  it('should fill the ring and refuse puts (EAGAIN) while holdMap stores a batch', () => {
    let r!: ReturnType<typeof burst>;
    ts.run(() => {
      r = burst(new MarbleHarness(ts), 'holdMap');
    });
    // a batch (at most 2) is taken only when the last one is stored, 20 frames later: the ring
    // fills in between and the producer is told, where concatMap refuses nothing
    expect(r.refused()).toBeGreaterThan(10);
    expect(r.accepted.length + r.refused()).toBe(40);
    expect(r.accepted.slice(0, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(r.stored).toEqual(r.accepted.map((i) => `m${i}`));
  });

  it('should (for contrast) accept all 40 with concatMap, which buffers every batch', () => {
    let r!: ReturnType<typeof burst>;
    ts.run(() => {
      r = burst(new MarbleHarness(ts), 'concatMap');
    });
    expect(r.refused()).toBe(0);
    expect(r.stored).toHaveLength(40);
  });

  it('should take a batch per iteration with receive(), nothing before the loop asks', async () => {
    const h = new MarbleHarness(createTestScheduler());
    const inbox = h.process('receiver').asyncChannel({ codec: utf8, maxNumBuffer: 2 });
    const out = h.process('sender').asyncConnect(inbox, { codec: utf8, ringSize: 4, count: 1 });
    for (const s of ['a', 'b', 'c']) out.next(s);
    expect(() => out.next('d')).toThrow(/EAGAIN/);
    const got: string[][] = [];
    const controller = new AbortController();
    for await (const batch of inbox.receive({ signal: controller.signal })) {
      got.push(batch.map((m) => m.data));
      if (got.length === 2) break;
    }
    expect(got).toEqual([['a', 'b'], ['c']]);
    // a get waiting on an empty channel ends when the signal aborts
    const waiting = (async () => { for await (const b of inbox.receive({ signal: controller.signal })) return b; return null; })();
    controller.abort(new Error('enough'));
    await expect(waiting).rejects.toThrow('enough');
    out.next('d');
    for await (const b of inbox.receive()) { expect(b.map((m) => m.data)).toEqual(['d']); break; }
  });
});
