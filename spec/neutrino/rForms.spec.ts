import { describe, expect, it } from 'vitest';
import {
  ChannelCreate, ChannelDestroy_r, ConnectAttach, ConnectAttach_r, ConnectClientInfo, MsgReceive, MsgReceivePulsev,
  MsgReply, MsgSend_r, MsgSendnc, MsgSendPulse_r, MsgError_r, TimerTimeout_r, ConnectDetach, emptyClientInfo, errno,
  pthread_create, spawn, sleep, EBADF, EINVAL, ESRCH, _NTO_CHF_PRIVATE, _NTO_SIDE_CHANNEL,
} from '../../src/neutrino/index.js';
import { program } from './helpers.js';

describe('rxnto/neutrino _r forms', () => {
  it('should return negated errnos and leave errno alone', async () => {
    const got = await program(async () => {
      ChannelDestroy_r(1); // no channel 1 yet
      const out = [errno()];
      ConnectAttach(0, 0, 77, 0, 0); // sets errno ESRCH
      out.push(errno(), ChannelDestroy_r(99), errno(), ConnectAttach_r(0, 0, 77, 0, 0), MsgSendPulse_r(5, 10, 1, 1), MsgError_r(12345, 1));
      out.push(await MsgSend_r(42, 'x', undefined, null, 0), TimerTimeout_r(99, 0, null, null), errno());
      return out;
    });
    expect(got).toEqual([0, ESRCH, -EINVAL, ESRCH, -ESRCH, -EBADF, -ESRCH, -EBADF, -EINVAL, ESRCH]);
  });

  it('should return a reply status of -1 as a result, not an error', async () => {
    const got = await program(async () => {
      const chid = ChannelCreate(_NTO_CHF_PRIVATE);
      const coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
      pthread_create(null, null, async () => {
        const rcvid = await MsgReceive(chid, new Uint8Array(8), 8, null);
        MsgReply(rcvid, -1, null, 0);
      }, null);
      return [await MsgSend_r(coid, 'x', undefined, null, 0), errno()];
    });
    expect(got).toEqual([-1, 0]);
  });

  it('should report the client credentials with ConnectClientInfo', async () => {
    const got = await program(async () => {
      let chid = -1;
      let seen: ReturnType<typeof emptyClientInfo> | null = null;
      const server = await spawn(async () => {
        chid = ChannelCreate(0);
        const buf = new Uint8Array(16);
        const info = { nd: 0, srcnd: 0, pid: 0, tid: 0, chid: 0, scoid: 0, coid: 0, msglen: 0, srcmsglen: 0, dstmsglen: 0, priority: 0, flags: 0 };
        const rcvid = await MsgReceive(chid, buf, 16, info);
        seen = emptyClientInfo();
        ConnectClientInfo(info.scoid, seen, 0);
        MsgReply(rcvid, ConnectClientInfo(12, emptyClientInfo(), 0), null, 0);
      });
      const client = await spawn(async () => {
        const coid = ConnectAttach(0, server, chid, _NTO_SIDE_CHANNEL, 0);
        await MsgSendnc(coid, 'who', undefined, null, 0);
        ConnectDetach(coid);
      }, { uid: 42, gid: 7 });
      while (seen === null) await sleep(1);
      return { client, seen };
    });
    expect(got.seen).toMatchObject({ pid: got.client, cred: { ruid: 42, euid: 42, egid: 7 } });
  });

  it('should receive pulses into an iov with MsgReceivePulsev', async () => {
    const got = await program(async () => {
      const chid = ChannelCreate(_NTO_CHF_PRIVATE);
      const coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
      MsgSendPulse_r(coid, 10, 6, 60);
      const part = { iov_base: new Uint8Array(16), iov_len: 16 };
      const r = await MsgReceivePulsev(chid, [part], 1, null);
      return [r, part.iov_base[4]];
    });
    expect(got).toEqual([0, 6]);
  });
});
