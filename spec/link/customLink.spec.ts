// A transport of one's own: the `Link` port is all a node needs. Here the smallest one that is
// not a loopback: frames carried through a queue drained on a timer of the shared clock, with
// a `down` report when it breaks. Two nodes message each other over it, and a break is
// EHOSTDOWN for a waiting client at once.
import { describe, expect, it } from 'vitest';
import { ERRNO, Kernel, VirtualClock, type Link, type LinkState } from '../../src/kernel/index.js';
import { attach, dec, proc, receive, send } from './harness.js';

/** Two ends of a pipe on `clock`: each frame copied and delivered 1 ms later. */
function pipe(clock: VirtualClock): [Link & { break(): void }, Link] {
  const make = () => {
    const end = {
      kind: 'custom' as const,
      maxFrameBytes: 1024,
      other: null as unknown as { frame: ((f: Uint8Array) => void) | null },
      frame: null as ((f: Uint8Array) => void) | null,
      state: null as ((s: LinkState, reason: string) => void) | null,
      closed: false,
      send(f: Uint8Array): boolean {
        if (end.closed) return false;
        const copy = f.slice(); // a frame's buffer may be shared: copy before keeping it past the call
        clock.schedule(() => { if (!end.closed) end.other.frame?.(copy); }, 1);
        return true;
      },
      onFrame(h: (f: Uint8Array) => void): void { end.frame = h; },
      onState(h: (s: LinkState, reason: string) => void): void { end.state = h; },
      close(): void { end.closed = true; },
    };
    return end;
  };
  const a = make();
  const b = make();
  a.other = b;
  b.other = a;
  const breakIt = (): void => {
    for (const e of [a, b]) {
      e.closed = true;
      clock.schedule(() => e.state?.('down', 'cable pulled'), 0);
    }
  };
  return [Object.assign(a, { break: breakIt }), b];
}

describe('a link of your own', () => {
  it('should carry a send → reply between two nodes, and report its break as EHOSTDOWN at once', () => {
    const clock = new VirtualClock();
    const ka = new Kernel({ scheduler: clock, net: { node: 'a', incarnation: 1 } });
    const kb = new Kernel({ scheduler: clock, net: { node: 'b', incarnation: 2 } });
    const [ab, ba] = pipe(clock);
    ka.addLink(ab, 'b');
    kb.addLink(ba, 'a');
    const s = proc(kb, 'server', 0);
    const c = proc(ka, 'client');
    const coid = attach(ka, c.t, 'b', s.pid, s.chid);
    const r = receive(kb, s.t, s.chid);
    const out = send(ka, c.t, coid, 'over my own link');
    clock.advanceBy(5);
    expect(dec(r.buf, r.info.msglen)).toBe('over my own link');
    kb.msgReply(s.t, r.done.value!, 0, new TextEncoder().encode('ok'));
    clock.advanceBy(5);
    expect(out.done.calls).toEqual([[0, 0, 2]]); // status 0, 2 bytes of reply
    expect(dec(out.reply, 2)).toBe('ok');
    const r2 = receive(kb, s.t, s.chid);
    const stuck = send(ka, c.t, coid, 'x');
    clock.advanceBy(5);
    expect(r2.done.done).toBe(true);
    ab.break();
    clock.advanceBy(1);
    expect(stuck.done.err).toBe(ERRNO.EHOSTDOWN);
    expect(ka.nodes()[0]!.state).toBe('down');
  });
});
