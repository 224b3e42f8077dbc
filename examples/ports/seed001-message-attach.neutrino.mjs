import {
  dispatch_create, dispatch_context_alloc, dispatch_block, dispatch_unblock, dispatch_handler, dispatch_context_free,
  thread_pool_create, thread_pool_start, iofunc_func_init, iofunc_attr_init, resmgr_attach, message_attach, pulse_attach,
  message_connect, TimerCreate, TimerSettime, spawn, sleep, open, write, read, close, MsgSend, useKernel, createKernel,
  POOL_FLAG_EXIT_SELF, _RESMGR_CONNECT_NFUNCS, _RESMGR_IO_NFUNCS, S_IFNAM, _FTYPE_ANY, MSG_FLAG_ALLOC_PULSE,
  MSG_FLAG_SIDE_CHANNEL, SIGEV_PULSE, CLOCK_MONOTONIC, O_RDWR, pulse_of, MsgReply,
} from 'rxnto/neutrino';
import { VirtualClock, runVirtual } from 'rxnto/testing';

const clock = new VirtualClock();
useKernel(createKernel({ scheduler: clock }));

function timer_tick(ctp, code, flags, handle) {
  console.log(`received timer event, value ${pulse_of(ctp.msg).value.sival_int}`);
  return 0;
}

function message_handler(ctp, code, flags, handle) {
  console.log(`received private message, type ${code}`);
  MsgReply(ctp.rcvid, 0, null, 0); // the seed leaves the client blocked; we answer it
  return 0;
}

async function main() {
  const connect_func = {}, io_func = {}, attr = {};
  const dpp = dispatch_create();
  const pool_attr = {
    handle: dpp, context_alloc: dispatch_context_alloc, block_func: dispatch_block, unblock_func: dispatch_unblock,
    handler_func: dispatch_handler, context_free: dispatch_context_free, lo_water: 2, hi_water: 4, increment: 1, maximum: 50,
  };
  const tpp = thread_pool_create(pool_attr, POOL_FLAG_EXIT_SELF);
  iofunc_func_init(_RESMGR_CONNECT_NFUNCS, connect_func, _RESMGR_IO_NFUNCS, io_func);
  iofunc_attr_init(attr, S_IFNAM | 0o660, null, null);
  const resmgr_attr = { flags: 0, nparts_max: 1, msg_max_size: 2048 };
  if (resmgr_attach(dpp, resmgr_attr, '/dev/mynull', _FTYPE_ANY, 0, connect_func, io_func, attr) === -1) return 1;
  if (message_attach(dpp, null, 0x5000, 0x5fff, message_handler, null) === -1) return 1;
  const event = { sigev_notify: SIGEV_PULSE, sigev_coid: -1, sigev_priority: -1, sigev_code: 0, sigev_value: { sival_int: 0 } };
  if ((event.sigev_code = pulse_attach(dpp, MSG_FLAG_ALLOC_PULSE, 0, timer_tick, null)) === -1) return 1;
  if ((event.sigev_coid = message_connect(dpp, MSG_FLAG_SIDE_CHANNEL)) === -1) return 1;
  const timer_id = TimerCreate(CLOCK_MONOTONIC, event);
  TimerSettime(timer_id, 0, { nsec: 1_000_000_000, interval_nsec: 1_000_000_000 }, null);
  await thread_pool_start(tpp); // never returns
  return 0;
}

await runVirtual(clock, async () => {
  await spawn(main);
  await sleep(1.5);
  const fd = await open('/dev/mynull', O_RDWR);
  console.log(`client: write ${await write(fd, 'hello', 5)}, read ${await read(fd, new Uint8Array(16), 16)}`);
  await MsgSend(fd, new Uint8Array([0x00, 0x50]), 2, null, 0);
  console.log(`client: close ${await close(fd)} at ${clock.now()} ms`);
  await sleep(1);
});
