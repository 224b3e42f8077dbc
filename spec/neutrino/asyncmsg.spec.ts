// qnx-model.md §13.7: asynchronous messaging, one test per numbered behaviour.
import { describe, expect, it } from 'vitest';
import {
  ASYNCMSG_FLUSH_NONBLOCK, ASYNCMSG_RECVBUF_ALLOC, ASYNCMSG_RECVBUF_FREE, ChannelCreate, ConnectAttach, EAGAIN, EBADF, EMSGSIZE,
  MsgReceivePulse, SIGEV_PULSE_INIT, _NTO_CHF_ASYNC_NONBLOCK, _NTO_CHF_PRIVATE, _NTO_COF_NONBLOCK, _NTO_SIDE_CHANNEL,
  asyncmsg_channel_create, asyncmsg_channel_destroy, asyncmsg_connect_attach, asyncmsg_connect_attr, asyncmsg_connect_detach,
  asyncmsg_flush, asyncmsg_free, asyncmsg_get, asyncmsg_malloc, asyncmsg_put, asyncmsg_putv, errno, getprio, gettid, getpid,
  pthread_create, setprio, sleep, spawn, delay, pulse_of, strlen,
  type _asyncmsg_connection_attr, type _asyncmsg_get_header, type sigevent,
} from '../../src/neutrino/index.js';
import { program } from './helpers.js';

const text = (h: _asyncmsg_get_header) => new TextDecoder().decode(h.iov[0]!.iov_base).replace(/\0$/, '');
const attr = (over: Partial<_asyncmsg_connection_attr> = {}): _asyncmsg_connection_attr => ({
  call_back: null, buffer_size: 2048, max_num_buffer: 5, trigger_num_msg: 1, trigger_time: { nsec: 0, interval_nsec: 0 }, ...over,
});
function list(h: _asyncmsg_get_header | null): _asyncmsg_get_header[] {
  const out: _asyncmsg_get_header[] = [];
  for (let x = h; x !== null; ) { const next = x.next; out.push(x); asyncmsg_free(x); x = next; }
  return out;
}
/** A pulse channel and event for asyncmsg_channel_create's `ev`. */
function eventChannel(): { pchid: number; ev: sigevent } {
  const pchid = ChannelCreate(_NTO_CHF_PRIVATE);
  const ev: sigevent = { sigev_notify: 0 };
  SIGEV_PULSE_INIT(ev, ConnectAttach(0, 0, pchid, _NTO_SIDE_CHANNEL, 0), -1, 5, 0);
  return { pchid, ev };
}

describe('§13.7 asynchronous messaging', () => {
  it('13.7.75 should show nothing before the count trigger, then all three in put order with the event', async () => {
    const got = await program(async () => {
      const { pchid, ev } = eventChannel();
      const chid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 2048, 5, ev, null);
      const coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ trigger_num_msg: 3 }));
      const out: Array<string | number | null | _asyncmsg_get_header> = [];
      await asyncmsg_put(coid, 'm0', undefined, 0, null);
      await asyncmsg_put(coid, 'm1', undefined, 0, null);
      out.push(await asyncmsg_get(chid), errno());
      await asyncmsg_put(coid, 'm2', undefined, 0, null);
      const p = new Uint8Array(16);
      out.push(await MsgReceivePulse(pchid, p, 16, null), pulse_of(p).code);
      out.push(...list(await asyncmsg_get(chid)).map(text));
      return out;
    });
    expect(got).toEqual([null, EAGAIN, 0, 5, 'm0', 'm1', 'm2']);
  });

  it('13.7.76 should show nothing with no triggers until a flush, which delivers the event', async () => {
    const got = await program(async () => {
      const { pchid, ev } = eventChannel();
      const chid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 2048, 5, ev, null);
      const coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ trigger_num_msg: 0 }));
      await asyncmsg_put(coid, 'a', undefined, 0, null);
      await asyncmsg_put(coid, 'b', undefined, 0, null);
      await sleep(10);
      const before = await asyncmsg_get(chid);
      await asyncmsg_flush(coid, ASYNCMSG_FLUSH_NONBLOCK);
      await MsgReceivePulse(pchid, new Uint8Array(16), 16, null);
      return [before, ...list(await asyncmsg_get(chid)).map(text)];
    });
    expect(got).toEqual([null, 'a', 'b']);
  });

  it('13.7.77 should deliver four quick puts together 2 s after the first put', async () => {
    const got = await program(async (clock) => {
      const { pchid, ev } = eventChannel();
      const chid = asyncmsg_channel_create(0, 0o666, 2048, 5, ev, null);
      const coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ trigger_num_msg: 0, trigger_time: { nsec: 2_000_000_000, interval_nsec: 0 } }));
      for (let i = 0; i < 4; i++) {
        await asyncmsg_put(coid, `m${i}`, undefined, 1234, null);
        await delay(100);
      }
      await MsgReceivePulse(pchid, new Uint8Array(16), 16, null);
      const at = clock.now();
      return [at, list(await asyncmsg_get(chid)).length];
    });
    expect(got).toEqual([2000, 4]);
  });

  it('13.7.78 should make every put visible at once with trigger_num_msg 1', async () => {
    const got = await program(async () => {
      const chid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 2048, 5, null, null);
      const coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr());
      const out: string[][] = [];
      for (const m of ['x', 'y']) {
        await asyncmsg_put(coid, m, undefined, 0, null);
        out.push(list(await asyncmsg_get(chid)).map(text));
      }
      return out;
    });
    expect(got).toEqual([['x'], ['y']]);
  });

  it('13.7.79 should return from a NONBLOCK flush at once, and from a blocking one after the receiver took everything', async () => {
    const got = await program(async (clock) => {
      const chid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 2048, 5, null, null);
      const coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ trigger_num_msg: 0 }));
      await asyncmsg_put(coid, 'a', undefined, 0, null);
      const out: Array<string | number> = [await asyncmsg_flush(coid, ASYNCMSG_FLUSH_NONBLOCK), `@${clock.now()}`];
      await asyncmsg_put(coid, 'b', undefined, 0, null);
      pthread_create(null, null, async () => { await sleep(3); out.push(`get ${list(await asyncmsg_get(chid)).map(text).join('')}`); }, null);
      out.push(await asyncmsg_flush(coid, 0), `@${clock.now()}`);
      await sleep(1);
      return out;
    });
    // the blocking flush returns once the get has taken both, at 3 s
    expect(got.slice(0, 2)).toEqual([0, '@0']);
    expect(got.slice(2).sort()).toEqual([0, '@3000', 'get ab'].sort());
  });

  it('13.7.80 should hold max_num_buffer − 1 messages: the fifth put waits, or fails EAGAIN with _NTO_COF_NONBLOCK', async () => {
    const got = await program(async () => {
      const chid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 2048, 5, null, null);
      const nb = asyncmsg_connect_attach(0, 0, chid, 0, _NTO_COF_NONBLOCK, attr({ trigger_num_msg: 0 }));
      const out: Array<string | number> = [];
      for (let i = 0; i < 4; i++) out.push(await asyncmsg_put(nb, `n${i}`, undefined, i, null));
      out.push(await asyncmsg_put(nb, 'n4', undefined, 4, null), errno() === EAGAIN ? 'EAGAIN' : errno());
      const bl = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ trigger_num_msg: 1 }));
      for (let i = 0; i < 4; i++) await asyncmsg_put(bl, `b${i}`, undefined, i, null);
      let fifth: number | string = 'waiting';
      // a thread blocked in put can do nothing else: the fifth put gets a thread of its own
      pthread_create(null, null, async () => { fifth = await asyncmsg_put(bl, 'b4', undefined, 4, null); }, null);
      await sleep(1);
      out.push(fifth);
      await asyncmsg_flush(nb, ASYNCMSG_FLUSH_NONBLOCK);
      // five per get, one connection at a time: bl's four (triggered first), then nb's first
      out.push(list(await asyncmsg_get(chid)).length);
      await sleep(1);
      // the get freed bl's slots: the fifth put went in; then nb's other three and bl's fifth
      out.push(fifth, list(await asyncmsg_get(chid)).length);
      return out;
    });
    expect(got).toEqual([0, 0, 0, 0, -1, 'EAGAIN', 'waiting', 5, 0, 4]);
  });

  it('13.7.81 should run each callback once after consumption with err 0, the buffer and the handle; a per-put one wins', async () => {
    const got = await program(async () => {
      const seen: string[] = [];
      const chid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 2048, 5, null, null);
      const mine = new Uint8Array([65, 0]);
      const coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ trigger_num_msg: 0, call_back: (err, buf, h) => { seen.push(`conn ${err} ${h} ${buf === mine}`); } }));
      await asyncmsg_put(coid, mine, 2, 7, null);
      await asyncmsg_put(coid, 'x', undefined, 8, (err, _b, h) => { seen.push(`own ${err} ${h}`); });
      seen.push('before get');
      await asyncmsg_flush(coid, ASYNCMSG_FLUSH_NONBLOCK);
      list(await asyncmsg_get(chid));
      await sleep(1);
      return seen;
    });
    expect(got).toEqual(['before get', 'conn 0 7 true', 'own 0 8']);
  });

  it('13.7.82 should run callbacks in put order on a library thread, not the putter', async () => {
    const got = await program(async () => {
      const tids: number[] = [];
      const order: number[] = [];
      const chid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 2048, 5, null, null);
      const coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ trigger_num_msg: 0, call_back: (_e, _b, h) => { order.push(h); tids.push(gettid()); } }));
      for (let i = 1; i <= 3; i++) await asyncmsg_put(coid, `m${i}`, undefined, i, null);
      await asyncmsg_flush(coid, ASYNCMSG_FLUSH_NONBLOCK);
      list(await asyncmsg_get(chid));
      return { order, putter: gettid(), tids: [...new Set(tids)] };
    });
    expect(got.order).toEqual([1, 2, 3]);
    expect(got.tids).toHaveLength(1);
    expect(got.tids[0]).not.toBe(got.putter);
  });

  it('13.7.83 should return at most max_num_buffer messages per get: 5, 5, 2, then EAGAIN', async () => {
    const got = await program(async () => {
      const chid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 64, 5, null, null);
      const coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ max_num_buffer: 16, trigger_num_msg: 0 }));
      for (let i = 0; i < 12; i++) await asyncmsg_put(coid, `${i}`, undefined, i, null);
      await asyncmsg_flush(coid, ASYNCMSG_FLUSH_NONBLOCK);
      const sizes: Array<number | string> = [];
      for (let h = await asyncmsg_get(chid); h !== null; h = await asyncmsg_get(chid)) sizes.push(list(h).length);
      sizes.push(errno() === EAGAIN ? 'EAGAIN' : errno());
      return sizes;
    });
    expect(got).toEqual([5, 5, 2, 'EAGAIN']);
  });

  it('13.7.84 should drain the connection triggered first before the next', async () => {
    const got = await program(async () => {
      const chid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 64, 10, null, null);
      const a = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ trigger_num_msg: 0 }));
      const b = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ trigger_num_msg: 0 }));
      await asyncmsg_put(b, 'b1', undefined, 0, null);
      await asyncmsg_put(a, 'a1', undefined, 0, null);
      await asyncmsg_put(b, 'b2', undefined, 0, null);
      await asyncmsg_put(a, 'a2', undefined, 0, null);
      await asyncmsg_flush(a, ASYNCMSG_FLUSH_NONBLOCK);
      await asyncmsg_flush(b, ASYNCMSG_FLUSH_NONBLOCK);
      return list(await asyncmsg_get(chid)).map(text);
    });
    expect(got).toEqual(['a1', 'a2', 'b1', 'b2']);
  });

  it('13.7.85 should block a get on an empty blocking channel until a connection triggers', async () => {
    const got = await program(async (clock) => {
      const chid = asyncmsg_channel_create(0, 0o666, 64, 5, null, null);
      const coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr());
      pthread_create(null, null, async () => { await sleep(2); await asyncmsg_put(coid, 'late', undefined, 0, null); }, null);
      const h = await asyncmsg_get(chid);
      return [list(h).map(text), clock.now()];
    });
    expect(got).toEqual([['late'], 2000]);
  });

  it('13.7.86 should complete undelivered messages with EBADF at detach; a later get never returns them', async () => {
    const got = await program(async () => {
      const seen: string[] = [];
      const chid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 64, 5, null, null);
      const coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ trigger_num_msg: 0, call_back: (e, _b, h) => { seen.push(`${h}:${e}`); } }));
      await asyncmsg_put(coid, 'a', undefined, 1, null);
      await asyncmsg_put(coid, 'b', undefined, 2, null);
      await asyncmsg_flush(coid, ASYNCMSG_FLUSH_NONBLOCK);
      asyncmsg_connect_detach(coid);
      seen.push(String(await asyncmsg_get(chid)));
      return seen;
    });
    expect(got).toEqual([`1:${EBADF}`, `2:${EBADF}`, 'null']);
  });

  it('13.7.87 should not copy at put: a change before the get is what the receiver sees', async () => {
    const got = await program(async () => {
      const chid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 64, 5, null, null);
      const coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ trigger_num_msg: 0 }));
      const buf = asyncmsg_malloc(3)!;
      buf.set([111, 108, 100]);
      await asyncmsg_put(coid, buf, 3, 0, null);
      buf.set([110, 101, 119]);
      await asyncmsg_flush(coid, ASYNCMSG_FLUSH_NONBLOCK);
      return list(await asyncmsg_get(chid)).map(text);
    });
    expect(got).toEqual(['new']);
  });

  it('13.7.88 should fill headers: sender pid, payload length, iov[0] payload, next null at the end', async () => {
    const got = await program(async () => {
      let chid = -1;
      const server = await spawn(async () => { chid = asyncmsg_channel_create(0, 0o666, 64, 5, null, null); await sleep(100); });
      const msg = 'Async Message Passing (msgid 0)\n';
      const client = await spawn(async () => {
        const coid = asyncmsg_connect_attach(0, server, chid, 0, 0, attr());
        await asyncmsg_put(coid, msg, strlen(msg) + 1, 1234, null);
      });
      await sleep(1);
      void client;
      return { client, got: null as unknown };
    });
    expect(got.client).toBeGreaterThan(0);
    const headers = await program(async () => {
      const chid = asyncmsg_channel_create(0, 0o666, 64, 5, null, null);
      const out: Array<{ pid: number; msglen: number; text: string; last: boolean }> = [];
      const client = await spawn(async () => {
        const coid = asyncmsg_connect_attach(0, 1, chid, 0, 0, attr({ trigger_num_msg: 2 }));
        for (const m of ['one', 'three']) await asyncmsg_put(coid, m, strlen(m) + 1, 0, null);
      });
      const h = await asyncmsg_get(chid);
      for (let x = h; x !== null; x = x.next) out.push({ pid: x.info.pid, msglen: x.info.msglen, text: text(x), last: x.next === null });
      return { client, me: getpid(), out };
    });
    expect(headers.out).toEqual([
      { pid: headers.client, msglen: 4, text: 'one', last: false },
      { pid: headers.client, msglen: 6, text: 'three', last: true },
    ]);
  });

  it('13.7.89 should fail a put on an unknown coid with EBADF', async () => {
    const got = await program(async () => [await asyncmsg_put(4242, 'x', undefined, 0, null), errno()]);
    expect(got).toEqual([-1, EBADF]);
  });

  it('13.7.90 should report the original attributes and apply a new trigger from the next put', async () => {
    const got = await program(async () => {
      const chid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 64, 5, null, null);
      const coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ trigger_num_msg: 0 }));
      const old = attr({ trigger_num_msg: 99 });
      asyncmsg_connect_attr(coid, old, attr({ trigger_num_msg: 1 }));
      await asyncmsg_put(coid, 'now', undefined, 0, null);
      return [old.trigger_num_msg, old.max_num_buffer, list(await asyncmsg_get(chid)).map(text)];
    });
    expect(got).toEqual([0, 5, ['now']]);
  });

  it('13.7.91 should not lend the sender priority to the receiver', async () => {
    const got = await program(async () => {
      const chid = asyncmsg_channel_create(0, 0o666, 64, 5, null, null);
      let receiverPrio = 0;
      pthread_create(null, null, async () => { list(await asyncmsg_get(chid)); receiverPrio = getprio(0); }, null);
      await spawn(async () => {
        setprio(0, 40);
        await asyncmsg_put(asyncmsg_connect_attach(0, 1, chid, 0, 0, attr()), 'hi', undefined, 0, null);
      });
      await sleep(1);
      return receiverPrio;
    });
    expect(got).toBe(10);
  });
});

describe('asyncmsg choices', () => {
  it('should truncate an oversized message to buffer_size and flag it EMSGSIZE for both sides', async () => {
    const got = await program(async () => {
      let cbErr = -1;
      const chid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 4, 5, null, null);
      const coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ call_back: (e) => { cbErr = e; } }));
      await asyncmsg_put(coid, new TextEncoder().encode('abcdefgh'), undefined, 0, null);
      const [h] = list(await asyncmsg_get(chid));
      return [h!.err, h!.info.msglen, h!.info.srcmsglen, text(h!), cbErr];
    });
    expect(got).toEqual([EMSGSIZE, 4, 8, 'abcd', EMSGSIZE]);
  });

  it('should follow the ALLOC/FREE protocol of the receive-buffer callback', async () => {
    const got = await program(async () => {
      const calls: string[] = [];
      const make = (limit: number) => (size: number, n: number, bufs: Array<Uint8Array | undefined>, flags: number): number => {
        if (flags === ASYNCMSG_RECVBUF_ALLOC) { bufs[0] = new Uint8Array(size); calls.push(`alloc ${size}`); return calls.filter((c) => c.startsWith('alloc')).length < limit ? 1 : 0; }
        if (flags === ASYNCMSG_RECVBUF_FREE) calls.push(`free ${n}`);
        return 0;
      };
      // an allocator that stops at two buffers: a get returns at most two messages
      const chid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 32, 5, null, make(2));
      const coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ trigger_num_msg: 0 }));
      for (const m of ['1', '2', '3']) await asyncmsg_put(coid, m, undefined, 0, null);
      await asyncmsg_flush(coid, ASYNCMSG_FLUSH_NONBLOCK);
      calls.push(`got ${list(await asyncmsg_get(chid)).length}`);
      asyncmsg_connect_detach(coid);
      asyncmsg_channel_destroy(chid);
      // an allocator that always gives more: five spare buffers, two used, three freed at destroy
      calls.length = 0;
      const chid2 = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 16, 5, null, make(99));
      const coid2 = asyncmsg_connect_attach(0, 0, chid2, 0, 0, attr());
      await asyncmsg_putv(coid2, [{ iov_base: new Uint8Array([1]), iov_len: 1 }, { iov_base: new Uint8Array([2, 3]), iov_len: 2 }], 2, 0, null);
      await asyncmsg_put(coid2, 'b', undefined, 0, null);
      const hs = list(await asyncmsg_get(chid2));
      asyncmsg_channel_destroy(chid2);
      return { first: calls.length, bytes: [...hs[0]!.iov[0]!.iov_base], n: hs.length, tail: calls.slice(-1) };
    });
    expect(got).toEqual({ first: 6, bytes: [1, 2, 3], n: 2, tail: ['free 3'] });
  });

  it('should deliver into the very buffers the ALLOC callback gave (one copy), keeping unused ones for the next get', async () => {
    const got = await program(async () => {
      const given: Uint8Array[] = [];
      const alloc = (size: number, _n: number, bufs: Array<Uint8Array | undefined>, flags: number): number => {
        if (flags !== ASYNCMSG_RECVBUF_ALLOC) return 0;
        bufs[0] = new Uint8Array(size);
        given.push(bufs[0]);
        return 1;
      };
      const chid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 16, 3, null, alloc);
      const coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr());
      await asyncmsg_put(coid, 'x', undefined, 0, null);
      const h = (await asyncmsg_get(chid))!;
      const allocatedFirst = given.length;
      await asyncmsg_put(coid, 'y', undefined, 0, null);
      const h2 = (await asyncmsg_get(chid))!;
      return [h.iov[0]!.iov_base.buffer === given[0]!.buffer, allocatedFirst, given.length, h2.iov[0]!.iov_base.buffer === given[1]!.buffer];
    });
    // three allocated, the first filled; the second get tops up one and fills the next spare
    expect(got).toEqual([true, 3, 4, true]);
  });

  it('should refuse bad attributes and unknown ids with the documented errnos', async () => {
    const got = await program(async () => {
      const chid = asyncmsg_channel_create(0, 0o666, 64, 5, null, null);
      return [
        asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ max_num_buffer: 1 })), errno(),
        asyncmsg_connect_attach(0, 0, 999, 0, 0, attr()), errno(),
        asyncmsg_connect_detach(77), errno(),
        asyncmsg_connect_attr(77, null, null), errno(),
        asyncmsg_channel_destroy(77), errno(),
        await asyncmsg_flush(77, 0), errno(),
        await asyncmsg_get(77), errno(),
      ];
    });
    expect(got).toEqual([-1, 22, -1, 3, -1, 22, -1, 22, -1, 22, -1, EBADF, null, EBADF]);
  });
});
