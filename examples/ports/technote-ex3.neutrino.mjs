// Technote Example 3, ported line by line: no trigger; asyncmsg_flush pushes the messages out and
// the channel's event (a pulse) wakes a thread that gets them.
import {
  asyncmsg_channel_create, asyncmsg_connect_attach, asyncmsg_put, asyncmsg_get, asyncmsg_free, asyncmsg_connect_detach,
  asyncmsg_channel_destroy, asyncmsg_flush, ChannelCreate, ConnectAttach, MsgReceivePulse, pthread_create, perror, strlen,
  getpid, delay, useKernel, createKernel, _NTO_CHF_SENDER_LEN, _NTO_SIDE_CHANNEL, SIGEV_PULSE, SIGEV_PULSE_PRIO_INHERIT, EOK,
} from 'rxnto/neutrino';
import { VirtualClock, runVirtual } from 'rxnto/testing';

const text = (iov) => new TextDecoder().decode(iov.iov_base).replace(/\0$/, '');
let num_callback_run = 0;
let chid;

function callback(err, cmsg, handle) {
  num_callback_run++;
  console.log(`Callback: err = ${err}, msg = ${JSON.stringify(cmsg)}, handle = ${handle}`);
  return 0;
}

async function thread_for_get(pchid) {
  const pulse = new Uint8Array(16);
  let agh, agh1;
  /* waiting for the event */
  if ((await MsgReceivePulse(pchid, pulse, pulse.length, null)) === -1) {
    perror('MsgReceivePulse');
    return null;
  }
  if ((agh = await asyncmsg_get(chid)) === null) {
    perror('get');
    return null;
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
  return 0;
}

/* No trigger for put, but we force flush() and see if all messages can be pushed out. */
async function main() {
  let coid, pchid, err;
  const gev = { sigev_notify: 0, sigev_coid: 0, sigev_priority: 0, sigev_code: 0, sigev_value: { sival_int: 0 } };
  const msg = [];
  /* prepare the event */
  if ((pchid = ChannelCreate(0)) === -1) {
    perror('ChannelCreate');
    return -1;
  }
  if ((err = pthread_create(null, null, thread_for_get, pchid)) !== EOK) {
    perror('pthread_create');
    return -1;
  }
  if ((gev.sigev_coid = ConnectAttach(0, 0, pchid, _NTO_SIDE_CHANNEL, 0)) === -1) {
    perror('ConnectAttach');
    return -1;
  }
  gev.sigev_notify = SIGEV_PULSE;
  gev.sigev_priority = SIGEV_PULSE_PRIO_INHERIT;
  /* async channel */
  if ((chid = asyncmsg_channel_create(_NTO_CHF_SENDER_LEN, 0o666, 2048, 5, gev, null)) === -1) {
    perror('channel_create');
    return -1;
  }
  const aca = { buffer_size: 2048, max_num_buffer: 5, trigger_num_msg: 0, trigger_time: { nsec: 0, interval_nsec: 0 }, call_back: callback };
  if ((coid = asyncmsg_connect_attach(0, 0, chid, 0, 0, aca)) === -1) {
    perror('connect_attach');
    return -1;
  }
  /* put up 4 messages */
  for (let i = 0; i < 2; i++) {
    msg[i] = `Async Message Passing (msgid ${i})\n`;
    if ((await asyncmsg_put(coid, msg[i], strlen(msg[i]) + 1, 1234, callback)) === -1) {
      perror('put');
      return -1;
    }
  }
  await asyncmsg_flush(coid, 0);
  /* give the put callback a chance to run */
  while (num_callback_run < 2) await delay(500);
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
