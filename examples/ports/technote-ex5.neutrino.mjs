// Technote Example 5, ported line by line: a 2-second time trigger; four quick puts arrive
// together 2 s after the first.
import {
  asyncmsg_channel_create, asyncmsg_connect_attach, asyncmsg_put, asyncmsg_get, asyncmsg_free, asyncmsg_connect_detach,
  asyncmsg_channel_destroy, ChannelCreate, ConnectAttach, MsgReceivePulse, perror, strlen, getpid, sleep, useKernel,
  createKernel, _NTO_CHF_SENDER_LEN, _NTO_SIDE_CHANNEL, SIGEV_PULSE, SIGEV_PULSE_PRIO_INHERIT,
} from 'rxnto/neutrino';
import { VirtualClock, runVirtual } from 'rxnto/testing';

const clock = new VirtualClock();
const text = (iov) => new TextDecoder().decode(iov.iov_base).replace(/\0$/, '');

function callback(err, cmsg, handle) {
  console.log(`Callback: err = ${err}, msg = ${JSON.stringify(cmsg)}, handle = ${handle}`);
  return 0;
}

/* Set the get trigger to 2 seconds, put up 4 messages, see we could get a notification for get after 2 seconds. */
async function main() {
  let chid, coid, pchid, agh, agh1;
  const gev = { sigev_notify: 0, sigev_coid: 0, sigev_priority: 0, sigev_code: 0, sigev_value: { sival_int: 0 } };
  const pulse = new Uint8Array(16);
  const msg = [];
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
  if ((chid = asyncmsg_channel_create(_NTO_CHF_SENDER_LEN, 0o666, 2048, 5, gev, null)) === -1) {
    perror('channel_create');
    return -1;
  }
  const aca = { buffer_size: 2048, max_num_buffer: 5, trigger_num_msg: 0, trigger_time: { nsec: 2000000000, interval_nsec: 0 }, call_back: callback };
  if ((coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, aca)) === -1) {
    perror('connect_attach');
    return -1;
  }
  /* put up 4 messages */
  for (let i = 0; i < 4; i++) {
    msg[i] = `Async Message Passing (msgid ${i})\n`;
    if ((await asyncmsg_put(coid, msg[i], strlen(msg[i]) + 1, 1234, callback)) === -1) {
      perror('put');
      return -1;
    }
  }
  /* waiting for the event */
  if ((await MsgReceivePulse(pchid, pulse, pulse.length, null)) === -1) {
    perror('MsgReceivePulse');
    return -1;
  }
  console.log(`event at ${clock.now()} ms`);
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

useKernel(createKernel({ scheduler: clock }));
process.exitCode = await runVirtual(clock, main);
