// The C facade's durable extension (issue 25): a channel created with a durable name and a
// connection attached by name, in virtual time on the in-memory log; asyncmsg_free acknowledges.
import { describe, expect, it } from 'vitest';
import {
  asyncmsg_channel_create_durable, asyncmsg_connect_attach_durable, asyncmsg_flush, asyncmsg_free, asyncmsg_get, asyncmsg_put,
  createKernel, errno, strlen, useKernel, ENOTSUP,
} from '../../src/neutrino/index.js';
import { MemoryDurableLog, runVirtual, VirtualClock } from '../../src/testing/index.js';

describe('asyncmsg_*_durable (rxnto extensions of the C API)', () => {
  it('should put to a durable name before its channel exists, get in order, and acknowledge each message at asyncmsg_free', async () => {
    const clock = new VirtualClock();
    const log = new MemoryDurableLog({ scheduler: clock, latencyMs: 1 });
    useKernel(createKernel({ scheduler: clock, node: 'n1', net: { durable: { log, ackWaitMs: 200, fetchWaitMs: 20 } } }));
    const done: string[] = [];
    const texts = await runVirtual(clock, async () => {
      const aca = { buffer_size: 64, max_num_buffer: 8, trigger_num_msg: 2, trigger_time: { nsec: 0, interval_nsec: 0 }, call_back: (err: number, _b: unknown, h: number) => { done.push(`${h}:${err}`); } };
      const coid = asyncmsg_connect_attach_durable('logbook', 'p', 0, aca);
      expect(coid).not.toBe(-1);
      for (let i = 1; i <= 4; i++) {
        const msg = `entry ${i}`;
        expect(await asyncmsg_put(coid, msg, strlen(msg) + 1, i)).toBe(0);
      }
      await asyncmsg_flush(coid, 0); // every message stored
      const chid = asyncmsg_channel_create_durable('logbook', 0, 0o666, 64, 8, null, null);
      expect(chid).not.toBe(-1);
      const got: string[] = [];
      while (got.length < 4) {
        for (let h = await asyncmsg_get(chid); h !== null; h = h.next) {
          got.push(new TextDecoder().decode(h.iov[0]!.iov_base).replace(/\0$/, ''));
          asyncmsg_free(h);
        }
      }
      return got;
    });
    clock.advanceBy(100);
    expect(texts).toEqual(['entry 1', 'entry 2', 'entry 3', 'entry 4']);
    expect(done).toEqual(['1:0', '2:0', '3:0', '4:0']);
    expect(log.size().messages).toBe(0);
  });

  it('should fail ENOTSUP on a kernel without a durable log', async () => {
    useKernel(createKernel({ scheduler: new VirtualClock() }));
    expect(asyncmsg_channel_create_durable('x', 0, 0o666, 64, 8, null, null)).toBe(-1);
    expect(errno()).toBe(ENOTSUP);
  });
});
