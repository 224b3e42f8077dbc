// qnx-model.md §13.8: the dispatch layer and the thread pool, one test per numbered behaviour,
// plus the choices of §11 (overlap EEXIST, NOLOCK freezes the table, dispatch_timeout(NULL) cancels).
import { describe, expect, it } from 'vitest';
import {
  ChannelCreate, ConnectAttach, DISPATCH_FLAG_NOLOCK, EINTR, _NTO_CHF_COID_DISCONNECT, _NTO_CHF_UNBLOCK, defaultKernel, gettid, EAGAIN, EBUSY, EEXIST, EINVAL, ETIMEDOUT, MSG_FLAG_ALLOC_PULSE,
  MSG_FLAG_DEFAULT_FUNC, MSG_FLAG_TYPE_PULSE, MsgReply, MsgSend, MsgSendPulse, _NTO_CHF_DISCONNECT, _NTO_SIDE_CHANNEL,
  _PULSE_CODE_COIDDEATH, _PULSE_CODE_UNBLOCK, dispatch_block, dispatch_context_alloc, dispatch_context_free, dispatch_create,
  dispatch_create_channel, dispatch_destroy, dispatch_handler, dispatch_timeout, dispatch_unblock, errno, getpid, message_attach,
  message_connect, message_detach, pthread_create, pulse_attach, pulse_detach, pulse_of, sleep, thread_pool_create,
  thread_pool_destroy, thread_pool_limits, thread_pool_start,
  type dispatch_context_t, type dispatch_t, type message_context_t, type thread_pool_attr_t,
} from '../../src/neutrino/index.js';
import { program } from './helpers.js';

/** A client thread sends a message of `type` (`len` bytes); resolves to [MsgSend's result, its errno]. */
const send = (coid: number, type: number, len = 2): Promise<[number, number]> => {
  const m = new Uint8Array(Math.max(len, 0));
  if (len >= 2) m.set([type & 0xff, type >> 8]);
  else if (len === 1) m[0] = type & 0xff;
  return new Promise((resolve) => {
    pthread_create(null, null, async () => {
      const r = await MsgSend(coid, m, len, null, 0);
      resolve([r, r === -1 ? errno() : 0]);
    }, null);
  });
};
/** One dispatch round: block, then handle; returns what dispatch_handler returned. */
async function round(ctp: dispatch_context_t): Promise<number> {
  const got = await dispatch_block(ctp);
  return got === null ? -2 : dispatch_handler(got);
}
function clientOf(dpp: dispatch_t): number {
  return ConnectAttach(0, getpid(), dpp.chid, _NTO_SIDE_CHANNEL, 0);
}
const poolAttr = (dpp: dispatch_t, lo: number, hi: number, inc: number, max: number, handler = dispatch_handler): thread_pool_attr_t<dispatch_t, dispatch_context_t> => ({
  handle: dpp, context_alloc: dispatch_context_alloc, block_func: dispatch_block, unblock_func: dispatch_unblock,
  handler_func: handler, context_free: dispatch_context_free, lo_water: lo, hi_water: hi, increment: inc, maximum: max,
});

describe('§13.8 dispatch layer', () => {
  it('13.8.92 should route 0x5000 and 0x5fff to the range handler with code = type, and answer 0x6000 ENOSYS', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create()!;
      const seen: number[] = [];
      message_attach(dpp, null, 0x5000, 0x5fff, (ctp: message_context_t, code) => { seen.push(code); MsgReply(ctp.rcvid, 0, null, 0); return 0; }, null);
      const ctp = dispatch_context_alloc(dpp)!;
      const coid = clientOf(dpp);
      const out: Array<number | string> = [];
      for (const type of [0x5000, 0x5fff, 0x6000]) {
        const reply = send(coid, type);
        out.push(await round(ctp), ...(await reply));
      }
      return [seen, out];
    });
    expect(got).toEqual([[0x5000, 0x5fff], [0, 0, 0, 0, 0, 0, -1, -1, 89]]);
  });

  it('13.8.93 should answer a 1-byte message EINVAL', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create()!;
      message_attach(dpp, null, 0, 0xffff, () => 0, null);
      const ctp = dispatch_context_alloc(dpp)!;
      const reply = send(clientOf(dpp), 7, 1);
      return [await round(ctp), ...(await reply)];
    });
    expect(got).toEqual([-1, -1, EINVAL]);
  });

  it('13.8.94 should give an unmatched message to the default handler, with no automatic ENOSYS', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create()!;
      message_attach(dpp, null, 0x5000, 0x5000, () => 0, null);
      message_attach(dpp, { flags: MSG_FLAG_DEFAULT_FUNC, nparts_max: 1, msg_max_size: 0 }, 0, 0, (ctp: message_context_t, code) => { MsgReply(ctp.rcvid, code, null, 0); return 0; }, null);
      const ctp = dispatch_context_alloc(dpp)!;
      const reply = send(clientOf(dpp), 0x7123);
      return [await round(ctp), ...(await reply)];
    });
    expect(got).toEqual([0, 0x7123, 0]);
  });

  it('13.8.95 should allocate pulse codes 0, 1, 2 … and fail with EAGAIN once 0..127 are taken', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create()!;
      const codes: number[] = [];
      for (let i = 0; i < 128; i++) codes.push(pulse_attach(dpp, MSG_FLAG_ALLOC_PULSE, 0, () => 0, null));
      const last = pulse_attach(dpp, MSG_FLAG_ALLOC_PULSE, 0, () => 0, null);
      return [codes.slice(0, 3), codes.at(-1), last, errno()];
    });
    expect(got).toEqual([[0, 1, 2], 127, -1, EAGAIN]);
  });

  it('13.8.96 should refuse a context while nothing is attached (EINVAL)', async () => {
    expect(await program(async () => [dispatch_context_alloc(dispatch_create()!), errno()])).toEqual([null, EINVAL]);
  });

  it('13.8.97 should refuse a larger msg_max_size once a context exists (EINVAL), but accept a smaller one', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create()!;
      message_attach(dpp, { flags: 0, nparts_max: 1, msg_max_size: 1024 }, 0x5000, 0x50ff, () => 0, null);
      dispatch_context_alloc(dpp);
      const small = message_attach(dpp, { flags: 0, nparts_max: 1, msg_max_size: 100 }, 0x5100, 0x51ff, () => 0, null);
      const big = message_attach(dpp, { flags: 0, nparts_max: 1, msg_max_size: 4096 }, 0x5200, 0x52ff, () => 0, null);
      const e1 = errno();
      const parts = message_attach(dpp, { flags: 0, nparts_max: 4, msg_max_size: 0 }, 0x5300, 0x53ff, () => 0, null);
      return [small, big, e1, parts, errno()];
    });
    expect(got).toEqual([0, -1, EINVAL, -1, EINVAL]);
  });

  it('13.8.98 should return the context with rcvid -1 (ETIMEDOUT) after the dispatch timeout; the handler returns -1', async () => {
    const got = await program(async (clock) => {
      const dpp = dispatch_create()!;
      message_attach(dpp, null, 0x5000, 0x5000, () => 0, null);
      dispatch_timeout(dpp, 1e9);
      const ctp = dispatch_context_alloc(dpp)!;
      const r = await dispatch_block(ctp);
      const out = [r === ctp, ctp.rcvid, errno(), clock.now(), dispatch_handler(ctp)];
      // the timeout persists for every later block; NULL cancels it
      await dispatch_block(ctp);
      out.push(clock.now());
      dispatch_timeout(dpp, null);
      const again = dispatch_block(ctp);
      await sleep(5);
      out.push(ctp.rcvid);
      MsgSendPulse(clientOf(dpp), 10, 3, 0);
      await again;
      out.push(ctp.rcvid);
      return out;
    });
    expect(got).toEqual([true, -1, ETIMEDOUT, 1000, -1, 2000, -1, 0]);
  });

  it('13.8.99 should wake exactly one blocked thread with an UNBLOCK pulse of value 0', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create()!;
      message_attach(dpp, null, 0x5000, 0x5000, () => 0, null);
      const woke: Array<[number, number]> = [];
      const ctps = [dispatch_context_alloc(dpp)!, dispatch_context_alloc(dpp)!];
      for (const ctp of ctps) {
        pthread_create(null, null, async () => {
          const r = await dispatch_block(ctp);
          if (r !== null) woke.push([pulse_of(r.msg).code, pulse_of(r.msg).value.sival_int]);
        }, null);
      }
      await sleep(0.001);
      dispatch_unblock(ctps[0]!);
      await sleep(0.001);
      return woke;
    });
    expect(got).toEqual([[_PULSE_CODE_UNBLOCK, 0]]);
  });

  it('13.8.100 should remove a range with message_detach (later messages ENOSYS); detaching an unknown range is -1', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create()!;
      message_attach(dpp, null, 0x5000, 0x5fff, () => 0, null);
      message_attach(dpp, null, 0x7000, 0x7000, () => 0, null);
      const ctp = dispatch_context_alloc(dpp)!;
      const d = message_detach(dpp, 0x5000, 0x5fff, 0);
      const reply = send(clientOf(dpp), 0x5001);
      const out = [d, await round(ctp), ...(await reply), message_detach(dpp, 0x1000, 0x2000, 0), errno()];
      return out;
    });
    expect(got).toEqual([0, -1, -1, 89, -1, EINVAL]);
  });

  it('13.8.104 should refuse _PULSE_CODE_COIDDEATH on a channel without COID_DISCONNECT (EBUSY)', async () => {
    const got = await program(async () => {
      ChannelCreate(0x40); // this process's death channel: the dispatch's channel will not get COID_DISCONNECT
      const dpp = dispatch_create_channel(ChannelCreate(_NTO_CHF_DISCONNECT), 0)!;
      return [pulse_attach(dpp, 0, _PULSE_CODE_COIDDEATH, () => 0, null), errno()];
    });
    expect(got).toEqual([-1, EBUSY]);
  });
});

describe('dispatch layer choices (§11)', () => {
  it('should refuse overlapping ranges with EEXIST and out-of-range values with EINVAL', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create()!;
      const out = [message_attach(dpp, null, 0x5000, 0x5fff, () => 0, null)];
      out.push(message_attach(dpp, null, 0x5800, 0x6000, () => 0, null), errno());
      out.push(message_attach(dpp, null, 0x6000, 0x10000, () => 0, null), errno());
      out.push(message_attach(dpp, null, 0x6001, 0x6000, () => 0, null), errno());
      out.push(message_attach(dpp, { flags: MSG_FLAG_TYPE_PULSE, nparts_max: 1, msg_max_size: 0 }, -129, 0, () => 0, null), errno());
      out.push(pulse_attach(dpp, 0, 5, () => 0, null), pulse_attach(dpp, 0, 5, () => 0, null), errno());
      out.push(pulse_detach(dpp, 5, 0), pulse_attach(dpp, MSG_FLAG_ALLOC_PULSE, 0, () => 0, null));
      return out;
    });
    expect(got).toEqual([0, -1, EEXIST, -1, EINVAL, -1, EINVAL, -1, EINVAL, 5, -1, EEXIST, 0, 0]);
  });

  it('should freeze the table under DISPATCH_FLAG_NOLOCK once a context exists', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create_channel(-1, DISPATCH_FLAG_NOLOCK)!;
      const before = message_attach(dpp, null, 0x5000, 0x5000, () => 0, null);
      dispatch_context_alloc(dpp);
      return [before, message_attach(dpp, null, 0x6000, 0x6000, () => 0, null), errno(), message_detach(dpp, 0x5000, 0x5000, 0), errno(), dispatch_create_channel(-1, 0x80), errno()];
    });
    expect(got).toEqual([0, -1, EINVAL, -1, EINVAL, null, EINVAL]);
  });

  it('should create the channel lazily with UNBLOCK|DISCONNECT, connect to it, and destroy only its own channel', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create()!;
      const before = dpp.chid;
      pulse_attach(dpp, MSG_FLAG_ALLOC_PULSE, 0, () => 0, null);
      const coid = message_connect(dpp, 0x200);
      const mine = ChannelCreate(0);
      const given = dispatch_create_channel(mine, 0)!;
      message_attach(given, null, 1000, 1000, () => 0, null);
      dispatch_destroy(given);
      const ownGone = dispatch_destroy(dpp);
      return [before, dpp.chid > 0, coid >= _NTO_SIDE_CHANNEL, ConnectAttach(0, getpid(), mine, 0, 0) >= 0, ownGone, ConnectAttach(0, getpid(), dpp.chid, 0, 0)];
    });
    expect(got).toEqual([-1, true, true, true, 0, -1]);
  });
});

describe('§13.8 thread pool', () => {
  async function idlePool(lo: number, hi: number, inc: number, max: number) {
    const dpp = dispatch_create()!;
    let release: (() => void) | null = null;
    message_attach(dpp, null, 0x5000, 0x5000, (ctp: message_context_t) => new Promise<number>((r) => {
      release = () => { MsgReply(ctp.rcvid, 0, null, 0); r(0); };
    }), null);
    const pool = thread_pool_create(poolAttr(dpp, lo, hi, inc, max), 0)!;
    await thread_pool_start(pool);
    await sleep(0.001);
    return { dpp, pool, release: () => release!() };
  }

  it('13.8.101 should keep 2 blocked when idle, 2 others while one works, 3 after; never above 4 waiting', async () => {
    const got = await program(async () => {
      const { dpp, pool, release } = await idlePool(2, 4, 1, 50);
      const out = [pool.waiting, pool.created];
      const reply = send(clientOf(dpp), 0x5000);
      await sleep(0.001);
      out.push(pool.waiting, pool.created);
      release();
      await reply;
      await sleep(0.001);
      out.push(pool.waiting, pool.created);
      // a burst of 10 requests held at once: 50 allowed, waiting stays ≤ hi_water
      const held: Array<Promise<[number, number]>> = [];
      for (let i = 0; i < 10; i++) held.push(send(clientOf(dpp), 0x5000));
      await sleep(0.001);
      out.push(pool.waiting <= 4 ? 1 : 0, pool.created);
      return out;
    });
    expect(got).toEqual([2, 2, 2, 3, 3, 3, 1, 12]);
  });

  it('13.8.102 should normalise hi_water to maximum and lo_water to hi_water', async () => {
    const got = await program(async () => {
      const a = await idlePool(2, 10, 1, 5);
      const b = await idlePool(8, 4, 1, 50);
      return [a.pool['policy'].limits.hi_water, b.pool['policy'].limits.lo_water, b.pool.waiting];
    });
    expect(got).toEqual([5, 4, 4]);
  });

  it('13.8.103 should return from thread_pool_destroy only after every thread exited and freed its context', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create()!;
      message_attach(dpp, null, 0x5000, 0x5000, () => 0, null);
      let freed = 0;
      const attr = { ...poolAttr(dpp, 3, 5, 1, 10), context_free: () => { freed++; } };
      const pool = thread_pool_create(attr, 0)!;
      await thread_pool_start(pool);
      await sleep(0.001);
      const before = pool.created;
      const r = await thread_pool_destroy(pool);
      return [before, r, pool.created, freed];
    });
    expect(got).toEqual([3, 0, 0, 3]);
  });

  it('should change limits with thread_pool_limits: grow to a new lo_water, shed above a new hi_water', async () => {
    const got = await program(async () => {
      const { pool } = await idlePool(2, 4, 1, 50);
      thread_pool_limits(pool, 4, 6, -1, -1, 0);
      await sleep(0.001);
      const grown = pool.waiting;
      thread_pool_limits(pool, 1, 1, -1, -1, 0);
      await sleep(0.001);
      return [grown, pool.waiting, pool.created, thread_pool_limits(pool, 1.5, 1, 1, 1, 0), errno()];
    });
    expect(got).toEqual([4, 1, 1, -1, EINVAL]);
  });
});

describe('thread pool and resource-manager edges', () => {
  it('should make the caller a pool thread with POOL_FLAG_USE_SELF (thread_pool_start never resolves)', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create()!;
      message_attach(dpp, null, 0x5000, 0x5000, (ctp: message_context_t) => { MsgReply(ctp.rcvid, 7, null, 0); return 0; }, null);
      const pool = thread_pool_create(poolAttr(dpp, 1, 2, 1, 3), 0x2)!;
      let returned = false;
      pthread_create(null, null, async () => { await thread_pool_start(pool); returned = true; }, null);
      await sleep(0.001);
      const reply = await send(clientOf(dpp), 0x5000);
      return [pool.created, reply[0], returned];
    });
    expect(got).toEqual([2, 7, false]); // the caller, and one grown while it worked
  });

  it('should refuse a pool attr without functions or with limits above 0xffff (EINVAL), and a second start', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create()!;
      message_attach(dpp, null, 0x5000, 0x5000, () => 0, null);
      const bad = thread_pool_create({ ...poolAttr(dpp, 1, 2, 1, 3), block_func: null as never }, 0);
      const e1 = errno();
      const big = thread_pool_create(poolAttr(dpp, 1, 2, 1, 0x10000), 0);
      const pool = thread_pool_create(poolAttr(dpp, 1, 2, 1, 3), 0)!;
      await thread_pool_start(pool);
      return [bad, e1, big, await thread_pool_start(pool), errno()];
    });
    expect(got).toEqual([null, EINVAL, null, -1, EINVAL]);
  });
});

describe('dispatch layer details of §6.1, §6.5 and §6.6', () => {
  it('should make the lazy channel UNBLOCK | DISCONNECT, with COID_DISCONNECT only for the first handle that claims it', async () => {
    const got = await program(async () => {
      const a = dispatch_create()!;
      const b = dispatch_create()!;
      message_attach(a, null, 0x5000, 0x5000, () => 0, null);
      message_attach(b, null, 0x5000, 0x5000, () => 0, null);
      const flags = (d: dispatch_t) => defaultKernel().getProcess(getpid())!.channels.get(d.chid)!.flags;
      return [flags(a), flags(b)];
    });
    expect(got).toEqual([_NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT | _NTO_CHF_COID_DISCONNECT, _NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT]);
  });

  it('should return -1 from dispatch_handler for a pulse no range takes, and give it to the default handler if there is one', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create()!;
      message_attach(dpp, null, 0x5000, 0x5000, () => 0, null);
      const ctp = dispatch_context_alloc(dpp)!;
      const coid = message_connect(dpp, 0x200);
      MsgSendPulse(coid, 10, 9, 0);
      const unmatched = await round(ctp);
      message_attach(dpp, { flags: MSG_FLAG_DEFAULT_FUNC, nparts_max: 1, msg_max_size: 0 }, 0, 0, (_ctp: message_context_t, code) => 100 + code, null);
      MsgSendPulse(coid, 10, 9, 0);
      return [unmatched, await round(ctp)];
    });
    expect(got).toEqual([-1, 109]);
  });

  it('should return null with EINTR from dispatch_block when the thread is unblocked', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create()!;
      message_attach(dpp, null, 0x5000, 0x5000, () => 0, null);
      const ctp = dispatch_context_alloc(dpp)!;
      let result: unknown = 'pending';
      let err = 0;
      let tid = 0;
      pthread_create(null, null, async () => { tid = gettid(); result = await dispatch_block(ctp); err = errno(); }, null);
      await sleep(0.001);
      const k = defaultKernel();
      k.unblock(k.getProcess(getpid())!.threads.get(tid)!);
      await sleep(0.001);
      return [result, err];
    });
    expect(got).toEqual([null, EINTR]);
  });

  it('should change nothing when an attach fails: the sizes stay as they were', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create()!;
      message_attach(dpp, { flags: 0, nparts_max: 1, msg_max_size: 600 }, 0x5000, 0x5fff, () => 0, null);
      const overlap = message_attach(dpp, { flags: 0, nparts_max: 4, msg_max_size: 9000 }, 0x5800, 0x6000, () => 0, null);
      return [overlap, errno(), dispatch_context_alloc(dpp)!.msg.length];
    });
    expect(got).toEqual([-1, EEXIST, 600]);
  });
});
