// Issue 21 items 3 and 7: an aborted send fails with signal.reason (as fetch does), the server's
// message.signal says why its client left, and send() does its work at subscription.
import { firstValueFrom, type SchedulerLike } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { KernelError, VirtualClock, createSystem, json, utf8, type ReceivedMessage } from '../../src/index.js';
import { messages } from '../../src/operators/index.js';
import { connectLoopback } from '../../src/testing/index.js';

const rethrow = (e: unknown): void => { throw e; };

function setup() {
  const clock = new VirtualClock() as VirtualClock & SchedulerLike;
  const system = createSystem({ scheduler: clock, onUnhandledError: rethrow });
  return { clock, system, server: system.process({ name: 'server' }), client: system.process({ name: 'client' }) };
}

/** The messages a channel's subscriber holds (unanswered), and why each one's client left. */
function holding(ch: import('rxjs').Observable<import('../../src/index.js').Received<string>>) {
  const held: ReceivedMessage<string, string>[] = [];
  const reasons: KernelError[] = [];
  ch.pipe(messages()).subscribe((m) => {
    held.push(m);
    m.signal.addEventListener('abort', () => {
      reasons.push(m.signal.reason as KernelError);
      m.error(-1);
    });
  });
  return { held, reasons };
}

function blockedSenders(system: ReturnType<typeof setup>['system'], pid: number): number {
  return system.snapshot().processes.find((p) => p.pid === pid)!.threads.filter((t) => t.state === 'SEND' || t.state === 'REPLY').length;
}

describe('an aborted send fails with signal.reason', () => {
  it('should fail with the reason given to abort(), SEND-blocked or REPLY-blocked', () => {
    const { system, server, client } = setup();
    const idle = server.channel({ codec: utf8 }); // nobody receives: SEND-blocked
    const busy = server.channel({ codec: utf8 });
    const { reasons } = holding(busy);
    const errors: unknown[] = [];
    const why = new Error('the user closed the dialog');
    const c1 = new AbortController();
    client.connect(idle, { codec: utf8 }).send('a', { signal: c1.signal }).subscribe({ error: (e) => errors.push(e) });
    const c2 = new AbortController();
    client.connect(busy, { codec: utf8 }).send('b', { signal: c2.signal }).subscribe({ error: (e) => errors.push(e) });
    expect(blockedSenders(system, client.pid)).toBe(2);
    c1.abort(why);
    c2.abort(why);
    expect(errors).toEqual([why, why]);
    expect(errors[0]).toBe(why);
    expect(blockedSenders(system, client.pid)).toBe(0);
    expect(reasons).toHaveLength(1);
  });

  it('should fail with the default AbortError, and at once when the signal was aborted before', async () => {
    const { system, server, client } = setup();
    const ch = server.channel({ codec: utf8 });
    const conn = client.connect(ch, { codec: utf8 });
    const controller = new AbortController();
    const r = firstValueFrom(conn.send('x', { signal: controller.signal }));
    controller.abort();
    await expect(r).rejects.toMatchObject({ name: 'AbortError' });
    await expect(r).rejects.toBe(controller.signal.reason);
    const threads = system.snapshot().processes.find((p) => p.pid === client.pid)!.threads.length;
    await expect(firstValueFrom(conn.send('y', { signal: controller.signal }))).rejects.toBe(controller.signal.reason);
    // refused before a logical thread was taken
    expect(system.snapshot().processes.find((p) => p.pid === client.pid)!.threads.length).toBe(threads);
  });

  it('should keep a reply the server still sends after the abort (the server decides, on an UNBLOCK channel)', async () => {
    const { server, client } = setup();
    const ch = server.channel({ codec: utf8 });
    ch.pipe(messages()).subscribe((m) => m.signal.addEventListener('abort', () => m.reply('done anyway')));
    const controller = new AbortController();
    const r = firstValueFrom(client.connect(ch, { codec: utf8 }).send('x', { signal: controller.signal }));
    controller.abort();
    expect((await r).data).toBe('done anyway');
  });
});

describe("the server's message.signal says why the client left", () => {
  it('should abort with ECANCELED for an AbortSignal, EINTR for an unsubscribe, ETIMEDOUT for a timeout', () => {
    const { clock, server, client } = setup();
    const ch = server.channel({ codec: utf8 });
    const { reasons } = holding(ch);
    const conn = client.connect(ch, { codec: utf8 });
    const errors: string[] = [];
    const controller = new AbortController();
    conn.send('abort', { signal: controller.signal }).subscribe({ error: (e) => errors.push((e as Error).name) });
    const sub = conn.send('unsubscribe').subscribe();
    conn.send('timeout', { timeout: 5 }).subscribe({ error: (e) => errors.push((e as KernelError).code) });
    controller.abort();
    sub.unsubscribe();
    clock.advanceBy(5);
    expect(reasons.map((r) => [r.name, r.code, r.message])).toEqual([
      ['KernelError', 'ECANCELED', 'MsgReceive: ECANCELED: the client aborted its send (its AbortSignal): stop the work and answer error(-1)'],
      ['KernelError', 'EINTR', 'MsgReceive: EINTR: the client unsubscribed from its send (or its thread was unblocked): stop the work and answer error(-1)'],
      ['KernelError', 'ETIMEDOUT', "MsgReceive: ETIMEDOUT: the client's send timed out: stop the work and answer error(-1)"],
    ]);
    expect(errors).toEqual(['AbortError', 'ETIMEDOUT']);
  });

  it('should say the same across nodes (the UNBLOCK frame carries the errno), and fail the remote send with the reason', () => {
    const clock = new VirtualClock() as VirtualClock & SchedulerLike;
    const a = createSystem({ node: 'a', scheduler: clock, onUnhandledError: rethrow, net: { incarnation: 1 } });
    const b = createSystem({ node: 'b', scheduler: clock, onUnhandledError: rethrow, net: { incarnation: 2 } });
    connectLoopback(a, b, { latency: 1 });
    const ch = b.process({ name: 'server' }).channel({ codec: utf8 });
    const { reasons } = holding(ch);
    const conn = a.process().connect(ch.address, { codec: utf8 });
    const errors: unknown[] = [];
    const controller = new AbortController();
    conn.send('abort', { signal: controller.signal }).subscribe({ error: (e) => errors.push(e) });
    const sub = conn.send('unsubscribe').subscribe();
    conn.send('timeout', { timeout: 5 }).subscribe({ error: (e) => errors.push((e as KernelError).code) });
    clock.advanceBy(3);
    controller.abort('gone');
    sub.unsubscribe();
    clock.advanceBy(10);
    expect(reasons.map((r) => r.code)).toEqual(['ECANCELED', 'EINTR', 'ETIMEDOUT']);
    expect(errors).toEqual(['gone', 'ETIMEDOUT']);
  });
});

describe('send() does its work at subscription', () => {
  it('should not encode (nor throw) until subscribed, and make an encode error an error notification', async () => {
    const { server, client } = setup();
    const ch = server.channel({ codec: json<unknown>() });
    const seen: unknown[] = [];
    ch.pipe(messages()).subscribe((m) => { seen.push(m.data); m.reply('ok'); });
    const encoded: unknown[] = [];
    const codec = { ...json<unknown>(), name: 'counting-json', encode: (v: unknown) => { encoded.push(v); return json<unknown>().encode(v); } };
    const conn = client.connect(ch, { codec });
    const later = conn.send({ n: 1 });
    expect(encoded).toEqual([]);
    await firstValueFrom(later);
    await firstValueFrom(later); // cold: each subscription is one send, encoded again
    expect(encoded).toEqual([{ n: 1 }, { n: 1 }]);
    let bad: ReturnType<typeof conn.send> | undefined;
    expect(() => { bad = conn.send({ big: 1n }); }).not.toThrow();
    const e = await firstValueFrom(bad!).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KernelError);
    expect(e).toMatchObject({ code: 'EINVAL', call: 'MsgSend', cause: expect.any(TypeError) });
    expect((e as Error).message).toMatch(/^MsgSend: EINVAL: the counting-json codec could not encode the message \(TypeError: .*BigInt/);
    expect(seen).toEqual([{ n: 1 }, { n: 1 }]);
  });
});
