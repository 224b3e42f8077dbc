// Issue 21 item 3: a server's error keeps its meaning on the way to the client (RemoteError),
// locally, across nodes, and never for C programs (plain EIO).
import { firstValueFrom, type SchedulerLike } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  KernelError, REMOTE_MESSAGE_MAX, RemoteError, VirtualClock, createSystem, isKernelError, isRemoteError, utf8, type ReceivedMessage, type System,
} from '../../src/index.js';
import { messages } from '../../src/operators/index.js';
import { MsgSend, errno, spawn, useKernel, EIO } from '../../src/neutrino/index.js';
import { connectLoopback, runVirtual } from '../../src/testing/index.js';

const rethrow = (e: unknown): void => { throw e; };

function setup() {
  const clock = new VirtualClock();
  const system = createSystem({ scheduler: clock, onUnhandledError: rethrow });
  return { clock, system, server: system.process({ name: 'server' }), client: system.process({ name: 'client' }) };
}

/** A server on `system` that answers every message with `answer(m)`; a client connection to it. */
function serve(system: System, answer: (m: ReceivedMessage<string, string>) => void) {
  const ch = system.process({ name: 'server' }).channel({ codec: utf8 });
  ch.pipe(messages()).subscribe(answer);
  return system.process({ name: 'client' }).connect(ch, { codec: utf8 });
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the send to fail');
}

describe('RemoteError: what a server threw, as its client sees it', () => {
  it("should carry the server error's name and message in a KernelError EIO that says what happened", async () => {
    const { system } = setup();
    const conn = serve(system, (m) => m.fail(new TypeError('bus glitch')));
    const e = await failure(firstValueFrom(conn.send('x')));
    expect(e).toBeInstanceOf(RemoteError);
    expect(e).toBeInstanceOf(KernelError);
    expect(isRemoteError(e) && isKernelError(e)).toBe(true);
    const r = e as RemoteError;
    expect([r.name, r.code, r.errno, r.call, r.remoteName, r.remoteMessage]).toEqual(['RemoteError', 'EIO', 5, 'MsgSend', 'TypeError', 'bus glitch']);
    expect(r.message).toBe('MsgSend: EIO: the server failed with TypeError: bus glitch');
    expect(r.info).toEqual({ coid: conn.coid });
    expect(Object.prototype.toString.call(r)).toBe('[object RemoteError]');
  });

  it('should not take a plain KernelError for a RemoteError (instanceof, the guard)', () => {
    const k = new KernelError('EIO', 'MsgSend');
    expect(k instanceof RemoteError).toBe(false);
    expect(isRemoteError(k)).toBe(false);
    expect(new RemoteError({ name: 'Error', message: 'm' }) instanceof KernelError).toBe(true);
  });

  it('should send a KernelError as its errno alone, and error(EIO) without an error as a plain EIO', async () => {
    const { system } = setup();
    let n = 0;
    const conn = serve(system, (m) => (n++ === 0 ? m.fail(new KernelError('ENOENT', 'lookup')) : m.error('EIO')));
    const first = await failure(firstValueFrom(conn.send('x')));
    expect(isRemoteError(first)).toBe(false);
    expect(first).toMatchObject({ name: 'KernelError', code: 'ENOENT' });
    const second = await failure(firstValueFrom(conn.send('y')));
    expect(isRemoteError(second)).toBe(false);
    expect((second as Error).message).toBe('MsgSend: EIO: the server answered EIO (an I/O error, or a failure it did not describe)');
  });

  it('should carry an Error cause chain and structured-cloneable data, and leave out a cause that cannot travel', async () => {
    const { system } = setup();
    const causes: unknown[] = [
      new Error('outer', { cause: new RangeError('i2c timeout', { cause: { bus: 2, retries: [1, 2] } }) }),
      new Error('data', { cause: { code: 'E_BUS', at: 12 } }),
      new Error('fn', { cause: () => 1 }),
    ];
    let i = 0;
    const conn = serve(system, (m) => m.fail(causes[i++]));
    const a = (await failure(firstValueFrom(conn.send('a')))) as RemoteError;
    expect(a.remoteMessage).toBe('outer');
    const c1 = a.cause as Error;
    expect(c1).toBeInstanceOf(Error);
    expect([c1.name, c1.message, c1.cause]).toEqual(['RangeError', 'i2c timeout', { bus: 2, retries: [1, 2] }]);
    const b = (await failure(firstValueFrom(conn.send('b')))) as RemoteError;
    expect(b.cause).toEqual({ code: 'E_BUS', at: 12 });
    const c = (await failure(firstValueFrom(conn.send('c')))) as RemoteError;
    expect(c.remoteMessage).toBe('fn');
    expect('cause' in c).toBe(false);
  });

  it('should cut a long message to 1 KiB of UTF-8, never inside a character', async () => {
    const { system } = setup();
    const long = 'é'.repeat(3000); // 2 bytes each
    const conn = serve(system, (m) => m.fail(new Error(long)));
    const e = (await failure(firstValueFrom(conn.send('x')))) as RemoteError;
    const bytes = new TextEncoder().encode(e.remoteMessage).length;
    expect(bytes).toBeLessThanOrEqual(REMOTE_MESSAGE_MAX);
    expect(bytes).toBeGreaterThan(REMOTE_MESSAGE_MAX - 8);
    expect(e.remoteMessage.endsWith('…')).toBe(true);
    expect(e.remoteMessage.slice(0, -1)).toBe('é'.repeat(e.remoteMessage.length - 1));
  });

  it('should describe thrown values that are not Errors', async () => {
    const { system } = setup();
    const conn = serve(system, (m) => m.fail('just a string'));
    const e = (await failure(firstValueFrom(conn.send('x')))) as RemoteError;
    expect([e.remoteName, e.remoteMessage]).toEqual(['string', 'just a string']);
  });

  it("should pass on a RemoteError it got (a server relaying its own server's failure) with its first words", async () => {
    const { system } = setup();
    const back = serve(system, (m) => m.fail(new SyntaxError('bad config')));
    const front = serve(system, (m) => {
      back.send('q').subscribe({ error: (e) => m.fail(e) });
    });
    const e = (await failure(firstValueFrom(front.send('x')))) as RemoteError;
    expect([e.remoteName, e.remoteMessage]).toEqual(['SyntaxError', 'bad config']);
  });

  it('should fall back to a plain EIO when the description does not fit a fixed reply buffer', async () => {
    const { system } = setup();
    const conn = serve(system, (m) => m.fail(new Error('bus glitch')));
    const e = await failure(firstValueFrom(conn.send('x', { replySize: 4 })));
    expect(isRemoteError(e)).toBe(false);
    expect(e).toMatchObject({ code: 'EIO' });
    // a reply buffer of the caller's that is big enough takes it
    const into = new Uint8Array(256);
    const r = await failure(firstValueFrom(conn.send('y', { replyInto: into })));
    expect(r).toMatchObject({ name: 'RemoteError', remoteMessage: 'bus glitch' });
  });

  it('should give a C client (rxnto/neutrino) a plain EIO', async () => {
    const { clock, system } = setup();
    const ch = system.process({ name: 'server' }).channel({ codec: utf8 });
    ch.pipe(messages()).subscribe((m) => m.fail(new Error('bus glitch')));
    useKernel(system.kernel);
    const seen: number[] = [];
    await runVirtual(clock, async () => {
      await spawn(async () => {
        const { ConnectAttach, _NTO_SIDE_CHANNEL } = await import('../../src/neutrino/index.js');
        const coid = ConnectAttach(0, ch.pid, ch.chid, _NTO_SIDE_CHANNEL, 0);
        const reply = new Uint8Array(512);
        seen.push(await MsgSend(coid, 'x', undefined, reply, reply.length), errno());
      });
    });
    expect(seen).toEqual([-1, EIO]);
  });
});

describe('RemoteError across nodes', () => {
  function nodes() {
    const clock = new VirtualClock() as VirtualClock & SchedulerLike;
    const a = createSystem({ node: 'a', scheduler: clock, onUnhandledError: rethrow, net: { incarnation: 1 } });
    const b = createSystem({ node: 'b', scheduler: clock, onUnhandledError: rethrow, net: { incarnation: 2 } });
    connectLoopback(a, b, { latency: 1 });
    return { clock, a, b };
  }

  it('should reach a client on another node over the loopback link (the ERROR frame carries the description)', () => {
    const { clock, a, b } = nodes();
    const ch = b.process({ name: 'server' }).channel({ codec: utf8 });
    ch.pipe(messages()).subscribe((m) => m.fail(new Error('bus glitch', { cause: { bus: 2 } })));
    const errors: unknown[] = [];
    a.process().connect(ch.address, { codec: utf8 }).send('x').subscribe({ error: (e) => errors.push(e) });
    clock.advanceBy(10);
    expect(errors).toHaveLength(1);
    const e = errors[0] as RemoteError;
    expect(isRemoteError(e)).toBe(true);
    expect([e.code, e.remoteName, e.remoteMessage, e.cause]).toEqual(['EIO', 'Error', 'bus glitch', { bus: 2 }]);
    expect(e.message).toBe('MsgSend: EIO: the server failed with Error: bus glitch');
  });
});

describe('RemoteError from handlers (replyWith, serveProtocol, Router)', () => {
  it('should give the client what a handler threw, rejected or emitted, and keep it in Answered.error', async () => {
    const { server, client } = setup();
    const { replyWith } = await import('../../src/operators/index.js');
    const { throwError } = await import('rxjs');
    const ch = server.channel({ codec: utf8 });
    const kept: unknown[] = [];
    ch.pipe(messages(), replyWith((s: string) => {
      if (s === 'throw') throw new Error('bus glitch');
      if (s === 'reject') return Promise.reject(new RangeError('too hot'));
      return throwError(() => new TypeError('no sensor'));
    })).subscribe((a) => kept.push(a.error));
    const conn = client.connect(ch, { codec: utf8 });
    const got: string[] = [];
    for (const q of ['throw', 'reject', 'emit']) {
      const e = await failure(firstValueFrom(conn.send(q)));
      got.push((e as Error).message);
    }
    expect(got).toEqual([
      'MsgSend: EIO: the server failed with Error: bus glitch',
      'MsgSend: EIO: the server failed with RangeError: too hot',
      'MsgSend: EIO: the server failed with TypeError: no sensor',
    ]);
    expect(kept.map((e) => (e as Error).message)).toEqual(['bus glitch', 'too hot', 'no sensor']);
  });

  it('should do the same through serveProtocol and a Router, and through a connection\'s next()', async () => {
    const { server, client } = setup();
    const { serveProtocol } = await import('../../src/operators/index.js');
    const { Router, json } = await import('../../src/index.js');
    const raw = server.channel();
    raw.pipe(messages(), serveProtocol<{ 0x10: { request: number; reply: number } }>(json(), { 0x10: () => { throw new Error('calc broke'); } })).subscribe();
    const e1 = await failure(firstValueFrom(client.connect(raw).sendBytes(new Uint8Array([0x10, 0, 0x31]))));
    expect(e1).toMatchObject({ name: 'RemoteError', remoteMessage: 'calc broke' });
    const routed = server.channel();
    new Router(routed).message(0x5020, 0x5020, () => { throw new Error('route broke'); }).start();
    const rc = client.connect(routed);
    const e2 = await failure(firstValueFrom(rc.sendBytes(new Uint8Array([0x20, 0x50]))));
    expect(e2).toMatchObject({ name: 'RemoteError', remoteMessage: 'route broke' });
    // next(): the Subject errors with the RemoteError
    const viaNext = failure(firstValueFrom(rc));
    rc.next(new Uint8Array([0x20, 0x50]));
    expect(await viaNext).toMatchObject({ name: 'RemoteError', remoteMessage: 'route broke' });
  });
});
