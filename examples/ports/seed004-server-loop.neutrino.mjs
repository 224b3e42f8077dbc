// Seed 004 ("Channels and connections"), ported: the server loop MsgReceivev → switch on
// msg.type → MsgReplyv, and clients that ConnectAttach and MsgSend to it. While the server works,
// pidin shows the channel's lists: clients SEND-blocked (not yet received) and REPLY-blocked.
import {
  ChannelCreate, ConnectAttach, MsgReceivev, MsgReplyv, MsgSend, SETIOV, spawn, sleep, getpid, msg_type, useKernel,
  createKernel, defaultKernel, emptyMsgInfo, EOK, _NTO_SIDE_CHANNEL,
} from 'rxnto/neutrino';
import { formatPidin } from 'rxnto';
import { VirtualClock, runVirtual } from 'rxnto/testing';

const MSG_UPPER = 1; // our message types (first 16 bits of every message)
const MSG_LENGTH = 2;
let chid = -1;

async function server() {
  const msg = new Uint8Array(64);
  const iov = {};
  const info = emptyMsgInfo();
  chid = ChannelCreate(0);
  SETIOV(iov, msg, msg.length);
  for (;;) {
    const rcv_id = await MsgReceivev(chid, [iov], 1, info);
    const text = new TextDecoder().decode(msg.subarray(2, info.msglen)).replace(/\0.*$/, '');
    const reply = {};
    switch (msg_type(msg)) {
      /* Perform message processing here */
      case MSG_UPPER:
        SETIOV(reply, new TextEncoder().encode(text.toUpperCase()), text.length);
        break;
      case MSG_LENGTH:
        SETIOV(reply, new TextEncoder().encode(String(text.length)), String(text.length).length);
        break;
      default:
        SETIOV(reply, new Uint8Array(0), 0);
    }
    await sleep(1); // the work takes a second: meanwhile, other clients wait in the channel's lists
    MsgReplyv(rcv_id, EOK, [reply], 1);
  }
}

async function client(server_pid, type, text) {
  const coid = ConnectAttach(0, server_pid, chid, _NTO_SIDE_CHANNEL, 0);
  const body = new TextEncoder().encode(text);
  const msg = new Uint8Array(2 + body.length);
  msg.set([type, 0]);
  msg.set(body, 2);
  const reply = new Uint8Array(64);
  const n = await MsgSend(coid, msg, msg.length, reply, reply.length);
  console.log(`client ${getpid()}: ${n >= 0 ? 'reply' : 'error'} "${new TextDecoder().decode(reply).replace(/\0.*$/, '')}"`);
}

const clock = new VirtualClock();
useKernel(createKernel({ scheduler: clock }));
await runVirtual(clock, async () => {
  const pid = await spawn(server, { name: 'server' });
  await sleep(0.1);
  await spawn(() => client(pid, MSG_UPPER, 'send receive reply'), { name: 'upper' });
  await spawn(() => client(pid, MSG_LENGTH, 'channels and connections'), { name: 'length' });
  await sleep(0.5);
  console.log(formatPidin(defaultKernel().snapshot()));
  await sleep(2);
});
