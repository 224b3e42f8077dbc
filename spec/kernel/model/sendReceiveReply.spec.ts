// qnx-model.md §13.1: send / receive / reply basics, one test per numbered behaviour.
import { describe, expect, it } from 'vitest';
import {
  ERRNO, STATE_REPLY, STATE_SEND, _NTO_SIDE_CHANNEL, emptyMsgInfo, type TraceEvent,
} from '../../../src/kernel/index.js';
import { codeOf, dec, enc, readPulse, receive, receivePulse, recorder, send, world } from '../helpers.js';

describe('§13.1 send / receive / reply', () => {
  it('13.1.1 should deliver at once to a waiting receiver; the client goes straight to REPLY', () => {
    const { kernel, server, client, chid, coid } = world();
    const states: string[] = [];
    kernel.onTrace((e: TraceEvent) => { if (e.kind === 'state') states.push(String(e.detail['state'])); });
    const r = receive(kernel, server, chid);
    send(kernel, client, coid, 'hi');
    expect(r.done.err).toBe(0);
    expect(r.done.value).toBeGreaterThan(0);
    expect(client.state).toBe(STATE_REPLY);
    expect(states).not.toContain('SEND');
  });

  it('13.1.2 should SEND-block with no receiver, and a later receive returns at once', () => {
    const { kernel, server, client, chid, coid } = world();
    send(kernel, client, coid, 'queued');
    expect(client.state).toBe(STATE_SEND);
    const r = receive(kernel, server, chid);
    expect(r.done.called).toBe(true);
    expect(dec(r.buf, r.info.msglen)).toBe('queued');
    expect(client.state).toBe(STATE_REPLY);
  });

  it('13.1.3 should receive by priority, FIFO within a priority (10, 20, 10 → 20, 10a, 10b)', () => {
    const { kernel, server, clientP, chid, serverP } = world();
    const mk = (prio: number) => {
      const t = kernel.createThread(clientP, { priority: prio });
      return { t, coid: kernel.connectAttach(t, 0, serverP.pid, chid, _NTO_SIDE_CHANNEL, 0) };
    };
    const a = mk(10); const b = mk(20); const c = mk(10);
    send(kernel, a.t, a.coid, 'a'); send(kernel, b.t, b.coid, 'b'); send(kernel, c.t, c.coid, 'c');
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = receive(kernel, server, chid);
      order.push(dec(r.buf, r.info.msglen));
      kernel.msgReply(server, r.done.value!, 0);
    }
    expect(order).toEqual(['b', 'a', 'c']);
  });

  it('13.1.4 should serve receivers LIFO: A then B block, one send goes to B', () => {
    const { kernel, serverP, server: a, client, chid, coid } = world();
    const b = kernel.createThread(serverP);
    const ra = receive(kernel, a, chid);
    const rb = receive(kernel, b, chid);
    send(kernel, client, coid, 'x');
    expect(rb.done.called).toBe(true);
    expect(ra.done.called).toBe(false);
  });

  it('13.1.5 should never give a message to a MsgReceivePulse thread while an ordinary receiver waits', () => {
    const { kernel, serverP, server: r, client, chid, coid } = world();
    const p = kernel.createThread(serverP);
    const rr = receive(kernel, r, chid);
    const rp = receivePulse(kernel, p, chid);
    send(kernel, client, coid, 'm');
    expect(rr.done.called).toBe(true);
    expect(rp.done.called).toBe(false);
  });

  it('13.1.6 should leave a sender SEND-blocked when only a pulse receiver waits; a pulse wakes it', () => {
    const { kernel, server, client, chid, coid } = world();
    const rp = receivePulse(kernel, server, chid);
    send(kernel, client, coid, 'm');
    expect(client.state).toBe(STATE_SEND);
    expect(rp.done.called).toBe(false);
    kernel.msgSendPulse(client, coid, 10, 5, 77);
    expect(rp.done.calls).toEqual([[0, 0]]);
    expect(readPulse(rp.buf).code).toBe(5);
    expect(client.state).toBe(STATE_SEND);
  });

  it('13.1.7 should let MsgReceivePulse skip a queued message of the same priority', () => {
    const { kernel, server, clientP, client, chid, coid } = world();
    send(kernel, client, coid, 'msg');
    const pulser = kernel.createThread(clientP);
    kernel.msgSendPulse(pulser, coid, 10, 9, 1);
    const rp = receivePulse(kernel, server, chid);
    expect(rp.done.value).toBe(0);
    expect(readPulse(rp.buf).code).toBe(9);
    const r = receive(kernel, server, chid);
    expect(dec(r.buf, r.info.msglen)).toBe('msg');
  });

  it('13.1.8 should truncate to the receive buffer, and MsgRead fetches the rest', () => {
    const { kernel, server, client, chid, coid } = world();
    send(kernel, client, coid, '0123456789');
    const r = receive(kernel, server, chid, 4);
    expect(r.info.msglen).toBe(4);
    expect(r.info.srcmsglen).toBe(10);
    const rest = new Uint8Array(6);
    expect(kernel.msgRead(server, r.done.value!, rest, 6, 4)).toBe(6);
    expect(dec(rest)).toBe('456789');
    expect(client.state).toBe(STATE_REPLY);
  });

  it('13.1.9 should return 0 from MsgRead at or past the end of the message', () => {
    const { kernel, server, client, chid, coid } = world();
    send(kernel, client, coid, 'abc');
    const r = receive(kernel, server, chid);
    expect(kernel.msgRead(server, r.done.value!, new Uint8Array(8), 8, 3)).toBe(0);
    expect(kernel.msgRead(server, r.done.value!, new Uint8Array(8), 8, 100)).toBe(0);
  });

  it('13.1.10 should truncate a reply to the client reply buffer', () => {
    const { kernel, server, client, chid, coid } = world();
    const s = send(kernel, client, coid, 'q', 8);
    const r = receive(kernel, server, chid);
    expect(r.info.dstmsglen).toBe(8);
    expect(kernel.msgReply(server, r.done.value!, 0, enc('abcdefghijklmnopqrst'))).toBe(0);
    expect(dec(s.reply)).toBe('abcdefgh');
    expect(s.done.calls).toEqual([[0, 0]]);
  });

  it('13.1.11 should return the reply status from MsgSend', () => {
    const { kernel, server, client, chid, coid } = world();
    const s = send(kernel, client, coid, 'q');
    const r = receive(kernel, server, chid);
    kernel.msgReply(server, r.done.value!, 42, null, 0);
    expect(s.done.calls).toEqual([[0, 42]]);
  });

  it('13.1.12 should fail MsgSend with the MsgError errno and leave the reply buffer untouched', () => {
    const { kernel, server, client, chid, coid } = world();
    const s = send(kernel, client, coid, 'q', 4);
    s.reply.set([9, 9, 9, 9]);
    const r = receive(kernel, server, chid);
    kernel.msgError(server, r.done.value!, ERRNO.EINVAL);
    expect(s.done.calls).toEqual([[22, 0]]);
    expect([...s.reply]).toEqual([9, 9, 9, 9]);
  });

  it('13.1.13 should make MsgSend return 0 for MsgError(EOK)', () => {
    const { kernel, server, client, chid, coid } = world();
    const s = send(kernel, client, coid, 'q');
    kernel.msgError(server, receive(kernel, server, chid).done.value!, ERRNO.EOK);
    expect(s.done.calls).toEqual([[0, 0]]);
  });

  it('13.1.14 should re-deliver the request as a new receive after MsgError(ERESTART)', () => {
    const { kernel, server, client, chid, coid } = world();
    const s = send(kernel, client, coid, 'again');
    const r1 = receive(kernel, server, chid);
    kernel.msgError(server, r1.done.value!, ERRNO.ERESTART);
    expect(s.done.called).toBe(false);
    expect(client.state).toBe(STATE_SEND);
    const r2 = receive(kernel, server, chid);
    expect(dec(r2.buf, r2.info.msglen)).toBe('again');
    kernel.msgReply(server, r2.done.value!, 3);
    expect(s.done.calls).toEqual([[0, 3]]);
  });

  it('13.1.15 should fail a second MsgReply, MsgError, MsgRead or MsgInfo with ESRCH', () => {
    const { kernel, server, client, chid, coid } = world();
    send(kernel, client, coid, 'q');
    const rcvid = receive(kernel, server, chid).done.value!;
    kernel.msgReply(server, rcvid, 0);
    expect(codeOf(() => kernel.msgReply(server, rcvid, 0))).toBe('ESRCH');
    expect(codeOf(() => kernel.msgError(server, rcvid, ERRNO.EIO))).toBe('ESRCH');
    expect(codeOf(() => kernel.msgRead(server, rcvid, new Uint8Array(4), 4, 0))).toBe('ESRCH');
    expect(codeOf(() => kernel.msgInfo(server, rcvid, emptyMsgInfo()))).toBe('ESRCH');
  });

  it('13.1.16 should place MsgWrite data at its offset and keep the client blocked until the reply', () => {
    const { kernel, server, client, chid, coid } = world();
    const s = send(kernel, client, coid, 'q', 10);
    const rcvid = receive(kernel, server, chid).done.value!;
    expect(kernel.msgWrite(server, rcvid, enc('abc'), 3, 5)).toBe(3);
    expect(s.done.called).toBe(false);
    kernel.msgReply(server, rcvid, 0, null, 0);
    expect(s.done.calls).toEqual([[0, 0]]);
    expect(dec(s.reply.subarray(5, 8))).toBe('abc');
  });

  it('13.1.17 should clip MsgWrite at the end of the reply buffer', () => {
    const { kernel, server, client, chid, coid } = world();
    send(kernel, client, coid, 'q', 6);
    const rcvid = receive(kernel, server, chid).done.value!;
    expect(kernel.msgWrite(server, rcvid, enc('abcd'), 4, 4)).toBe(2);
    expect(kernel.msgWrite(server, rcvid, enc('abcd'), 4, 6)).toBe(0);
    expect(kernel.msgWrite(server, rcvid, enc('abcd'), 4, 60)).toBe(0);
  });

  it('13.1.18 should accept replies in any order', () => {
    const { kernel, server, clientP, serverP, chid } = world();
    const clients = [1, 2, 3].map(() => {
      const t = kernel.createThread(clientP);
      return { t, coid: kernel.connectAttach(t, 0, serverP.pid, chid, _NTO_SIDE_CHANNEL, 0) };
    });
    const sends = clients.map((c, i) => send(kernel, c.t, c.coid, `m${i}`));
    const rcvids = clients.map(() => receive(kernel, server, chid).done.value!);
    kernel.msgReply(server, rcvids[2]!, 2);
    kernel.msgReply(server, rcvids[0]!, 0);
    kernel.msgReply(server, rcvids[1]!, 1);
    expect(sends.map((s) => s.done.calls)).toEqual([[[0, 0]], [[0, 1]], [[0, 2]]]);
  });

  it('13.1.19 should let any thread of the server process reply', () => {
    const { kernel, server, serverP, client, chid, coid } = world();
    const other = kernel.createThread(serverP);
    const s = send(kernel, client, coid, 'q');
    const rcvid = receive(kernel, server, chid).done.value!;
    kernel.msgReply(other, rcvid, 11);
    expect(s.done.calls).toEqual([[0, 11]]);
  });

  // §11 #21 overrides §13.1.20 (6.4.1 reused the rcvid of a (thread, connection) pair): each send
  // gets its own generation, so a late answer to an ended send can never reach the next one
  it('13.1.20 (§11 #21) should give consecutive sends of one thread over one coid distinct rcvids of the same connection', () => {
    const { kernel, server, client, chid, coid } = world();
    send(kernel, client, coid, '1');
    const a = receive(kernel, server, chid).done.value!;
    kernel.msgReply(server, a, 0);
    send(kernel, client, coid, '2');
    const b = receive(kernel, server, chid).done.value!;
    expect(b).not.toBe(a);
    expect(b & 0xffff).toBe(a & 0xffff);
    expect(codeOf(() => kernel.msgReply(server, a, 0))).toBe('ESRCH');
  });

  it('13.1.21 should fill info with pid, 1-based tid, the client coid and the chid', () => {
    const { kernel, server, clientP, client, chid, coid } = world();
    send(kernel, client, coid, 'q');
    const r = receive(kernel, server, chid);
    expect(r.info).toMatchObject({ pid: clientP.pid, tid: 1, coid, chid, nd: 0, priority: 10 });
    expect(r.info.scoid & _NTO_SIDE_CHANNEL).toBe(_NTO_SIDE_CHANNEL);
  });

  it('13.1.22 should let a process send to its own channel', () => {
    const { kernel, serverP, server, chid } = world();
    const me = kernel.createThread(serverP);
    const coid = kernel.connectAttach(me, 0, 0, chid, _NTO_SIDE_CHANNEL, 0);
    const r = receive(kernel, server, chid);
    const s = send(kernel, me, coid, 'self');
    kernel.msgReply(server, r.done.value!, 1);
    expect(s.done.calls).toEqual([[0, 1]]);
    expect(r.info.pid).toBe(serverP.pid);
  });

  it('should complete every continuation after the call state is final (run to completion)', () => {
    const { kernel, server, client, chid, coid } = world();
    const seen: number[] = [];
    kernel.msgReceive(server, chid, new Uint8Array(8), null, (_e, rcvid) => {
      // replying from inside the receive continuation: the client is already REPLY-blocked
      seen.push(client.state);
      kernel.msgReply(server, rcvid, 1);
    });
    const s = recorder();
    kernel.msgSend(client, coid, enc('x'), new Uint8Array(1), s);
    expect(seen).toEqual([STATE_REPLY]);
    expect(s.calls).toEqual([[0, 1]]);
  });
});
