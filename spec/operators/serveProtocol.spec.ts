import { map, timer } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { KernelError, ProtocolClient, json, type Codec } from '../../src/index.js';
import { messages, serveProtocol } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler, kerr } from '../../marbles/testScheduler.js';

interface Calc {
  0x5001: { request: { a: number; b: number }; reply: number };
  0x5002: { request: string; reply: string };
  0x5003: { request: null; reply: null };
}

describe('serveProtocol and ProtocolClient', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  const serve = (h: MarbleHarness) => {
    const ch = h.process('server').channel();
    ch.pipe(messages(), serveProtocol<Calc>(json(), {
      0x5001: ({ a, b }) => a + b,
      0x5002: (s) => timer(2).pipe(map(() => s.toUpperCase())),
      0x5003: () => { throw new KernelError('EPERM', 'handler'); },
    })).subscribe();
    return new ProtocolClient<Calc>(h.client(ch), json() as Codec<unknown>);
  };

  it('should route each message type to its handler and type the replies', () => {
    ts.run(({ expectObservable }) => {
      const h = new MarbleHarness(ts);
      const calc = serve(h);
      expectObservable(calc.send(0x5001, { a: 2, b: 3 }).pipe(map((r) => r.data))).toBe('(a|)', { a: 5 });
      expectObservable(calc.send(0x5002, 'hi').pipe(map((r) => r.data))).toBe('--(a|)', { a: 'HI' });
      // one server thread: 0x5003 waits (SEND-blocked) until 0x5002 is answered at frame 2
      expectObservable(calc.send(0x5003, null)).toBe('--#', undefined, kerr('EPERM'));
    });
  });

  it('should answer an unknown type with ENOSYS and a short message with EINVAL', () => {
    ts.run(({ expectObservable }) => {
      const h = new MarbleHarness(ts);
      const calc = serve(h);
      const raw = calc.connection;
      expectObservable((calc as unknown as ProtocolClient<{ 0x7777: { request: null; reply: null } }>).send(0x7777, null)).toBe('#', undefined, kerr('ENOSYS'));
      expectObservable(raw.sendBytes(new Uint8Array([1]))).toBe('#', undefined, kerr('EINVAL'));
    });
  });
});
