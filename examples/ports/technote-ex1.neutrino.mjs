// Technote Example 1, ported line by line: one message, trigger number 1.
import {
  asyncmsg_channel_create, asyncmsg_connect_attach, asyncmsg_put, asyncmsg_get, asyncmsg_free, asyncmsg_connect_detach,
  asyncmsg_channel_destroy, perror, strlen, getpid, sleep, useKernel, createKernel,
} from 'rxnto/neutrino';
import { VirtualClock, runVirtual } from 'rxnto/testing';

const msg = 'AsyncMsg Passing';
const text = (iov) => new TextDecoder().decode(iov.iov_base).replace(/\0$/, '');

function callback(err, cmsg, handle) {
  console.log(`Callback: err = ${err}, msg = "${cmsg}" (${cmsg === msg ? 'msg' : '?'}), handle = ${handle}`);
  return 0;
}

async function main() {
  let chid, coid, agh, agh1;
  if ((chid = asyncmsg_channel_create(0, 0o666, 2048, 5, null, null)) === -1) {
    perror('channel_create');
    return -1;
  }
  const aca = { buffer_size: 2048, max_num_buffer: 5, trigger_num_msg: 1, trigger_time: { nsec: 0, interval_nsec: 0 }, call_back: null };
  if ((coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, aca)) === -1) {
    perror('connect_attach');
    return -1;
  }
  if ((await asyncmsg_put(coid, msg, strlen(msg) + 1, 1234, callback)) === -1) {
    perror('put');
    return -1;
  }
  if ((agh = await asyncmsg_get(chid)) === null) {
    perror('get');
    return -1;
  }
  console.log('Got message(s): \n');
  while ((agh1 = agh)) {
    agh = agh1.next;
    console.log(`from process: ${agh1.info.pid} (${getpid()})`);
    console.log(`msglen: ${agh1.info.msglen} (${strlen(msg) + 1})`);
    console.log(`srclen: ${agh1.info.srcmsglen}`);
    console.log(`err: ${agh1.err}`);
    console.log(`parts: ${agh1.parts}`);
    console.log(`msg: ${text(agh1.iov[0])}\n`);
    asyncmsg_free(agh1);
  }
  /* give the callback a chance to run */
  await sleep(1);
  if (asyncmsg_connect_detach(coid) === -1) {
    perror('connect_detach');
    return -1;
  }
  if (asyncmsg_channel_destroy(chid) === -1) {
    perror('channel_detach');
    return -1;
  }
  return 0;
}

const clock = new VirtualClock();
useKernel(createKernel({ scheduler: clock }));
process.exitCode = await runVirtual(clock, main);
