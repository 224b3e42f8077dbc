// Technote Example 6, ported line by line: asynch_server (name_attach, a MsgReceive loop, an
// async channel whose event is a pulse) and async_client (name_open, asks for the achid, puts a
// message every second). Both run as processes of one kernel; the program stops after 3.5 s.
import {
  name_attach, name_open, ConnectAttach, ConnectDetach, ConnectServerInfo, MsgReceive, MsgReply, MsgError, MsgSend,
  SIGEV_PULSE_INIT, asyncmsg_channel_create, asyncmsg_connect_attach, asyncmsg_get, asyncmsg_put, asyncmsg_free, perror,
  pthread_self, pulse_of, msg_type, spawn, sleep, exit, useKernel, createKernel, emptyMsgInfo, _NTO_SIDE_CHANNEL,
  _NTO_CHF_ASYNC_NONBLOCK, _PULSE_CODE_MINAVAIL, _PULSE_CODE_DISCONNECT, _IO_CONNECT, _IO_BASE, _IO_MAX, EOK, ENOSYS,
  EXIT_FAILURE,
} from 'rxnto/neutrino';
import { VirtualClock, runVirtual } from 'rxnto/testing';

const RECV_NAME = 'ASYNCH_RECEIVER';
const GET_ACHID = 2; // message type for async chid query, no data, reply is 32bit chid

// ---- asynch_server.c ----
const PROGNAME_S = 'asynch_server: ';
const PULSE_ASYNCH_EVENT = _PULSE_CODE_MINAVAIL + 5;

async function server_main() {
  const recv_buf = new Uint8Array(16);
  const msg_info = emptyMsgInfo();
  const sigev = {};
  let agh, agh1;
  /* register my name so client can find me */
  const att = name_attach(null, RECV_NAME, 0);
  if (att === null) {
    perror(PROGNAME_S + 'name_attach()');
    exit(EXIT_FAILURE);
  }
  const self_coid = ConnectAttach(0, 0, att.chid, _NTO_SIDE_CHANNEL, 0);
  if (self_coid === -1) {
    perror(PROGNAME_S + 'ConnectAttach');
    exit(EXIT_FAILURE);
  }
  SIGEV_PULSE_INIT(sigev, self_coid, 10, PULSE_ASYNCH_EVENT, 0);
  const achid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 1024, 10, sigev, null);
  if (achid === -1) {
    perror('asyncmsg_channel_create');
    exit(EXIT_FAILURE);
  }
  for (;;) {
    const rcvid = await MsgReceive(att.chid, recv_buf, recv_buf.length, msg_info);
    if (rcvid === -1) {
      perror(PROGNAME_S + 'MsgReceive failed');
      continue;
    }
    if (rcvid === 0) {
      /* we received a pulse */
      console.log('got a pulse');
      const pulse = pulse_of(recv_buf);
      switch (pulse.code) {
        case _PULSE_CODE_DISCONNECT:
          ConnectDetach(pulse.scoid);
          console.log(`${PROGNAME_S}disconnect from a client ${pulse.scoid.toString(16).toUpperCase()}`);
          break;
        case PULSE_ASYNCH_EVENT:
          agh = await asyncmsg_get(achid);
          if (agh === null) {
            perror('went to get a message, but nothing was there');
          } else {
            while (agh) {
              console.log(`the message came from ${agh.info.pid} in ${agh.parts} parts`);
              console.log(`the data is '${new TextDecoder().decode(agh.iov[0].iov_base).replace(/\0$/, '')}'`);
              agh1 = agh;
              agh = agh1.next;
              asyncmsg_free(agh1);
            }
          }
          break;
        default:
          console.log(`${PROGNAME_S}unexpect pulse code: ${pulse.code}`);
          break;
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
    switch (type) {
      case GET_ACHID:
        console.log('got request for my achid');
        MsgReply(rcvid, 0, new Uint8Array(new Int32Array([achid]).buffer), 4);
        break;
      default:
        console.log(`${PROGNAME_S}unexpect message type: ${type}`);
        MsgError(rcvid, ENOSYS);
        break;
    }
  }
}

// ---- async_client.c ----
const PROGNAME_C = 'asynch_client: ';
let num_callback_run = 0;

function callback(err, cmsg, handle) {
  ++num_callback_run;
  console.log(`Callback: err = ${err}, msg = ${JSON.stringify(cmsg)}, handle = ${handle}`);
  console.log(`run the ${num_callback_run}th time by ${pthread_self()} tid`);
  return 0;
}

async function client_main() {
  const sinfo = {};
  const a_chid = new Int32Array(1);
  let count = 1;
  /* look for server */
  let server_coid = await name_open(RECV_NAME, 0);
  while (server_coid === -1) {
    await sleep(1);
    server_coid = await name_open(RECV_NAME, 0);
  }
  ConnectServerInfo(0, server_coid, sinfo);
  const msg = new Uint8Array(new Int16Array([GET_ACHID]).buffer);
  if (await MsgSend(server_coid, msg, msg.length, new Uint8Array(a_chid.buffer), 4)) {
    perror(PROGNAME_C + 'MsgSend');
    exit(EXIT_FAILURE);
  }
  const aca = { buffer_size: 2048, max_num_buffer: 5, trigger_num_msg: 1, trigger_time: { nsec: 0, interval_nsec: 0 }, call_back: callback };
  const a_coid = asyncmsg_connect_attach(0, sinfo.pid, a_chid[0], 0, 0, aca);
  if (a_coid === -1) {
    perror('async connect');
    console.log(`server pid is ${sinfo.pid}`);
    exit(EXIT_FAILURE);
  }
  for (;;) {
    const buf = `message #${count}`;
    console.log(`sending ${count}th time`);
    const ret = await asyncmsg_put(a_coid, buf, buf.length + 1, count, null);
    if (ret === -1) {
      perror('put');
      exit(EXIT_FAILURE);
    }
    count++;
    await sleep(1);
  }
}

const clock = new VirtualClock();
useKernel(createKernel({ scheduler: clock }));
await runVirtual(clock, async () => {
  await spawn(client_main); // the client starts first and waits for the name
  await sleep(0.5);
  await spawn(server_main);
  await sleep(3);
});
