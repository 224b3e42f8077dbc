// Issue 10 (hardening), kernel level: every blocked call ends on a death, a stale rcvid names
// nothing, one get takes only what was triggered when it started, bad input changes nothing,
// timers are never early, tracing survives any listener, credentials hold for event pulses.
import { describe, expect, it } from 'vitest';
import {
  CLOCK_MONOTONIC, ERRNO, Kernel, KernelError, MAX_TIMER_DELAY, PROCMGR_ADN_NONROOT, PROCMGR_AID_PUBLIC_CHANNEL,
  PROCMGR_AOP_ALLOW, PROCMGR_AOP_DENY, SIGEV_PULSE, VirtualClock, _NTO_CHF_DISCONNECT, _NTO_CHF_PRIVATE,
  _NTO_CHF_UNBLOCK, _NTO_SIDE_CHANNEL, _NTO_TIMEOUT_REPLY, _NTO_TIMEOUT_SEND, emptyMsgInfo, errnoName,
  type AsyncMessage, type TimerHandle,
} from '../../src/kernel/index.js';
import { codeOf, detached, enc, readPulse, receive, recorder, send, world } from './helpers.js';

function asyncWorld(ring: number, count: number) {
  const clock = new VirtualClock();
  const kernel = new Kernel({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  const rx = kernel.createThread(kernel.createProcess({ name: 'rx' }));
  const tx = kernel.createThread(kernel.createProcess({ name: 'tx' }));
  const tx2 = kernel.createThread(tx.process);
  const chid = kernel.asyncChannelCreate(rx, 0, 0o666, 64, 16, null);
  const coid = kernel.asyncConnectAttach(tx, 0, rx.process.pid, chid, 0, 0, {
    call_back: null, buffer_size: 64, max_num_buffer: ring, trigger_num_msg: count, trigger_time: { nsec: 0, interval_nsec: 0 },
  });
  return { clock, kernel, rx, tx, tx2, chid, coid };
}


describe('issue 10: blocked calls end on a death', () => {
  it('should fail a put waiting for a slot and a blocking flush with EBADF when the receiver dies, callbacks EBADF in put order', () => {
    const { kernel, rx, tx, tx2, coid } = asyncWorld(2, 0);
    const heard: Array<[number, number]> = [];
    const cb = (err: number, _b: unknown, h: number): void => { heard.push([h, err]); };
    const p1 = recorder();
    kernel.asyncPut(tx, coid, enc('a'), 1, cb, p1);
    const p2 = recorder();
    kernel.asyncPut(tx2, coid, enc('b'), 2, cb, p2);
    expect(p1.calls).toEqual([[0, 0]]);
    expect(p2.called).toBe(false); // ring of 2 holds one message: this put waits
    const flusher = kernel.createThread(tx.process);
    const fl = recorder();
    kernel.asyncFlush(flusher, coid, 0, fl);
    expect(fl.called).toBe(false);
    kernel.processExit(rx.process);
    expect(p2.calls).toEqual([[ERRNO.EBADF, 0]]);
    expect(fl.calls).toEqual([[ERRNO.EBADF, 0]]);
    expect(heard).toEqual([[1, ERRNO.EBADF]]); // the failed put's message was never put
    expect(codeOf(() => kernel.asyncPut(tx, coid, enc('c'), 3, cb, recorder()))).toBe('EBADF');
    expect(codeOf(() => kernel.asyncFlush(tx, coid, 0, recorder()))).toBe('EBADF');
    expect(kernel.asyncConnectDetach(tx, coid)).toBe(0);
    expect(heard).toHaveLength(1);
    expect(kernel.snapshot().processes.flatMap((p) => p.threads).filter((t) => t.state !== 'READY')).toEqual([]);
  });

  it('should end the same waits when the receiver destroys its channel', () => {
    const { kernel, rx, tx, tx2, chid, coid } = asyncWorld(2, 0);
    kernel.asyncPut(tx, coid, enc('a'), 1, null, recorder());
    const p2 = recorder();
    kernel.asyncPut(tx2, coid, enc('b'), 2, null, p2);
    kernel.asyncChannelDestroy(rx, chid);
    expect(p2.calls).toEqual([[ERRNO.EBADF, 0]]);
  });

  it('should never resume a dying process own threads (self-connection, disconnect pulse from its own teardown)', () => {
    const clock = new VirtualClock();
    const kernel = new Kernel({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
    const p = kernel.createProcess();
    const [server, client, waiter] = [kernel.createThread(p), kernel.createThread(p), kernel.createThread(p)];
    const chid = kernel.channelCreate(server, _NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT);
    const coid = kernel.connectAttach(client, 0, 0, chid, _NTO_SIDE_CHANNEL, 0);
    const s = send(kernel, client, coid, 'x');
    receive(kernel, server, chid);
    kernel.connectDetach(server, coid); // the connection lingers: the client is REPLY-blocked on it
    const unblock = receive(kernel, waiter, chid);
    expect(unblock.done.calls).toEqual([[0, 0]]); // the detach asked the server to let the client go
    expect(readPulse(unblock.buf).code).toBe(-32);
    const r = receive(kernel, waiter, chid);
    expect(r.done.called).toBe(false);
    kernel.processExit(p);
    expect(r.done.called).toBe(false);
    expect(s.done.called).toBe(false);
  });
});

describe('issue 10: a stale reply never reaches another request', () => {
  it('should fail MsgReply, MsgError, MsgRead, MsgWrite and MsgInfo on an rcvid whose send timed out, after the client sent again', () => {
    const { kernel, server, client, chid, coid, clock } = world();
    kernel.timerTimeout(client, CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY, null, 3e6);
    const first = send(kernel, client, coid, 'first');
    const held = receive(kernel, server, chid).done.value!;
    clock.advanceBy(3);
    expect(first.done.calls).toEqual([[ERRNO.ETIMEDOUT, 0]]);
    const second = send(kernel, client, coid, 'second');
    const now = receive(kernel, server, chid).done.value!;
    for (const f of [
      () => kernel.msgReply(server, held, 1, enc('stale')),
      () => kernel.msgError(server, held, ERRNO.EIO),
      () => kernel.msgRead(server, held, new Uint8Array(4), 4, 0),
      () => kernel.msgWrite(server, held, enc('x'), 1, 0),
      () => kernel.msgInfo(server, held, emptyMsgInfo()),
    ]) expect(codeOf(f)).toBe('ESRCH');
    expect(second.done.called).toBe(false);
    kernel.msgReply(server, now, 2);
    expect(second.done.calls).toEqual([[0, 2]]);
  });

  it('should refuse a reply to a restarted (ERESTART) send by its old rcvid', () => {
    const { kernel, server, client, chid, coid } = world();
    const s = send(kernel, client, coid, 'x');
    const old = receive(kernel, server, chid).done.value!;
    kernel.msgError(server, old, ERRNO.ERESTART);
    const again = receive(kernel, server, chid).done.value!;
    expect(codeOf(() => kernel.msgReply(server, old, 5))).toBe('ESRCH');
    kernel.msgReply(server, again, 6);
    expect(s.done.calls).toEqual([[0, 6]]);
  });

  it('should keep rcvids positive past 32,768 client threads, and keep MsgDeliverEvent working after the reply', () => {
    const { kernel, server, clientP, serverP, chid, coid } = world();
    let t = kernel.createThread(clientP);
    for (let i = 0; i < 33_000; i++) t = kernel.createThread(clientP);
    const s = send(kernel, t, coid, 'x');
    const rcvid = receive(kernel, server, chid).done.value!;
    expect(rcvid).toBeGreaterThan(0);
    kernel.msgReply(server, rcvid, 9);
    expect(s.done.calls).toEqual([[0, 9]]);
    const self = kernel.connectAttach(t, 0, serverP.pid, chid, _NTO_SIDE_CHANNEL, 0);
    expect(kernel.msgDeliverEvent(server, rcvid, { sigev_notify: SIGEV_PULSE, sigev_coid: self, sigev_priority: 10, sigev_code: 4, sigev_value: { sival_int: 1 } })).toBe(0);
  });
});

describe('issue 10: one get takes what was triggered when it started (§5.1, §5.9, §13.7 #80)', () => {
  it('should return a, b, c and wake the put of d afterwards, not deliver d in the same get', () => {
    const { kernel, rx, tx, tx2, chid, coid } = asyncWorld(4, 1);
    for (const [i, s] of ['a', 'b', 'c'].entries()) kernel.asyncPut(tx, coid, enc(s), i, null, recorder());
    const d = recorder();
    kernel.asyncPut(tx2, coid, enc('d'), 3, null, d);
    expect(d.called).toBe(false);
    let got: AsyncMessage[] = [];
    kernel.asyncGet(rx, chid, 16, (err, ms) => { expect(err).toBe(0); got = ms; });
    expect(got.map((m) => new TextDecoder().decode(m.data))).toEqual(['a', 'b', 'c']);
    expect(d.calls).toEqual([[0, 0]]);
    kernel.asyncGet(rx, chid, 16, (_e, ms) => { got = ms; });
    expect(got.map((m) => new TextDecoder().decode(m.data))).toEqual(['d']);
  });
});

describe('issue 10: bad input is refused before anything changes', () => {
  for (const [name, info] of [
    ['a number', 5],
    ['a frozen object', Object.freeze(emptyMsgInfo())],
    ['a sealed object', Object.seal(emptyMsgInfo())],
    ['a string', 'info'],
  ] as const) {
    it(`should fail MsgReceive with EFAULT for info as ${name} and leave the sender queued`, () => {
      const { kernel, server, client, chid, coid } = world();
      const s = send(kernel, client, coid, 'hello');
      const done = recorder();
      expect(codeOf(() => kernel.msgReceive(server, chid, new Uint8Array(16), info as never, done))).toBe('EFAULT');
      expect(done.called).toBe(false);
      const r = receive(kernel, server, chid);
      expect(r.done.value).toBeGreaterThan(0);
      kernel.msgReply(server, r.done.value!, 3);
      expect(s.done.calls).toEqual([[0, 3]]);
    });
  }

  it('should fail MsgReceive with EFAULT for a receive buffer that is not one, and after ChannelDestroy release the sender', () => {
    const { kernel, server, client, chid, coid } = world();
    const s = send(kernel, client, coid, 'hello');
    expect(codeOf(() => kernel.msgReceive(server, chid, 42 as never, null, recorder()))).toBe('EFAULT');
    expect(codeOf(() => kernel.msgReceive(server, chid, detached(), null, recorder()))).toBe('EFAULT');
    kernel.channelDestroy(server, chid);
    expect(s.done.calls).toEqual([[ERRNO.ESRCH, 0]]);
  });

  it('should fail a send, reply, MsgWrite and get with EFAULT for detached buffers, and the peer goes on', () => {
    const { kernel, server, client, chid, coid } = world();
    expect(codeOf(() => kernel.msgSend(client, coid, detached(), new Uint8Array(4), recorder()))).toBe('EFAULT');
    expect(codeOf(() => kernel.msgSend(client, coid, [enc('a'), detached(), enc('b')], new Uint8Array(4), recorder()))).toBe('EFAULT');
    const s = send(kernel, client, coid, 'x');
    const rcvid = receive(kernel, server, chid).done.value!;
    expect(codeOf(() => kernel.msgReply(server, rcvid, 0, [enc('a'), detached()]))).toBe('EFAULT');
    expect(codeOf(() => kernel.msgWrite(server, rcvid, detached(), undefined, 0))).toBe('EFAULT');
    expect(codeOf(() => kernel.msgRead(server, rcvid, [detached()], undefined, 0))).toBe('EFAULT');
    expect(s.done.called).toBe(false);
    kernel.msgReply(server, rcvid, 1, enc('ok'));
    expect(s.done.calls).toEqual([[0, 1]]);
    const a = asyncWorld(4, 1);
    expect(codeOf(() => a.kernel.asyncPut(a.tx, a.coid, detached(), 0, null, recorder()))).toBe('EFAULT');
    expect(codeOf(() => a.kernel.asyncGet(a.rx, a.chid, 4, () => {}, [detached()]))).toBe('EFAULT');
  });

  it('should treat a buffer detached while its sender waits as empty, never throwing out of the kernel', () => {
    const { kernel, server, client, chid, coid } = world();
    const b = new ArrayBuffer(8);
    const s = send(kernel, client, coid, [new Uint8Array(b), enc('tail')] as never);
    structuredClone(b, { transfer: [b] });
    const r = receive(kernel, server, chid, 16);
    expect(r.info.msglen).toBe(4);
    kernel.msgReply(server, r.done.value!, 0);
    expect(s.done.calls).toEqual([[0, 0]]);
  });

  it('should fail ConnectServerInfo, ConnectClientInfo, MsgInfo and TimerSettime with EFAULT for a frozen out-parameter', () => {
    const { kernel, server, client, chid, coid, clientP } = world();
    const frozen = Object.freeze(emptyMsgInfo());
    expect(codeOf(() => kernel.connectServerInfo(client, 0, coid, frozen))).toBe('EFAULT');
    expect(codeOf(() => kernel.connectClientInfo(server, -1, Object.freeze({}) as never))).toBe('EFAULT');
    send(kernel, client, coid, 'x');
    const rcvid = receive(kernel, server, chid).done.value!;
    expect(codeOf(() => kernel.msgInfo(server, rcvid, frozen))).toBe('EFAULT');
    const self = kernel.connectAttach(server, 0, 0, chid, _NTO_SIDE_CHANNEL, 0);
    const id = kernel.timerCreate(server, CLOCK_MONOTONIC, { sigev_notify: SIGEV_PULSE, sigev_coid: self, sigev_priority: 10, sigev_code: 1 });
    expect(codeOf(() => kernel.timerSettime(server, id, 0, { nsec: 1e6, interval_nsec: 0 }, Object.freeze({ nsec: 0, interval_nsec: 0 })))).toBe('EFAULT');
    expect(clientP.alive).toBe(true);
  });
});

/** A clock that behaves like Node's timers: a delay past 2³¹ − 1 ms fires after 1 ms. */
class OverflowingClock extends VirtualClock {
  longest = 0;
  override schedule(work: (this: unknown, state?: unknown) => void, delay = 0, state?: unknown): TimerHandle {
    this.longest = Math.max(this.longest, delay);
    return super.schedule(work, delay > MAX_TIMER_DELAY ? 1 : delay, state);
  }
}

describe('issue 10: timers are never early', () => {
  const DAY = 24 * 3600 * 1000;

  it('should fire a 30-day TimerSettime pulse after 30 days on a scheduler with Node timer overflow', () => {
    const clock = new OverflowingClock();
    const kernel = new Kernel({ scheduler: clock });
    const t = kernel.createThread(kernel.createProcess());
    const chid = kernel.channelCreate(t, _NTO_CHF_PRIVATE);
    const self = kernel.connectAttach(t, 0, 0, chid, _NTO_SIDE_CHANNEL, 0);
    const id = kernel.timerCreate(t, CLOCK_MONOTONIC, { sigev_notify: SIGEV_PULSE, sigev_coid: self, sigev_priority: 10, sigev_code: 7 });
    kernel.timerSettime(t, id, 0, { nsec: 30 * DAY * 1e6, interval_nsec: 0 });
    const buf = new Uint8Array(16);
    const got = recorder();
    kernel.msgReceive(t, chid, buf, null, got);
    clock.advanceBy(30 * DAY - 1);
    expect(got.called).toBe(false);
    clock.advanceBy(1);
    expect(got.calls).toEqual([[0, 0]]);
    expect(readPulse(buf).code).toBe(7);
    expect(clock.longest).toBeLessThanOrEqual(MAX_TIMER_DELAY);
  });

  it('should time out a TimerTimeout of 25 days and a 25-day nanosleep no earlier, and cancel a long chain', () => {
    const clock = new OverflowingClock();
    const kernel = new Kernel({ scheduler: clock });
    const w = world();
    void w;
    const p = kernel.createProcess();
    const [server, client] = [kernel.createThread(p), kernel.createThread(p)];
    const chid = kernel.channelCreate(server, _NTO_CHF_PRIVATE);
    const coid = kernel.connectAttach(client, 0, 0, chid, _NTO_SIDE_CHANNEL, 0);
    kernel.timerTimeout(client, CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND, null, 25 * DAY * 1e6);
    const s = send(kernel, client, coid, 'x');
    const sleeper = kernel.createThread(p);
    const nap = recorder();
    kernel.nanosleep(sleeper, 25 * DAY * 1e6, nap);
    clock.advanceBy(25 * DAY - 1);
    expect(s.done.called).toBe(false);
    expect(nap.called).toBe(false);
    clock.advanceBy(1);
    expect(s.done.calls).toEqual([[ERRNO.ETIMEDOUT, 0]]);
    expect(nap.calls).toEqual([[0, 0]]);
    const late = kernel.createThread(p);
    const nap2 = recorder();
    kernel.nanosleep(late, 40 * DAY * 1e6, nap2);
    clock.advanceBy(30 * DAY);
    kernel.unblock(late);
    expect(nap2.calls).toEqual([[ERRNO.EINTR, 0]]);
    expect(clock.pending).toBe(0);
  });
});

describe('issue 10: tracing', () => {
  it('should let listeners leave in any order, without reinstating removed ones or cutting off later ones', () => {
    const { kernel, client, coid } = world();
    const seen: string[] = [];
    const stops = ['a', 'b', 'c'].map((n) => kernel.onTrace(() => seen.push(n)));
    stops[0]!();
    kernel.msgSendPulse(client, coid, 10, 1, 0);
    expect(seen).toEqual(['b', 'c']);
    seen.length = 0;
    stops[1]!();
    stops[0]!(); // twice: nothing
    kernel.msgSendPulse(client, coid, 10, 1, 0);
    expect(seen).toEqual(['c']);
  });

  it('should not grow with 100k subscribe/unsubscribe pairs', () => {
    const { kernel, client, coid } = world();
    for (let i = 0; i < 100_000; i++) kernel.onTrace(() => {})();
    expect(kernel.core.traceListeners).toHaveLength(0);
    expect(kernel.core.tracer).toBeNull();
    expect(kernel.msgSendPulse(client, coid, 10, 1, 0)).toBe(0);
  });

  it('should report a failing listener, run the others, and complete the kernel call', () => {
    const errors: unknown[] = [];
    const kernel = new Kernel({ scheduler: new VirtualClock(), onUnhandledError: (e) => errors.push(e) });
    const t = kernel.createThread(kernel.createProcess());
    let after = 0;
    kernel.onTrace(() => { throw new Error('listener'); });
    kernel.onTrace(() => { after++; });
    expect(kernel.channelCreate(t, 0)).toBe(1);
    expect(after).toBeGreaterThan(0);
    expect(errors).toHaveLength(after);
  });
});

describe('issue 10: security (QNX 7.1)', () => {
  it('should refuse a non-root process without PROCMGR_AID_ABLE_PRIV an ability it does not hold, and let it drop one', () => {
    const k = new Kernel({ scheduler: new VirtualClock() });
    const t = k.createThread(k.createProcess({ uid: 1000 }));
    expect(codeOf(() => k.procmgrAbility(t, 0, [PROCMGR_AID_PUBLIC_CHANNEL | PROCMGR_AOP_ALLOW]))).toBe('EPERM');
    expect(codeOf(() => k.procmgrAbility(t, 0, [PROCMGR_AID_PUBLIC_CHANNEL | PROCMGR_ADN_NONROOT | PROCMGR_AOP_ALLOW]))).toBe('EPERM');
    expect(codeOf(() => k.channelCreate(t, 0))).toBe('EPERM');
    const held = k.createThread(k.createProcess({ uid: 1000, abilities: [PROCMGR_AID_PUBLIC_CHANNEL] }));
    // a malformed later entry refuses the whole list: the deny before it does not happen
    expect(codeOf(() => k.procmgrAbility(held, 0, [PROCMGR_AID_PUBLIC_CHANNEL | PROCMGR_AOP_DENY, 7]))).toBe('EINVAL');
    expect(k.channelCreate(held, 0)).toBe(1);
    expect(k.procmgrAbility(held, 0, [PROCMGR_AID_PUBLIC_CHANNEL | PROCMGR_AOP_DENY])).toBe(0);
    expect(codeOf(() => k.channelCreate(held, 0))).toBe('EPERM');
    expect(codeOf(() => k.procmgrAbility(held, 0, [PROCMGR_AID_PUBLIC_CHANNEL | PROCMGR_AOP_ALLOW]))).toBe('EPERM');
  });

  it('should refuse event pulses into another uid channel: TimerTimeout notify, async channel event, MsgDeliverEvent', () => {
    const clock = new VirtualClock();
    const k = new Kernel({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
    const root = k.createThread(k.createProcess());
    const rootChid = k.channelCreate(root, 0);
    const user = k.createThread(k.createProcess({ uid: 1000 }));
    const intoRoot = k.connectAttach(user, 0, root.process.pid, rootChid, _NTO_SIDE_CHANNEL, 0);
    const ev = { sigev_notify: SIGEV_PULSE, sigev_coid: intoRoot, sigev_priority: 10, sigev_code: 5 };
    expect(codeOf(() => k.timerTimeout(user, CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND, ev, 1e6))).toBe('EPERM');
    expect(codeOf(() => k.asyncChannelCreate(user, _NTO_CHF_PRIVATE, 0, 16, 4, ev))).toBe('EPERM');
    expect(codeOf(() => k.msgSendPulse(user, intoRoot, 10, 5, 0))).toBe('EPERM');
    // a server of uid 1000 delivering a client's event into root's channel
    const userChid = k.channelCreate(root, 0);
    const server = k.createThread(k.createProcess({ uid: 1000, abilities: [PROCMGR_AID_PUBLIC_CHANNEL] }));
    const srvChid = k.channelCreate(server, 0);
    const c = k.connectAttach(user, 0, server.process.pid, srvChid, _NTO_SIDE_CHANNEL, 0);
    void userChid;
    send(k, user, c, 'notify me');
    const rcvid = receive(k, server, srvChid).done.value!;
    expect(codeOf(() => k.msgDeliverEvent(server, rcvid, ev))).toBe('EPERM');
    const rootQueue = k.snapshot().processes.find((p) => p.pid === root.process.pid)!.channels[0]!.sendQueue;
    expect(rootQueue).toEqual([]);
  });
});

describe('issue 10: errno', () => {
  it('should carry every errno of QNX <errno.h> with its name, and never name another number', () => {
    const { kernel, server, client, chid, coid } = world();
    for (const [code, n] of [['EISDIR', 21], ['ENOTDIR', 20], ['EFBIG', 27], ['ENOSPC', 28], ['EPIPE', 32], ['EBADMSG', 77], ['ENOTEMPTY', 93]] as const) {
      expect(ERRNO[code]).toBe(n);
      const s = send(kernel, client, coid, 'x');
      kernel.msgError(server, receive(kernel, server, chid).done.value!, n);
      expect(s.done.calls).toEqual([[n, 0]]);
      expect(new KernelError(n, 'MsgSend').code).toBe(code);
    }
    expect(new KernelError(9999, 'MsgSend').code).toBe('EUNKNOWN');
    expect(new KernelError(9999, 'MsgSend').errno).toBe(9999);
    for (const [name, n] of Object.entries(ERRNO)) expect(errnoName(n)).toBe(name);
  });
});

describe('issue 10: asyncmsg_connect_attach to another node', () => {
  it('should be ENOREMOTE whatever pid is given', () => {
    const { kernel, tx, rx, chid } = asyncWorld(4, 1);
    const attr = { call_back: null, buffer_size: 0, max_num_buffer: 4, trigger_num_msg: 1, trigger_time: { nsec: 0, interval_nsec: 0 } };
    expect(codeOf(() => kernel.asyncConnectAttach(tx, 3, rx.process.pid, chid, 0, 0, attr))).toBe('ENOREMOTE');
    expect(codeOf(() => kernel.asyncConnectAttach(tx, 3, 4242, chid, 0, 0, attr))).toBe('ENOREMOTE');
  });
});
