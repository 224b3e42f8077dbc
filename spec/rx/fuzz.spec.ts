// Issue 10 (R3), fuzz: the RxJS binding's public methods (RxProcess, Connection, AsyncConnection,
// Channel, Router) called with random wrong values. Asserted: whatever is thrown or notified is a
// clear, typed error (KernelError, TypeError or RangeError); nothing else reaches onUnhandledError;
// a server's queued work (a SEND-blocked and a REPLY-blocked client) still completes; and once
// every subscription made is unsubscribed, every logical thread of the fuzzing process is back in
// its pool (no thread leaked).
import fc from 'fast-check';
import type { Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Router, VirtualClock, createSystem, isKernelError, utf8, type RxProcess } from '../../src/index.js';
import { messages } from '../../src/operators/index.js';
import type { ReceivedMessage } from '../../src/rx/Received.js';
import { detached } from '../kernel/helpers.js';

const RUNS = Number(process.env['FC_FUZZ_RUNS'] ?? 100);
const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);

class FuzzError extends Error {}


const clear = (e: unknown): boolean => isKernelError(e) || e instanceof TypeError || e instanceof RangeError || e instanceof FuzzError;

function world() {
  const unhandled: unknown[] = [];
  const clock = new VirtualClock();
  const system = createSystem({ scheduler: clock, onUnhandledError: (e) => unhandled.push(e) });
  const S = system.process({ name: 'server' });
  const ch = S.channel({ codec: utf8 });
  const held: Array<ReceivedMessage<string, string>> = [];
  // every message stays in hand (released): 'one' and 'two' are the queued work, 'target' is fuzzed
  const serving = ch.pipe(messages()).subscribe((m) => { held.push(m); m.release(); });
  const C = system.process({ name: 'client' });
  const cconn = C.connect(ch, { codec: utf8 });
  const replies: string[] = [];
  cconn.send('one').subscribe((r) => replies.push(r.data));
  cconn.send('two').subscribe((r) => replies.push(r.data));
  cconn.send('target').subscribe({ error: () => {} });
  const target = held.find((m) => m.data === 'target')!;
  const F = system.process({ name: 'fuzzer' });
  const own = F.channel({ codec: utf8 });
  const conn = F.connect(ch, { codec: utf8 });
  const inbox = F.asyncChannel({ codec: utf8 });
  const aconn = F.asyncConnect(inbox, { codec: utf8, ringSize: 2, count: 0 });
  const closed = F.connect(own);
  closed.complete();
  return { clock, system, S, ch, held, target, serving, C, replies, F, own, conn, inbox, aconn, closed, unhandled };
}
type World = ReturnType<typeof world>;

const valueArb: fc.Arbitrary<(w: World) => unknown> = fc.constantFrom<(w: World) => unknown>(
  () => Number.NaN, () => -1, () => 0, () => 2 ** 40, () => 1.5, () => 1e12, () => 10n, () => '', () => 'x', () => null, () => undefined,
  () => ({}), () => Object.freeze({}), () => ({ code: 200 }), () => ({ code: 1, priority: 0 }), () => ({ priority: 0 }),
  () => ({ replySize: 1e12 }), () => ({ timeout: -5 }), () => ({ timeout: 'soon' }), () => ({ ringSize: 1 }), () => ({ count: -1 }),
  () => ({ bufferSize: -1 }), () => ({ maxNumBuffer: 0 }), () => ({ codec: 5 }), () => ({ delay: Number.NaN, code: 1 }),
  () => ({ pid: 9999, chid: 1 }), () => [], () => new Uint8Array(3), () => detached(), () => Symbol('s'),
  () => () => { throw new FuzzError('fuzz'); }, (w) => w.ch, (w) => w.own, (w) => w.closed, (w) => w.conn, (w) => w.inbox,
  (w) => ({ pid: w.S.pid, chid: w.ch.chid }),
);

type Method = (w: World, a: readonly unknown[]) => unknown;
const METHODS: Record<string, Method> = {
  'RxProcess.channel': (w, a) => w.F.channel(a[0] as never),
  'RxProcess.attach': (w, a) => w.F.attach(a[0] as never, a[1] as never),
  'RxProcess.connect': (w, a) => w.F.connect(a[0] as never, a[1] as never),
  'RxProcess.open': (w, a) => w.F.open(a[0] as never, a[1] as never),
  'RxProcess.openFile': (w, a) => w.F.openFile(a[0] as never, a[1] as never, a[2] as never),
  'RxProcess.timer': (w, a) => w.F.timer(a[0] as never, a[1] as never),
  'RxProcess.asyncChannel': (w, a) => w.F.asyncChannel(a[0] as never),
  'RxProcess.asyncConnect': (w, a) => w.F.asyncConnect(a[0] as never, a[1] as never),
  'Connection.send': (w, a) => w.conn.send(a[0] as never, a[1] as never),
  'Connection.sendBytes': (w, a) => w.conn.sendBytes(a[0] as never, a[1] as never),
  'Connection.next': (w, a) => w.conn.next(a[0] as never),
  'Connection.pulse': (w, a) => w.conn.pulse(a[0] as never, a[1] as never, a[2] as never),
  'Connection.error': (w, a) => w.conn.error(a[0]),
  'closed Connection.send': (w, a) => w.closed.send(a[0] as never, a[1] as never),
  'AsyncConnection.next': (w, a) => w.aconn.next(a[0] as never),
  'AsyncConnection.put': (w, a) => w.aconn.put(a[0] as never),
  'AsyncConnection.flush': (w, a) => w.aconn.flush(a[0] as never),
  'Channel.receive': (w) => w.own.receive(),
  'Channel.destroy': (w) => w.own.destroy(),
  'System.process': (w, a) => w.system.process(a[0] as never),
  'Router': (w, a) => new Router(w.own, a[0] as never).message(a[1] as never, a[2] as never, a[3] as never),
  'ReceivedMessage.read': (w, a) => w.target.read(a[0] as never, a[1] as never),
  'ReceivedMessage.write': (w, a) => w.target.write(a[0] as never, a[1] as never),
  'ReceivedMessage.error': (w, a) => w.target.error(a[0] as never),
  'ReceivedMessage.replyBytes': (w, a) => w.target.replyBytes(a[0] as never, a[1] as never),
};

function fuzzOne(name: string, args: readonly unknown[], w: World): void {
  const subs: Subscription[] = [];
  const onError = (e: unknown): void => {
    if (!clear(e)) throw new Error(`${name} notified ${String(e)}`);
  };
  let out: unknown;
  try {
    out = METHODS[name]!(w, args);
  } catch (e) {
    if (!clear(e)) throw new Error(`${name} threw ${String(e)}`, { cause: e });
  }
  if (typeof out === 'object' && out !== null && 'subscribe' in out && typeof (out as { subscribe: unknown }).subscribe === 'function') {
    try {
      subs.push((out as { subscribe(o: object): Subscription }).subscribe({ error: onError }));
    } catch (e) {
      onError(e);
    }
  } else if (typeof out === 'object' && out !== null && 'unsubscribe' in out) {
    subs.push(out as Subscription);
  }
  w.clock.advanceBy(5);
  for (const s of subs) s.unsubscribe();
  w.clock.advanceBy(5);
  const foreign = w.unhandled.filter((e) => !clear(e));
  if (foreign.length > 0) throw new Error(`${name} reported ${String(foreign[0])}`);
  // the server's queued work still completes
  for (const m of w.held) if (m.data === 'one' || m.data === 'two') m.reply(`re:${m.data}`);
  expect(w.replies).toEqual(['re:one', 're:two']);
  // the fuzzer's connection ends, and what it sent through next() is answered: its own client
  // thread is then free again
  w.conn.error(new FuzzError('end'));
  for (const m of w.held) if (!['one', 'two', 'target'].includes(m.data)) try { m.reply('late'); } catch (e) { if (!clear(e)) throw e; }
  // every logical thread of the fuzzer is back in its pool (or gone with its process)
  const idle = (w.F as unknown as { idle: unknown[] }).idle;
  const live = [...w.F.process.threads.values()].filter((t) => t !== w.F.control && t.alive);
  const stray = live.filter((t) => !idle.includes(t) && t.state !== 'RECEIVE' as never);
  if (w.F.process.alive) expect(stray.map((t) => `${t.tid}:${t.state}`), `${name} leaked threads`).toEqual([]);
}

describe('RxJS binding (fuzz)', () => {
  it(`should refuse bad arguments with a typed error, keep queued work and leak no thread, for ${RUNS} argument lists per method`, () => {
    console.log(`binding fuzz seed: ${SEED} (replay with FC_SEED=${SEED})`);
    let calls = 0;
    for (const name of Object.keys(METHODS)) {
      fc.assert(
        fc.property(fc.array(valueArb, { minLength: 0, maxLength: 4 }), (argFns) => {
          calls++;
          const w = world();
          fuzzOne(name, argFns.map((a) => a(w)), w);
          w.serving.unsubscribe();
        }),
        { numRuns: RUNS, seed: SEED },
      );
    }
    console.log(`binding fuzz: ${calls} calls over ${Object.keys(METHODS).length} methods`);
  });
});

export type { RxProcess };
