// qnx-model.md §13.4: unblock, signals and timeouts.
import { describe, expect, it } from 'vitest';
import {
  CLOCK_MONOTONIC, ERRNO, STATE_RECEIVE, STATE_REPLY, _NTO_CHF_UNBLOCK, _NTO_MI_UNBLOCK_REQ, _NTO_TIMEOUT_RECEIVE,
  _NTO_TIMEOUT_REPLY, _NTO_TIMEOUT_SEND, _PULSE_CODE_UNBLOCK, emptyMsgInfo,
} from '../../../src/kernel/index.js';
import { codeOf, readPulse, receive, receivePulse, send, world } from '../helpers.js';

const MS = 1_000_000;

describe('§13.4 unblock, signals and timeouts', () => {
  it('13.4.46 should time out a SEND-blocked client after 50 ms, unseen by the server, with no pulse', () => {
    const { kernel, clock, server, client, chid, coid } = world(_NTO_CHF_UNBLOCK);
    kernel.timerTimeout(client, CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY, null, 50 * MS);
    const s = send(kernel, client, coid, 'x');
    clock.advanceBy(49);
    expect(s.done.called).toBe(false);
    clock.advanceBy(1);
    expect(s.done.calls).toEqual([[ERRNO.ETIMEDOUT, 0]]);
    const r = receive(kernel, server, chid);
    expect(r.done.called).toBe(false);
  });

  it('13.4.47 should release a REPLY-blocked client with ETIMEDOUT without UNBLOCK; a late reply is ESRCH', () => {
    const { kernel, clock, server, client, chid, coid } = world();
    kernel.timerTimeout(client, CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY, null, 50 * MS);
    const s = send(kernel, client, coid, 'x');
    const rcvid = receive(kernel, server, chid).done.value!;
    clock.advanceBy(50);
    expect(s.done.calls).toEqual([[ERRNO.ETIMEDOUT, 0]]);
    expect(codeOf(() => kernel.msgReply(server, rcvid, 0))).toBe('ESRCH');
  });

  it('13.4.48 should turn a REPLY timeout on an UNBLOCK channel into an unblock pulse; the server decides', () => {
    const { kernel, clock, server, client, chid, coid } = world(_NTO_CHF_UNBLOCK);
    kernel.timerTimeout(client, CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY, null, 50 * MS);
    const s = send(kernel, client, coid, 'x');
    const rcvid = receive(kernel, server, chid).done.value!;
    clock.advanceBy(100);
    expect(s.done.called).toBe(false);
    expect(client.state).toBe(STATE_REPLY);
    const p = receivePulse(kernel, server, chid);
    expect(readPulse(p.buf)).toMatchObject({ code: _PULSE_CODE_UNBLOCK, value: { sival_int: rcvid } });
    const info = emptyMsgInfo();
    kernel.msgInfo(server, rcvid, info);
    expect(info.flags & _NTO_MI_UNBLOCK_REQ).toBe(_NTO_MI_UNBLOCK_REQ);
    kernel.msgReply(server, rcvid, 9);
    expect(s.done.calls).toEqual([[0, 9]]);
  });

  it('13.4.49 should withdraw the unblock pulse when the server replies before taking it', () => {
    const { kernel, clock, server, client, chid, coid } = world(_NTO_CHF_UNBLOCK);
    kernel.timerTimeout(client, CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY, null, 10 * MS);
    send(kernel, client, coid, 'x');
    const rcvid = receive(kernel, server, chid).done.value!;
    clock.advanceBy(10);
    kernel.msgReply(server, rcvid, 0);
    expect(receivePulse(kernel, server, chid).done.called).toBe(false);
  });

  it('13.4.50 should queue only one unblock pulse for two unblocks of one send', () => {
    const { kernel, clock, server, client, chid, coid } = world(_NTO_CHF_UNBLOCK);
    kernel.timerTimeout(client, CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY, null, 10 * MS);
    send(kernel, client, coid, 'x');
    receive(kernel, server, chid);
    clock.advanceBy(10);
    kernel.unblock(client);
    expect(receivePulse(kernel, server, chid).done.called).toBe(true);
    expect(receivePulse(kernel, server, chid).done.called).toBe(false);
  });

  it('13.4.51 should hand the recorded ETIMEDOUT to the client on MsgError(rcvid, -1)', () => {
    const { kernel, clock, server, client, chid, coid } = world(_NTO_CHF_UNBLOCK);
    kernel.timerTimeout(client, CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY, null, 10 * MS);
    const s = send(kernel, client, coid, 'x');
    const rcvid = receive(kernel, server, chid).done.value!;
    clock.advanceBy(10);
    kernel.msgError(server, rcvid, -1);
    expect(s.done.calls).toEqual([[ERRNO.ETIMEDOUT, 0]]);
  });

  it('13.4.52 should fail an immediate RECEIVE timeout on an empty channel, but return what is queued', () => {
    const { kernel, server, client, chid, coid } = world();
    kernel.timerTimeout(server, CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, null, null);
    const r1 = receive(kernel, server, chid);
    expect(r1.done.calls).toEqual([[ERRNO.ETIMEDOUT, 0]]);
    expect(server.state).not.toBe(STATE_RECEIVE);
    send(kernel, client, coid, 'x');
    kernel.timerTimeout(server, CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, null, null);
    const r2 = receive(kernel, server, chid);
    expect(r2.done.err).toBe(0);
    expect(r2.done.value).toBeGreaterThan(0);
  });

  it('13.4.53 should apply a TimerTimeout to the next blocking call only', () => {
    const { kernel, clock, server, chid } = world();
    kernel.timerTimeout(server, CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, null, 10 * MS);
    const r1 = receive(kernel, server, chid);
    clock.advanceBy(10);
    expect(r1.done.calls).toEqual([[ERRNO.ETIMEDOUT, 0]]);
    const r2 = receive(kernel, server, chid);
    clock.advanceBy(10_000);
    expect(r2.done.called).toBe(false);
    expect(server.state).toBe(STATE_RECEIVE);
  });

  it('13.4.54 should fail an immediate REPLY timeout without delivering to a waiting receiver', () => {
    const { kernel, server, client, chid, coid } = world();
    const r = receive(kernel, server, chid);
    kernel.timerTimeout(client, CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY, null, null);
    const s = send(kernel, client, coid, 'x');
    expect(s.done.calls).toEqual([[ERRNO.ETIMEDOUT, 0]]);
    expect(r.done.called).toBe(false);
    expect(server.state).toBe(STATE_RECEIVE);
  });

  it('13.4.55 should return the previously armed flags from TimerTimeout', () => {
    const { kernel, server } = world();
    expect(kernel.timerTimeout(server, CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND, null, MS)).toBe(0);
    expect(kernel.timerTimeout(server, CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, null, MS)).toBe(_NTO_TIMEOUT_SEND);
    expect(codeOf(() => kernel.timerTimeout(server, 99, _NTO_TIMEOUT_SEND, null, MS))).toBe('EINVAL');
  });

  it('should unblock a SEND-blocked thread at once on a signal-like unblock, even on an UNBLOCK channel', () => {
    const { kernel, server, client, chid, coid } = world(_NTO_CHF_UNBLOCK);
    const s = send(kernel, client, coid, 'x');
    kernel.unblock(client);
    expect(s.done.calls).toEqual([[ERRNO.EINTR, 0]]);
    expect(receivePulse(kernel, server, chid).done.called).toBe(false);
  });

  it('should apply a REPLY-only timeout that expired during SEND when the message is received', () => {
    const { kernel, clock, server, client, chid, coid } = world();
    kernel.timerTimeout(client, CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY, null, 10 * MS);
    const s = send(kernel, client, coid, 'x');
    clock.advanceBy(20);
    expect(s.done.called).toBe(false);
    const r = receive(kernel, server, chid);
    expect(r.done.called).toBe(true);
    expect(s.done.calls).toEqual([[ERRNO.ETIMEDOUT, 0]]);
  });
});
