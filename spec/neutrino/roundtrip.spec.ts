import { describe, expect, it } from 'vitest';
import {
  ChannelCreate, ConnectAttach, MsgReceive, MsgReply, MsgSend, errno, spawn, useKernel, createKernel, sleep,
  _NTO_SIDE_CHANNEL, EBADF, getpid, emptyMsgInfo,
} from '../../src/neutrino/index.js';
import { VirtualClock, runVirtual } from '../../src/testing/index.js';

describe('rxnto/neutrino', () => {
  it('should port a C server and client line by line', async () => {
    const clock = new VirtualClock();
    useKernel(createKernel({ scheduler: clock }));
    const log: string[] = [];
    await runVirtual(clock, async () => {
      let chid = -1;
      const serverPid = await spawn(async () => {
        chid = ChannelCreate(0);
        const msg = new Uint8Array(64);
        const info = emptyMsgInfo();
        const rcvid = await MsgReceive(chid, msg, msg.length, info);
        log.push(`server got ${new TextDecoder().decode(msg.subarray(0, info.msglen - 1))} from ${info.pid}`);
        await sleep(2);
        MsgReply(rcvid, 7, 'pong');
      });
      await spawn(async () => {
        const coid = ConnectAttach(0, serverPid, chid, _NTO_SIDE_CHANNEL, 0);
        const reply = new Uint8Array(16);
        const status = await MsgSend(coid, 'ping', undefined, reply, reply.length);
        log.push(`client ${getpid()} status ${status} reply ${new TextDecoder().decode(reply.subarray(0, 4))} at ${clock.now()}`);
        const bad = await MsgSend(999, 'x', undefined, null, 0);
        log.push(`bad ${bad} errno ${errno() === EBADF ? 'EBADF' : errno()}`);
      });
      while (log.length < 3) await sleep(1);
    });
    expect(log).toEqual(['server got ping from 3', 'client 3 status 7 reply pong at 2000', 'bad -1 errno EBADF']);
  });
});
