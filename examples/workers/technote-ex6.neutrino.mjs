// Technote Example 6 with asynch_server in a worker node (ex6-server.worker.mjs) and async_client
// on the main thread, both C ports. The server's name is global; asyncmsg does not cross nodes
// (ENOREMOTE, as on QNX), so the client sends its messages synchronously. Real time.
import {
  name_open, ConnectServerInfo, MsgSend, asyncmsg_connect_attach, errno, strerror, delay, useKernel, emptyMsgInfo,
  NAME_FLAG_ATTACH_GLOBAL,
} from 'rxnto/neutrino';
import { createSystem } from 'rxnto';
import { startWorkerNode } from 'rxnto/worker';

const RECV_NAME = 'ASYNCH_RECEIVER';
const GET_ACHID = 2;
const PUT_SYNC = 3;
const PROGNAME_C = 'asynch_client: ';

const main = createSystem({ node: 'main' });
const worker = startWorkerNode(main, new URL('./ex6-server.worker.mjs', import.meta.url), { node: 'server' });
useKernel(main.kernel);

/* look for server, on any node */
let server_coid = await name_open(RECV_NAME, NAME_FLAG_ATTACH_GLOBAL);
while (server_coid === -1) {
  await delay(10);
  server_coid = await name_open(RECV_NAME, NAME_FLAG_ATTACH_GLOBAL);
}
const sinfo = emptyMsgInfo();
ConnectServerInfo(0, server_coid, sinfo);
console.log(`${PROGNAME_C}found the server on node ${main.kernel.netmgrNdtostr(0, sinfo.nd)}`);
const a_chid = new Int32Array(1);
await MsgSend(server_coid, new Uint8Array(new Int16Array([GET_ACHID]).buffer), 2, new Uint8Array(a_chid.buffer), 4);
const aca = { buffer_size: 2048, max_num_buffer: 5, trigger_num_msg: 1, trigger_time: { nsec: 0, interval_nsec: 0 }, call_back: null };
if (asyncmsg_connect_attach(sinfo.nd, sinfo.pid, a_chid[0], 0, 0, aca) === -1) {
  console.log(`${PROGNAME_C}async connect to node ${main.kernel.netmgrNdtostr(0, sinfo.nd)}: ${strerror(errno())}; sending synchronously`);
}
for (let count = 1; count <= 3; count++) {
  const text = new TextEncoder().encode(`message #${count}\0`);
  const put = new Uint8Array(2 + text.length);
  put.set(new Uint8Array(new Int16Array([PUT_SYNC]).buffer));
  put.set(text, 2);
  const reply = new Uint8Array(64);
  await MsgSend(server_coid, put, put.length, reply, reply.length);
  console.log(`${PROGNAME_C}${new TextDecoder().decode(reply.subarray(0, reply.indexOf(0)))}`);
}
await worker.terminate();
