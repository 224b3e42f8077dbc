import { firstValueFrom, lastValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ERRNO, VirtualClock, createSystem, json, utf8, type Received } from '../../src/index.js';
import { _NTO_CHF_UNBLOCK, _PULSE_CODE_DISCONNECT, _PULSE_CODE_UNBLOCK } from '../../src/constants/index.js';
import { messages, replyWith, sendTo, decode, split } from '../../src/operators/index.js';

function setup(flags = 0) {
  const clock = new VirtualClock();
  const system = createSystem({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  const server = system.process({ name: 'server' });
  const client = system.process({ name: 'client' });
  const ch = server.channel({ codec: utf8, flags });
  const conn = client.connect(ch, { codec: utf8 });
  return { clock, system, server, client, ch, conn };
}

describe('Channel and Connection', () => {
  it('should send, receive and reply with codecs', async () => {
    const { ch, conn } = setup();
    const sub = ch.pipe(messages(), replyWith((s) => s.toUpperCase())).subscribe();
    const reply = await firstValueFrom(conn.send('hello'));
    expect(reply.data).toBe('HELLO');
    expect(reply.status).toBe(0);
    sub.unsubscribe();
  });

  it('should give each message to exactly one subscriber, the last to start waiting', () => {
    const { ch, conn } = setup();
    const got: string[] = [];
    ch.pipe(messages()).subscribe((m) => { got.push(`A:${m.data}`); m.reply(); });
    ch.pipe(messages()).subscribe((m) => { got.push(`B:${m.data}`); m.reply(); });
    conn.send('1').subscribe();
    conn.send('2').subscribe();
    expect(got).toEqual(['B:1', 'B:2']); // B re-arms after each message and stays on top
  });

  it('should deliver pulses as items, sent with pulse()', () => {
    const { ch, conn } = setup();
    const got: Received<string>[] = [];
    ch.subscribe((x) => got.push(x));
    conn.pulse({ code: 5, value: 9 });
    conn.pulse(7);
    expect(got).toEqual([{ kind: 'pulse', code: 5, value: 9, scoid: expect.any(Number) }, { kind: 'pulse', code: 7, value: 0, scoid: expect.any(Number) }]);
  });

  it('should turn MsgError into a KernelError notification', async () => {
    const { ch, conn } = setup();
    ch.pipe(messages()).subscribe((m) => m.error('EACCES'));
    await expect(firstValueFrom(conn.send('x'))).rejects.toMatchObject({ name: 'KernelError', code: 'EACCES', call: 'MsgSend' });
  });

  it('should send an unblock pulse when a send is abandoned on an UNBLOCK channel, and drop the late reply', () => {
    const { ch, conn } = setup(_NTO_CHF_UNBLOCK);
    const held: Array<{ reply(v?: string): void }> = [];
    const seen: number[] = [];
    // a deferred-reply server: keep the message, release the thread to receive again
    ch.subscribe((x) => { if (x.kind === 'message') { held.push(x); x.release(); } else seen.push(x.code); });
    const replies: string[] = [];
    const sub = conn.send('slow').subscribe((r) => replies.push(r.data));
    sub.unsubscribe();
    expect(seen).toEqual([_PULSE_CODE_UNBLOCK]);
    held[0]!.reply('late');
    expect(replies).toEqual([]);
  });

  it('should keep a busy subscriber from receiving until it answers (priority order holds)', () => {
    const { ch, server, client, system } = setup();
    const order: string[] = [];
    const held: Array<{ reply(v?: string): void }> = [];
    ch.pipe(messages()).subscribe((m) => { order.push(m.data); held.push(m); });
    const lo = client.connect(ch, { codec: utf8, priority: 10 });
    const hi = system.process().connect(ch, { codec: utf8, priority: 30 });
    lo.send('first').subscribe();
    lo.send('low').subscribe();
    hi.send('high').subscribe();
    expect(order).toEqual(['first']);
    held.shift()!.reply();
    expect(order).toEqual(['first', 'high']);
    held.shift()!.reply();
    expect(order).toEqual(['first', 'high', 'low']);
    void server;
  });

  it('should read long messages whole with MsgRead', async () => {
    const { server, client } = setup();
    const ch = server.channel({ codec: utf8, bufferSize: 4 });
    ch.pipe(messages(), replyWith((s) => `${s.length}`)).subscribe();
    const r = await firstValueFrom(client.connect(ch, { codec: utf8 }).send('0123456789'));
    expect(r.data).toBe('10');
  });

  it('should complete subscribers on destroy and fail later sends with EBADF', async () => {
    const { ch, conn } = setup();
    let completed = false;
    ch.subscribe({ complete: () => { completed = true; } });
    ch.destroy();
    expect(completed).toBe(true);
    await expect(firstValueFrom(conn.send('x'))).rejects.toMatchObject({ code: 'EBADF' });
  });

  it('should open a named channel and see the disconnect when the connection completes', async () => {
    const { server, client } = setup();
    const ch = server.attach('svc', { codec: json<{ n: number }>() });
    const [messages$, pulses$] = split(ch);
    const done = lastValueFrom(pulses$.pipe(toArray()));
    const mine = messages$.pipe(replyWith((m) => ({ n: m.n * 2 }))).subscribe();
    const conn = await firstValueFrom(client.open('svc', { codec: json<{ n: number }>() }));
    const replies = await lastValueFrom(of({ n: 1 }, { n: 2 }).pipe(sendTo(conn), toArray()));
    expect(replies.map((r) => r.data)).toEqual([{ n: 2 }, { n: 4 }]);
    conn.complete();
    ch.destroy();
    mine.unsubscribe();
    expect((await done).map((p) => p.code)).toEqual([_PULSE_CODE_DISCONNECT]);
  });

  it('should decode a raw channel', async () => {
    const { server, client } = setup();
    const raw = server.channel();
    raw.pipe(messages(), decode(json<number[]>(), json<number>()), replyWith((xs) => xs.reduce((a, b) => a + b, 0))).subscribe();
    const conn = client.connect(raw, { codec: json<number[]>(), replyCodec: json<number>() });
    expect((await firstValueFrom(conn.send([1, 2, 3]))).data).toBe(6);
  });

  it('should receive pull-style, one receive per next()', async () => {
    const { ch, conn, system } = setup();
    conn.send('a').subscribe();
    conn.send('b').subscribe();
    const got: string[] = [];
    for await (const m of ch.receive()) {
      if (m.kind !== 'message') continue;
      got.push(m.data);
      m.reply();
      if (got.length === 2) break;
    }
    expect(got).toEqual(['a', 'b']);
    expect(system.snapshot().processes[0]!.threads.every((t) => t.state !== 'RECEIVE')).toBe(true);
    expect(ERRNO.EOK).toBe(0);
  });
});

describe('decoded views', () => {
  it('should release the receiving thread when a decoded view is answered', async () => {
    const { server, client } = setup();
    const raw = server.channel();
    raw.pipe(messages(), decode(utf8), replyWith((s) => s + '!')).subscribe();
    const conn = client.connect(raw, { codec: utf8 });
    const a = await firstValueFrom(conn.send('a'));
    const b = await firstValueFrom(conn.send('b'));
    expect([a.data, b.data]).toEqual(['a!', 'b!']);
  });
});
