// qnx-model.md §13.3: disconnect, death and destroy notifications.
import { describe, expect, it } from 'vitest';
import {
  ERRNO, SIGEV_PULSE, _NTO_CHF_COID_DISCONNECT, _NTO_CHF_DISCONNECT, _NTO_CHF_PRIVATE, _NTO_CHF_THREAD_DEATH,
  _NTO_CHF_UNBLOCK, _NTO_COF_NOSHARE, _NTO_SIDE_CHANNEL, _PULSE_CODE_COIDDEATH, _PULSE_CODE_DISCONNECT,
  _PULSE_CODE_THREADDEATH, _PULSE_CODE_UNBLOCK,
} from '../../../src/kernel/index.js';
import { codeOf, readPulse, receive, receivePulse, send, world } from '../helpers.js';

describe('§13.3 disconnect, death and destroy notifications', () => {
  it('13.3.32 should send exactly one disconnect pulse carrying the scoid when the only coid goes', () => {
    const { kernel, server, client, chid, coid } = world(_NTO_CHF_DISCONNECT);
    send(kernel, client, coid, 'x');
    const r = receive(kernel, server, chid);
    kernel.msgReply(server, r.done.value!, 0);
    kernel.connectDetach(client, coid);
    const p = receivePulse(kernel, server, chid);
    expect(readPulse(p.buf)).toMatchObject({ code: _PULSE_CODE_DISCONNECT, scoid: r.info.scoid, value: { sival_int: r.info.scoid } });
    const again = receivePulse(kernel, server, chid);
    expect(again.done.called).toBe(false);
  });

  it('13.3.33 should wait for the last of two shared coids before the disconnect pulse', () => {
    const { kernel, server, client, serverP, chid, coid } = world(_NTO_CHF_DISCONNECT);
    const coid2 = kernel.connectAttach(client, 0, serverP.pid, chid, _NTO_SIDE_CHANNEL, 0);
    const p = receivePulse(kernel, server, chid);
    kernel.connectDetach(client, coid);
    expect(p.done.called).toBe(false);
    kernel.connectDetach(client, coid2);
    expect(readPulse(p.buf).code).toBe(_PULSE_CODE_DISCONNECT);
  });

  it('13.3.34 should send the disconnect pulse when the client process exits without detaching', () => {
    const { kernel, server, clientP, chid } = world(_NTO_CHF_DISCONNECT);
    const p = receivePulse(kernel, server, chid);
    kernel.processExit(clientP);
    expect(readPulse(p.buf).code).toBe(_PULSE_CODE_DISCONNECT);
  });

  it('13.3.35 should hold the disconnect pulse back while a client is REPLY-blocked on an UNBLOCK channel', () => {
    const { kernel, server, client, chid, coid } = world(_NTO_CHF_DISCONNECT | _NTO_CHF_UNBLOCK);
    const s = send(kernel, client, coid, 'x');
    const rcvid = receive(kernel, server, chid).done.value!;
    kernel.connectDetach(client, coid);
    const p1 = receivePulse(kernel, server, chid);
    expect(readPulse(p1.buf).code).toBe(_PULSE_CODE_UNBLOCK);
    const p2 = receivePulse(kernel, server, chid);
    expect(p2.done.called).toBe(false);
    kernel.msgReply(server, rcvid, 5);
    expect(s.done.calls).toEqual([[0, 5]]);
    expect(readPulse(p2.buf).code).toBe(_PULSE_CODE_DISCONNECT);
  });

  it('13.3.36 should release the scoid silently without _NTO_CHF_DISCONNECT', () => {
    const { kernel, server, client, chid, coid } = world();
    send(kernel, client, coid, 'x');
    const r = receive(kernel, server, chid);
    kernel.msgReply(server, r.done.value!, 0);
    const p = receivePulse(kernel, server, chid);
    kernel.connectDetach(client, coid);
    expect(p.done.called).toBe(false);
    expect(codeOf(() => kernel.connectDetach(server, r.info.scoid))).toBe('EINVAL');
  });

  it('13.3.37 should refuse ConnectDetach(scoid) while connected and accept it after the pulse', () => {
    const { kernel, server, client, chid, coid } = world(_NTO_CHF_DISCONNECT);
    send(kernel, client, coid, 'x');
    const r = receive(kernel, server, chid);
    kernel.msgReply(server, r.done.value!, 0);
    expect(codeOf(() => kernel.connectDetach(server, r.info.scoid))).toBe('EINVAL');
    kernel.connectDetach(client, coid);
    receivePulse(kernel, server, chid);
    expect(kernel.connectDetach(server, r.info.scoid)).toBe(0);
  });

  it('13.3.38 should fail MsgDeliverEvent on an rcvid of a disconnected connection with ESRCH', () => {
    const { kernel, server, client, clientP, chid, coid } = world(_NTO_CHF_DISCONNECT);
    const own = kernel.createThread(clientP);
    const back = kernel.connectAttach(own, 0, 0, kernel.channelCreate(own, _NTO_CHF_PRIVATE), _NTO_SIDE_CHANNEL, 0);
    send(kernel, client, coid, 'x');
    const rcvid = receive(kernel, server, chid).done.value!;
    kernel.msgReply(server, rcvid, 0);
    const ev = { sigev_notify: SIGEV_PULSE, sigev_coid: back, sigev_priority: 10, sigev_code: 1, sigev_value: { sival_int: 0 } };
    expect(kernel.msgDeliverEvent(server, rcvid, ev)).toBe(0);
    kernel.connectDetach(client, coid);
    receivePulse(kernel, server, chid);
    expect(codeOf(() => kernel.msgDeliverEvent(server, rcvid, ev))).toBe('ESRCH');
  });

  it('13.3.39a should fail a SEND-blocked client with ESRCH when the channel is destroyed', () => {
    const { kernel, server, client, chid, coid } = world();
    const s = send(kernel, client, coid, 'x');
    kernel.channelDestroy(server, chid);
    expect(s.done.calls).toEqual([[ERRNO.ESRCH, 0]]);
  });

  it('13.3.39b should fail RECEIVE-blocked server threads with ESRCH when the channel is destroyed', () => {
    const { kernel, server, serverP, chid } = world();
    const other = kernel.createThread(serverP);
    const r = receive(kernel, server, chid);
    const p = receivePulse(kernel, other, chid);
    kernel.channelDestroy(server, chid);
    expect(r.done.calls).toEqual([[ERRNO.ESRCH, 0]]);
    expect(p.done.calls).toEqual([[ERRNO.ESRCH, 0]]);
  });

  it('13.3.40 should fail a REPLY-blocked client at once on destroy, with no unblock pulse', () => {
    const { kernel, server, client, chid, coid } = world(_NTO_CHF_UNBLOCK);
    const s = send(kernel, client, coid, 'x');
    receive(kernel, server, chid);
    const trace: string[] = [];
    kernel.onTrace((e) => trace.push(e.kind));
    kernel.channelDestroy(server, chid);
    expect(s.done.calls).toEqual([[ERRNO.ESRCH, 0]]);
    expect(trace).not.toContain('unblock');
  });

  it('13.3.41 should fail a REPLY-blocked client with ESRCH when the server process dies', () => {
    const { kernel, server, serverP, client, chid, coid } = world(_NTO_CHF_UNBLOCK);
    const s = send(kernel, client, coid, 'x');
    receive(kernel, server, chid);
    kernel.processExit(serverP);
    expect(s.done.calls).toEqual([[ERRNO.ESRCH, 0]]);
  });

  it('13.3.42 should send one coid-death pulse per coid to a COID_DISCONNECT channel', () => {
    const { kernel, server, client, clientP, serverP, chid, coid } = world();
    const watcher = kernel.createThread(clientP);
    const dchid = kernel.channelCreate(watcher, _NTO_CHF_COID_DISCONNECT | _NTO_CHF_PRIVATE);
    const coid2 = kernel.connectAttach(client, 0, serverP.pid, chid, _NTO_SIDE_CHANNEL, _NTO_COF_NOSHARE);
    kernel.channelDestroy(server, chid);
    const values: number[] = [];
    for (let i = 0; i < 2; i++) {
      const p = receivePulse(kernel, watcher, dchid);
      const d = readPulse(p.buf);
      expect(d).toMatchObject({ code: _PULSE_CODE_COIDDEATH, scoid: -1 });
      values.push(d.value.sival_int);
    }
    expect(values.sort()).toEqual([coid, coid2].sort());
    expect(receivePulse(kernel, watcher, dchid).done.called).toBe(false);
  });

  it('13.3.43 should send a thread-death pulse with the 1-based tid', () => {
    const { kernel, server, serverP } = world();
    const dchid = kernel.channelCreate(server, _NTO_CHF_THREAD_DEATH);
    const worker = kernel.createThread(serverP);
    const p = receivePulse(kernel, server, dchid);
    kernel.threadExit(worker);
    expect(readPulse(p.buf)).toMatchObject({ code: _PULSE_CODE_THREADDEATH, value: { sival_int: worker.tid }, scoid: -1 });
  });

  it('13.3.44 should refuse a second death channel with EBUSY', () => {
    const { kernel, server } = world();
    kernel.channelCreate(server, _NTO_CHF_THREAD_DEATH);
    expect(codeOf(() => kernel.channelCreate(server, _NTO_CHF_COID_DISCONNECT))).toBe('EBUSY');
    expect(codeOf(() => kernel.channelCreate(server, _NTO_CHF_THREAD_DEATH))).toBe('EBUSY');
  });

  it('13.3.45 should fail ChannelDestroy of an unknown chid with EINVAL and MsgReceive on it with ESRCH', () => {
    const { kernel, server } = world();
    expect(codeOf(() => kernel.channelDestroy(server, 99))).toBe('EINVAL');
    expect(codeOf(() => kernel.msgReceive(server, 99, new Uint8Array(8), null, () => {}))).toBe('ESRCH');
  });
});
