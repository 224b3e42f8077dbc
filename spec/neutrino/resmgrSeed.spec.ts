// The seed's message_attach example (001), ported line by line: a resource manager on
// /dev/mynull with a thread pool (lo 2, hi 4, inc 1, max 50), the private range 0x5000–0x5fff,
// and a timer pulse every second; a client opens, writes, reads and closes /dev/mynull.
import { describe, expect, it } from 'vitest';
import {
  CLOCK_MONOTONIC, MsgSend, O_RDWR, POOL_FLAG_EXIT_SELF, SIGEV_PULSE, S_IFNAM, TimerCreate, TimerSettime, _FTYPE_ANY,
  _RESMGR_CONNECT_NFUNCS, _RESMGR_IO_NFUNCS, MSG_FLAG_ALLOC_PULSE, MSG_FLAG_SIDE_CHANNEL, close, dispatch_block, dispatch_context_alloc,
  dispatch_context_free, dispatch_create, dispatch_handler, dispatch_unblock, iofunc_attr_init, iofunc_func_init, message_attach,
  message_connect, open, pthread_create, pulse_attach, read, resmgr_attach, sleep, spawn, strerror, errno, thread_pool_create,
  thread_pool_start, write, ConnectDetach, defaultKernel,
  type dispatch_context_t, type iofunc_attr_t, type message_context_t, type resmgr_connect_funcs_t, type resmgr_io_funcs_t,
  type sigevent, type thread_pool_attr_t,
} from '../../src/neutrino/index.js';
import { formatPidin } from '../../src/kernel/index.js';
import { program } from './helpers.js';

function seedServer(log: string[]) {
  return async (): Promise<number> => {
    const connect_func: resmgr_connect_funcs_t = {};
    const io_func: resmgr_io_funcs_t = {};
    const attr = {} as iofunc_attr_t;

    const timer_tick = (ctp: message_context_t): number => {
      const value = ctp.msg[8]! | (ctp.msg[9]! << 8);
      log.push(`received timer event, value ${value}`);
      return 0;
    };
    const message_handler = (_ctp: message_context_t, code: number): number => {
      log.push(`received private message, type ${code}`);
      return 0;
    };

    const dpp = dispatch_create();
    if (dpp === null) return 1;
    const pool_attr: thread_pool_attr_t<typeof dpp, dispatch_context_t> = {
      handle: dpp,
      context_alloc: dispatch_context_alloc,
      block_func: dispatch_block,
      unblock_func: dispatch_unblock,
      handler_func: dispatch_handler,
      context_free: dispatch_context_free,
      lo_water: 2, hi_water: 4, increment: 1, maximum: 50,
    };
    const tpp = thread_pool_create(pool_attr, POOL_FLAG_EXIT_SELF);
    if (tpp === null) return 1;
    iofunc_func_init(_RESMGR_CONNECT_NFUNCS, connect_func, _RESMGR_IO_NFUNCS, io_func);
    iofunc_attr_init(attr, S_IFNAM | 0o660, null, null);
    const resmgr_attr = { flags: 0, nparts_max: 1, msg_max_size: 2048 };
    if (resmgr_attach(dpp, resmgr_attr, '/dev/mynull', _FTYPE_ANY, 0, connect_func, io_func, attr) === -1) return 1;
    if (message_attach(dpp, null, 0x5000, 0x5fff, message_handler, null) === -1) return 1;
    const event: sigevent = { sigev_notify: SIGEV_PULSE, sigev_coid: -1, sigev_priority: -1, sigev_code: 0, sigev_value: { sival_int: 0 } };
    if ((event.sigev_code = pulse_attach(dpp, MSG_FLAG_ALLOC_PULSE, 0, timer_tick, null)) === -1) return 1;
    if ((event.sigev_coid = message_connect(dpp, MSG_FLAG_SIDE_CHANNEL)) === -1) return 1;
    const timer_id = TimerCreate(CLOCK_MONOTONIC, event);
    if (timer_id === -1) return 1;
    TimerSettime(timer_id, 0, { nsec: 1_000_000_000, interval_nsec: 1_000_000_000 }, null);
    await thread_pool_start(tpp); // never returns
    return 0;
  };
}

describe('seed 001: message_attach resource manager', () => {
  it('should serve /dev/mynull, the private range and a timer pulse every second with the pool', async () => {
    const log: string[] = [];
    const states = await program(async (clock) => {
      await spawn(seedServer(log));
      await sleep(1.5);
      const fd = await open('/dev/mynull', O_RDWR);
      log.push(`open: fd ${fd}`);
      log.push(`write: ${await write(fd, 'hello', 5)}`);
      const buf = new Uint8Array(16);
      log.push(`read: ${await read(fd, buf, 16)}`);
      // the seed's message_handler never replies: the sender stays REPLY-blocked
      const coid = fd;
      const msg = new Uint8Array([0x00, 0x50, 1, 2]);
      pthread_create(null, null, () => MsgSend(coid, msg, 4, null, 0), null);
      await sleep(2);
      log.push(`close: ${await close(fd)}`);
      log.push(`at ${clock.now()} ms`);
      return formatPidin(defaultKernel().snapshot());
    });
    expect(log).toEqual([
      'received timer event, value 0',
      'open: fd 1073741825',
      'write: 5',
      'read: 0',
      'received private message, type 20480',
      'received timer event, value 0',
      'received timer event, value 0',
      'close: 0',
      'at 3500 ms',
    ]);
    // the pool keeps its threads blocked in dispatch_block (RECEIVE) between requests
    expect(states.split('\n').filter((l) => / 2 .*RECEIVE/.test(l)).length).toBeGreaterThanOrEqual(2);
  });

  it('should answer an unknown type ENOSYS and a 1-byte message EINVAL through the layer', async () => {
    const got = await program(async () => {
      await spawn(seedServer([]));
      await sleep(0.5);
      const fd = await open('/dev/mynull', O_RDWR);
      const r1 = await MsgSend(fd, new Uint8Array([0x00, 0x60]), 2, null, 0);
      const e1 = strerror(errno());
      const r2 = await MsgSend(fd, new Uint8Array([7]), 1, null, 0);
      const e2 = strerror(errno());
      ConnectDetach(fd);
      return [r1, e1, r2, e2];
    });
    expect(got).toEqual([-1, 'Function not implemented', -1, 'Invalid argument']);
  });
});
