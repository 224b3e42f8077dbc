// The link conformance suite (qnet.md §5): one set of cases for every link. A link's spec
// calls linkSuite with a factory; the cases only use the kernel API and the harness.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ERRNO, Kernel, ND2S_DIR_SHOW, NAME_FLAG_ATTACH_GLOBAL, readPulse, emptyMsgInfo,
  _NTO_CHF_COID_DISCONNECT, _NTO_CHF_DISCONNECT, _NTO_CHF_FIXED_PRIORITY, _NTO_CHF_PRIVATE, _NTO_CHF_UNBLOCK,
  _NTO_COF_NOSHARE, _NTO_SIDE_CHANNEL, _NTO_TIMEOUT_REPLY, _NTO_TIMEOUT_SEND, _PULSE_CODE_COIDDEATH,
  _PULSE_CODE_DISCONNECT, _PULSE_CODE_UNBLOCK, _NTO_MI_UNBLOCK_REQ, _IO_CONNECT, SIGEV_PULSE, CLOCK_MONOTONIC, VirtualClock, PROCMGR_AID_PUBLIC_CHANNEL,
  type TraceEvent,
} from '../../src/kernel/index.js';
import { attach, call, dec, enc, errnoOf, proc, receive, send, until, type Net, type NetFactory } from './harness.js';

const E = ERRNO;

export function linkSuite(name: string, factory: NetFactory): void {
  describe(`link conformance: ${name}`, () => {
    let net: Net;
    const make = async (): Promise<Net> => (net = await factory());
    afterEach(() => net?.dispose());

    it('#1 netmgr_strtond gives a stable nd for a peer and 0 for this node', async () => {
      const { a } = await make();
      const nd = a.netmgrStrtond('b').nd;
      expect(nd).not.toBe(0);
      expect(a.netmgrStrtond('b').nd).toBe(nd);
      expect(a.netmgrStrtond('/net/b/dev/name/local/x')).toEqual({ nd, end: 6 });
      expect(a.netmgrStrtond('a').nd).toBe(0);
    });

    it('#2 netmgr_ndtostr(ND2S_DIR_SHOW) is /net/b/ and round-trips through strtond', async () => {
      const { a } = await make();
      const nd = a.netmgrStrtond('b').nd;
      expect(a.netmgrNdtostr(ND2S_DIR_SHOW, nd)).toBe('/net/b/');
      expect(a.netmgrStrtond(a.netmgrNdtostr(0, nd)).nd).toBe(nd);
      expect(errnoOf(() => a.netmgrNdtostr(0, 999))).toBe(E.EBADF);
    });

    it('#3 a kernel that is not a node: strtond ENOTSUP, ConnectAttach(nd ≠ 0) ENOREMOTE', async () => {
      await make();
      const k = new Kernel({ scheduler: new VirtualClock() });
      const t = k.createThread(k.createProcess());
      expect(errnoOf(() => k.netmgrStrtond('b'))).toBe(E.ENOTSUP);
      expect(errnoOf(() => k.connectAttach(t, 1, 1, 1, _NTO_SIDE_CHANNEL, 0))).toBe(E.ENOREMOTE);
    });

    it('#3b an nd whose node bits are 0 (QoS bits only) names this node, as ND_NODE_CMP says', async () => {
      const { a } = await make();
      const s = proc(a, 'server', 0);
      const c = proc(a, 'client');
      const coid = a.connectAttach(c.t, 0x10000, s.pid, s.chid, _NTO_SIDE_CHANNEL, 0);
      const r = receive(a, s.t, s.chid);
      send(a, c.t, coid, 'local');
      expect(dec(r.buf, r.info.msglen)).toBe('local');
    });

    it('#4 ConnectAttach to a never-linked node succeeds; its first send is EHOSTUNREACH', async () => {
      const { a } = await make();
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'nowhere', 1, 1);
      expect(coid).toBeGreaterThan(0);
      expect(errnoOf(() => send(a, c.t, coid, 'x'))).toBe(E.EHOSTUNREACH);
    });

    it('#5 #6 a missing remote pid/chid: the first send ESRCH, the second EBADF, COIDDEATH on the death channel', async () => {
      const { a, run } = await make();
      const c = proc(a, 'client', _NTO_CHF_COID_DISCONNECT);
      const coid = attach(a, c.t, 'b', 4242, 1);
      const first = send(a, c.t, coid, 'x');
      await run(20);
      expect(first.done.err).toBe(E.ESRCH);
      expect(errnoOf(() => send(a, c.t, coid, 'y'))).toBe(E.EBADF);
      const p = receive(a, c.t, c.chid, 16);
      await run(5);
      expect(readPulse(p.buf)).toMatchObject({ code: _PULSE_CODE_COIDDEATH, value: { sival_int: coid } });
    });

    it('#7 a remote _NTO_CHF_PRIVATE channel: the first send EPERM', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', _NTO_CHF_PRIVATE);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const r = send(a, c.t, coid, 'x');
      await run(20);
      expect(r.done.err).toBe(E.EPERM);
      expect(errnoOf(() => send(a, c.t, coid, 'y'))).toBe(E.EPERM);
    });

    it('#8 two attaches to one (nd, pid, chid) share a server connection; _NTO_COF_NOSHARE makes another', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const x = attach(a, c.t, 'b', s.pid, s.chid);
      const y = attach(a, c.t, 'b', s.pid, s.chid);
      const z = attach(a, c.t, 'b', s.pid, s.chid, _NTO_COF_NOSHARE);
      const infos: number[] = [];
      for (const coid of [x, y, z]) {
        const r = receive(b, s.t, s.chid);
        send(a, c.t, coid, 'm');
        await run(20);
        infos.push(r.info.scoid);
        b.msgReply(s.t, r.done.value!, 0, null);
        await run(20);
      }
      expect(infos[0]).toBe(infos[1]);
      expect(infos[2]).not.toBe(infos[0]);
    });

    it('#9 a round trip: status and reply bytes; a reply cut to the client\'s buffer', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const r = receive(b, s.t, s.chid);
      const out = send(a, c.t, coid, 'ping', 3);
      await run(20);
      expect(dec(r.buf, r.info.msglen)).toBe('ping');
      b.msgReply(s.t, r.done.value!, 42, enc('pong'));
      await run(20);
      expect(out.done.calls).toEqual([[0, 42, 4]]);
      expect(dec(out.reply)).toBe('pon');
    });

    it('#10 _msg_info on the server node: nd, srcnd, pid, tid, coid, priority, msglen, srcmsglen, dstmsglen', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client', undefined, { priority: 13 });
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const r = receive(b, s.t, s.chid, 4);
      send(a, c.t, coid, 'hello world', 32);
      await run(20);
      expect(r.info).toMatchObject({
        nd: b.netmgrStrtond('a').nd, srcnd: a.netmgrStrtond('b').nd, pid: c.pid, tid: c.t.tid, coid,
        priority: 13, msglen: 4, srcmsglen: 11, dstmsglen: 32, chid: s.chid,
      });
      const info = emptyMsgInfo();
      b.msgInfo(s.t, r.done.value!, info);
      expect(info.nd).toBe(r.info.nd);
    });

    it('#11 MsgRead past the receive buffer, at offsets (0 bytes at or after the end)', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const r = receive(b, s.t, s.chid, 2);
      send(a, c.t, coid, 'abcdefgh');
      await run(20);
      const part = new Uint8Array(4);
      expect(b.msgRead(s.t, r.done.value!, part, 4, 2)).toBe(4);
      expect(dec(part)).toBe('cdef');
      expect(b.msgRead(s.t, r.done.value!, part, 4, 8)).toBe(0);
    });

    it('#12 MsgWrite at offsets, then MsgReply(null): the client gets the bytes and the furthest length', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const r = receive(b, s.t, s.chid);
      const out = send(a, c.t, coid, 'x', 16);
      await run(20);
      b.msgWrite(s.t, r.done.value!, enc('world'), 5, 6);
      b.msgWrite(s.t, r.done.value!, enc('hello '), 6, 0);
      b.msgReply(s.t, r.done.value!, 0, null);
      await run(20);
      expect(out.done.calls).toEqual([[0, 0, 11]]);
      expect(dec(out.reply, 11)).toBe('hello world');
    });

    it('#13 MsgError: EOK is 0, EIO is EIO, ERESTART delivers the message again', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const results: Array<number | undefined> = [];
      for (const errno of [E.EOK, E.EIO]) {
        const r = receive(b, s.t, s.chid);
        const out = send(a, c.t, coid, 'x');
        await run(20);
        b.msgError(s.t, r.done.value!, errno);
        await run(20);
        results.push(out.done.err);
      }
      expect(results).toEqual([0, E.EIO]);
      const r1 = receive(b, s.t, s.chid);
      const out = send(a, c.t, coid, 'again');
      await run(20);
      b.msgError(s.t, r1.done.value!, E.ERESTART);
      const r2 = receive(b, s.t, s.chid);
      await run(20);
      expect(dec(r2.buf, r2.info.msglen)).toBe('again');
      b.msgReply(s.t, r2.done.value!, 5, null);
      await run(20);
      expect(out.done.calls).toEqual([[0, 5, 0]]);
    });

    it('#14 a second MsgReply to a remote rcvid is ESRCH', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const r = receive(b, s.t, s.chid);
      send(a, c.t, coid, 'x');
      await run(20);
      b.msgReply(s.t, r.done.value!, 0, null);
      expect(errnoOf(() => b.msgReply(s.t, r.done.value!, 0, null))).toBe(E.ESRCH);
    });

    it('#15 remote senders queue by priority, FIFO within one; the receiver inherits it (not with FIXED_PRIORITY)', async () => {
      const { a, b, c: cNode, run } = await make();
      for (const flags of [0, _NTO_CHF_FIXED_PRIORITY]) {
        const s = proc(b, 'server', flags, { priority: 5 });
        const senders = [[a, 10, 'a10'], [cNode, 20, 'c20'], [a, 10, 'a10b']] as const;
        for (const [k, prio, text] of senders) {
          const cl = proc(k, 'client', undefined, { priority: prio });
          send(k, cl.t, attach(k, cl.t, 'b', s.pid, s.chid), text);
          await run(5);
        }
        await run(20);
        const order: string[] = [];
        for (let i = 0; i < 3; i++) {
          const r = receive(b, s.t, s.chid);
          order.push(`${dec(r.buf, r.info.msglen)}@${s.t.priority}`);
          b.msgReply(s.t, r.done.value!, 0, null);
        }
        expect(order).toEqual(flags === 0 ? ['c20@20', 'a10@10', 'a10b@10'] : ['c20@5', 'a10@5', 'a10b@5']);
        await run(20);
      }
    });

    it('#16 the receiver that blocked last gets the remote message', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const t2 = b.createThread(s.p);
      const first = receive(b, s.t, s.chid);
      const last = receive(b, t2, s.chid);
      const c = proc(a, 'client');
      send(a, c.t, attach(a, c.t, 'b', s.pid, s.chid), 'x');
      await run(20);
      expect([first.done.done, last.done.done]).toEqual([false, true]);
    });

    it('#17 a pulse then a send from one thread arrive in that order at equal priority', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      a.msgSendPulse(c.t, coid, 10, 3, 7);
      send(a, c.t, coid, 'after');
      await run(20);
      const first = receive(b, s.t, s.chid);
      expect(first.done.value).toBe(0);
      expect(readPulse(first.buf)).toMatchObject({ code: 3, value: { sival_int: 7 } });
      const second = receive(b, s.t, s.chid);
      expect(dec(second.buf, second.info.msglen)).toBe('after');
    });

    it('#18 a 4 MiB message arrives whole (fragments)', async () => {
      const { a, b } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const big = new Uint8Array(4 << 20);
      for (let i = 0; i < big.length; i += 4093) big[i] = i & 0xff;
      const r = receive(b, s.t, s.chid, 16);
      const out = send(a, c.t, coid, big, 4);
      await until(net, () => r.done.done, 50);
      const whole = new Uint8Array(r.info.srcmsglen);
      b.msgRead(s.t, r.done.value!, whole, whole.length, 0);
      expect(whole.length).toBe(big.length);
      expect(Buffer.compare(whole, big)).toBe(0);
      b.msgReply(s.t, r.done.value!, 1, whole.subarray(0, 4));
      await until(net, () => out.done.done, 50);
      expect(out.done.calls).toEqual([[0, 1, 4]]);
      // and a reply of 1 MiB, fragmented on its way back
      const r2 = receive(b, s.t, s.chid, 16);
      const back = send(a, c.t, coid, 'big reply please', 1 << 20);
      await until(net, () => r2.done.done, 20);
      b.msgReply(s.t, r2.done.value!, 2, big.subarray(0, 1 << 20));
      await until(net, () => back.done.done, 50);
      expect(back.done.calls).toEqual([[0, 2, 1 << 20]]);
      expect(Buffer.compare(back.reply, big.subarray(0, 1 << 20))).toBe(0);
    });

    it('#19 a message over maxMessageBytes is EMSGSIZE', async () => {
      const { a, b } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      expect(errnoOf(() => send(a, c.t, coid, new Uint8Array(a.net!.maxMessageBytes + 1)))).toBe(E.EMSGSIZE);
    });

    it('#20 MsgSendPulse across: code, value, priority and scoid; it returns at once', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const r = receive(b, s.t, s.chid, 16);
      a.msgSendPulse(c.t, coid, 33, 5, -9);
      await run(20);
      expect(s.t.priority).toBe(33);
      const m = receive(b, s.t, s.chid);
      send(a, c.t, coid, 'x');
      await run(20);
      expect(readPulse(r.buf)).toMatchObject({ code: 5, value: { sival_int: -9 }, scoid: m.info.scoid });
    });

    it('#21 a remote pulse the credential rule refuses is dropped and traced; the sender got 0', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0, { uid: 100, abilities: [PROCMGR_AID_PUBLIC_CHANNEL] });
      const c = proc(a, 'client', undefined, { uid: 200 });
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const traced: TraceEvent[] = [];
      b.onTrace((e) => { if (e.kind === 'drop') traced.push(e); });
      a.msgSendPulse(c.t, coid, 10, 1, 1);
      const r = receive(b, s.t, s.chid, 16);
      await run(20);
      expect(r.done.done).toBe(false);
      expect(traced.map((e) => e.detail.errno)).toEqual([E.EPERM]);
    });

    it('#21b a timer\'s pulse through a remote coid follows the same rule: accepted on a, dropped and traced on b', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0, { uid: 100, abilities: [PROCMGR_AID_PUBLIC_CHANNEL] });
      const c = proc(a, 'client', undefined, { uid: 200 });
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const traced: TraceEvent[] = [];
      b.onTrace((e) => { if (e.kind === 'drop') traced.push(e); });
      const id = a.timerCreate(c.t, CLOCK_MONOTONIC, { sigev_notify: SIGEV_PULSE, sigev_coid: coid, sigev_priority: 10, sigev_code: 4, sigev_value: { sival_int: 1 } });
      a.timerSettime(c.t, id, 0, { nsec: 10e6, interval_nsec: 0 }, null);
      await run(50);
      const r = receive(b, s.t, s.chid, 16);
      expect(r.done.done).toBe(false);
      expect(traced.map((e) => e.detail.errno)).toEqual([E.EPERM]);
    });

    it('#22 a pulse on a coid whose remote channel is gone is EBADF', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      a.msgSendPulse(c.t, coid, 10, 1, 1);
      await run(20);
      b.channelDestroy(s.t, s.chid);
      await run(20);
      expect(errnoOf(() => a.msgSendPulse(c.t, coid, 10, 1, 1))).toBe(E.EBADF);
    });

    it('#23 a pulse flood past the credit window: EAGAIN, nothing earlier lost', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const window = a.net!.window;
      let refused = 0;
      for (let i = 0; i < window + 10; i++) refused += errnoOf(() => a.msgSendPulse(c.t, coid, 10, 1, i)) === E.EAGAIN ? 1 : 0;
      expect(refused).toBe(10);
      await run(20);
      const values: number[] = [];
      for (let i = 0; i < window; i++) {
        const r = receive(b, s.t, s.chid, 16);
        values.push(readPulse(r.buf).value.sival_int);
      }
      expect(values).toEqual(Array.from({ length: window }, (_, i) => i));
      // the window comes back as the server takes them: pulses go again
      await run(a.net!.heartbeatMs + 20);
      expect(errnoOf(() => a.msgSendPulse(c.t, coid, 10, 1, -1))).toBe(0);
    });

    it('#24 MsgDeliverEvent to a remote client: a pulse on its own channel, also after the reply', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client', 0);
      const self = a.connectAttach(c.t, 0, c.pid, c.chid, _NTO_SIDE_CHANNEL, 0);
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const r = receive(b, s.t, s.chid);
      send(a, c.t, coid, 'notify me');
      await run(20);
      const rcvid = r.done.value!;
      b.msgReply(s.t, rcvid, 0, null);
      await run(20);
      const ev = { sigev_notify: SIGEV_PULSE, sigev_coid: self, sigev_priority: 10, sigev_code: 9, sigev_value: { sival_int: 77 } };
      expect(b.msgDeliverEvent(s.t, rcvid, ev)).toBe(0);
      expect(b.msgDeliverEvent(s.t, rcvid, { ...ev, sigev_coid: 999 })).toBe(0);
      const p = receive(a, c.t, c.chid, 16);
      await run(20);
      expect(readPulse(p.buf)).toMatchObject({ code: 9, value: { sival_int: 77 } });
    });

    it('#25 a timer\'s pulses through a remote coid arrive periodically', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const id = a.timerCreate(c.t, CLOCK_MONOTONIC, { sigev_notify: SIGEV_PULSE, sigev_coid: coid, sigev_priority: 10, sigev_code: 4, sigev_value: { sival_int: 1 } });
      const t0 = a.scheduler.now();
      a.timerSettime(c.t, id, 0, { nsec: 100e6, interval_nsec: 100e6 }, null);
      await run(350);
      a.timerDestroy(c.t, id);
      const periods = Math.floor((a.scheduler.now() - t0) / 100);
      await run(20); // the last pulses cross
      let n = 0;
      for (;;) {
        const r = receive(b, s.t, s.chid, 16);
        if (!r.done.done) break;
        n++;
      }
      // virtual time: exactly one per period; real time: the last may still be on its way
      if (net.virtual) expect(n).toBe(3);
      else expect(n).toBeGreaterThanOrEqual(periods - 1);
      expect(n).toBeLessThanOrEqual(periods);
    });

    it('#26 unsubscribed while SEND-blocked on b: EINTR, and the server never receives it', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const out = send(a, c.t, attach(a, c.t, 'b', s.pid, s.chid), 'x');
      await run(20);
      a.unblock(c.t, E.EINTR);
      await run(20);
      expect(out.done.err).toBe(E.EINTR);
      const r = receive(b, s.t, s.chid);
      await run(20);
      expect(r.done.done).toBe(false);
    });

    it('#27 unsubscribed while REPLY-blocked without UNBLOCK: EINTR; the late MsgReply is ESRCH', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const r = receive(b, s.t, s.chid);
      const out = send(a, c.t, attach(a, c.t, 'b', s.pid, s.chid), 'x');
      await run(20);
      a.unblock(c.t, E.EINTR);
      await run(20);
      expect(out.done.err).toBe(E.EINTR);
      expect(errnoOf(() => b.msgReply(s.t, r.done.value!, 0, null))).toBe(E.ESRCH);
    });

    it('#28 #32 REPLY-blocked on an UNBLOCK channel: the server gets the unblock pulse and decides', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', _NTO_CHF_UNBLOCK);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const r = receive(b, s.t, s.chid);
      const out = send(a, c.t, coid, 'x');
      await run(20);
      a.unblock(c.t, E.EINTR);
      await run(20);
      expect(out.done.done).toBe(false);
      const info = emptyMsgInfo();
      b.msgInfo(s.t, r.done.value!, info);
      expect(info.flags & _NTO_MI_UNBLOCK_REQ).toBe(_NTO_MI_UNBLOCK_REQ);
      const p = receive(b, s.t, s.chid, 16);
      expect(readPulse(p.buf)).toMatchObject({ code: _PULSE_CODE_UNBLOCK, value: { sival_int: r.done.value } });
      b.msgError(s.t, r.done.value!, -1);
      await run(20);
      expect(out.done.err).toBe(E.EINTR);
      // #32: a reply before the pulse is taken withdraws it, and the client gets the reply
      const r2 = receive(b, s.t, s.chid);
      const out2 = send(a, c.t, coid, 'y');
      await run(20);
      a.unblock(c.t, E.EINTR);
      await run(20);
      b.msgReply(s.t, r2.done.value!, 3, null);
      await run(20);
      expect(out2.done.calls).toEqual([[0, 3, 0]]);
      const none = receive(b, s.t, s.chid, 16);
      expect(none.done.done).toBe(false);
    });

    it('#29 #31 TimerTimeout covering SEND: ETIMEDOUT and withdrawn (also an immediate one)', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      a.timerTimeout(c.t, CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY, null, 50e6);
      const out = send(a, c.t, coid, 'x');
      await run(100);
      expect(out.done.err).toBe(E.ETIMEDOUT);
      a.timerTimeout(c.t, CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND, null, null);
      const now = send(a, c.t, coid, 'y');
      await run(20);
      expect(now.done.err).toBe(E.ETIMEDOUT);
      const r = receive(b, s.t, s.chid);
      await run(20);
      expect(r.done.done).toBe(false);
    });

    it('#30 TimerTimeout REPLY on an UNBLOCK channel: the unblock pulse, then MsgError(-1) gives ETIMEDOUT', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', _NTO_CHF_UNBLOCK);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const r = receive(b, s.t, s.chid);
      a.timerTimeout(c.t, CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY, null, 50e6);
      const out = send(a, c.t, coid, 'x');
      await run(100);
      const p = receive(b, s.t, s.chid, 16);
      expect(readPulse(p.buf).code).toBe(_PULSE_CODE_UNBLOCK);
      b.msgError(s.t, r.done.value!, -1);
      await run(20);
      expect(out.done.err).toBe(E.ETIMEDOUT);
    });

    it('#33 another thread detaches the coid: SEND-blocked → EBADF; REPLY-blocked on UNBLOCK → unblock pulse', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', _NTO_CHF_UNBLOCK);
      const c = proc(a, 'client');
      const t2 = a.createThread(c.p);
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const r = receive(b, s.t, s.chid);
      const replyBlocked = send(a, c.t, coid, 'first');
      const sendBlocked = send(a, t2, coid, 'second');
      await run(20);
      a.connectDetach(c.t, coid);
      await run(20);
      expect(sendBlocked.done.err).toBe(E.EBADF);
      expect(replyBlocked.done.done).toBe(false);
      const p = receive(b, s.t, s.chid, 16);
      expect(readPulse(p.buf).code).toBe(_PULSE_CODE_UNBLOCK);
      b.msgError(s.t, r.done.value!, -1);
      await run(20);
      expect(replyBlocked.done.err).toBe(E.EBADF);
    });

    it('#34 the last remote detach on a DISCONNECT channel: the disconnect pulse; ConnectDetach(scoid) frees it', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', _NTO_CHF_DISCONNECT);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      a.msgSendPulse(c.t, coid, 10, 1, 1);
      await run(20);
      receive(b, s.t, s.chid, 16);
      a.connectDetach(c.t, coid);
      await run(20);
      const p = receive(b, s.t, s.chid, 16);
      const pulse = readPulse(p.buf);
      expect(pulse.code).toBe(_PULSE_CODE_DISCONNECT);
      expect(b.connectDetach(s.t, pulse.scoid)).toBe(0);
    });

    it('#35 the server process exits under SEND- and REPLY-blocked clients: ESRCH, ESRCH; then EBADF and COIDDEATH', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client', _NTO_CHF_COID_DISCONNECT);
      const t2 = a.createThread(c.p);
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      receive(b, s.t, s.chid);
      const replyBlocked = send(a, c.t, coid, 'one');
      const sendBlocked = send(a, t2, coid, 'two');
      await run(20);
      b.processExit(s.p);
      await run(20);
      expect([replyBlocked.done.err, sendBlocked.done.err]).toEqual([E.ESRCH, E.ESRCH]);
      expect(errnoOf(() => send(a, c.t, coid, 'three'))).toBe(E.EBADF);
      const p = receive(a, c.t, c.chid, 16);
      expect(readPulse(p.buf)).toMatchObject({ code: _PULSE_CODE_COIDDEATH, value: { sival_int: coid } });
    });

    it('#36 the client process exits REPLY-blocked on UNBLOCK: unblock pulse; DISCONNECT only after the answer, which returns 0', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server', _NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT);
      const c = proc(a, 'client');
      const r = receive(b, s.t, s.chid);
      send(a, c.t, attach(a, c.t, 'b', s.pid, s.chid), 'x');
      await run(20);
      a.processExit(c.p);
      await run(20);
      const p1 = receive(b, s.t, s.chid, 16);
      expect(readPulse(p1.buf).code).toBe(_PULSE_CODE_UNBLOCK);
      const p2 = receive(b, s.t, s.chid, 16);
      expect(p2.done.done).toBe(false);
      expect(b.msgReply(s.t, r.done.value!, 0, null)).toBe(0);
      await run(40);
      expect(readPulse(p2.buf).code).toBe(_PULSE_CODE_DISCONNECT);
    });

    it('#37 b lost under a REPLY-blocked client: EHOSTDOWN within the liveness bound, then EBADF, COIDDEATH and a down event', async () => {
      const { a, b, ab, run, bound } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client', _NTO_CHF_COID_DISCONNECT);
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      receive(b, s.t, s.chid);
      const out = send(a, c.t, coid, 'x');
      const events: string[] = [];
      a.onNet((e) => { if (e.type === 'node' && e.event.state === 'down') events.push(`${e.event.node} ${e.event.state} ${e.event.reason}`); });
      await run(20);
      ab.sever();
      await run(bound + a.net!.heartbeatMs);
      expect(out.done.err).toBe(E.EHOSTDOWN);
      expect(errnoOf(() => send(a, c.t, coid, 'y'))).toBe(E.EBADF);
      const p = receive(a, c.t, c.chid, 16);
      expect(readPulse(p.buf)).toMatchObject({ code: _PULSE_CODE_COIDDEATH, value: { sival_int: coid } });
      // its own heartbeats, or b closing the transport after b's (a port announces its close)
      expect(events).toHaveLength(1);
      expect(events[0]).toMatch(/^b down (heartbeat|closed: .+)$/);
    });

    it('#38 a lost as seen from b: its vthreads on UNBLOCK give unblock pulses, DISCONNECT follows; MsgReply returns 0', async () => {
      const { a, b, ab, run, bound } = await make();
      const s = proc(b, 'server', _NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT);
      const c = proc(a, 'client');
      const r = receive(b, s.t, s.chid);
      send(a, c.t, attach(a, c.t, 'b', s.pid, s.chid), 'x');
      await run(20);
      ab.sever();
      await run(bound + b.net!.heartbeatMs);
      const p1 = receive(b, s.t, s.chid, 16);
      expect(readPulse(p1.buf).code).toBe(_PULSE_CODE_UNBLOCK);
      expect(b.msgReply(s.t, r.done.value!, 0, null)).toBe(0);
      const p2 = receive(b, s.t, s.chid, 16);
      expect(readPulse(p2.buf).code).toBe(_PULSE_CODE_DISCONNECT);
    });

    it('#39 b restarts (a new incarnation, same name): old coids EBADF, the blocked EHOSTDOWN; a new attach works', async () => {
      const { a, b, run, restartB } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      receive(b, s.t, s.chid);
      const out = send(a, c.t, coid, 'x');
      await run(20);
      const b2 = restartB();
      const s2 = proc(b2, 'server', 0);
      await run(20);
      expect(out.done.err).toBe(E.EHOSTDOWN);
      expect(errnoOf(() => send(a, c.t, coid, 'y'))).toBe(E.EBADF);
      const r = receive(b2, s2.t, s2.chid);
      const again = send(a, c.t, attach(a, c.t, 'b', s2.pid, s2.chid), 'z');
      await run(20);
      b2.msgReply(s2.t, r.done.value!, 9, null);
      await run(20);
      expect(again.done.calls).toEqual([[0, 9, 0]]);
    });

    it('#40 a dropped frame never leaves a caller hanging: EHOSTDOWN (quarantine)', async () => {
      const { a, b, ab, run, bound } = await make();
      const s = proc(b, 'server', 0);
      const c = proc(a, 'client');
      const coid = attach(a, c.t, 'b', s.pid, s.chid);
      const r = receive(b, s.t, s.chid);
      const out = send(a, c.t, coid, 'x');
      await run(20);
      ab.drop(1);
      b.msgReply(s.t, r.done.value!, 0, null);
      await run(bound + a.net!.heartbeatMs);
      expect(out.done.err).toBe(E.EHOSTDOWN);
    });

    it('#43 a global attach by a non-root process is EPERM; without a network ENOTSUP', async () => {
      const { b } = await make();
      const user = proc(b, 'user', undefined, { uid: 100 });
      expect(errnoOf(() => b.nameAttach(user.t, 'svc', NAME_FLAG_ATTACH_GLOBAL))).toBe(E.EPERM);
      const k = new Kernel({ scheduler: new VirtualClock() });
      const t = k.createThread(k.createProcess());
      expect(errnoOf(() => k.nameAttach(t, 'svc', NAME_FLAG_ATTACH_GLOBAL))).toBe(E.ENOTSUP);
    });

    it('#44 #45 name_open(global): one provider per open among b and c; ENOENT with none; a lost provider goes', async () => {
      const { a, b, c: cNode, ab, run, bound } = await make();
      const opened = (k: Kernel, t: ReturnType<typeof proc>['t']) => {
        const done = call();
        try {
          k.nameOpen(t, 'svc', NAME_FLAG_ATTACH_GLOBAL, done);
        } catch (e) {
          done((e as { errno: number }).errno, -1, 0);
        }
        return done;
      };
      const cl = proc(a, 'client');
      const more = [a.createThread(cl.p), a.createThread(cl.p), a.createThread(cl.p)];
      const none = opened(a, cl.t);
      await run(50); // at once, or (NATS) when the name's queue group says no responders
      expect(none.err).toBe(E.ENOENT);
      const serve = (k: Kernel) => {
        const s = proc(k, 'svc');
        const entry = k.nameAttach(s.t, 'svc', NAME_FLAG_ATTACH_GLOBAL);
        const served: string[] = [];
        const loop = (): void => {
          const buf = new Uint8Array(64);
          const info = emptyMsgInfo();
          k.msgReceive(s.t, entry.chid, buf, info, (err, rcvid) => {
            if (err !== 0) return;
            if (rcvid > 0) {
              served.push(k.node!);
              k.msgReply(s.t, rcvid, 0, null);
            }
            loop();
          });
        };
        loop();
        return served;
      };
      const onB = serve(b);
      const onC = serve(cNode);
      await run(20);
      const first = opened(a, cl.t);
      const second = opened(a, more[0]!);
      await run(40);
      expect([first.err, second.err]).toEqual([0, 0]);
      expect(onB.length + onC.length).toBe(2);
      expect([onB.length, onC.length]).toEqual([1, 1]);
      ab.sever();
      await run(bound + a.net!.heartbeatMs);
      for (const t of more.slice(1)) opened(a, t);
      await run(40);
      expect([onB.length, onC.length]).toEqual([1, 3]);
    });

    it('#46 open("/net/b/dev/name/local/x") from a: an fd once the server on b accepts its _IO_CONNECT', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'server');
      const entry = b.nameAttach(s.t, 'x', 0);
      const r = receive(b, s.t, entry.chid, 256);
      const c = proc(a, 'client');
      const fd = call();
      a.pathOpen(c.t, '/net/b/dev/name/local/x', 0, 0, fd);
      await run(20);
      expect(r.done.done).toBe(true);
      expect(r.buf[0]! | (r.buf[1]! << 8)).toBe(_IO_CONNECT);
      b.msgReply(s.t, r.done.value!, 0, null);
      await run(20);
      expect(fd.err).toBe(0);
      expect(fd.value).toBeGreaterThan(0);
      const missing = call();
      a.pathOpen(c.t, '/net/b/dev/name/local/nobody', 0, 0, missing);
      await run(20);
      expect(missing.err).toBe(E.ENOENT);
      expect(errnoOf(() => a.pathOpen(c.t, '/net/nowhere/x', 0, 0, call()))).toBe(E.EHOSTUNREACH);
    });

    it('#45 a provider process that exits takes its global name off every node', async () => {
      const { a, b, run } = await make();
      const s = proc(b, 'svc');
      b.nameAttach(s.t, 'gone-soon', NAME_FLAG_ATTACH_GLOBAL);
      await run(20);
      expect(a.net!.names.providers('gone-soon')).toHaveLength(1);
      b.processExit(s.p);
      await run(20);
      expect(a.net!.names.providers('gone-soon')).toHaveLength(0);
      const c = proc(a, 'client');
      const gone = call();
      try {
        a.nameOpen(c.t, 'gone-soon', NAME_FLAG_ATTACH_GLOBAL, gone);
      } catch (e) {
        gone((e as { errno: number }).errno, -1, 0);
      }
      await run(50);
      expect(gone.err).toBe(E.ENOENT);
    });

    it('#47 asyncmsg_connect_attach(nd ≠ 0) is ENOREMOTE', async () => {
      const { a } = await make();
      const c = proc(a, 'client');
      const nd = a.netmgrStrtond('b').nd;
      expect(errnoOf(() => a.asyncConnectAttach(c.t, nd, 1, 1, _NTO_SIDE_CHANNEL, 0, { buffer_size: 64, max_num_buffer: 2, trigger_num_msg: 1, trigger_time: { nsec: 0, interval_nsec: 0 }, call_back: null }))).toBe(E.ENOREMOTE);
    });

    it('#49 the same scenario twice gives the same trace (virtual time only)', async () => {
      const runOnce = async (): Promise<string[]> => {
        const n = await factory();
        const log: string[] = [];
        n.b.onTrace((e) => log.push(`${e.time} b ${e.kind} ${JSON.stringify(e.detail)}`));
        n.a.onTrace((e) => log.push(`${e.time} a ${e.kind} ${JSON.stringify(e.detail)}`));
        const s = proc(n.b, 'server', _NTO_CHF_UNBLOCK);
        const c = proc(n.a, 'client');
        const coid = attach(n.a, c.t, 'b', s.pid, s.chid);
        const r = receive(n.b, s.t, s.chid);
        send(n.a, c.t, coid, 'x');
        n.a.msgSendPulse(c.t, coid, 10, 1, 2);
        await n.run(20);
        n.b.msgReply(s.t, r.done.value!, 0, enc('y'));
        await n.run(20);
        n.dispose();
        return log;
      };
      await make();
      if (!net.virtual) return;
      const one = await runOnce();
      expect(one.length).toBeGreaterThan(5);
      expect(await runOnce()).toEqual(one);
    });
  });
}
