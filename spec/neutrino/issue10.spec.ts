// Issue 10 (hardening) through rxnto/neutrino: blocked calls end on a death, bad input is -1 or
// an errno with nothing changed, a stale rcvid is ESRCH, security and errno as QNX 7.1 has them.
import { describe, expect, it } from 'vitest';
import {
  ChannelCreate, ConnectAttach, ConnectDetach, EBADF, EFAULT, EINVAL, EISDIR, EPERM, ERESTART, ESRCH, MsgError, MsgReceive,
  MsgReply, MsgSend, PROCMGR_AID_PUBLIC_CHANNEL, PROCMGR_AOP_ALLOW, _NTO_SIDE_CHANNEL, asyncmsg_channel_create,
  asyncmsg_connect_attach, asyncmsg_flush, asyncmsg_get, asyncmsg_put, emptyMsgInfo, errno, pthread_create, procmgr_ability,
  sleep, spawn, write, type _asyncmsg_connection_attr,
} from '../../src/neutrino/index.js';
import { current } from '../../src/neutrino/context.js';
import { program } from './helpers.js';

const attr = (over: Partial<_asyncmsg_connection_attr> = {}): _asyncmsg_connection_attr => ({
  call_back: null, buffer_size: 64, max_num_buffer: 2, trigger_num_msg: 0, trigger_time: { nsec: 0, interval_nsec: 0 }, ...over,
});

describe('issue 10 (rxnto/neutrino)', () => {
  it('should end a put waiting for a slot and asyncmsg_flush(coid, 0) with -1/EBADF when the receiver dies, callbacks once, EBADF, in put order', async () => {
    const got = await program(async () => {
      const rx = await spawn(async () => {
        asyncmsg_channel_create(0, 0o666, 64, 4, null, null);
        await sleep(1);
      });
      const heard: Array<[number, number]> = [];
      const coid = asyncmsg_connect_attach(0, rx, 1, 0, 0, attr({ call_back: (err, _b, h) => { heard.push([h, err]); } }));
      const first = await asyncmsg_put(coid, 'a', undefined, 1);
      const [waiting, flushed] = await Promise.all([asyncmsg_put(coid, 'b', undefined, 2), asyncmsg_flush(coid, 0)]);
      const after = [await asyncmsg_put(coid, 'c', undefined, 3), errno()];
      return { first, waiting, flushed, errno: errno(), heard, after };
    });
    expect(got).toEqual({ first: 0, waiting: -1, flushed: -1, errno: EBADF, heard: [[1, EBADF]], after: [-1, EBADF] });
  });

  it('should run the connection callback for asyncmsg_put with its callback left out', async () => {
    const heard = await program(async () => {
      const chid = asyncmsg_channel_create(0, 0o666, 64, 4, null, null);
      const out: number[] = [];
      const coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, attr({ max_num_buffer: 4, trigger_num_msg: 1, call_back: (_e, _b, h) => { out.push(h); } }));
      await asyncmsg_put(coid, 'x', undefined, 7);
      await asyncmsg_get(chid);
      await sleep(0);
      return [out, await asyncmsg_put(coid, 'y', undefined, 8, 'not a function' as never), errno()];
    });
    expect(heard).toEqual([[7], -1, EINVAL]);
  });

  it('should refuse MsgReceive info that cannot be written with EFAULT before dequeuing, and treat a left-out info as NULL', async () => {
    const got = await program(async () => {
      const chid = ChannelCreate(0);
      const coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
      const client = new Promise<number>((resolve) => { pthread_create(null, null, async () => resolve(await MsgSend(coid, 'hi', undefined, new Uint8Array(8), 8)), null); });
      await sleep(0);
      const bad = [];
      for (const info of [5, Object.freeze(emptyMsgInfo()), Object.seal(emptyMsgInfo()), 'info']) {
        bad.push(await MsgReceive(chid, new Uint8Array(8), 8, info as never), errno());
      }
      const rcvid = await MsgReceive(chid, new Uint8Array(8), 8);
      MsgReply(rcvid, 42, null, 0);
      return { bad, rcvid: rcvid > 0, status: await client };
    });
    expect(got).toEqual({ bad: [-1, EFAULT, -1, EFAULT, -1, EFAULT, -1, EFAULT], rcvid: true, status: 42 });
  });

  it('should fail pthread_create with EFAULT or EINVAL and leave no thread behind', async () => {
    const got = await program(async () => {
      const p = current().thread.process;
      const before = p.threads.size;
      const codes = [pthread_create(5 as never, null, () => 0, null), pthread_create(Object.freeze({}) as never, null, () => 0, null), pthread_create(null, null, undefined as never, null)];
      return { codes, leaked: p.threads.size - before, undef: pthread_create(undefined as never, null, () => 0, null) };
    });
    expect(got).toEqual({ codes: [EFAULT, EFAULT, EINVAL], leaked: 0, undef: EFAULT });
  });

  it('should fail write() of a detached buffer with EFAULT, and a stale rcvid with ESRCH', async () => {
    const got = await program(async () => {
      const b = new ArrayBuffer(4);
      const view = new Uint8Array(b);
      structuredClone(b, { transfer: [b] });
      const w = [await write(3, view, 4), errno()];
      const chid = ChannelCreate(0);
      const coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
      pthread_create(null, null, () => MsgSend(coid, 'x', undefined, null, 0), null);
      await sleep(0);
      const old = await MsgReceive(chid, new Uint8Array(4), 4, null);
      MsgError(old, ERESTART);
      const again = await MsgReceive(chid, new Uint8Array(4), 4, null);
      const stale = [MsgReply(old, 0, null, 0), errno()];
      return { w, stale, fresh: MsgError(again, EISDIR), detach: ConnectDetach(coid) };
    });
    expect(got).toEqual({ w: [-1, EFAULT], stale: [-1, ESRCH], fresh: 0, detach: 0 });
  });

  it('should refuse a non-root process an ability it does not hold (EPERM)', async () => {
    const got = await program(async () => {
      let r: number[] = [];
      await spawn(() => { r = [procmgr_ability(0, PROCMGR_AID_PUBLIC_CHANNEL | PROCMGR_AOP_ALLOW), ChannelCreate(0), errno()]; }, { uid: 1000 });
      await sleep(0);
      return r;
    });
    expect(got).toEqual([EPERM, -1, EPERM]);
  });
});
