import { Observable, concatMap, map, of, tap, throwError, timer, type ObservableInput } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { isKernelError, utf8, type AsyncBatch } from '../../src/index.js';
import { holdMap, type Holdable } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../../marbles/testScheduler.js';

/** A holdable item that logs its hold and release. */
interface Item extends Holdable {
  readonly name: string;
}

/**
 * A source shaped like a channel subscriber: it emits item `i`; if the item was held during its
 * emission, item `i + 1` follows (synchronously) when it is released, else at once. `log` records
 * holds, releases and the unsubscription.
 */
function channelLike(n: number, log: string[] = []): Observable<Item> {
  return new Observable<Item>((subscriber) => {
    let active = true;
    const emit = (i: number): void => {
      if (!active || subscriber.closed) return;
      if (i === n) { subscriber.complete(); return; }
      let emitting = true;
      let held = false;
      const item: Item = {
        name: `i${i}`,
        hold: () => {
          if (!emitting) return () => {};
          held = true;
          log.push(`hold i${i}`);
          let released = false;
          return () => {
            if (released) return;
            released = true;
            log.push(`release i${i}`);
            emit(i + 1);
          };
        },
      };
      subscriber.next(item);
      emitting = false;
      if (!held) emit(i + 1);
    };
    emit(0);
    return () => {
      active = false;
      log.push('unsubscribe');
    };
  });
}

describe('holdMap', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should hold each item from its emission until its project settles, one project at a time', () => {
    const log: string[] = [];
    ts.run(({ cold, expectObservable }) => {
      const source = cold('a-b-c|').pipe(map((name): Item => ({
        name,
        hold: () => {
          log.push(`hold ${name} @${ts.now()}`);
          return () => log.push(`release ${name} @${ts.now()}`);
        },
      })));
      // b and c arrive while a project runs: each is held at once and waits its turn
      expectObservable(source.pipe(holdMap((item) => timer(3).pipe(map(() => item.name))))).toBe('---a--b--(c|)');
    });
    expect(log).toEqual(['hold a @0', 'hold b @2', 'release a @3', 'hold c @4', 'release b @6', 'release c @9']);
  });

  it('should handle items without hold() one at a time, as concatMap does', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Item>('ab-c|', { a: { name: 'a' }, b: { name: 'b' }, c: { name: 'c' } });
      const project = (item: Item): ObservableInput<string> => timer(2).pipe(map(() => item.name));
      expectObservable(source.pipe(holdMap(project))).toBe('--a-b-(c|)');
      expectObservable(source.pipe(concatMap(project))).toBe('--a-b-(c|)');
      expectSubscriptions(source.subscriptions).toBe(['^---!', '^---!']);
    });
  });

  it('should take nothing more from a channel-like source while a project runs, and buffer at most one item', () => {
    const log: string[] = [];
    let emitted = 0;
    let started = 0;
    let maxBuffered = 0;
    ts.run(({ expectObservable }) => {
      const counted = channelLike(3, log).pipe(tap(() => {
        maxBuffered = Math.max(maxBuffered, emitted - started);
        emitted++;
      }));
      const handled = counted.pipe(holdMap((item) => {
        started++;
        return timer(5).pipe(map(() => item.name));
      }));
      expectObservable(handled).toBe('-----a----b----(c|)', { a: 'i0', b: 'i1', c: 'i2' });
    });
    expect(maxBuffered).toBe(0);
    expect(log).toEqual(['hold i0', 'release i0', 'hold i1', 'release i1', 'hold i2', 'release i2', 'unsubscribe']);
  });

  it('should not grow the stack when releases and projects are synchronous', () => {
    const n = 100_000;
    let count = 0;
    channelLike(n).pipe(holdMap((item) => of(item.name))).subscribe(() => count++);
    expect(count).toBe(n);
  });

  it('should unsubscribe the source before releasing what it holds', () => {
    const log: string[] = [];
    ts.run(({ expectObservable }) => {
      expectObservable(channelLike(3, log).pipe(holdMap(() => timer(10))), '^--!').toBe('---');
    });
    // the release comes after the unsubscription, so the source takes nothing more
    expect(log).toEqual(['hold i0', 'unsubscribe', 'release i0']);
  });

  it('should error when a project errors or throws, after unsubscribing the source and releasing', () => {
    const log2: string[] = [];
    ts.run(({ expectObservable }) => {
      const failing = channelLike(3, log2).pipe(holdMap((item) => item.name === 'i1' ? throwError(() => new Error('boom')) : timer(2).pipe(map(() => item.name))));
      expectObservable(failing).toBe('--(a#)', { a: 'i0' }, new Error('boom'));
    });
    expect(log2).toEqual(['hold i0', 'release i0', 'hold i1', 'unsubscribe', 'release i1']);

    const log3: string[] = [];
    let caught: unknown;
    channelLike(2, log3).pipe(holdMap(() => { throw new Error('sync'); })).subscribe({ error: (e: unknown) => { caught = e; } });
    expect(caught).toEqual(new Error('sync'));
    expect(log3).toEqual(['hold i0', 'unsubscribe', 'release i0']);
  });

  it('should release every held item when the source errors', () => {
    const log: string[] = [];
    ts.run(({ cold, expectObservable }) => {
      const source = cold('ab#').pipe(map((name): Item => ({ name, hold: () => () => log.push(`release ${name}`) })));
      expectObservable(source.pipe(holdMap(() => timer(5)))).toBe('--#');
    });
    expect(log).toEqual(['release a', 'release b']);
  });

  it('should keep a slow consumer\'s senders at a full ring (EAGAIN) and buffer at most one batch', () => {
    // 300 non-blocking puts, one a millisecond, into an 8-slot ring (7 messages); the receiver
    // takes ≤ 5 messages a batch and stores each batch in 50 ms
    let refused = 0;
    let emitted = 0;
    let started = 0;
    let maxBuffered = 0;
    let worstLatency = 0;
    const putAt = new Map<string, number>();
    const stored: string[] = [];
    ts.run(() => {
      const h = new MarbleHarness(ts);
      const inbox = h.process('receiver').asyncChannel({ codec: utf8, maxNumBuffer: 5 });
      const out = h.process('sender').asyncConnect(inbox, { codec: utf8, ringSize: 8, count: 1 });
      inbox.pipe(
        tap(() => {
          // batches the channel handed over whose project has not started: the operator's buffer
          maxBuffered = Math.max(maxBuffered, emitted - started);
          emitted++;
        }),
        holdMap((batch: AsyncBatch<string>) => {
          started++;
          return timer(50).pipe(map(() => {
            for (const m of batch) {
              stored.push(m.data);
              worstLatency = Math.max(worstLatency, ts.now() - putAt.get(m.data)!);
            }
          }));
        }),
      ).subscribe();
      for (let i = 0; i < 300; i++) {
        ts.schedule(() => {
          try {
            out.next(`m${i}`);
            putAt.set(`m${i}`, ts.now());
          } catch (e) {
            if (!isKernelError(e) || e.code !== 'EAGAIN') throw e;
            refused++;
          }
        }, i);
      }
    });
    // every 50 ms the receiver frees 5 slots (8 in the first period): 33 accepted, 267 refused
    expect({ refused, accepted: putAt.size, maxBuffered }).toEqual({ refused: 267, accepted: 33, maxBuffered: 0 });
    expect(stored).toEqual([...putAt.keys()]);
    expect(worstLatency).toBeLessThanOrEqual(150);
  });
});
