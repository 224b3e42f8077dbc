// Behaviour: a receiver that holds each batch until it is stored (holdMap) holds it from the
// moment the channel emits it and takes the next only then, so the sender's 8-slot ring fills
// and its puts are refused (EAGAIN) or wait, and the operator buffers no batch; concatMap takes
// all 40 at once and buffers them.
import { concatMap, map, tap, timer, type Observable, type OperatorFunction } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { isKernelError, utf8, type AsyncBatch } from '../../src/index.js';
import { holdMap } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../testScheduler.js';

type Store = (project: (batch: AsyncBatch<string>) => Observable<string>) => OperatorFunction<AsyncBatch<string>, string>;

describe('async back-pressure', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  /**
   * A receiver taking ≤ 2 messages a batch and storing each batch in 20 frames with `store`, and
   * 40 non-blocking puts, one a frame, into an 8-slot ring (7 messages) with a count trigger of
   * 1. `stored$` emits each batch, joined by '+', once stored; subscribe it before `start()`.
   */
  function burst(h: MarbleHarness, store: Store) {
    const inbox = h.process('receiver').asyncChannel({ codec: utf8, maxNumBuffer: 2 });
    const out = h.process('sender').asyncConnect(inbox, { codec: utf8, ringSize: 8, count: 1 });
    const stored: string[] = [];
    let emitted = 0;
    let started = 0;
    let maxBuffered = 0;
    const stored$ = inbox.pipe(
      tap(() => {
        // batches handed to the operator whose store has not started: its buffer
        maxBuffered = Math.max(maxBuffered, emitted - started);
        emitted++;
      }),
      store((batch) => {
        started++;
        return timer(20).pipe(map(() => {
          stored.push(...batch.map((m) => m.data));
          return batch.map((m) => m.data).join('+');
        }));
      }),
    );
    let refused = 0;
    const accepted: number[] = [];
    const start = (): void => {
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
    };
    return { stored$, start, stored, accepted, refused: () => refused, maxBuffered: () => maxBuffered };
  }

  it('should fill the ring and refuse puts (EAGAIN) while holdMap stores a batch, buffering none', () => {
    let r!: ReturnType<typeof burst>;
    ts.run(({ expectObservable }) => {
      r = burst(new MarbleHarness(ts), holdMap);
      // each get waits for the last batch to be stored: one batch every 20 frames
      expectObservable(r.stored$).toBe('20ms a 19ms b 19ms c 19ms d 19ms e 19ms f', {
        a: 'm0', b: 'm1+m2', c: 'm3+m4', d: 'm5+m6', e: 'm7+m21', f: 'm22',
      });
      r.start();
    });
    // m0 is taken at once and m1…m7 fill the ring: m8…m20 are refused (the put of frame 20 comes
    // before that frame's get); the get frees 2 slots for m21 and m22, and m23…m39 are refused
    expect(r.accepted).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 21, 22]);
    expect(r.refused()).toBe(30);
    expect(r.maxBuffered()).toBe(0);
    expect(r.stored).toEqual(r.accepted.map((i) => `m${i}`));
  });

  it('should (for contrast) accept all 40 with concatMap, which buffers every batch', () => {
    let r!: ReturnType<typeof burst>;
    ts.run(() => {
      r = burst(new MarbleHarness(ts), (project) => concatMap(project));
      r.stored$.subscribe();
      r.start();
    });
    expect(r.refused()).toBe(0);
    expect(r.stored).toHaveLength(40);
    expect(r.maxBuffered()).toBeGreaterThan(15);
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
