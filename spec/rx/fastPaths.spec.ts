// Issue 23: the binding's fast paths keep RxJS's contract. A send subscribed with callbacks goes
// without a Subscriber when answered within subscribe(); messages() on a channel emits without a
// filter between; a connection's lone subscriber is called without Subject.next's loop.
import { Subject, config, filter, map, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ERRNO, VirtualClock, createSystem, utf8, type Received, type ReceivedMessage } from '../../src/index.js';
import { messages, pulses } from '../../src/operators/index.js';

function setup() {
  const clock = new VirtualClock();
  const system = createSystem({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  const server = system.process({ name: 'server' });
  const client = system.process({ name: 'client' });
  const ch = server.channel({ codec: utf8 });
  const conn = client.connect(ch, { codec: utf8 });
  return { clock, system, server, client, ch, conn };
}

/** Errors RxJS reports as unhandled (after the current job), collected. */
function unhandled(): unknown[] {
  const seen: unknown[] = [];
  config.onUnhandledError = (e) => seen.push(e);
  return seen;
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  config.onUnhandledError = null;
});

describe('send().subscribe() answered within the call (issue 23)', () => {
  it('should call next then complete, in order, and return a closed Subscription', () => {
    const { ch, conn } = setup();
    ch.pipe(messages()).subscribe((m) => m.reply(m.data.toUpperCase()));
    const order: string[] = [];
    const sub = conn.send('hi').subscribe({ next: (r) => order.push(`next ${r.data}`), complete: () => order.push('complete') });
    expect(order).toEqual(['next HI', 'complete']);
    expect(sub.closed).toBe(true);
    let ran = false;
    sub.add(() => { ran = true; }); // as on any closed Subscription: at once
    expect(ran).toBe(true);
  });

  it('should call an observer\'s methods on the observer, as RxJS does', () => {
    const { ch, conn } = setup();
    ch.pipe(messages()).subscribe((m) => m.reply('ok'));
    const observer = { got: [] as string[], next(r: { data: string }) { this.got.push(r.data); }, complete() { this.got.push('done'); } };
    conn.send('x').subscribe(observer);
    expect(observer.got).toEqual(['ok', 'done']);
  });

  it('should report a throwing next callback as unhandled, never throw it at the caller, and still complete', async () => {
    const { ch, conn } = setup();
    const seen = unhandled();
    ch.pipe(messages()).subscribe((m) => m.reply('ok'));
    let completed = false;
    const boom = new Error('boom');
    expect(() => conn.send('x').subscribe({ next: () => { throw boom; }, complete: () => { completed = true; } })).not.toThrow();
    expect(completed).toBe(true);
    await tick();
    expect(seen).toEqual([boom]);
  });

  it('should hand an error to the error callback, and report it when there is none', async () => {
    const { ch, conn } = setup();
    const seen = unhandled();
    ch.pipe(messages()).subscribe((m) => m.error('EACCES'));
    const errors: unknown[] = [];
    const sub = conn.send('x').subscribe({ error: (e) => errors.push(e) });
    expect(errors).toEqual([expect.objectContaining({ code: 'EACCES' })]);
    expect(sub.closed).toBe(true);
    conn.send('y').subscribe(() => {});
    await tick();
    expect(seen).toEqual([expect.objectContaining({ code: 'EACCES' })]);
  });

  it('should refuse a send on a detached connection with what happened, through the callbacks', () => {
    const { conn } = setup();
    conn.complete();
    const errors: unknown[] = [];
    conn.send('x').subscribe({ error: (e) => errors.push(e) });
    expect(errors).toEqual([expect.objectContaining({ code: 'EBADF', message: expect.stringContaining('completed') })]);
  });

  it('should keep a send that outlives subscribe() open, deliver its reply later, and unblock it on unsubscribe', () => {
    const { ch, conn } = setup();
    const replies: string[] = [];
    let completed = 0;
    // nobody receives yet: the send waits SEND-blocked
    const sub = conn.send('late').subscribe({ next: (r) => replies.push(r.data), complete: () => completed++ });
    expect(sub.closed).toBe(false);
    ch.pipe(messages()).subscribe((m) => m.reply(`re:${m.data}`));
    expect(replies).toEqual(['re:late']);
    expect(completed).toBe(1);
    expect(sub.closed).toBe(true);
    // a second one, withdrawn before anybody receives it: the server never sees it
    const seen: string[] = [];
    const { ch: ch2, conn: conn2 } = setup();
    const errors: unknown[] = [];
    const sub2 = conn2.send('gone').subscribe({ error: (e) => errors.push(e) });
    sub2.unsubscribe();
    ch2.pipe(messages()).subscribe((m) => { seen.push(m.data); m.reply(); });
    expect(seen).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('should go through a Subscriber for operators, as ever', () => {
    const { ch, conn } = setup();
    ch.pipe(messages()).subscribe((m) => m.reply(m.data));
    const got: string[] = [];
    conn.send('a').pipe(map((r) => r.data), toArray()).subscribe((xs) => got.push(...xs));
    expect(got).toEqual(['a']);
  });
});

describe('messages() on a channel (issue 23)', () => {
  it('should emit the messages alone, LIFO across subscribers, and take pulses without emitting them', () => {
    const { ch, conn } = setup();
    const got: string[] = [];
    ch.pipe(messages()).subscribe((m) => { got.push(`A:${m.data}`); m.reply(); });
    ch.pipe(messages()).subscribe((m) => { got.push(`B:${m.data}`); m.reply(); });
    conn.pulse(3);
    conn.send('1').subscribe();
    expect(got).toEqual(['B:1']);
    // the pulse went to B (the last to wait), which dropped it and received again
    conn.send('2').subscribe();
    expect(got).toEqual(['B:1', 'B:2']);
  });

  it('should emit the same items as a filter on the channel would', () => {
    const run = (op: 'fused' | 'filter'): string[] => {
      const { ch, conn } = setup();
      const out: string[] = [];
      const src = op === 'fused' ? ch.pipe(messages()) : ch.pipe(filter((x: Received<string>): x is ReceivedMessage<string> => x.kind === 'message'));
      src.pipe(take(3)).subscribe({ next: (m) => { out.push(m.data); m.reply(); }, complete: () => out.push('|') });
      for (const x of ['a', 'b', 'c', 'd']) {
        conn.pulse(1);
        conn.send(x).subscribe({ error: (e: { code: string }) => out.push(e.code) });
      }
      return out;
    };
    expect(run('fused')).toEqual(run('filter'));
  });

  it('should still cancel a held message when its client leaves (the unblock pulse reaches it)', () => {
    const { ch, conn } = setup();
    const held: ReceivedMessage<string>[] = [];
    ch.pipe(messages()).subscribe((m) => held.push(m));
    const errors: Array<{ code: string }> = [];
    const sub = conn.send('x').subscribe({ error: (e) => errors.push(e as { code: string }) });
    expect(held).toHaveLength(1);
    const m = held[0]!;
    expect(m.signal.aborted).toBe(false);
    sub.unsubscribe();
    expect(m.signal.aborted).toBe(true);
    expect((m.signal.reason as { code: string }).code).toBe('EINTR');
    m.error(-1);
    expect(m.answered).toBe(true);
  });

  it('should complete when the channel is destroyed and error when its process exits', () => {
    const a = setup();
    const endA: string[] = [];
    a.ch.pipe(messages()).subscribe({ complete: () => endA.push('complete'), error: () => endA.push('error') });
    a.ch.destroy();
    expect(endA).toEqual(['complete']);
    const b = setup();
    const endB: unknown[] = [];
    b.ch.pipe(messages()).subscribe({ complete: () => endB.push('complete'), error: (e) => endB.push(e) });
    b.server.exit();
    expect(endB).toEqual([expect.objectContaining({ errno: ERRNO.ESRCH })]);
  });

  it('should leave pulses() and other sources to the operators they were', () => {
    const { ch, conn } = setup();
    const codes: number[] = [];
    ch.pipe(pulses()).subscribe((p) => codes.push(p.code));
    conn.pulse(4);
    expect(codes).toEqual([4]);
    const s = new Subject<Received<string>>();
    const got: string[] = [];
    s.pipe(messages()).subscribe((m) => got.push(m.data));
    s.next({ kind: 'pulse', code: 1, value: 0, scoid: 0 });
    expect(got).toEqual([]);
  });
});

describe('a connection with one subscriber (issue 23)', () => {
  it('should multicast replies in order, and not give a reply to a subscriber that joins while it is delivered', () => {
    const { ch, conn } = setup();
    ch.pipe(messages()).subscribe((m) => m.reply(m.data));
    const a: string[] = [];
    const b: string[] = [];
    let joined = false;
    conn.subscribe((r) => {
      a.push(r.data);
      if (!joined) {
        joined = true;
        conn.subscribe((x) => b.push(x.data));
      }
    });
    conn.next('1');
    conn.next('2');
    expect(a).toEqual(['1', '2']);
    expect(b).toEqual(['2']);
  });

  it('should stop calling a subscriber that unsubscribed, and error every subscriber on a failed send', () => {
    const { ch, conn } = setup();
    let fail = false;
    ch.pipe(messages()).subscribe((m) => (fail ? m.error('EIO') : m.reply(m.data)));
    const a: string[] = [];
    const sub = conn.subscribe((r) => a.push(r.data));
    conn.next('1');
    sub.unsubscribe();
    conn.next('2');
    expect(a).toEqual(['1']);
    const errors: unknown[] = [];
    conn.subscribe({ error: (e) => errors.push(e) });
    fail = true;
    conn.next('3');
    expect(errors).toEqual([expect.objectContaining({ code: 'EIO' })]);
  });
});

describe('subscribe() with callbacks to a channel or a connection (issue 23)', () => {
  it('should report a throwing handler as unhandled and go on with the next item, as RxJS does', async () => {
    const { ch, conn } = setup();
    const seen = unhandled();
    const got: string[] = [];
    ch.pipe(messages()).subscribe((m) => {
      got.push(m.data);
      m.reply(m.data);
      if (m.data === 'a') throw new Error('handler');
    });
    const replies: string[] = [];
    conn.subscribe((r) => {
      replies.push(r.data);
      if (r.data === 'a') throw new Error('reply handler');
    });
    conn.next('a');
    conn.next('b');
    expect(got).toEqual(['a', 'b']);
    expect(replies).toEqual(['a', 'b']);
    await tick();
    expect(seen).toEqual([expect.objectContaining({ message: 'handler' }), expect.objectContaining({ message: 'reply handler' })]);
  });

  it('should report an error nobody handles, call an observer\'s error on the observer, and return a Subscriber', async () => {
    const { ch, server, conn } = setup();
    const seen = unhandled();
    const sub = ch.subscribe(() => {});
    const observer = { errors: [] as unknown[], error(e: unknown) { this.errors.push(e); } };
    const sub2 = ch.subscribe(observer);
    server.exit();
    expect(sub.closed).toBe(true);
    expect(sub2.closed).toBe(true);
    expect(observer.errors).toEqual([expect.objectContaining({ errno: ERRNO.ESRCH })]);
    await tick();
    expect(seen).toEqual([expect.objectContaining({ errno: ERRNO.ESRCH })]);
    // a connection's subscribers complete with it
    const done: string[] = [];
    conn.subscribe({ complete: () => done.push('complete') });
    conn.complete();
    expect(done).toEqual(['complete']);
  });

  it('should call nothing more once unsubscribed, and run teardowns added to the subscription', () => {
    const { ch, conn } = setup();
    const got: string[] = [];
    const sub = ch.pipe(messages()).subscribe((m) => { got.push(m.data); m.reply(); });
    let tornDown = false;
    sub.add(() => { tornDown = true; });
    conn.send('1').subscribe();
    sub.unsubscribe();
    expect(tornDown).toBe(true);
    const errors: unknown[] = [];
    const pending = conn.send('2').subscribe({ error: (e) => errors.push(e) });
    expect(got).toEqual(['1']);
    expect(pending.closed).toBe(false);
  });
});

