// Issue 11 (RxJS-first): whole replies by default, visible truncation, pulses the model allows.
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { VirtualClock, createSystem, json, utf8 } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';

function setup() {
  const system = createSystem({ scheduler: new VirtualClock(), onUnhandledError: (e) => { throw e; } });
  return { system, server: system.process({ name: 'server' }), client: system.process({ name: 'client' }) };
}

const readings = Array.from({ length: 200 }, (_, i) => ({ sensor: `s${i}`, value: i * 1.5, unit: 'degC', at: 1_700_000_000 + i }));

describe('issue 11: no silent truncation', () => {
  it('should deliver a reply longer than 4096 bytes whole, and say how long it was', async () => {
    const { server, client } = setup();
    const ch = server.channel({ codec: json<unknown>() });
    ch.pipe(messages(), replyWith(() => readings)).subscribe();
    const conn = client.connect(ch, { codec: json<unknown>() });
    const r = await firstValueFrom(conn.send('all'));
    expect(r.length).toBeGreaterThan(4096);
    expect(r.bytes.length).toBe(r.length);
    expect(r.truncated).toBe(false);
    expect(r.data).toEqual(readings);
    // through next() as well
    const viaNext = firstValueFrom(conn);
    conn.next('all');
    expect((await viaNext).data).toEqual(readings);
  });

  it('should keep the model truncation with an explicit replySize, and make it visible', async () => {
    const { server, client } = setup();
    const ch = server.channel({ codec: utf8 });
    ch.pipe(messages(), replyWith((s: string) => s.repeat(10))).subscribe();
    const r = await firstValueFrom(client.connect(ch, { codec: utf8 }).send('abcd', { replySize: 8 }));
    expect([r.bytes.length, r.length, r.truncated, r.data]).toEqual([8, 40, true, 'abcdabcd']);
    const fixed = await firstValueFrom(client.connect(ch, { codec: utf8, replySize: 6 }).send('xy'));
    expect([fixed.length, fixed.truncated, fixed.data]).toEqual([20, true, 'xyxyxy']);
  });
});

describe('issue 11: pulses are values the model allows', () => {
  it('should refuse system codes, codes above 127 and values outside int32 with a RangeError, sending nothing', () => {
    const { server, client } = setup();
    const ch = server.channel();
    const got: number[] = [];
    ch.subscribe((m) => { if (m.kind === 'pulse') got.push(m.value); });
    const conn = client.connect(ch);
    expect(() => conn.pulse(-33)).toThrow(RangeError); // a forged _PULSE_CODE_DISCONNECT
    expect(() => conn.pulse(128)).toThrow(RangeError);
    expect(() => conn.pulse(1, 2 ** 40)).toThrow(RangeError);
    expect(() => conn.pulse(1, 0, 256)).toThrow(RangeError);
    conn.pulse(1, -(2 ** 31));
    conn.pulse({ code: 2, value: 2 ** 31 - 1, priority: 20 });
    expect(got).toEqual([-(2 ** 31), 2 ** 31 - 1]);
    expect(conn.closed).toBe(false);
  });
});

describe('issue 11: a malformed message never takes a server down', () => {
  it('should answer EBADMSG for a message the codec cannot decode, report it with its cause, and keep serving', async () => {
    const { server, client } = setup();
    const ch = server.channel({ codec: json<{ n: number }>() });
    const errors: unknown[] = [];
    ch.errors.subscribe((e) => errors.push(e));
    const seen: number[] = [];
    ch.pipe(messages()).subscribe((m) => { seen.push(m.data.n); m.reply({ n: m.data.n + 1 }); });
    const raw = client.connect(ch, { codec: utf8, replyCodec: json<{ n: number }>() });
    await expect(firstValueFrom(raw.send('not json'))).rejects.toMatchObject({ code: 'EBADMSG' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'EBADMSG', errno: 77 });
    expect((errors[0] as Error).cause).toBeInstanceOf(SyntaxError);
    expect((errors[0] as Error).message).toMatch(/could not decode/);
    expect((await firstValueFrom(raw.send('{"n":1}'))).data).toEqual({ n: 2 });
    expect(seen).toEqual([1]);
  });

  it('should keep what a replyWith handler threw in Answered.error (the client gets EIO)', async () => {
    const { server, client } = setup();
    const ch = server.channel({ codec: utf8 });
    const answered: Array<{ errno: number; error?: unknown }> = [];
    const boom = new TypeError('handler bug');
    ch.pipe(messages(), replyWith(() => { throw boom; })).subscribe((a) => answered.push(a));
    await expect(firstValueFrom(client.connect(ch, { codec: utf8 }).send('x'))).rejects.toMatchObject({ code: 'EIO' });
    expect(answered).toEqual([expect.objectContaining({ errno: 5, error: boom })]);
  });
});

describe('issue 11: errors a JavaScript developer understands', () => {
  it('should say what happened in the binding terms', async () => {
    const clock = new VirtualClock();
    const system = createSystem({ scheduler: clock });
    const [server, client] = [system.process(), system.process()];
    const ch = server.channel({ codec: utf8, unblock: false });
    const held: Array<{ reply(v: string): void; release(): void }> = [];
    ch.pipe(messages()).subscribe((m) => { held.push(m); m.release(); });
    const conn = client.connect(ch, { codec: utf8 });
    conn.send('x', { timeout: 1 }).subscribe({ error: () => {} });
    clock.advanceBy(1);
    const r = firstValueFrom(conn.send('y'));
    expect(() => held[0]!.reply('late')).toThrow('MsgReply: ESRCH: the client is no longer waiting (it timed out, was unblocked or died');
    held[1]!.reply('ok');
    await r;
    conn.complete();
    await expect(firstValueFrom(conn.send('z'))).rejects.toThrow('send: EBADF: the connection was completed');
  });
});

describe('issue 11: AbortSignal wherever something waits', () => {
  it('should withdraw an open() that waits when its signal aborts or it is unsubscribed', () => {
    const { system, server, client } = setup();
    server.attach('busy'); // nobody receives: the _IO_CONNECT waits
    const controller = new AbortController();
    const errors: string[] = [];
    client.open('busy', { signal: controller.signal }).subscribe({ error: (e) => errors.push(e.code) });
    const sub = client.open('busy').subscribe();
    const blocked = () => system.snapshot().processes.find((p) => p.pid === client.pid)!.threads.filter((t) => t.state === 'SEND').length;
    expect(blocked()).toBe(2);
    controller.abort();
    sub.unsubscribe();
    expect(errors).toEqual(['EINTR']);
    expect(blocked()).toBe(0);
    const late: string[] = [];
    client.open('busy', { signal: controller.signal }).subscribe({ error: (e) => late.push(e.code) });
    expect(late).toEqual(['EINTR']);
  });

  it('should end a send when its signal aborts (with the signal\'s reason), and not send at all if already aborted', async () => {
    const { server, client } = setup();
    const ch = server.channel({ codec: utf8, unblock: false });
    ch.subscribe(); // holds the first message
    const conn = client.connect(ch, { codec: utf8 });
    const controller = new AbortController();
    const r = firstValueFrom(conn.send('x', { signal: controller.signal }));
    controller.abort();
    await expect(r).rejects.toBe(controller.signal.reason); // the signal's reason, as fetch rejects
    await expect(firstValueFrom(conn.send('y', { signal: controller.signal }))).rejects.toBe(controller.signal.reason);
  });
});

describe('issue 11: system.stalls$', () => {
  it('should report a forgotten reply and a channel nobody receives on, once each, in scheduler time', () => {
    const clock = new VirtualClock();
    const system = createSystem({ scheduler: clock });
    const server = system.process({ name: 'server' });
    const ch = server.channel({ codec: utf8 });
    ch.subscribe(); // takes one message and never answers it
    const idle = server.channel({ codec: utf8 }); // nobody receives here
    const client = system.process({ name: 'client' });
    const stalls: string[] = [];
    const sub = system.stalls$.subscribe((s) => stalls.push(`${s.name} ${s.state} ${s.blocked} ${s.for}`));
    client.connect(ch, { codec: utf8 }).send('forgotten').subscribe();
    client.connect(idle, { codec: utf8 }).send('nobody').subscribe();
    // seen blocked at the next look (every quarter threshold, 250 ms): reported 1000 ms after
    clock.advanceBy(1249);
    expect(stalls).toEqual([]);
    clock.advanceBy(1);
    expect(stalls).toEqual([`client/rx REPLY pid ${server.pid} chid ${ch.chid} 1000`, `client/rx SEND pid ${server.pid} chid ${idle.chid} 1000`]);
    clock.advanceBy(5000);
    expect(stalls).toHaveLength(2);
    sub.unsubscribe();
    expect(clock.pending).toBe(0);
  });
});
