// Issue 20 item 7.4: a client killed while REPLY-blocked on an _NTO_CHF_UNBLOCK channel lingers
// until the server answers; the snapshot and pidin show it, REPLY-blocked, its process marked
// <defunct>, and it vanishes once the server replies or errors (docs/choices.md).
import { describe, expect, it } from 'vitest';
import { _NTO_CHF_UNBLOCK, _PULSE_CODE_UNBLOCK, ERRNO, formatPidin, readPulse, type KernelSnapshot } from '../../src/kernel/index.js';
import { recorder, world } from './helpers.js';

/** The snapshot's entry for `pid`, if any. */
const entry = (s: KernelSnapshot, pid: number) => s.processes.find((p) => p.pid === pid);

/** A client REPLY-blocked on an UNBLOCK channel, then killed. */
function killedWhileReplyBlocked() {
  const w = world(_NTO_CHF_UNBLOCK);
  const { kernel, server, client, clientP, chid, coid } = w;
  const sent = recorder();
  kernel.msgSend(client, coid, new Uint8Array([1]), new Uint8Array(4), sent);
  const got = recorder();
  kernel.msgReceive(server, chid, new Uint8Array(16), null, got);
  kernel.processExit(clientP);
  return { ...w, sent, rcvid: got.value! };
}

describe('a client killed while REPLY-blocked on an UNBLOCK channel (issue 20 item 7.4)', () => {
  it('should be shown REPLY-blocked in the snapshot and in pidin, its process marked <defunct>', () => {
    const { kernel, serverP, clientP, client, chid, rcvid } = killedWhileReplyBlocked();
    const s = kernel.snapshot();
    expect(entry(s, clientP.pid)).toEqual({
      pid: clientP.pid, name: 'client <defunct>', uid: 0, gid: 0,
      threads: [{ tid: client.tid, name: '', priority: client.priority, state: 'REPLY', blocked: `pid ${serverP.pid} chid ${chid}` }],
      channels: [], coids: [],
    });
    // the server's channel still holds its rcvid
    expect(entry(s, serverP.pid)!.channels[0]!.replySet).toEqual([rcvid]);
    const row = formatPidin(s).split('\n').find((l) => l.includes('<defunct>'));
    expect(row).toMatch(new RegExp(`^\\s*${clientP.pid}\\s+${client.tid}\\s+client <defunct>\\s+\\d+\\s+REPLY\\s+pid ${serverP.pid} chid ${chid}$`));
    // processes stay in pid order
    expect(s.processes.map((p) => p.pid)).toEqual([serverP.pid, clientP.pid]);
  });

  it('should vanish once the server replies (the reply succeeds and goes nowhere)', () => {
    const { kernel, server, chid, clientP, sent, rcvid } = killedWhileReplyBlocked();
    // the unblock pulse is there for the server
    const pulse = new Uint8Array(16);
    kernel.msgReceive(server, chid, pulse, null, recorder());
    expect(readPulse(pulse).code).toBe(_PULSE_CODE_UNBLOCK);
    expect(entry(kernel.snapshot(), clientP.pid)?.threads[0]?.state).toBe('REPLY');
    expect(kernel.msgReply(server, rcvid, 0)).toBe(0);
    expect(entry(kernel.snapshot(), clientP.pid)).toBeUndefined();
    expect(formatPidin(kernel.snapshot())).not.toContain('<defunct>');
    expect(sent.called).toBe(false);
  });

  it('should vanish once the server errors, or its channel goes', () => {
    const a = killedWhileReplyBlocked();
    expect(entry(a.kernel.snapshot(), a.clientP.pid)?.threads[0]?.state).toBe('REPLY');
    a.kernel.msgError(a.server, a.rcvid, ERRNO.EINTR);
    expect(entry(a.kernel.snapshot(), a.clientP.pid)).toBeUndefined();
    const b = killedWhileReplyBlocked();
    expect(entry(b.kernel.snapshot(), b.clientP.pid)?.threads[0]?.state).toBe('REPLY');
    b.kernel.channelDestroy(b.server, b.chid);
    expect(entry(b.kernel.snapshot(), b.clientP.pid)).toBeUndefined();
  });

  it('should not list a killed client that was not left lingering (no UNBLOCK flag)', () => {
    const { kernel, server, client, clientP, chid, coid } = world();
    kernel.msgSend(client, coid, new Uint8Array([1]), new Uint8Array(4), recorder());
    kernel.msgReceive(server, chid, new Uint8Array(16), null, recorder());
    kernel.processExit(clientP);
    expect(entry(kernel.snapshot(), clientP.pid)).toBeUndefined();
  });
});
