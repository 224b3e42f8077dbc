// Bad input to every kernel call: a KernelError with the model's errno, nothing else thrown, and
// nothing already queued is touched (the snapshot is unchanged and no continuation runs).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLOCK_MONOTONIC, SIGEV_PULSE, _NTO_CHF_UNBLOCK, _NTO_SIDE_CHANNEL, _NTO_TIMEOUT_SEND, emptyMsgInfo,
  isKernelError, type ErrnoCode,
} from '../../../src/kernel/index.js';
import { recorder, send, receive, world } from '../helpers.js';

/** Integers no fixture id can be: large (with a big low half, so never an rcvid), negative, or not integers. */
const badInt = fc.oneof(
  fc.integer({ min: 100_000, max: 2 ** 30 - 1 }).filter((v) => (v & 0xffff) >= 1000),
  fc.integer({ min: -(2 ** 31), max: -2 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 1.5, -0.25),
);

/** A world with queued work: a SEND-blocked and a REPLY-blocked client, a queued pulse, a timer. */
function busyWorld() {
  const w = world(_NTO_CHF_UNBLOCK);
  const { kernel, server, client, clientP, serverP, chid, coid } = w;
  const c2 = kernel.createThread(clientP);
  const c3 = kernel.createThread(clientP);
  const s1 = send(kernel, client, coid, 'first');
  const r = receive(kernel, server, chid);
  const s2 = send(kernel, c2, coid, 'second');
  kernel.msgSendPulse(c3, coid, 12, 3, 4);
  const self = kernel.connectAttach(server, 0, serverP.pid, chid, _NTO_SIDE_CHANNEL, 0);
  const timer = kernel.timerCreate(server, CLOCK_MONOTONIC, { sigev_notify: SIGEV_PULSE, sigev_coid: self, sigev_priority: 10, sigev_code: 1, sigev_value: { sival_int: 0 } });
  kernel.timerSettime(server, timer, 0, { nsec: 5e9, interval_nsec: 0 });
  const caller = kernel.createThread(serverP);
  return { ...w, caller, fired: [s1.done, s2.done, r.done] };
}

type Call = (x: number, ctx: ReturnType<typeof busyWorld>) => void;

/** Index is a C `unsigned`: a negative one has the side-channel bit, so only fd-space overflows are bad. */
const badIndex = fc.oneof(fc.integer({ min: 1000, max: _NTO_SIDE_CHANNEL - 1 }), fc.constantFrom(Number.NaN, 2.5));
/** Pulse codes are 8-bit signed: anything outside -128..127. */
/** An nd that names no node: an nd whose node bits are 0 (QoS bits only) is this node, as in QNX. */
const badNd = badInt.filter((v) => !Number.isInteger(v) || (v & 0xffff) !== 0);

const badCode = fc.oneof(fc.integer({ min: 128, max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: -129 }), fc.constant(0.5));

const CALLS: Record<string, [Call, readonly ErrnoCode[], fc.Arbitrary<number>?]> = {
  ChannelCreate: [(x, { kernel, caller }) => kernel.channelCreate(caller, x), ['EINVAL']],
  ChannelDestroy: [(x, { kernel, caller }) => kernel.channelDestroy(caller, x), ['EINVAL']],
  'ConnectAttach chid': [(x, { kernel, caller, serverP }) => kernel.connectAttach(caller, 0, serverP.pid, x, 0, 0), ['ESRCH', 'EINVAL']],
  'ConnectAttach pid': [(x, { kernel, caller, chid }) => kernel.connectAttach(caller, 0, x, chid, 0, 0), ['ESRCH', 'EINVAL']],
  'ConnectAttach index': [(x, { kernel, caller, serverP, chid }) => kernel.connectAttach(caller, 0, serverP.pid, chid, x, 0), ['EINVAL'], badIndex],
  'ConnectAttach flags': [(x, { kernel, caller, serverP, chid }) => kernel.connectAttach(caller, 0, serverP.pid, chid, 0, x), ['EINVAL']],
  'ConnectAttach nd': [(x, { kernel, caller, serverP, chid }) => kernel.connectAttach(caller, x, serverP.pid, chid, 0, 0), ['ENOREMOTE', 'EINVAL'], badNd],
  ConnectDetach: [(x, { kernel, caller }) => kernel.connectDetach(caller, x), ['EINVAL']],
  ConnectServerInfo: [(x, { kernel, caller }) => kernel.connectServerInfo(caller, x, 0, emptyMsgInfo()), ['ESRCH', 'EINVAL']],
  MsgSend: [(x, { kernel, caller }) => kernel.msgSend(caller, x, new Uint8Array(1), new Uint8Array(1), () => {}), ['EBADF', 'EINVAL']],
  MsgReceive: [(x, { kernel, caller }) => kernel.msgReceive(caller, x, new Uint8Array(16), null, () => {}), ['ESRCH', 'EINVAL']],
  MsgReceivePulse: [(x, { kernel, caller }) => kernel.msgReceivePulse(caller, x, new Uint8Array(16), () => {}), ['ESRCH', 'EINVAL']],
  MsgReply: [(x, { kernel, caller }) => kernel.msgReply(caller, x, 0), ['ESRCH', 'EINVAL']],
  MsgError: [(x, { kernel, caller }) => kernel.msgError(caller, x, 5), ['ESRCH', 'EINVAL']],
  MsgRead: [(x, { kernel, caller }) => kernel.msgRead(caller, x, new Uint8Array(4), 4, 0), ['ESRCH', 'EINVAL']],
  MsgWrite: [(x, { kernel, caller }) => kernel.msgWrite(caller, x, new Uint8Array(4), 4, 0), ['ESRCH', 'EINVAL']],
  MsgInfo: [(x, { kernel, caller }) => kernel.msgInfo(caller, x, emptyMsgInfo()), ['ESRCH', 'EINVAL']],
  'MsgSendPulse coid': [(x, { kernel, caller }) => kernel.msgSendPulse(caller, x, 10, 1, 1), ['EBADF', 'EINVAL']],
  'MsgSendPulse priority': [(x, { kernel, client, coid }) => kernel.msgSendPulse(client, coid, x, 1, 1), ['EINVAL']],
  'MsgSendPulse code': [(x, { kernel, client, coid }) => kernel.msgSendPulse(client, coid, 10, x, 1), ['EINVAL'], badCode],
  MsgDeliverEvent: [(x, { kernel, caller }) => kernel.msgDeliverEvent(caller, x, { sigev_notify: SIGEV_PULSE, sigev_coid: 1, sigev_priority: 10 }), ['ESRCH', 'EINVAL']],
  TimerTimeout: [(x, { kernel, caller }) => kernel.timerTimeout(caller, x, _NTO_TIMEOUT_SEND, null, 1), ['EINVAL']],
  'TimerCreate clock': [(x, { kernel, caller }) => kernel.timerCreate(caller, x, { sigev_notify: 0 }), ['EINVAL']],
  'TimerCreate coid': [(x, { kernel, caller }) => kernel.timerCreate(caller, CLOCK_MONOTONIC, { sigev_notify: SIGEV_PULSE, sigev_coid: x, sigev_priority: 10 }), ['EBADF', 'EINVAL']],
  TimerSettime: [(x, { kernel, caller }) => kernel.timerSettime(caller, x, 0, { nsec: 1, interval_nsec: 0 }), ['EINVAL']],
  TimerDestroy: [(x, { kernel, caller }) => kernel.timerDestroy(caller, x), ['EINVAL']],
  name_detach: [(x, { kernel, caller }) => kernel.nameDetach(caller, x), ['EINVAL']],
  procmgr_ability: [(x, { kernel, caller }) => kernel.procmgrAbility(caller, x, []), ['ESRCH', 'EINVAL']],
};

describe('Kernel (bad input)', () => {
  for (const [name, [call, codes, gen]] of Object.entries(CALLS)) {
    it(`should fail ${name} with ${codes.join(' or ')} and leave queued work untouched`, () => {
      fc.assert(
        fc.property(gen ?? badInt, (x) => {
          const ctx = busyWorld();
          const before = JSON.stringify(ctx.kernel.snapshot());
          const calls = ctx.fired.map((d) => d.calls.length);
          let code = 'no error';
          try { call(x, ctx); } catch (e) {
            if (!isKernelError(e)) throw e;
            code = e.code;
          }
          expect(codes).toContain(code);
          expect(JSON.stringify(ctx.kernel.snapshot())).toBe(before);
          expect(ctx.fired.map((d) => d.calls.length)).toEqual(calls);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('should refuse bad names with EINVAL', () => {
    const { kernel, server, client } = world();
    fc.assert(fc.property(fc.constantFrom('', '/x', 'a/../b', '..'), (name) => {
      expect(() => kernel.nameAttach(server, name, 0)).toThrow(/EINVAL/);
      const done = recorder();
      expect(() => kernel.nameOpen(client, name, 0, done)).toThrow(/EINVAL/);
    }));
  });
});
