import { concatMap, firstValueFrom, from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { VirtualClock, createSystem, utf8 } from '../../src/index.js';

function setup(ring = 3, count = 0) {
  const clock = new VirtualClock();
  const system = createSystem({ scheduler: clock });
  const inbox = system.process({ name: 'rx' }).asyncChannel({ codec: utf8 });
  const out = system.process({ name: 'tx' }).asyncConnect(inbox, { codec: utf8, ringSize: ring, count });
  return { clock, system, inbox, out };
}

describe('AsyncConnection and AsyncChannel', () => {
  it('should throw EAGAIN from next() on a full ring and lose nothing already put', async () => {
    const { out, inbox } = setup(3);
    out.next('a');
    out.next('b');
    expect(() => out.next('c')).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
    const batch = firstValueFrom(inbox);
    out.flush({ wait: false }).subscribe();
    expect((await batch).map((m) => m.data)).toEqual(['a', 'b']);
    expect(() => out.next('c')).not.toThrow();
  });

  it('should make put() wait for a slot and complete on delivery (back-pressure)', async () => {
    const { out, inbox } = setup(3, 1);
    const done: string[] = [];
    // nobody receives yet: the ring (2 slots) fills, the third put waits in the kernel
    from(['a', 'b', 'c', 'd']).pipe(concatMap((v) => out.put(v))).subscribe({ complete: () => done.push('all delivered') });
    const received: string[] = [];
    const sub = inbox.subscribe((b) => received.push(...b.map((m) => m.data)));
    await new Promise((r) => setImmediate(r));
    expect(received).toEqual(['a', 'b', 'c', 'd']);
    expect(done).toEqual(['all delivered']);
    sub.unsubscribe();
  });

  it('should report every put, in put order, as { handle, err, value }', () => {
    const { out, inbox } = setup(8, 2);
    const reports: string[] = [];
    out.subscribe(({ handle, err, value }) => reports.push(`${handle}:${err}:${value}`));
    inbox.subscribe();
    out.next('a');
    out.next('b');
    out.next('c');
    out.flush({ wait: false }).subscribe();
    expect(reports).toEqual(['1:0:a', '2:0:b', '3:0:c']);
  });

  it('should complete even with no reader: flush, detach, report EBADF for what never got delivered', () => {
    const { out, inbox, system } = setup(8);
    const seen: string[] = [];
    out.subscribe({ next: (r) => seen.push(`${r.value}:${r.err}`), complete: () => seen.push('complete') });
    out.next('x');
    out.complete();
    expect(seen).toEqual(['x:9', 'complete']);
    expect(system.snapshot().processes[1]!.coids).toEqual([]);
    const late: string[] = [];
    out.subscribe({ complete: () => late.push('complete') });
    expect(late).toEqual(['complete']);
    inbox.subscribe((b) => seen.push(`got ${b.length}`));
    expect(seen).toEqual(['x:9', 'complete']);
  });

  it('should deliver everything first when flush() (waiting) comes before complete()', () => {
    const { out, inbox } = setup(8);
    const seen: string[] = [];
    out.subscribe({ next: (r) => seen.push(`${r.value}:${r.err}`), complete: () => seen.push('complete') });
    out.next('x');
    out.flush().subscribe({ complete: () => out.complete() });
    inbox.subscribe((b) => seen.push(`got ${b.length}`));
    expect(seen).toEqual(['got 1', 'x:0', 'complete']);
  });

  it('should drop undelivered messages with EBADF on error()', () => {
    const { out, inbox } = setup(8);
    let putError: unknown;
    out.put('lost').subscribe({ error: (e) => { putError = e; } });
    out.error(new Error('stop'));
    const got: number[] = [];
    inbox.subscribe((b) => got.push(b.length));
    out.flush({ wait: false }).subscribe({ error: () => got.push(-1) });
    expect(putError).toMatchObject({ code: 'EBADF' });
    expect(got).toEqual([-1]);
  });

  it('should make tryNext() return false on a full ring, with nothing put and nothing thrown', async () => {
    const { out, inbox } = setup(3);
    expect([out.tryNext('a'), out.tryNext('b'), out.tryNext('c')]).toEqual([true, true, false]);
    const batch = firstValueFrom(inbox);
    out.flush({ wait: false }).subscribe();
    expect((await batch).map((m) => m.data)).toEqual(['a', 'b']);
    expect(out.tryNext('c')).toBe(true);
    out.complete();
    expect(out.tryNext('d')).toBe(false);
    expect(() => out.next('d')).not.toThrow();
  });

  it('should throw EAGAIN from next() as a KernelError without a stack trace, and restore the stack trace limit', () => {
    const { out } = setup(2);
    out.next('a');
    const limit = Error.stackTraceLimit;
    let caught: unknown;
    try {
      out.next('b');
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ name: 'KernelError', code: 'EAGAIN', call: 'asyncmsg_put', info: { coid: out.coid } });
    expect((caught as Error).stack).not.toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it('should report next(), tryNext() and put() in put order with their values, also when a waiting get takes a put within the call', () => {
    const { out, inbox } = setup(8, 1);
    const reports: string[] = [];
    out.subscribe(({ handle, err, value }) => reports.push(`${handle}:${err}:${value}`));
    inbox.subscribe();
    out.next('a');
    out.put('b').subscribe();
    out.tryNext('c');
    expect(reports).toEqual(['1:0:a', '2:0:b', '3:0:c']);
  });

  it('should number puts made by a report\'s subscriber (within the put it reports) in put order', () => {
    const { out, inbox } = setup(8, 1);
    const queue = ['b', 'c', 'd'];
    const reports: string[] = [];
    out.subscribe(({ handle, value }) => {
      reports.push(`${handle}:${value}`);
      if (queue.length > 0 && out.tryNext(queue[0]!)) queue.shift();
    });
    inbox.subscribe();
    out.next('a');
    expect(reports).toEqual(['1:a', '2:b', '3:c', '4:d']);
  });

  it('should report the values of a ring that never empties in put order (1500 outstanding, reported as they are taken)', () => {
    const clock = new VirtualClock();
    const system = createSystem({ scheduler: clock });
    const inbox = system.process({ name: 'rx' }).asyncChannel({ codec: utf8, maxNumBuffer: 100 });
    const out = system.process({ name: 'tx' }).asyncConnect(inbox, { codec: utf8, ringSize: 2000, count: 0 });
    const values: string[] = [];
    out.subscribe(({ value }) => values.push(value));
    const puts = Array.from({ length: 1500 }, (_, i) => `v${i}`);
    for (const v of puts) out.next(v);
    inbox.subscribe();
    out.flush({ wait: false }).subscribe();
    out.next('last');
    out.flush({ wait: false }).subscribe();
    expect(values).toEqual([...puts, 'last']);
  });

  it('should complete the channel subscribers on destroy and fail later puts with EBADF', () => {
    const { out, inbox } = setup(8);
    let completed = false;
    inbox.subscribe({ complete: () => { completed = true; } });
    inbox.destroy();
    expect(completed).toBe(true);
    expect(() => out.next('x')).toThrow(expect.objectContaining({ code: 'EBADF' }));
    expect(() => out.tryNext('x')).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });
});
