// Technote Example 6 over two nodes: asynch_server runs on node b and registers its name
// globally; async_client runs on node a, finds it through name_open(NAME_FLAG_ATTACH_GLOBAL)
// and asks for the async chid. Qnet carries no asynchronous messages ("Asynchronous messaging
// doesn't work with Transparent Distributed Processing"), so asyncmsg_connect_attach to the
// server's node fails ENOREMOTE, as on QNX; the client then sends its messages synchronously.
// Both nodes share one virtual clock and a loopback link (1 ms each way).
import {
  name_attach, name_open, ConnectDetach, ConnectServerInfo, MsgReceive, MsgReply, MsgError, MsgSend,
  asyncmsg_channel_create, asyncmsg_connect_attach, perror, pulse_of, msg_type, spawn, sleep, exit, useKernel, createKernel, emptyMsgInfo,
  netmgr_ndtostr, strerror, errno, _PULSE_CODE_DISCONNECT, _IO_CONNECT, _IO_BASE, _IO_MAX, EOK, ENOSYS, EXIT_FAILURE,
  NAME_FLAG_ATTACH_GLOBAL, ND2S_DIR_SHOW, _NTO_CHF_ASYNC_NONBLOCK,
} from 'rxnto/neutrino';
import { VirtualClock, runVirtual, connectLoopback } from 'rxnto/testing';

const RECV_NAME = 'ASYNCH_RECEIVER';
const GET_ACHID = 2; // message type for async chid query, no data, reply is 32bit chid
const PUT_SYNC = 3; // this port's fallback: a message sent synchronously

// ---- asynch_server.c, on node b ----
const PROGNAME_S = 'asynch_server: ';

async function server_main() {
  const recv_buf = new Uint8Array(64);
  const msg_info = emptyMsgInfo();
  /* register my name on every node so a client on another node can find me */
  const att = name_attach(null, RECV_NAME, NAME_FLAG_ATTACH_GLOBAL);
  if (att === null) {
    perror(PROGNAME_S + 'name_attach()');
    exit(EXIT_FAILURE);
  }
  /* the async channel, for clients on this node */
  const achid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 1024, 10, null, null);
  for (;;) {
    const rcvid = await MsgReceive(att.chid, recv_buf, recv_buf.length, msg_info);
    if (rcvid === -1) {
      perror(PROGNAME_S + 'MsgReceive failed');
      continue;
    }
    if (rcvid === 0) {
      const pulse = pulse_of(recv_buf);
      if (pulse.code === _PULSE_CODE_DISCONNECT) {
        ConnectDetach(pulse.scoid);
        console.log(`${PROGNAME_S}disconnect from a client`);
      }
      continue;
    }
    const type = msg_type(recv_buf);
    if (type === _IO_CONNECT) {
      /* _IO_CONNECT because someone did a name_open() to us, must EOK it. */
      MsgReply(rcvid, EOK, null, 0);
      continue;
    }
    if (type > _IO_BASE && type <= _IO_MAX) {
      MsgError(rcvid, ENOSYS);
      continue;
    }
    const node = new Uint8Array(32);
    netmgr_ndtostr(ND2S_DIR_SHOW, msg_info.nd, node, node.length);
    const from = `pid ${msg_info.pid} of ${new TextDecoder().decode(node.subarray(0, node.indexOf(0)))}`;
    switch (type) {
      case GET_ACHID:
        console.log(`${PROGNAME_S}request for my achid from ${from}`);
        MsgReply(rcvid, 0, new Uint8Array(new Int32Array([achid]).buffer), 4);
        break;
      case PUT_SYNC:
        console.log(`${PROGNAME_S}'${new TextDecoder().decode(recv_buf.subarray(2, msg_info.msglen - 1))}' from ${from}`);
        MsgReply(rcvid, 0, null, 0);
        break;
      default:
        MsgError(rcvid, ENOSYS);
        break;
    }
  }
}

// ---- async_client.c, on node a ----
const PROGNAME_C = 'asynch_client: ';

async function client_main() {
  const sinfo = emptyMsgInfo();
  const a_chid = new Int32Array(1);
  /* look for server, on any node */
  let server_coid = await name_open(RECV_NAME, NAME_FLAG_ATTACH_GLOBAL);
  while (server_coid === -1) {
    await sleep(1);
    server_coid = await name_open(RECV_NAME, NAME_FLAG_ATTACH_GLOBAL);
  }
  ConnectServerInfo(0, server_coid, sinfo);
  const node = new Uint8Array(32);
  netmgr_ndtostr(ND2S_DIR_SHOW, sinfo.nd, node, node.length);
  console.log(`${PROGNAME_C}server is pid ${sinfo.pid} on ${new TextDecoder().decode(node.subarray(0, node.indexOf(0)))} (nd ${sinfo.nd})`);
  const msg = new Uint8Array(new Int16Array([GET_ACHID]).buffer);
  if (await MsgSend(server_coid, msg, msg.length, new Uint8Array(a_chid.buffer), 4)) {
    perror(PROGNAME_C + 'MsgSend');
    exit(EXIT_FAILURE);
  }
  const aca = { buffer_size: 2048, max_num_buffer: 5, trigger_num_msg: 1, trigger_time: { nsec: 0, interval_nsec: 0 }, call_back: null };
  const a_coid = asyncmsg_connect_attach(sinfo.nd, sinfo.pid, a_chid[0], 0, 0, aca);
  if (a_coid === -1) {
    perror(PROGNAME_C + 'async connect to another node');
    console.log(`${PROGNAME_C}achid ${a_chid[0]} is on another node (${strerror(errno())}): sending synchronously instead`);
  }
  for (let count = 1; count <= 3; count++) {
    const text = new TextEncoder().encode(`message #${count}\0`);
    const put = new Uint8Array(2 + text.length);
    put.set(new Uint8Array(new Int16Array([PUT_SYNC]).buffer));
    put.set(text, 2);
    console.log(`${PROGNAME_C}sending ${count}th time`);
    if (await MsgSend(server_coid, put, put.length, null, 0) === -1) perror(PROGNAME_C + 'MsgSend');
    await sleep(1);
  }
}

const clock = new VirtualClock();
const a = createKernel({ node: 'a', scheduler: clock });
const b = createKernel({ node: 'b', scheduler: clock });
const link = connectLoopback(a, b, { latency: 1 });
await runVirtual(clock, async () => {
  useKernel(a);
  await spawn(client_main); // the client starts first and waits for the name
  await sleep(0.5);
  useKernel(b);
  await spawn(server_main);
  useKernel(a);
  await sleep(3.5);
});
link.close('done');
