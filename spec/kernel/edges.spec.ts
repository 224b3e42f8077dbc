// Edge cases of the model that the numbered behaviours do not reach, and the §11 choices.
import { describe, expect, it } from 'vitest';
import {
  CLOCK_MONOTONIC, ERRNO, Kernel, PROCMGR_AID_PRIORITY, SIGEV_PULSE, STATE_REPLY, TIMER_ABSTIME, VirtualClock,
  _NTO_CHF_DISCONNECT, _NTO_CHF_UNBLOCK, _NTO_SIDE_CHANNEL, _NTO_TIMEOUT_RECEIVE, _NTO_TIMEOUT_REPLY,
  _PULSE_CODE_DISCONNECT, _PULSE_CODE_UNBLOCK, formatPidin, type Itimer,
} from '../../src/kernel/index.js';
import { codeOf, readPulse, receive, receivePulse, recorder, send, world } from './helpers.js';

describe('Kernel edge cases', () => {
  it('§11.12: should keep a killed client REPLY-blocked on an UNBLOCK channel until the server replies', () => {
    const { kernel, server, client, clientP, chid, coid } = world(_NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT);
    const s = send(kernel, client, coid, 'x');
    const rcvid = receive(kernel, server, chid).done.value!;
    kernel.processExit(clientP);
    expect(client.state).toBe(STATE_REPLY);
    expect(kernel.snapshot().processes.find((p) => p.pid === clientP.pid)?.name).toBe('client <defunct>'); // shown REPLY in pidin while it lingers
    const p1 = receivePulse(kernel, server, chid);
    expect(readPulse(p1.buf)).toMatchObject({ code: _PULSE_CODE_UNBLOCK, value: { sival_int: rcvid } });
    const p2 = receivePulse(kernel, server, chid);
    expect(p2.done.called).toBe(false);
    expect(kernel.msgReply(server, rcvid, 1)).toBe(0); // succeeds, goes nowhere
    expect(s.done.called).toBe(false);
    expect(readPulse(p2.buf).code).toBe(_PULSE_CODE_DISCONNECT);
    expect(codeOf(() => kernel.msgReply(server, rcvid, 1))).toBe('ESRCH');
  });

  it('should release a RECEIVE-blocked or sleeping thread that exits, without running its continuation', () => {
    const { kernel, clock, server, serverP, chid, client } = world();
    const r = receive(kernel, server, chid);
    const nap = recorder();
    kernel.nanosleep(client, 5e6, nap);
    kernel.threadExit(server);
    kernel.threadExit(client);
    clock.advanceBy(10);
    expect(r.done.called).toBe(false);
    expect(nap.called).toBe(false);
    expect(serverP.channels.get(chid)!.receivers).toHaveLength(0);
  });

  it('should wake a sleeping thread with EINTR on unblock', () => {
    const { kernel, clock, client } = world();
    const nap = recorder();
    kernel.nanosleep(client, 1e9, nap);
    clock.advanceBy(10);
    kernel.unblock(client);
    expect(nap.calls).toEqual([[ERRNO.EINTR, 0]]);
    clock.advanceBy(2000);
    expect(nap.calls).toHaveLength(1);
  });

  it('should withdraw a pending unblock pulse when the server restarts the request', () => {
    const { kernel, server, client, chid, coid } = world(_NTO_CHF_UNBLOCK);
    const s = send(kernel, client, coid, 'x');
    const rcvid = receive(kernel, server, chid).done.value!;
    kernel.unblock(client);
    kernel.msgError(server, rcvid, ERRNO.ERESTART);
    const again = receive(kernel, server, chid);
    // the request (not the withdrawn pulse), under a new rcvid: the restarted send is a new one
    expect(again.done.value).toBeGreaterThan(0);
    expect(again.done.value).not.toBe(rcvid);
    expect(codeOf(() => kernel.msgReply(server, rcvid, 1))).toBe('ESRCH');
    kernel.msgReply(server, again.done.value!, 2);
    expect(s.done.calls).toEqual([[0, 2]]);
  });

  it('should refuse MsgError(-1) with no unblock pending, and negative errors', () => {
    const { kernel, server, client, chid, coid } = world();
    const s = send(kernel, client, coid, 'x');
    const rcvid = receive(kernel, server, chid).done.value!;
    expect(codeOf(() => kernel.msgError(server, rcvid, -1))).toBe('EINVAL');
    expect(codeOf(() => kernel.msgError(server, rcvid, -5))).toBe('EINVAL');
    expect(s.done.called).toBe(false);
    kernel.msgError(server, rcvid, ERRNO.EIO);
    expect(s.done.calls).toEqual([[ERRNO.EIO, 0]]);
  });

  it('should dissociate a thread from boost on MsgReceive(-1)', () => {
    const { kernel, server, chid, client, coid } = world();
    send(kernel, client, coid, 'a');
    kernel.msgReply(server, receive(kernel, server, chid).done.value!, 0);
    expect(server.lastChannel).not.toBeNull();
    expect(codeOf(() => kernel.msgReceive(server, -1, new Uint8Array(4), null, () => {}))).toBe('ESRCH');
    expect(server.lastChannel).toBeNull();
  });

  it('should lift a server only to 63 for a privileged client unless it holds PROCMGR_AID_PRIORITY', () => {
    for (const [abilities, expected] of [[[44], 63], [[44, PROCMGR_AID_PRIORITY], 80]] as const) {
      const kernel = new Kernel({ scheduler: new VirtualClock() });
      const sp = kernel.createProcess({ uid: 5, abilities });
      const server = kernel.createThread(sp);
      const chid = kernel.channelCreate(server, 0);
      const client = kernel.createThread(kernel.createProcess(), { priority: 80 });
      const coid = kernel.connectAttach(client, 0, sp.pid, chid, _NTO_SIDE_CHANNEL, 0);
      send(kernel, client, coid, 'x');
      receive(kernel, server, chid);
      expect(server.priority).toBe(expected);
    }
  });

  it('should fire absolute timers and report the time left in oitime', () => {
    const { kernel, clock, server, serverP, chid } = world();
    clock.advanceBy(1000);
    const self = kernel.connectAttach(server, 0, serverP.pid, chid, _NTO_SIDE_CHANNEL, 0);
    const id = kernel.timerCreate(server, CLOCK_MONOTONIC, { sigev_notify: SIGEV_PULSE, sigev_coid: self, sigev_priority: 10, sigev_code: 2 });
    kernel.timerSettime(server, id, TIMER_ABSTIME, { nsec: 3_000_000_000n, interval_nsec: 0 });
    clock.advanceBy(500);
    const old: Itimer = { nsec: 0, interval_nsec: 0 };
    kernel.timerSettime(server, id, TIMER_ABSTIME, { nsec: 3e9, interval_nsec: 0 }, old);
    expect(old.nsec).toBe(1.5e9);
    const r = receive(kernel, server, chid);
    clock.advanceBy(1499);
    expect(r.done.called).toBe(false);
    clock.advanceBy(1);
    expect(readPulse(r.buf).code).toBe(2);
    kernel.timerDestroy(server, id);
    expect(codeOf(() => kernel.timerDestroy(server, id))).toBe('EINVAL');
  });

  it('should deliver a SIGEV_PULSE TimerTimeout notify instead of unblocking', () => {
    const { kernel, clock, server, serverP, chid } = world();
    const ownChid = kernel.channelCreate(server, 0);
    const self = kernel.connectAttach(server, 0, serverP.pid, ownChid, _NTO_SIDE_CHANNEL, 0);
    kernel.timerTimeout(server, CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, { sigev_notify: SIGEV_PULSE, sigev_coid: self, sigev_priority: 10, sigev_code: 9 }, 1e6);
    const r = receive(kernel, server, chid);
    clock.advanceBy(5);
    expect(r.done.called).toBe(false);
    expect(kernel.snapshot().processes[0]!.channels.find((c) => c.chid === ownChid)!.sendQueue).toEqual(['pulse 9/0 @10']);
  });

  it('should time out the REPLY phase only when asked, covering the whole round trip', () => {
    const { kernel, clock, server, client, chid, coid } = world();
    kernel.timerTimeout(client, CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY | 0x10, null, 30e6);
    const s = send(kernel, client, coid, 'x');
    clock.advanceBy(20);
    receive(kernel, server, chid);
    clock.advanceBy(9);
    expect(s.done.called).toBe(false);
    clock.advanceBy(1);
    expect(s.done.calls).toEqual([[ERRNO.ETIMEDOUT, 0]]);
  });

  it('should re-throw an exception from a continuation on a new scheduler task by default', () => {
    const clock = new VirtualClock();
    const kernel = new Kernel({ scheduler: clock });
    const t = kernel.createThread(kernel.createProcess());
    const chid = kernel.channelCreate(t, 0);
    const coid = kernel.connectAttach(t, 0, 0, chid, _NTO_SIDE_CHANNEL, 0);
    const other = kernel.createThread(t.process);
    const after = recorder();
    kernel.msgReceive(t, chid, new Uint8Array(16), null, () => { throw new Error('handler bug'); });
    kernel.msgReceive(other, chid, new Uint8Array(16), null, after);
    expect(() => { kernel.msgSendPulse(t, coid, 10, 1, 1); kernel.msgSendPulse(t, coid, 10, 1, 2); }).not.toThrow();
    expect(after.called).toBe(true); // the loop went on after the throw
    expect(() => clock.flush()).toThrow('handler bug');
  });

  it('should format pidin rows with thread names and blocked-on columns', () => {
    const { kernel, server, serverP, chid, client, coid } = world();
    kernel.createThread(serverP, { name: 'worker' });
    receive(kernel, server, chid);
    const text = formatPidin(kernel.snapshot());
    expect(text).toContain('server/worker');
    expect(text).toMatch(/server\s+10\s+RECEIVE\s+chid 1/);
    send(kernel, client, coid, 'x');
    expect(formatPidin(kernel.snapshot())).toMatch(/client\s+10\s+REPLY\s+pid 1 chid 1/);
  });
});

describe('VirtualClock', () => {
  it('should run due timers in order, skip cancelled ones, and flush', () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    clock.schedule(() => seen.push('b'), 20);
    const a = clock.schedule(() => seen.push('x'), 10);
    clock.schedule(() => seen.push('a'), 10);
    a.unsubscribe();
    a.unsubscribe();
    expect(clock.pending).toBe(2);
    expect(clock.nextDue()).toBe(10);
    clock.advanceTo(15);
    expect(seen).toEqual(['a']);
    expect(clock.flush()).toBe(1);
    expect(seen).toEqual(['a', 'b']);
    expect(clock.now()).toBe(20);
    expect(clock.runNext()).toBe(false);
  });
});

describe('run-to-completion queue', () => {
  it('should complete hundreds of waits released by one call, each exactly once', () => {
    const { kernel, server, serverP, chid } = world();
    const waits = Array.from({ length: 300 }, () => receive(kernel, kernel.createThread(serverP), chid));
    kernel.channelDestroy(server, chid);
    expect(waits.every((w) => w.done.calls.length === 1 && w.done.err === ERRNO.ESRCH)).toBe(true);
  });
});

describe('reply length (aux)', () => {
  it('should tell the sender how long the server made the reply, cut or not', () => {
    const { kernel, server, client, chid, coid } = world();
    const calls: number[][] = [];
    kernel.msgSend(client, coid, new Uint8Array(1), new Uint8Array(10), (e, v, aux) => calls.push([e, v, aux]));
    const rcvid = receive(kernel, server, chid).done.value!;
    kernel.msgWrite(server, rcvid, new Uint8Array(2), 2, 6);
    kernel.msgReply(server, rcvid, 0, new Uint8Array(3));
    expect(calls).toEqual([[0, 0, 8]]);
    kernel.msgSend(client, coid, new Uint8Array(1), new Uint8Array(4), (e, v, aux) => calls.push([e, v, aux]));
    kernel.msgReply(server, receive(kernel, server, chid).done.value!, 1, new Uint8Array(9));
    expect(calls[1]).toEqual([0, 1, 9]); // 9 bytes given, 4 arrived: the reply was cut
  });

  it('should grow a one-part reply iov to the whole reply with growReply, MsgWrite and MsgReply alike', () => {
    const { kernel, server, client, chid, coid } = world();
    const iov = [new Uint8Array(4)];
    const calls: number[][] = [];
    kernel.msgSend(client, coid, new Uint8Array(1), iov, (e, v, aux) => calls.push([e, v, aux]), true);
    const rcvid = receive(kernel, server, chid).done.value!;
    expect(kernel.msgWrite(server, rcvid, new Uint8Array([9, 9]), 2, 6)).toBe(2);
    kernel.msgReply(server, rcvid, 0, new Uint8Array([1, 2, 3, 4, 5]));
    expect(calls).toEqual([[0, 0, 8]]);
    expect([...iov[0]!]).toEqual([1, 2, 3, 4, 5, 0, 9, 9]);
    expect(codeOf(() => kernel.msgSend(client, coid, new Uint8Array(1), new Uint8Array(4), () => {}, true))).toBe('EINVAL');
  });
});
