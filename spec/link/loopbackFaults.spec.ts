// The loopback link's fault injection: an announced close, added delay (order kept), a transport
// that reconnects (suspend/resume: suspect, then up or down at the bound), and the nodes' view of
// each (nodes$ reasons), in virtual time.
import { describe, expect, it } from 'vitest';
import { ERRNO as E, Kernel, VirtualClock, type NodeEvent } from '../../src/kernel/index.js';
import { connectLoopback } from '../../src/testing/index.js';
import { attach, errnoOf, proc, receive, send } from './harness.js';

function pair() {
  const clock = new VirtualClock();
  const node = (name: string, incarnation: number) => new Kernel({ scheduler: clock, net: { node: name, incarnation }, onUnhandledError: (e) => { throw e; } });
  const a = node('a', 1);
  const b = node('b', 2);
  const link = connectLoopback(a, b, { latency: 2 });
  const events: string[] = [];
  const watch = (k: Kernel) => k.onNet((e) => { if (e.type === 'node') events.push(`${k.node}: ${(e.event as NodeEvent).node} ${e.event.state} ${e.event.reason} @${clock.now()}`); });
  watch(a);
  watch(b);
  return { clock, a, b, link, events };
}

describe('loopback faults', () => {
  it('should tell both nodes of a close after the frames already on their way, and quarantine each other', () => {
    const { clock, link, events } = pair();
    clock.advanceBy(10);
    link.close('unplugged');
    clock.advanceBy(10);
    expect(events.sort()).toEqual(['a: b down closed: unplugged @12', 'a: b up hello @2', 'b: a down closed: unplugged @12', 'b: a up hello @2']);
    expect(link.delivered).toBe(4); // each HELLO answered by the other's, acknowledging its nonce
  });

  it('should add delay to later frames and keep their order', () => {
    const { clock, a, b, link } = pair();
    const s = proc(b, 'server', 0);
    const c = proc(a, 'client');
    const coid = attach(a, c.t, 'b', s.pid, s.chid);
    clock.advanceBy(10);
    link.delay(5);
    a.msgSendPulse(c.t, coid, 10, 1, 1);
    const r = receive(b, s.t, s.chid, 16);
    send(a, c.t, coid, 'after the pulse');
    clock.advanceBy(6);
    expect(r.done.done).toBe(false);
    clock.advanceBy(1);
    expect(r.done.value).toBe(0);
    const m = receive(b, s.t, s.chid);
    expect(m.done.done).toBe(true);
  });

  it('should hold frames while suspended: both nodes suspect, then up (recovered) with the send answered', () => {
    const { clock, a, b, link, events } = pair();
    const s = proc(b, 'server', 0);
    const c = proc(a, 'client');
    const coid = attach(a, c.t, 'b', s.pid, s.chid);
    clock.advanceBy(10);
    link.suspend('reconnecting');
    clock.advanceBy(1);
    expect(a.nodes().map((n) => n.state)).toEqual(['suspect']);
    const r = receive(b, s.t, s.chid);
    const out = send(a, c.t, coid, 'held');
    clock.advanceBy(a.net!.heartbeatMs); // within the bound (3 beats): held, not lost
    expect(r.done.done).toBe(false);
    link.resume();
    clock.advanceBy(3);
    expect(r.done.done).toBe(true);
    b.msgReply(s.t, r.done.value!, 7, null);
    clock.advanceBy(3);
    expect(out.done.calls).toEqual([[0, 7, 0]]);
    expect(a.nodes().map((n) => n.state)).toEqual(['up']);
    expect(events.filter((e) => !e.includes('hello')).sort()).toEqual([
      'a: b suspect reconnecting @10', 'a: b up recovered @1011', 'b: a suspect reconnecting @10', 'b: a up recovered @1011',
    ]);
  });

  it('should take a suspect peer down at the heartbeat bound when it never comes back: EHOSTDOWN for the blocked', () => {
    const { clock, a, b, link, events } = pair();
    const s = proc(b, 'server', 0);
    const c = proc(a, 'client');
    const coid = attach(a, c.t, 'b', s.pid, s.chid);
    const r = receive(b, s.t, s.chid);
    const out = send(a, c.t, coid, 'x');
    clock.advanceBy(10);
    expect(r.done.done).toBe(true);
    link.suspend();
    clock.advanceBy(a.net!.heartbeatMs * a.net!.missed + 10);
    expect(out.done.err).toBe(E.EHOSTDOWN);
    expect(events.filter((e) => e.startsWith('a: b ') && !e.includes('hello'))).toEqual(['a: b suspect loopback suspended @10', `a: b down heartbeat @${6 + 3 * a.net!.heartbeatMs}`]); // 3 beats after the last frame heard (@6)
    link.resume(); // too late for that session; the pair heals as a new one
    clock.advanceBy(a.net!.heartbeatMs + 10);
    expect(a.nodes()[0]!.state).toBe('up');
    expect(events.filter((e) => e.includes('healed')).map((e) => e.split(' @')[0]).sort()).toEqual(['a: b up healed', 'b: a up healed']);
    expect(errnoOf(() => send(a, c.t, coid, 'y'))).toBe(E.EBADF); // the old session's coid stays dead
    const coid2 = attach(a, c.t, 'b', s.pid, s.chid);
    const r2 = receive(b, s.t, s.chid);
    send(a, c.t, coid2, 'z');
    clock.advanceBy(10);
    expect(r2.done.done).toBe(true);
  });
});
