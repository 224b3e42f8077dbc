// qnx-model.md §13.5: pulses, priority and events.
import { describe, expect, it } from 'vitest';
import {
  CLOCK_MONOTONIC, ERRNO, SIGEV_PULSE, _NTO_CHF_FIXED_PRIORITY, _NTO_CHF_PRIVATE, _NTO_SIDE_CHANNEL, PULSE_SIZE,
  Kernel, VirtualClock, PROCMGR_AID_PUBLIC_CHANNEL,
} from '../../../src/kernel/index.js';
import { codeOf, dec, readPulse, receive, receivePulse, recorder, send, world } from '../helpers.js';

describe('§13.5 pulses, priority and events', () => {
  it('13.5.56 should return 0 for a pulse and write type, subtype, code, value and scoid', () => {
    const { kernel, server, client, chid, coid } = world();
    const r = receive(kernel, server, chid);
    kernel.msgSendPulse(client, coid, 10, 12, -5);
    expect(r.done.calls).toEqual([[0, 0]]);
    const p = readPulse(r.buf);
    expect(p.type).toBe(0);
    expect(p.subtype).toBe(0);
    expect(p.code).toBe(12);
    expect(p.value.sival_int).toBe(-5);
    send(kernel, client, coid, 'm');
    const m = receive(kernel, server, chid);
    expect(p.scoid).toBe(m.info.scoid);
  });

  it('13.5.57 should fail a receive with EFAULT when the buffer is smaller than a pulse, and lose the pulse', () => {
    const { kernel, server, client, chid, coid } = world();
    kernel.msgSendPulse(client, coid, 10, 1, 1);
    const r = receive(kernel, server, chid, PULSE_SIZE - 1);
    expect(r.done.calls).toEqual([[ERRNO.EFAULT, 0]]);
    expect(receive(kernel, server, chid).done.called).toBe(false);
  });

  it('13.5.58 should queue a priority -1 pulse at the caller priority and refuse priority 0', () => {
    const { kernel, clientP, serverP, chid } = world();
    const t = kernel.createThread(clientP, { priority: 33 });
    const coid = kernel.connectAttach(t, 0, serverP.pid, chid, _NTO_SIDE_CHANNEL, 0);
    kernel.msgSendPulse(t, coid, -1, 1, 1);
    expect(kernel.snapshot().processes[0]!.channels[0]!.sendQueue).toEqual(['pulse 1/1 @33']);
    expect(codeOf(() => kernel.msgSendPulse(t, coid, 0, 1, 1))).toBe('EINVAL');
    expect(codeOf(() => kernel.msgSendPulse(t, coid, 256, 1, 1))).toBe('EINVAL');
  });

  it('13.5.59 should deliver 1000 identical pulses 1000 times', () => {
    const { kernel, server, client, chid, coid } = world();
    for (let i = 0; i < 1000; i++) kernel.msgSendPulse(client, coid, 10, 3, 3);
    let n = 0;
    for (;;) {
      const r = receivePulse(kernel, server, chid);
      if (!r.done.called) break;
      n++;
    }
    expect(n).toBe(1000);
  });

  it('13.5.60 should receive a priority-30 pulse before an earlier priority-10 message', () => {
    const { kernel, server, client, clientP, chid, coid } = world();
    send(kernel, client, coid, 'msg');
    const pulser = kernel.createThread(clientP);
    kernel.msgSendPulse(pulser, coid, 30, 4, 0);
    const first = receive(kernel, server, chid);
    expect(first.done.value).toBe(0);
    expect(readPulse(first.buf).code).toBe(4);
    const second = receive(kernel, server, chid);
    expect(dec(second.buf, second.info.msglen)).toBe('msg');
  });

  it('13.5.61 should run the receiver at the client priority, unless _NTO_CHF_FIXED_PRIORITY', () => {
    for (const [flags, expected] of [[0, 25], [_NTO_CHF_FIXED_PRIORITY, 10]] as const) {
      const { kernel, server, clientP, serverP, chid } = world(flags);
      const t = kernel.createThread(clientP, { priority: 25 });
      const coid = kernel.connectAttach(t, 0, serverP.pid, chid, _NTO_SIDE_CHANNEL, 0);
      send(kernel, t, coid, 'x');
      receive(kernel, server, chid);
      expect(server.priority).toBe(expected);
    }
  });

  it('13.5.62 should run a pulse receiver at the pulse priority', () => {
    const { kernel, server, client, chid, coid } = world();
    kernel.msgSendPulse(client, coid, 15, 1, 1);
    receive(kernel, server, chid);
    expect(server.priority).toBe(15);
  });

  it('13.5.63 should boost busy server threads of the channel when a client queues at 30', () => {
    const { kernel, server, serverP, client, clientP, chid, coid } = world();
    const idle = kernel.createThread(serverP);
    send(kernel, client, coid, 'first');
    receive(kernel, server, chid); // server busy, last received on chid, at 10
    const hi = kernel.createThread(clientP, { priority: 30 });
    const hiCoid = kernel.connectAttach(hi, 0, serverP.pid, chid, _NTO_SIDE_CHANNEL, 0);
    send(kernel, hi, hiCoid, 'urgent');
    expect(server.priority).toBe(30);
    expect(idle.priority).toBe(10); // never received on chid
  });

  it('13.5.64 should refuse MsgSendPulse to another user with EPERM', () => {
    const kernel = new Kernel({ scheduler: new VirtualClock() });
    const a = kernel.createThread(kernel.createProcess({ uid: 100 }));
    const bP = kernel.createProcess({ uid: 200, abilities: [PROCMGR_AID_PUBLIC_CHANNEL] });
    const b = kernel.createThread(bP);
    const chid = kernel.channelCreate(b, 0);
    const coid = kernel.connectAttach(a, 0, bP.pid, chid, _NTO_SIDE_CHANNEL, 0);
    expect(codeOf(() => kernel.msgSendPulse(a, coid, 10, 1, 1))).toBe('EPERM');
    const sameUser = kernel.createThread(kernel.createProcess({ uid: 200 }));
    const coid2 = kernel.connectAttach(sameUser, 0, bP.pid, chid, _NTO_SIDE_CHANNEL, 0);
    expect(kernel.msgSendPulse(sameUser, coid2, 10, 1, 1)).toBe(0);
  });

  it('13.5.65 should deliver an event through MsgDeliverEvent after the reply', () => {
    const { kernel, server, client, clientP, chid, coid } = world();
    const listener = kernel.createThread(clientP);
    const back = kernel.connectAttach(listener, 0, 0, kernel.channelCreate(listener, _NTO_CHF_PRIVATE), _NTO_SIDE_CHANNEL, 0);
    send(kernel, client, coid, 'register');
    const rcvid = receive(kernel, server, chid).done.value!;
    kernel.msgReply(server, rcvid, 0);
    const p = receivePulse(kernel, listener, 1);
    kernel.msgDeliverEvent(server, rcvid, { sigev_notify: SIGEV_PULSE, sigev_coid: back, sigev_priority: 11, sigev_code: 7, sigev_value: { sival_int: 99 } });
    expect(readPulse(p.buf)).toMatchObject({ code: 7, value: { sival_int: 99 } });
  });

  it('13.5.66 should fail MsgDeliverEvent with ESRCH for a foreign coid and EBADF for a dead channel', () => {
    const { kernel, server, client, clientP, chid, coid } = world();
    const listener = kernel.createThread(clientP);
    const lchid = kernel.channelCreate(listener, _NTO_CHF_PRIVATE);
    const back = kernel.connectAttach(listener, 0, 0, lchid, _NTO_SIDE_CHANNEL, 0);
    send(kernel, client, coid, 'register');
    const rcvid = receive(kernel, server, chid).done.value!;
    const ev = (c: number) => ({ sigev_notify: SIGEV_PULSE, sigev_coid: c, sigev_priority: 10, sigev_code: 1, sigev_value: { sival_int: 0 } });
    expect(codeOf(() => kernel.msgDeliverEvent(server, rcvid, ev(12345)))).toBe('ESRCH');
    kernel.channelDestroy(listener, lchid);
    expect(codeOf(() => kernel.msgDeliverEvent(server, rcvid, ev(back)))).toBe('EBADF');
  });

  it('13.5.67 should send one timer pulse per second with sigev_code and sigev_value until disarmed', () => {
    const { kernel, clock, server, serverP, chid } = world();
    const self = kernel.connectAttach(server, 0, serverP.pid, chid, _NTO_SIDE_CHANNEL, 0);
    const id = kernel.timerCreate(server, CLOCK_MONOTONIC, { sigev_notify: SIGEV_PULSE, sigev_coid: self, sigev_priority: 10, sigev_code: 3, sigev_value: { sival_int: 8 } });
    kernel.timerSettime(server, id, 0, { nsec: 1e9, interval_nsec: 1e9 });
    const times: number[] = [];
    const loop = () => {
      const buf = new Uint8Array(16);
      kernel.msgReceive(server, chid, buf, null, () => {
        expect(readPulse(buf)).toMatchObject({ code: 3, value: { sival_int: 8 } });
        times.push(clock.now());
        loop();
      });
    };
    loop();
    clock.advanceBy(3500);
    expect(times).toEqual([1000, 2000, 3000]);
    kernel.timerSettime(server, id, 0, { nsec: 0, interval_nsec: 0 });
    clock.advanceBy(5000);
    expect(times).toHaveLength(3);
  });

  it('13.5.68 should fail TimerCreate with EBADF for a bad pulse coid and EINVAL for an unknown clock', () => {
    const { kernel, server } = world();
    const ev = { sigev_notify: SIGEV_PULSE, sigev_coid: 4321, sigev_priority: 10, sigev_code: 1, sigev_value: { sival_int: 0 } };
    expect(codeOf(() => kernel.timerCreate(server, CLOCK_MONOTONIC, ev))).toBe('EBADF');
    expect(codeOf(() => kernel.timerCreate(server, 77, ev))).toBe('EINVAL');
  });

  it('13.5.69 should deliver a priority -1 SIGEV_PULSE at the receiving process base priority', () => {
    const clock = new VirtualClock();
    const kernel = new Kernel({ scheduler: clock });
    const p = kernel.createProcess({ priority: 17 });
    const t = kernel.createThread(p);
    const chid = kernel.channelCreate(t, _NTO_CHF_PRIVATE | _NTO_CHF_FIXED_PRIORITY);
    const self = kernel.connectAttach(t, 0, 0, chid, _NTO_SIDE_CHANNEL, 0);
    const id = kernel.timerCreate(t, CLOCK_MONOTONIC, { sigev_notify: SIGEV_PULSE, sigev_coid: self, sigev_priority: -1, sigev_code: 1, sigev_value: { sival_int: 0 } });
    kernel.timerSettime(t, id, 0, { nsec: 1e6, interval_nsec: 0 });
    clock.advanceBy(1);
    expect(kernel.snapshot().processes[0]!.channels[0]!.sendQueue).toEqual(['pulse 1/0 @17']);
    const done = recorder();
    kernel.msgReceive(t, chid, new Uint8Array(16), null, done);
    expect(done.calls).toEqual([[0, 0]]);
  });
});
