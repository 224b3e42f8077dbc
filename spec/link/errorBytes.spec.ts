// qnet.md §3.3: an ERROR frame carries what the server MsgWrite'd before MsgError, so a remote
// client's reply buffer holds the same bytes as a local client's would (QNX's MsgWrite writes
// into the client's buffer directly). Pinned here because issue 21's RemoteError relies on it.
import { describe, expect, it } from 'vitest';
import { ERRNO as E, Kernel, VirtualClock } from '../../src/kernel/index.js';
import { connectLoopback } from '../../src/testing/index.js';
import { attach, dec, enc, proc, receive, send } from './harness.js';

function run(remote: boolean) {
  const clock = new VirtualClock();
  const node = (name: string, incarnation: number) => new Kernel({ scheduler: clock, net: { node: name, incarnation }, onUnhandledError: (e) => { throw e; } });
  const a = node('a', 1);
  const b = remote ? node('b', 2) : a;
  if (remote) connectLoopback(a, b, { latency: 1 });
  const s = proc(b, 'server', 0);
  const c = proc(a, 'client');
  const coid = attach(a, c.t, remote ? 'b' : 'a', s.pid, s.chid);
  const r = receive(b, s.t, s.chid);
  const out = send(a, c.t, coid, 'q', 16);
  clock.advanceBy(5);
  expect(b.msgWrite(s.t, r.done.value!, enc('abc'), 3, 2)).toBe(3);
  expect(b.msgError(s.t, r.done.value!, E.EIO)).toBe(0);
  clock.advanceBy(5);
  return { err: out.done.err, bytes: dec(out.reply, 5) };
}

describe('bytes written before MsgError', () => {
  it('should reach a remote client as they reach a local one', () => {
    const local = run(false);
    expect(local.err).toBe(E.EIO);
    expect(run(true)).toEqual(local);
  });
});
