// Technote Example 2, ported line by line: three puts, trigger number 3, one get returns all three.
import {
  asyncmsg_channel_create, asyncmsg_connect_attach, asyncmsg_put, asyncmsg_get, asyncmsg_free, asyncmsg_connect_detach,
  asyncmsg_channel_destroy, perror, strlen, getpid, sleep, useKernel, createKernel, _NTO_CHF_SENDER_LEN,
} from 'rxnto/neutrino';
import { VirtualClock, runVirtual } from 'rxnto/testing';

const text = (iov) => new TextDecoder().decode(iov.iov_base).replace(/\0$/, '');

function callback(err, cmsg, handle) {
  console.log(`Callback: err = ${err}, msg = ${JSON.stringify(cmsg)}, handle = ${handle}`);
  return 0;
}

/* Multiple put, then see if get can get all of them. */
async function main() {
  let chid, coid, agh, agh1;
  const msg = [];
  if ((chid = asyncmsg_channel_create(_NTO_CHF_SENDER_LEN, 0o666, 2048, 5, null, null)) === -1) {
    perror('channel_create');
    return -1;
  }
  const aca = { buffer_size: 2048, max_num_buffer: 5, trigger_num_msg: 3, trigger_time: { nsec: 0, interval_nsec: 0 }, call_back: null };
  if ((coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, aca)) === -1) {
    perror('connect_attach');
    return -1;
  }
  for (let i = 0; i < 3; i++) {
    msg[i] = `Async Message Passing (msgid ${i})\n`;
    if ((await asyncmsg_put(coid, msg[i], strlen(msg[i]) + 1, 1234, callback)) === -1) {
      perror('put');
      return -1;
    }
  }
  if ((agh = await asyncmsg_get(chid)) === null) {
    perror('get');
    return -1;
  }
  console.log('Got message(s): \n');
  while ((agh1 = agh)) {
    agh = agh1.next;
    console.log(`from process: ${agh1.info.pid} (${getpid()})`);
    console.log(`msglen: ${agh1.info.msglen}`);
    console.log(`srclen: ${agh1.info.srcmsglen}`);
    console.log(`err: ${agh1.err}`);
    console.log(`parts: ${agh1.parts}`);
    console.log(`msg: ${text(agh1.iov[0])}\n`);
    asyncmsg_free(agh1);
  }
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
