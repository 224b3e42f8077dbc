// Technote Example 4, ported line by line: the channel's event (a pulse) says a message is there.
import {
  asyncmsg_channel_create, asyncmsg_connect_attach, asyncmsg_put, asyncmsg_get, asyncmsg_free, asyncmsg_connect_detach,
  asyncmsg_channel_destroy, ChannelCreate, ConnectAttach, MsgReceivePulse, perror, strlen, getpid, sleep, useKernel,
  createKernel, _NTO_SIDE_CHANNEL, SIGEV_PULSE, SIGEV_PULSE_PRIO_INHERIT,
} from 'rxnto/neutrino';
import { VirtualClock, runVirtual } from 'rxnto/testing';

const msg = 'AsyncMsg Passing';
const text = (iov) => new TextDecoder().decode(iov.iov_base).replace(/\0$/, '');

function callback(err, cmsg, handle) {
  console.log(`Callback: err = ${err}, msg = "${cmsg}" (${cmsg === msg ? 'msg' : '?'}), handle = ${handle}`);
  return 0;
}

/* Simple test. Create a channel, connect to it, put a message, get them, done */
async function main() {
  let chid, coid, pchid, agh, agh1;
  const gev = { sigev_notify: 0, sigev_coid: 0, sigev_priority: 0, sigev_code: 0, sigev_value: { sival_int: 0 } };
  const pulse = new Uint8Array(16);
  /* prepare the event */
  if ((pchid = ChannelCreate(0)) === -1) {
    perror('ChannelCreate');
    return -1;
  }
  if ((gev.sigev_coid = ConnectAttach(0, 0, pchid, _NTO_SIDE_CHANNEL, 0)) === -1) {
    perror('ConnectAttach');
    return -1;
  }
  gev.sigev_notify = SIGEV_PULSE;
  gev.sigev_priority = SIGEV_PULSE_PRIO_INHERIT;
  /* async channel */
  if ((chid = asyncmsg_channel_create(0, 0o666, 2048, 5, gev, null)) === -1) {
    perror('channel_create');
    return -1;
  }
  const aca = { buffer_size: 2048, max_num_buffer: 5, trigger_num_msg: 1, trigger_time: { nsec: 0, interval_nsec: 0 }, call_back: callback };
  if ((coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, aca)) === -1) {
    perror('connect_attach');
    return -1;
  }
  if ((await asyncmsg_put(coid, msg, strlen(msg) + 1, 0, null)) === -1) {
    perror('put');
    return -1;
  }
  /* waiting for the event */
  if ((await MsgReceivePulse(pchid, pulse, pulse.length, null)) === -1) {
    perror('MsgReceivePulse');
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
