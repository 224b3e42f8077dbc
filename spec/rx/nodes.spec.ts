// Nodes through the RxJS binding: systems joined by the loopback link in virtual time.
import { firstValueFrom, switchMap, type SchedulerLike } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { VirtualClock, createSystem, utf8, type NodeEvent, type Reply } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';
import { connectLoopback } from '../../src/testing/index.js';

function nodes() {
  const clock = new VirtualClock() as VirtualClock & SchedulerLike;
  const onUnhandledError = (e: unknown): void => { throw e; };
  const a = createSystem({ node: 'a', scheduler: clock, onUnhandledError, net: { incarnation: 1 } });
  const b = createSystem({ node: 'b', scheduler: clock, onUnhandledError, net: { incarnation: 2 } });
  const link = connectLoopback(a, b, { latency: 1 });
  return { clock, a, b, link };
}

const codeOf = (e: unknown): string => (e as { code?: string }).code ?? String(e);

describe('nodes in the RxJS binding', () => {
  it('should reach a channel on another node by its address, and report the node in the message info', () => {
    const { clock, a, b } = nodes();
    const ch = b.process({ name: 'server' }).channel({ codec: utf8 });
    const infos: number[] = [];
    ch.pipe(messages()).subscribe((m) => { infos.push(m.info.nd); m.reply(m.data.toUpperCase()); });
    expect(ch.address).toEqual({ node: 'b', pid: ch.pid, chid: ch.chid });
    const got: string[] = [];
    a.process().connect(ch.address, { codec: utf8 }).send('hello').subscribe((r) => got.push(r.data));
    clock.advanceBy(10);
    expect(got).toEqual(['HELLO']);
    expect(infos).toEqual([b.nd('a')]);
    expect(a.nd('b')).not.toBe(0);
    expect(a.nd('a')).toBe(0);
  });

  it('should open a global name on another node and serve it', async () => {
    const { clock, a, b } = nodes();
    b.process({ name: 'echo' }).attach('echo', { global: true, codec: utf8 }).pipe(messages(), replyWith((s) => `echo ${s}`)).subscribe();
    clock.advanceBy(5);
    const reply = firstValueFrom(a.process().open('echo', { global: true, codec: utf8 }).pipe(switchMap((c) => c.send('hi'))));
    clock.advanceBy(10);
    expect((await reply).data).toBe('echo hi');
  });

  it('should refuse a global attach on a system that is not a node (ENOTSUP)', () => {
    const plain = createSystem({ scheduler: new VirtualClock() });
    expect(() => plain.process().attach('x', { global: true })).toThrow(expect.objectContaining({ code: 'ENOTSUP' }));
  });

  it('should cancel the remote server\'s work when the client unsubscribes (the unblock crosses the link)', () => {
    const { clock, a, b } = nodes();
    const ch = b.process().channel({ codec: utf8 });
    const seen: string[] = [];
    ch.pipe(messages()).subscribe((m) => {
      m.signal.addEventListener('abort', () => { seen.push(`aborted at ${clock.now()}`); m.error(-1); });
    });
    const sub = a.process().connect(ch.address, { codec: utf8 }).send('slow').subscribe({ error: (e) => seen.push(codeOf(e)) });
    clock.advanceBy(10);
    sub.unsubscribe();
    clock.advanceBy(10);
    expect(seen).toEqual(['aborted at 11']);
  });

  it('should fail a send whose node is lost with EHOSTDOWN, and report the node down on nodes$', () => {
    const { clock, a, b, link } = nodes();
    const events: NodeEvent[] = [];
    a.nodes$.subscribe((e) => events.push(e));
    const ch = b.process().channel();
    ch.subscribe(); // holds the message: the client stays REPLY-blocked
    const errors: string[] = [];
    a.process().connect(ch.address).send(new Uint8Array(1)).subscribe({ error: (e) => errors.push(codeOf(e)) });
    clock.advanceBy(10);
    link.sever();
    clock.advanceBy(4000);
    expect(errors).toEqual(['EHOSTDOWN']);
    expect(events.map((e) => [e.node, e.state, e.reason])).toEqual([['b', 'up', 'hello'], ['b', 'down', 'heartbeat']]);
    expect(a.nodes()).toEqual([expect.objectContaining({ node: 'b', state: 'down' })]);
  });

  it('should deliver a reply that grows past the first buffer whole across the link', () => {
    const { clock, a, b } = nodes();
    const ch = b.process().channel();
    ch.pipe(messages()).subscribe((m) => m.replyBytes(new Uint8Array(10_000).fill(5)));
    const got: Reply<Uint8Array>[] = [];
    a.process().connect(ch.address).send(new Uint8Array(1)).subscribe((r) => got.push(r));
    clock.advanceBy(10);
    expect([got[0]!.bytes.length, got[0]!.bytes[9_999], got[0]!.truncated]).toEqual([10_000, 5, false]);
  });
});

describe('pidin on nodes', () => {
  it('should show a remote wait as nd N pid P chid C on the client, and the proxy apart on the server', () => {
    const { clock, a, b } = nodes();
    const ch = b.process({ name: 'server' }).channel();
    ch.subscribe(); // holds the message: the client stays REPLY-blocked
    const client = a.process({ name: 'client' });
    client.connect(ch.address).send(new Uint8Array(1)).subscribe();
    clock.advanceBy(10);
    const nd = a.nd('b');
    expect(a.pidin()).toMatch(new RegExp(`client/rx\\s+10\\s+REPLY\\s+nd ${nd} pid ${ch.pid} chid ${ch.chid}`));
    const snap = b.snapshot();
    expect(snap.proxies).toEqual([{ node: 'a', nd: b.nd('a'), pid: client.pid, threads: [expect.objectContaining({ state: 'REPLY', blocked: `pid ${ch.pid} chid ${ch.chid}` })] }]);
    expect(b.pidin()).toContain('remote clients on b:');
    expect(snap.processes.map((p) => p.name)).not.toContain('a/' + client.pid);
  });
});
