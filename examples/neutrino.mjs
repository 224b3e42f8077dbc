import {
  ChannelCreate, ConnectAttach, MsgReceive, MsgReply, MsgSend, spawn, sleep, errno, strerror,
  useKernel, createKernel, emptyMsgInfo, _NTO_SIDE_CHANNEL,
} from 'rxnto/neutrino';
import { VirtualClock, runVirtual } from 'rxnto/testing';

const clock = new VirtualClock();
useKernel(createKernel({ scheduler: clock })); // virtual time: sleep(2) takes no real time

await runVirtual(clock, async () => {
  let chid = -1;
  const server = await spawn(async () => {
    chid = ChannelCreate(0);
    const msg = new Uint8Array(64);
    const info = emptyMsgInfo();
    const rcvid = await MsgReceive(chid, msg, msg.length, info);
    console.log(`server: ${info.msglen} bytes from pid ${info.pid}`);
    await sleep(2);
    MsgReply(rcvid, 0, 'done');
  });

  const coid = ConnectAttach(0, server, chid, _NTO_SIDE_CHANNEL, 0);
  const reply = new Uint8Array(8);
  const status = await MsgSend(coid, 'work', undefined, reply, reply.length);
  console.log(`client: status ${status}, "${new TextDecoder().decode(reply.subarray(0, 4))}" at ${clock.now()} ms`);

  if (await MsgSend(12345, 'x', undefined, null, 0) === -1) console.log(`MsgSend: ${strerror(errno())}`);
});
