// Bad input to the dispatch calls: -1 (or null) with EINVAL, and nothing already attached is lost.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EINVAL, MSG_FLAG_TYPE_PULSE, MsgReply, MsgSend, ConnectAttach, _NTO_SIDE_CHANNEL, dispatch_block, dispatch_context_alloc,
  dispatch_create, dispatch_create_channel, dispatch_handler, dispatch_timeout, errno, getpid, message_attach, message_detach,
  pthread_create, pulse_attach, resmgr_attach, iofunc_attr_init, S_IFNAM, _FTYPE_ANY, type message_context_t,
} from '../../src/neutrino/index.js';
import { program } from './helpers.js';

const badNumber = fc.oneof(fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 1.5, -0.5), fc.integer({ min: 0x10000, max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: -1 }));
const badCode = fc.oneof(fc.constantFrom(Number.NaN, 0.5), fc.integer({ min: 128, max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: -129 }));

describe('dispatch calls given bad input', () => {
  it('should fail with EINVAL and keep the attached range working', async () => {
    await fc.assert(fc.asyncProperty(badNumber, badCode, async (n, code) => {
      const got = await program(async () => {
        const dpp = dispatch_create()!;
        message_attach(dpp, null, 0x5000, 0x5000, (ctp: message_context_t) => { MsgReply(ctp.rcvid, 42, null, 0); return 0; }, null);
        const out = [
          message_attach(dpp, null, n, 0x6000, () => 0, null), errno(),
          message_attach(dpp, null, 0x6000, n, () => 0, null), errno(),
          pulse_attach(dpp, 0, code, () => 0, null), errno(),
          message_attach(dpp, { flags: MSG_FLAG_TYPE_PULSE, nparts_max: 1, msg_max_size: 0 }, code, code, () => 0, null), errno(),
          message_attach(dpp, { flags: 0, nparts_max: 1, msg_max_size: n }, 0x7000, 0x7000, () => 0, null) === -1 ? -1 : 0,
          message_detach(dpp, n, n, 0), errno(),
          dispatch_timeout(dpp, -Math.abs(n) - 1), errno(),
          dispatch_create_channel(n === -1 ? -2 : n, 0) === null ? -1 : 0, errno(),
          resmgr_attach(dpp, null, 'relative/path', _FTYPE_ANY, 0, {}, {}, (() => { const a = {}; iofunc_attr_init(a, S_IFNAM | 0o666, null, null); return a as never; })()), errno(),
        ];
        // the range attached first still answers
        const ctp = dispatch_context_alloc(dpp)!;
        const coid = ConnectAttach(0, getpid(), dpp.chid, _NTO_SIDE_CHANNEL, 0);
        let status = 0;
        pthread_create(null, null, async () => { status = await MsgSend(coid, new Uint8Array([0, 0x50]), 2, null, 0); }, null);
        const r = await dispatch_block(ctp);
        await dispatch_handler(r);
        await Promise.resolve();
        return { out, status };
      });
      const [a1, e1, a2, e2, p1, e3, p2, e4, size, d1, e5, t1, e6, c1, e7, r1, e8] = got.out;
      expect([a1, e1, a2, e2, p1, e3, p2, e4]).toEqual([-1, EINVAL, -1, EINVAL, -1, EINVAL, -1, EINVAL]);
      if (!Number.isInteger(n) || n < 0) expect(size).toBe(-1);
      expect([d1, e5, t1, e6, c1, e7, r1, e8]).toEqual([-1, EINVAL, -1, EINVAL, -1, EINVAL, -1, EINVAL]);
      expect(got.status).toBe(42);
    }), { numRuns: 50 });
  });
});
