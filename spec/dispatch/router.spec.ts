// The RxJS router: routing in the dispatch layer's order, handler results (value, Promise,
// Observable), thread-pool-shaped receivers, drain on stop(), ECANCELED on unsubscribe.
import { Subject, firstValueFrom, of, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Router, VirtualClock, createSystem, utf8, type Reply } from '../../src/index.js';

function setup(options = { loWater: 2, hiWater: 4, increment: 1, maximum: 6 }) {
  const clock = new VirtualClock();
  const system = createSystem({ scheduler: clock });
  const server = system.process({ name: 'server' });
  const ch = server.channel();
  const router = new Router(ch, options);
  const client = system.process({ name: 'client' });
  const conn = client.connect(ch);
  const typed = (t: number, body = '') => {
    const b = utf8.encode(body);
    const m = new Uint8Array(2 + b.length);
    m.set([t & 0xff, t >> 8]);
    m.set(b, 2);
    return m;
  };
  const outcomes: string[] = [];
  const send = (t: number, body = '') => conn.sendBytes(typed(t, body)).subscribe({
    next: (r: Reply<Uint8Array>) => outcomes.push(`${t.toString(16)}:${utf8.decode(r.bytes)}`),
    error: (e: { code: string }) => outcomes.push(`${t.toString(16)}:${e.code}`),
  });
  return { clock, system, server, ch, router, conn, send, outcomes, typed };
}

describe('Router', () => {
  it('should answer with a value, a Promise or an Observable; EINVAL under 2 bytes; ENOSYS with no range', async () => {
    const { router, send, outcomes, conn } = setup();
    const later = new Subject<void>();
    router
      .message(0x5000, 0x50ff, () => utf8.encode('value'))
      .message(0x5100, 0x51ff, async () => utf8.encode('promise'))
      .message(0x5200, 0x52ff, () => later.pipe(map(() => utf8.encode('observable'))));
    router.start();
    send(0x5001);
    send(0x5101);
    send(0x5201);
    send(0x7000);
    conn.sendBytes(new Uint8Array([1])).subscribe({ error: (e: { code: string }) => outcomes.push(`short:${e.code}`) });
    await Promise.resolve();
    later.next();
    expect(outcomes.sort()).toEqual(['5001:value', '5101:promise', '5201:observable', '7000:ENOSYS', 'short:EINVAL']);
  });

  it('should give unmatched messages and pulses to the default, and drop unmatched pulses without one', () => {
    const { router, send, outcomes, conn } = setup();
    const pulses: number[] = [];
    router.pulse(7, (p) => { pulses.push(p.code); });
    const started = router.start();
    conn.pulse(9);
    router.otherwise((_d, m) => utf8.encode(`default ${m.type.toString(16)}`), (p) => { pulses.push(-p.code); });
    conn.pulse(7);
    conn.pulse(9);
    send(0x6123);
    expect(pulses).toEqual([7, -9]);
    expect(outcomes).toEqual(['6123:default 6123']);
    started.unsubscribe();
  });

  it('should refuse overlaps (EEXIST), bad ranges (EINVAL) and allocate pulse codes up to EAGAIN', () => {
    const { router } = setup();
    router.message(0x5000, 0x5fff, () => new Uint8Array(0));
    expect(() => router.message(0x5fff, 0x6000, () => new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(() => router.message(-1, 5, () => new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    expect(() => router.pulse(128, () => 0)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    router.pulse(0, () => 0);
    expect(router.allocPulse(() => 0)).toBe(1);
    for (let i = 2; i < 128; i++) router.allocPulse(() => 0);
    expect(() => router.allocPulse(() => 0)).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
  });

  it('should keep lo_water receivers idle, grow while they are busy, never pass maximum, and shed above hi_water', () => {
    const { router, send } = setup({ loWater: 2, hiWater: 3, increment: 1, maximum: 5 });
    const gates: Array<Subject<Uint8Array>> = [];
    router.message(0x5000, 0x5000, () => { const g = new Subject<Uint8Array>(); gates.push(g); return g; });
    router.start();
    expect(router.threads).toEqual({ created: 2, waiting: 2 });
    send(0x5000);
    expect(router.threads).toEqual({ created: 3, waiting: 2 });
    for (let i = 0; i < 6; i++) send(0x5000);
    // five busy at most: the sixth and seventh wait SEND-blocked in the kernel
    expect(router.threads).toEqual({ created: 5, waiting: 0 });
    expect(gates.length).toBe(5);
    for (let i = 0; i < 7; i++) gates[i]?.next(new Uint8Array(0));
    // all answered; receivers above hi_water (3) exited after their work
    for (const g of gates.slice(5)) g.next(new Uint8Array(0));
    expect(gates.length).toBe(7);
    expect(router.threads.waiting).toBeLessThanOrEqual(3);
    expect(router.threads.waiting).toBeGreaterThanOrEqual(2);
  });

  it('should drain on stop(): idle receivers leave, a busy one finishes its reply first', async () => {
    const { router, send, outcomes } = setup();
    const gate = new Subject<Uint8Array>();
    router.message(0x5000, 0x5000, () => gate);
    router.start();
    send(0x5000);
    let stopped = false;
    router.stop().subscribe({ complete: () => { stopped = true; } });
    expect(router.threads.created).toBe(1);
    expect(stopped).toBe(false);
    gate.next(utf8.encode('late but answered'));
    expect(outcomes).toEqual(['5000:late but answered']);
    expect(stopped).toBe(true);
    expect(router.threads).toEqual({ created: 0, waiting: 0 });
    // nobody receives any more: a new client stays SEND-blocked
    send(0x5000);
    expect(outcomes.length).toBe(1);
  });

  it('should answer messages in hand ECANCELED when the start() subscription ends', () => {
    const { router, send, outcomes } = setup();
    router.message(0x5000, 0x5000, () => new Subject<Uint8Array>());
    const running = router.start();
    send(0x5000);
    running.unsubscribe();
    expect(outcomes).toEqual(['5000:ECANCELED']);
    expect(router.threads.created).toBe(0);
  });

  it('should report what it handled', async () => {
    const { router, send } = setup();
    router.message(0x5000, 0x5000, () => of(new Uint8Array(0)));
    router.start();
    const first = firstValueFrom(router.handled);
    send(0x5000);
    expect(await first).toMatchObject({ code: 0x5000, handled: true, errno: 0 });
  });
});

describe('Router pulse handlers', () => {
  it('should keep the receiver busy while an async pulse handler works: a message meanwhile stays SEND-blocked', () => {
    const { router, send, outcomes, conn, system } = setup({ loWater: 1, hiWater: 1, increment: 1, maximum: 1 });
    const work = new Subject<void>();
    router.pulse(3, () => work);
    router.message(0x5000, 0x5000, () => utf8.encode('ok'));
    router.start();
    conn.pulse(3);
    send(0x5000);
    const clientThread = system.snapshot().processes.find((p) => p.name === 'client')!.threads.find((t) => t.state !== 'READY');
    expect(clientThread?.state).toBe('SEND');
    expect(outcomes).toEqual([]);
    work.complete();
    expect(outcomes).toEqual(['5000:ok']);
  });
});
