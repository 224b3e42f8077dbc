// Technote Example 6's asynch_server, ported line by line, running in a worker node. It prints
// nothing (a worker's output would interleave with the main thread's): each answer says what it saw.
import {
  name_attach, ConnectDetach, MsgReceive, MsgReply, MsgError, asyncmsg_channel_create, pulse_of, msg_type, spawn,
  useKernel, emptyMsgInfo, _PULSE_CODE_DISCONNECT, _IO_CONNECT, _IO_BASE, _IO_MAX, EOK, ENOSYS,
  NAME_FLAG_ATTACH_GLOBAL, _NTO_CHF_ASYNC_NONBLOCK,
} from 'rxnto/neutrino';
import { joinParent } from 'rxnto/worker';

const RECV_NAME = 'ASYNCH_RECEIVER';
const GET_ACHID = 2;
const PUT_SYNC = 3;

async function server_main() {
  const recv_buf = new Uint8Array(64);
  const msg_info = emptyMsgInfo();
  const att = name_attach(null, RECV_NAME, NAME_FLAG_ATTACH_GLOBAL);
  const achid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 1024, 10, null, null);
  for (;;) {
    const rcvid = await MsgReceive(att.chid, recv_buf, recv_buf.length, msg_info);
    if (rcvid === -1) continue;
    if (rcvid === 0) {
      if (pulse_of(recv_buf).code === _PULSE_CODE_DISCONNECT) ConnectDetach(pulse_of(recv_buf).scoid);
      continue;
    }
    const type = msg_type(recv_buf);
    if (type === _IO_CONNECT) {
      MsgReply(rcvid, EOK, null, 0);
      continue;
    }
    if (type > _IO_BASE && type <= _IO_MAX) {
      MsgError(rcvid, ENOSYS);
      continue;
    }
    switch (type) {
      case GET_ACHID:
        MsgReply(rcvid, 0, new Uint8Array(new Int32Array([achid]).buffer), 4);
        break;
      case PUT_SYNC: {
        const text = new TextDecoder().decode(recv_buf.subarray(2, msg_info.msglen - 1));
        MsgReply(rcvid, 0, `server got '${text}' from pid ${msg_info.pid}`, undefined);
        break;
      }
      default:
        MsgError(rcvid, ENOSYS);
    }
  }
}

const system = await joinParent();
useKernel(system.kernel);
await spawn(server_main);
