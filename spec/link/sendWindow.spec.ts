// The SEND window (qnet.md §3.5): a node has at most `window` SENDs and pulses in flight to a
// peer. A send past it waits on its own node, SEND-blocked, in priority order (FIFO within one),
// and goes when one in flight is received or answered; held, it is unblocked, timed out,
// cancelled or failed by the peer's loss as a local SEND-blocked send is; a pulse past it is
// EAGAIN. In virtual time over the loopback link.
import { describe, expect, it } from 'vitest';
import {
  CLOCK_MONOTONIC, ERRNO as E, Kernel, STATE_SEND, VirtualClock, _NTO_TIMEOUT_REPLY, _NTO_TIMEOUT_SEND, type TraceEvent,
} from '../../src/kernel/index.js';
import { connectLoopback } from '../../src/testing/index.js';
import { attach, dec, errnoOf, proc, receive, send } from './harness.js';

function nodes(window = 2) {
  const clock = new VirtualClock();
  const a = new Kernel({ scheduler: clock, net: { node: 'a', incarnation: 1, window } });
  const b = new Kernel({ scheduler: clock, net: { node: 'b', incarnation: 2 } });
  const link = connectLoopback(a, b, { latency: 1 });
  const s = proc(b, 'server', 0);
  const client = (name: string, priority = 10) => {
    const c = proc(a, name, undefined, { priority });
    return { ...c, coid: attach(a, c.t, 'b', s.pid, s.chid) };
  };
  /** What the server takes next (its text), answered at once. */
  const serve = (): string => {
    const r = receive(b, s.t, s.chid);
    clock.advanceBy(5);
    if (!r.done.done) return '(none)';
    b.msgReply(s.t, r.done.value!, 0, null);
    clock.advanceBy(5);
    return dec(r.buf, r.info.msglen);
  };
  return { clock, a, b, link, s, client, serve };
}

describe('the SEND window', () => {
  it('should hold sends past the window SEND-blocked and let them go by priority as room comes back', () => {
    const { clock, a, client, serve } = nodes(2);
    const sends = [client('p10a', 10), client('p10b', 10), client('p12', 12), client('p15', 15)].map((c) => ({ c, out: send(a, c.t, c.coid, c.p.name) }));
    clock.advanceBy(5);
    expect(sends.map(({ c }) => c.t.state)).toEqual([STATE_SEND, STATE_SEND, STATE_SEND, STATE_SEND]);
    // two crossed (FIFO at priority 10); p15 and p12 wait on a, and go as each one is received:
    // without the window the server would take p15, p12, p10a, p10b
    expect([serve(), serve(), serve(), serve()]).toEqual(['p10a', 'p15', 'p12', 'p10b']);
    expect(sends.map(({ out }) => out.done.err)).toEqual([0, 0, 0, 0]);
  });

  it('should time out a held send that its timeout covers, without it ever reaching the server', () => {
    const { clock, a, client, serve } = nodes(1);
    const first = client('first');
    send(a, first.t, first.coid, 'first');
    const late = client('late');
    a.timerTimeout(late.t, CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND, null, 20e6);
    const out = send(a, late.t, late.coid, 'late');
    clock.advanceBy(30);
    expect(out.done.err).toBe(E.ETIMEDOUT);
    expect([serve(), serve()]).toEqual(['first', '(none)']);
  });

  it('should carry a REPLY-only timeout that expired while held: ETIMEDOUT as it enters REPLY, as a local send does', () => {
    const { clock, a, b, s, client, serve } = nodes(1);
    const first = client('first');
    send(a, first.t, first.coid, 'first');
    const held = client('held');
    a.timerTimeout(held.t, CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY, null, 10e6);
    const out = send(a, held.t, held.coid, 'held');
    clock.advanceBy(20);
    expect(out.done.done).toBe(false); // SEND-blocked (held): the REPLY bit does not cover it
    // the first is taken: the held one crosses marked expired, and fails as it enters REPLY (it is
    // received, and the server's reply finds it gone), as a local queued send's timeout does
    expect(serve()).toBe('first');
    const r = receive(b, s.t, s.chid);
    clock.advanceBy(5);
    expect(dec(r.buf, r.info.msglen)).toBe('held');
    expect(errnoOf(() => b.msgReply(s.t, r.done.value!, 0, null))).toBe(E.ESRCH);
    clock.advanceBy(5);
    expect(out.done.err).toBe(E.ETIMEDOUT);
  });

  it('should release a held send whose coid is detached (EBADF) or whose thread dies, and let the next go', () => {
    const { clock, a, client, serve } = nodes(1);
    const first = client('first');
    send(a, first.t, first.coid, 'first');
    const detached = client('detached');
    const d = send(a, detached.t, detached.coid, 'detached');
    const dying = client('dying');
    send(a, dying.t, dying.coid, 'dying');
    const last = client('last');
    const l = send(a, last.t, last.coid, 'last');
    clock.advanceBy(5);
    a.connectDetach(detached.t, detached.coid);
    a.processExit(dying.p);
    clock.advanceBy(5);
    expect(d.done.err).toBe(E.EBADF);
    expect([serve(), serve(), serve()]).toEqual(['first', 'last', '(none)']);
    expect(l.done.err).toBe(0);
  });

  it('should fail held sends with EHOSTDOWN when the peer is lost', () => {
    const { clock, a, link, client } = nodes(1);
    const first = client('first');
    const f = send(a, first.t, first.coid, 'first');
    const held = client('held');
    const h = send(a, held.t, held.coid, 'held');
    clock.advanceBy(5);
    link.sever();
    clock.advanceBy(a.net!.heartbeatMs * a.net!.missed + 10);
    expect([f.done.err, h.done.err]).toEqual([E.EHOSTDOWN, E.EHOSTDOWN]);
  });

  it('should share the window with pulses: past it a pulse is EAGAIN, and room comes back with the answers', () => {
    const { clock, a, client, serve } = nodes(2);
    const c1 = client('c1');
    const c2 = client('c2');
    send(a, c1.t, c1.coid, 'c1');
    send(a, c2.t, c2.coid, 'c2');
    clock.advanceBy(5);
    expect(errnoOf(() => a.msgSendPulse(c1.t, c1.coid, 10, 1, 0))).toBe(E.EAGAIN);
    serve();
    expect(errnoOf(() => a.msgSendPulse(c1.t, c1.coid, 10, 1, 0))).toBe(0);
  });

  it('should trace a held send\'s unblock as such', () => {
    const { clock, a, client } = nodes(1);
    const traced: TraceEvent[] = [];
    a.onTrace((e) => { if (e.kind === 'timeout' || e.kind === 'unblock') traced.push(e); });
    const first = client('first');
    send(a, first.t, first.coid, 'first');
    const held = client('held');
    a.timerTimeout(held.t, CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND, null, 10e6);
    send(a, held.t, held.coid, 'held');
    clock.advanceBy(20);
    expect(traced.map((e) => [e.kind, e.detail])).toEqual([['timeout', { nd: 1, errno: E.ETIMEDOUT, held: 1 }]]);
  });
});
