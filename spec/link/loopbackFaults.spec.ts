// The loopback link's fault injection: an announced close, added delay (order kept), and the
// nodes' view of each (nodes$ reasons), in virtual time.
import { describe, expect, it } from 'vitest';
import { Kernel, VirtualClock, type NodeEvent } from '../../src/kernel/index.js';
import { connectLoopback } from '../../src/testing/index.js';
import { attach, proc, receive, send } from './harness.js';

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
    expect(link.delivered).toBe(2);
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
});
