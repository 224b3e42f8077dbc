import {
  asyncmsg_channel_create, asyncmsg_connect_attach, asyncmsg_connect_detach, asyncmsg_flush, asyncmsg_get, asyncmsg_put,
  asyncmsg_free, errno, getpid, strerror, useKernel, createKernel, ASYNCMSG_FLUSH_NONBLOCK, _NTO_CHF_ASYNC_NONBLOCK,
} from 'rxnto/neutrino';
import { VirtualClock, runVirtual } from 'rxnto/testing';

const clock = new VirtualClock();
useKernel(createKernel({ scheduler: clock }));

function callback(err, buf, handle) {
  console.log(`callback: msgid ${handle} err ${err}`);
  return 0;
}

await runVirtual(clock, async () => {
  const chid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 2048, 5, null, null);
  const coid = asyncmsg_connect_attach(0, getpid(), chid, 0, 0, {
    buffer_size: 2048, max_num_buffer: 5, trigger_num_msg: 3, trigger_time: { nsec: 0, interval_nsec: 0 }, call_back: callback,
  });

  for (let i = 0; i < 3; i++) {
    await asyncmsg_put(coid, `msgid ${i}`, undefined, i, null);
    if (i < 2 && (await asyncmsg_get(chid)) === null) console.log(`get after put ${i}: ${strerror(errno())}`);
  }
  for (let h = await asyncmsg_get(chid); h !== null; ) {
    console.log(`got "${new TextDecoder().decode(h.iov[0].iov_base).replace(/\0$/, '')}" from pid ${h.info.pid}`);
    const next = h.next;
    asyncmsg_free(h);
    h = next;
  }
  // flushed but never taken by a get: the detach completes it with EBADF (9)
  await asyncmsg_put(coid, 'late', undefined, 9, null);
  await asyncmsg_flush(coid, ASYNCMSG_FLUSH_NONBLOCK);
  asyncmsg_connect_detach(coid);
});
