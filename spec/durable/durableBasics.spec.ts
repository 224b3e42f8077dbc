// Durable asynchronous messages (issue 25) on the in-memory log, in virtual time: a sender that
// attaches and puts while no receiver exists, a receiver that comes later and gets everything
// once and in order, the stored report before the EOK, the ring freed on store, a full store.
import { describe, expect, it } from 'vitest';
import { createSystem, utf8, ERRNO, VirtualClock, type DurableEvent } from '../../src/index.js';
import { MemoryDurableLog } from '../../src/testing/index.js';

function world(opts: { ackWaitMs?: number; maxDeliver?: number; maxAckPending?: number; maxMsgs?: number } = {}) {
  const clock = new VirtualClock();
  const l = new MemoryDurableLog({ scheduler: clock, latencyMs: 1, ...(opts.maxMsgs === undefined ? {} : { maxMsgs: opts.maxMsgs }) });
  const durable = { log: l, ackWaitMs: opts.ackWaitMs ?? 100, maxDeliver: opts.maxDeliver ?? 3, maxAckPending: opts.maxAckPending ?? 50, fetchWaitMs: 20, stallMs: 50 };
  const onUnhandledError = (e: unknown) => { throw e; };
  const a = createSystem({ scheduler: clock, node: 'a', net: { durable, incarnation: 1 }, onUnhandledError });
  const b = createSystem({ scheduler: clock, node: 'b', net: { durable, incarnation: 2 }, onUnhandledError });
  return { clock, log: l, a, b };
}

describe('durable asynchronous messages', () => {
  it('should attach and put while no receiver exists, and give a later receiver everything once, in order', () => {
    const { clock, a, b } = world();
    const out = a.process({ name: 'sender' }).asyncConnect('orders', { durable: true, producerId: 'p1', codec: utf8, count: 3 });
    const reports: string[] = [];
    out.stored$.subscribe((s) => reports.push(`stored ${s.handle} ${s.id}`));
    out.subscribe((d) => reports.push(`taken ${d.handle} ${d.err}`));
    for (let i = 1; i <= 7; i++) out.next(`m${i}`);
    out.flush({ wait: false }).subscribe();
    clock.advanceBy(10);
    expect(reports.filter((r) => r.startsWith('stored'))).toHaveLength(7);
    expect(reports.filter((r) => r.startsWith('taken'))).toEqual([]);
    const got: string[] = [];
    const inbox = b.process({ name: 'receiver' }).asyncChannel({ durable: 'orders', codec: utf8, maxNumBuffer: 4 });
    inbox.subscribe((batch) => batch.forEach((m) => got.push(`${m.data} ${m.seq}`)));
    clock.advanceBy(100);
    expect(got).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `m${i} ${i}`));
    expect(reports.filter((r) => r.startsWith('taken'))).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `taken ${i} 0`));
  });

  it('should free a ring slot only when the log stored the message (EAGAIN while the store is full)', () => {
    const { clock, log, a, b } = world({ maxMsgs: 3 });
    const out = a.process().asyncConnect('q', { durable: true, codec: utf8, ringSize: 3 });
    const errs: number[] = [];
    for (let i = 0; i < 8; i++) {
      try { out.next(`x${i}`); errs.push(0); } catch (e) { errs.push((e as { errno: number }).errno); }
      clock.advanceBy(5);
    }
    // three stored, two in the ring (the store refuses them), the rest EAGAIN
    expect(errs).toEqual([0, 0, 0, 0, 0, ERRNO.EAGAIN, ERRNO.EAGAIN, ERRNO.EAGAIN]);
    expect(log.stored('q')).toHaveLength(3);
    const got: string[] = [];
    b.process().asyncChannel({ durable: 'q', codec: utf8 }).subscribe((batch) => batch.forEach((m) => got.push(m.data)));
    clock.advanceBy(3000);
    expect(got).toEqual(['x0', 'x1', 'x2', 'x3', 'x4']);
  });

  it('should dead-letter a message a receiver fails every time, and report EIO to its sender', () => {
    const { clock, log, a, b } = world({ maxDeliver: 2 });
    const out = a.process().asyncConnect('jobs', { durable: true, codec: utf8 });
    const reports: number[] = [];
    out.subscribe((d) => reports.push(d.err));
    out.next('poison');
    const events: DurableEvent[] = [];
    const rp = b.process();
    const inbox = rp.asyncChannel({ durable: 'jobs', codec: utf8 });
    inbox.events$.subscribe((e) => events.push(e));
    let seen = 0;
    // a receiver that takes the batch, holds it and leaves (as if its handler failed), then comes back
    const sub = (): void => {
      let s: { unsubscribe(): void } | null = null;
      let failed = false;
      s = inbox.subscribe((batch) => { seen++; batch.hold!(); failed = true; clock.schedule(() => { s?.unsubscribe(); sub(); }, 1); });
      if (failed && s === null) throw new Error('unreachable');
    };
    sub();
    clock.advanceBy(2000);
    expect(seen).toBe(2);
    expect(log.deadLetters('jobs').map((d) => new TextDecoder().decode(d.record.data))).toEqual(['poison']);
    expect(events.some((e) => e.type === 'dead-letter')).toBe(true);
    expect(reports).toEqual([ERRNO.EIO]);
  });

  it('should report EBADF for what is stored when the channel is destroyed, and fail later puts EBADF', () => {
    const { clock, log, a, b } = world();
    const out = a.process().asyncConnect('gone', { durable: true, codec: utf8 });
    const errs: number[] = [];
    out.subscribe({ next: (d) => errs.push(d.err), error: () => {} });
    out.next('a');
    out.next('b');
    clock.advanceBy(50);
    expect(errs).toEqual([]); // stored, waiting for a receiver
    expect(log.stored('gone')).toHaveLength(2);
    // a receiver process comes and destroys the channel for good (not merely exits)
    b.process().asyncChannel({ durable: 'gone', codec: utf8, maxNumBuffer: 1 }).destroy();
    clock.advanceBy(50);
    expect(errs).toEqual([ERRNO.EBADF, ERRNO.EBADF]);
    expect(() => out.next('c')).toThrow(/EBADF/);
    expect(log.stored('gone')).toEqual([]);
  });

  it('should report ETIMEDOUT for a message that waited longer than its ttl for a receiver', () => {
    const { clock, a, b } = world();
    const out = a.process().asyncConnect('slow', { durable: true, codec: utf8, ttl: 100 });
    const errs: number[] = [];
    out.subscribe((d) => errs.push(d.err));
    out.next('stale');
    clock.advanceBy(500);
    const got: string[] = [];
    const events: DurableEvent[] = [];
    const inbox = b.process().asyncChannel({ durable: 'slow', codec: utf8 });
    inbox.events$.subscribe((e) => events.push(e));
    inbox.subscribe((batch) => batch.forEach((m) => got.push(m.data)));
    out.next('fresh');
    clock.advanceBy(100);
    expect(got).toEqual(['fresh']);
    expect(errs).toEqual([ERRNO.ETIMEDOUT, 0]);
    expect(events.map((e) => e.type)).toContain('expired');
  });

  it('should receive pull-style: a batch acknowledged when the loop asks for the next, given back when the loop leaves holding it', async () => {
    // an ack wait far beyond the test: what comes again within it was given back
    const { clock, a, b } = world({ ackWaitMs: 60_000 });
    const out = a.process().asyncConnect('pull', { durable: true, producerId: 'p', codec: utf8, count: 2 });
    const reports: string[] = [];
    out.subscribe((d) => reports.push(`${d.handle} ${d.err}`));
    for (let i = 1; i <= 4; i++) out.next(`m${i}`);
    clock.advanceBy(10);
    const inbox = b.process().asyncChannel({ durable: 'pull', codec: utf8, maxNumBuffer: 2 });
    // virtual time, 1 ms at a time, with the loop's promises settled between the steps
    const run = async (ms: number): Promise<void> => {
      for (let t = 0; t < ms; t++) {
        clock.advanceBy(1);
        await new Promise((r) => setImmediate(r));
      }
    };
    const batches: string[][] = [];
    const first = (async () => {
      for await (const batch of inbox.receive()) {
        batches.push(batch.map((m) => `${m.data}/${m.deliveries}`));
        if (batches.flat().length >= 4) break; // leaves holding the last batch
      }
    })();
    await run(50);
    await first;
    expect(batches.flat()).toEqual(['m1/1', 'm2/1', 'm3/1', 'm4/1']);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.every((b) => b.length <= 2)).toBe(true);
    await run(50);
    // the batches the loop asked past are acknowledged (their puts report EOK), the one it left with is not
    const acked = batches.slice(0, -1).flat().length;
    expect(reports).toEqual(['1 0', '2 0', '3 0', '4 0'].slice(0, acked));
    const again: string[] = [];
    const ac = new AbortController();
    const second = (async () => {
      for await (const batch of inbox.receive({ signal: ac.signal })) {
        again.push(...batch.map((m) => `${m.data}/${m.deliveries}`));
      }
    })().catch((e: unknown) => e);
    await run(300);
    expect(again).toEqual(['m1', 'm2', 'm3', 'm4'].slice(acked).map((m) => `${m}/2`));
    expect(reports).toEqual(['1 0', '2 0', '3 0', '4 0']);
    // an abort ends a get that waits, with the signal's reason
    ac.abort(new Error('enough'));
    expect(String(await second)).toMatch(/enough/);
  });

  it('should show a consumer stalled at its ack limit in stalls$ (virtual time)', () => {
    const { clock, a, b } = world({ maxAckPending: 3 });
    const stalls: string[] = [];
    b.stalls({ threshold: 200 }).subscribe((s) => stalls.push(`${s.state} ${s.name} ${s.blocked}`));
    b.process({ name: 'hoarder' }).asyncChannel({ durable: 'held', codec: utf8, maxNumBuffer: 1 }).subscribe((batch) => { batch.hold!(); });
    const out = a.process().asyncConnect('held', { durable: true, codec: utf8 });
    for (let i = 0; i < 6; i++) out.next(`h${i}`);
    clock.advanceBy(1000);
    expect(stalls).toEqual(['ACKLIMIT hoarder/durable held consumer held at its ack limit (3/3)']);
  });
});
