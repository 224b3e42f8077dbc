import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { VirtualClock, createSystem, structuredCloneCodec, utf8, bytes, json, type Received } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';

function setup() {
  const system = createSystem({ scheduler: new VirtualClock(), onUnhandledError: (e) => { throw e; } });
  return { system, server: system.process({ name: 'server' }), client: system.process({ name: 'client' }) };
}

describe('binding lifecycle', () => {
  it('should take a receiver out of the receive queue when it unsubscribes while RECEIVE-blocked', () => {
    const { system, server, client } = setup();
    const ch = server.channel({ codec: utf8 });
    const got: string[] = [];
    ch.pipe(messages()).subscribe((m) => { got.push(`old:${m.data}`); m.reply(); });
    const late = ch.pipe(messages()).subscribe((m) => { got.push(`late:${m.data}`); m.reply(); });
    late.unsubscribe();
    const states = system.snapshot().processes[0]!.threads.map((t) => t.state);
    expect(states.filter((s) => s === 'RECEIVE')).toHaveLength(1);
    client.connect(ch, { codec: utf8 }).send('x').subscribe();
    expect(got).toEqual(['old:x']);
  });

  it('should leave a send SEND-blocked when the only receiver unsubscribed', () => {
    const { system, server, client } = setup();
    const ch = server.channel();
    ch.subscribe().unsubscribe();
    const replies: unknown[] = [];
    client.connect(ch).send(new Uint8Array([1])).subscribe((r) => replies.push(r));
    expect(system.snapshot().processes[1]!.threads.some((t) => t.state === 'SEND')).toBe(true);
    expect(replies).toEqual([]);
  });

  it('should error the subscribers with ESRCH when the channel process exits', () => {
    const { server } = setup();
    const ch = server.channel();
    let error: unknown;
    ch.subscribe({ error: (e) => { error = e; } });
    server.exit();
    expect(error).toMatchObject({ name: 'KernelError', code: 'ESRCH' });
  });

  it('should error the Connection when a send through next() fails, throw EBADF from pulse() once the server is gone, and ignore next() after complete()', () => {
    const { server, client } = setup();
    const ch = server.channel();
    ch.pipe(messages()).subscribe((m) => m.reply(m.bytes));
    const conn = client.connect(ch);
    const seen: string[] = [];
    conn.subscribe({ next: (r) => seen.push(`next:${r.bytes[0]}`), error: (e) => seen.push(`error:${(e as { code: string }).code}`) });
    conn.next(new Uint8Array([1]));
    ch.destroy();
    expect(() => conn.pulse(2)).toThrow(/EBADF/);
    conn.next(new Uint8Array([3]));
    expect(seen).toEqual(['next:1', 'error:EBADF']);
    const other = client.connect(server.channel());
    other.complete();
    expect(() => other.next(new Uint8Array([4]))).not.toThrow();
  });

  it('should round-trip structured clones (Map, Date, cycles)', async () => {
    const { server, client } = setup();
    type V = { when: Date; tags: Map<string, number>; self?: unknown };
    const codec = structuredCloneCodec<V>();
    const ch = server.channel({ codec });
    ch.pipe(messages(), replyWith((v) => ({ ...v, tags: new Map([...v.tags, ['seen', 1]]) }))).subscribe();
    const v: V = { when: new Date(0), tags: new Map([['a', 2]]) };
    v.self = v;
    const r = (await firstValueFrom(client.connect(ch, { codec }).send(v))).data;
    expect(r.when).toEqual(new Date(0));
    expect([...r.tags]).toEqual([['a', 2], ['seen', 1]]);
  });

  it('should encode and decode with the plain codecs', () => {
    expect(utf8.decode(new Uint8Array([104, 105, 0, 120]))).toBe('hi');
    expect(bytes.encode(new Uint8Array([1]))).toEqual(new Uint8Array([1]));
    expect(json().decode(new Uint8Array(0))).toBeUndefined();
    expect(json().encode(undefined)).toHaveLength(0);
  });

  it('should stop a pull-style receive on abort', async () => {
    const { server, system } = setup();
    const ch = server.channel();
    const controller = new AbortController();
    const it = ch.receive()[Symbol.asyncIterator](controller.signal);
    const pending = it.next();
    await new Promise((r) => setImmediate(r));
    expect(system.snapshot().processes[0]!.threads.some((t) => t.state === 'RECEIVE')).toBe(true);
    controller.abort();
    await expect(pending).rejects.toBeDefined();
    expect(system.snapshot().processes[0]!.threads.some((t) => t.state === 'RECEIVE')).toBe(false);
  });

  it('should end pull-style receiving when the channel is destroyed', async () => {
    const { server } = setup();
    const ch = server.channel();
    const got: Array<Received<Uint8Array>> = [];
    const loop = (async () => { for await (const m of ch.receive()) got.push(m); })();
    await new Promise((r) => setImmediate(r));
    ch.destroy();
    await loop;
    expect(got).toEqual([]);
  });
});

describe('process death under the binding', () => {
  it('should error a pending send with ESRCH when the client process exits', () => {
    const { server, client } = (() => {
      const system = createSystem({ scheduler: new VirtualClock() });
      return { server: system.process(), client: system.process() };
    })();
    const ch = server.channel();
    let error: unknown;
    client.connect(ch).send(new Uint8Array([1])).subscribe({ error: (e) => { error = e; } });
    client.exit();
    expect(error).toMatchObject({ code: 'ESRCH', call: 'MsgSend' });
  });

  it('should reject a pull-style receive with ESRCH when its process exits', async () => {
    const system = createSystem({ scheduler: new VirtualClock() });
    const server = system.process();
    const ch = server.channel();
    const pending = ch.receive()[Symbol.asyncIterator]().next();
    await new Promise((r) => setImmediate(r));
    server.exit();
    await expect(pending).rejects.toMatchObject({ code: 'ESRCH' });
  });
});
