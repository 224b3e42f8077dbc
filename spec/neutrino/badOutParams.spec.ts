// Issue 20 item 7.2: an out-parameter the C facade cannot write (a setter that throws, a
// getter-only field) changes nothing. MsgReceive fails EFAULT and its client stays SEND-blocked at
// its place in the channel's queue; pthread_create fails EFAULT and starts no thread.
import { describe, expect, it } from 'vitest';
import {
  ChannelCreate, ConnectAttach, EFAULT, EOK, MsgInfo, MsgReceive, MsgReceive_r, MsgReceivev, MsgReceivev_r, MsgReply,
  MsgSend, _NTO_SIDE_CHANNEL, emptyMsgInfo, errno, pthread_create, sleep, type _msg_info,
} from '../../src/neutrino/index.js';
import { current } from '../../src/neutrino/context.js';
import { program } from './helpers.js';

/** A `_msg_info` whose `field` refuses writes: always, or only values `refuse` accepts. */
function refusing(field: keyof _msg_info, refuse: (v: unknown) => boolean = () => true): _msg_info {
  const info = emptyMsgInfo();
  let value: unknown = 0;
  Object.defineProperty(info, field, {
    get: () => value,
    set: (v: unknown) => {
      if (refuse(v)) throw new Error(`${field} refuses ${String(v)}`);
      value = v;
    },
    enumerable: true,
  });
  return info;
}

/** `info` with a getter-only field: a write throws in strict code, as a read-only page faults in C. */
function readOnly(field: keyof _msg_info): _msg_info {
  const info = emptyMsgInfo();
  Object.defineProperty(info, field, { get: () => 0, enumerable: true });
  return info;
}

/** The channel's send queue and the blocked states of the calling process's threads, as pidin shows them. */
function queueOf(chid: number): { queue: readonly string[]; states: string[] } {
  const { kernel, thread } = current();
  const p = kernel.snapshot().processes.find((x) => x.pid === thread.process.pid)!;
  return {
    queue: p.channels.find((c) => c.chid === chid)!.sendQueue,
    states: p.threads.filter((t) => t.tid !== thread.tid).map((t) => `${t.tid} ${t.state}`),
  };
}

/** A client thread that sends `text` and resolves with the reply status. */
function client(coid: number, text: string): Promise<number> {
  return new Promise((resolve) => {
    pthread_create(null, null, async () => resolve(await MsgSend(coid, text, undefined, null, 0)), null);
  });
}

const dec = (b: Uint8Array, n: number): string => new TextDecoder().decode(b.subarray(0, n - 1));

describe('out-parameters the C facade cannot write (issue 20 item 7.2)', () => {
  it('should fail every MsgReceive form EFAULT and leave both clients SEND-blocked at their places', async () => {
    const got = await program(async () => {
      const chid = ChannelCreate(0);
      const coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
      const first = client(coid, 'first');
      const second = client(coid, 'second');
      await sleep(0);
      const before = queueOf(chid);
      const buf = new Uint8Array(16);
      const iov = [{ iov_base: buf, iov_len: 16 }];
      const refused = [
        await MsgReceive(chid, buf, 16, refusing('pid')), errno(),
        await MsgReceivev(chid, iov, 1, refusing('msglen')), errno(),
        await MsgReceive(chid, buf, 16, readOnly('flags')), errno(),
        await MsgReceive_r(chid, buf, 16, refusing('tid')),
        await MsgReceivev_r(chid, iov, 1, refusing('coid')),
      ];
      const after = queueOf(chid);
      // a later MsgReceive gets the first client, then the second
      const info = emptyMsgInfo();
      const order: string[] = [];
      for (const status of [7, 8]) {
        const rcvid = await MsgReceive(chid, buf, 16, info);
        order.push(`${dec(buf, info.msglen)} from tid ${info.tid}`);
        MsgReply(rcvid, status, null, 0);
      }
      return { before, refused, same: after.queue.join() === before.queue.join() && after.states.join() === before.states.join(), order, replies: await Promise.all([first, second]) };
    });
    expect(got.before.queue).toHaveLength(2);
    expect(got.before.states).toEqual(['2 SEND', '3 SEND']);
    expect(got.refused).toEqual([-1, EFAULT, -1, EFAULT, -1, EFAULT, -EFAULT, -EFAULT]);
    expect(got.same).toBe(true);
    expect(got.order).toEqual(['first from tid 2', 'second from tid 3']);
    expect(got.replies).toEqual([7, 8]);
  });

  it('should give the message back when info takes the check but refuses the real values', async () => {
    const got = await program(async () => {
      const chid = ChannelCreate(0);
      const coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
      const reply = client(coid, 'hello');
      await sleep(0);
      const buf = new Uint8Array(16);
      const bad = [await MsgReceive(chid, buf, 16, refusing('pid', (v) => v !== 0)), errno()];
      const blocked = queueOf(chid);
      const info = emptyMsgInfo();
      const rcvid = await MsgReceive(chid, buf, 16, info);
      const text = dec(buf, info.msglen);
      MsgReply(rcvid, 5, null, 0);
      return { bad, blocked: [blocked.queue.length, blocked.states], text, status: await reply };
    });
    expect(got).toEqual({ bad: [-1, EFAULT], blocked: [1, ['2 SEND']], text: 'hello', status: 5 });
  });

  it('should fail MsgInfo EFAULT for an info that refuses writes, and fill a good one', async () => {
    const got = await program(async () => {
      const chid = ChannelCreate(0);
      const coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
      const reply = client(coid, 'x');
      await sleep(0);
      const rcvid = await MsgReceive(chid, new Uint8Array(4), 4, null);
      const bad = [MsgInfo(rcvid, refusing('scoid')), errno(), MsgInfo(rcvid, readOnly('chid')), errno()];
      const info = emptyMsgInfo();
      const good = [MsgInfo(rcvid, info), info.chid === chid, info.tid];
      MsgReply(rcvid, 1, null, 0);
      return { bad, good, status: await reply };
    });
    expect(got).toEqual({ bad: [-1, EFAULT, -1, EFAULT], good: [0, true, 2], status: 1 });
  });

  it('should fail pthread_create EFAULT for a thread whose tid refuses writes, and start no thread', async () => {
    const got = await program(async () => {
      const p = current().thread.process;
      const before = [...p.threads.keys()];
      let ran = false;
      const thread = {} as { tid?: number };
      Object.defineProperty(thread, 'tid', { set: () => { throw new Error('no'); }, get: () => undefined });
      const code = pthread_create(thread, null, () => { ran = true; }, null);
      await sleep(0);
      const after = [...p.threads.keys()];
      // the tid it would have had is the next thread's
      const good: { tid?: number } = {};
      const ok = pthread_create(good, null, () => 0, null);
      return { code, ran, same: after.join() === before.join(), ok, tid: good.tid, expected: before.length + 1 };
    });
    expect(got).toEqual({ code: EFAULT, ran: false, same: true, ok: EOK, tid: got.expected, expected: got.expected });
  });

  it('should end the new thread when a setter that started a thread then refuses the moved tid', async () => {
    const got = await program(async () => {
      const p = current().thread.process;
      let started = 0;
      let writes = 0;
      const thread = {} as { tid?: number };
      Object.defineProperty(thread, 'tid', {
        set: () => {
          // the first write starts a thread of its own (so the tid moves); the second is refused
          if (writes++ > 0) throw new Error('no');
          pthread_create(null, null, () => sleep(10), null);
          started++;
        },
      });
      let ran = false;
      const code = pthread_create(thread, null, () => { ran = true; }, null);
      await sleep(0);
      return { code, ran, started, states: [...p.threads.values()].map((t) => t.tid) };
    });
    expect(got).toEqual({ code: EFAULT, ran: false, started: 1, states: [1, 2] });
  });
});
