// Scale cases: one kernel operation with 1, 10 k or 100 k objects of its kind alive. Each make
// function builds the world of `size` objects and returns `(n) => run the operation n times`,
// leaving the world as it found it (so samples can repeat).
import { Kernel, VirtualClock } from 'rxnto';
import { CLOCK_MONOTONIC, SIGEV_PULSE, _NTO_CHF_PRIVATE, _NTO_SIDE_CHANNEL, _NTO_TIMEOUT_REPLY, _NTO_TIMEOUT_SEND } from 'rxnto/constants';

function world() {
  const clock = new VirtualClock();
  const kernel = new Kernel({ scheduler: clock, rlimitNofile: 1_000_000 });
  const p = kernel.createProcess({ name: 'p' });
  return { clock, kernel, p, t: kernel.createThread(p) };
}

/** A pseudo-random priority 1..63 (deterministic). */
const prio = (i) => 1 + ((i * 2_654_435_761) >>> 0) % 63;

/** scale.send.mixedprio: a send into a queue of `size` SEND-blocked senders of mixed priorities, then withdrawn. */
export function sendMixedPrio(size) {
  const { kernel, p, t } = world();
  const chid = kernel.channelCreate(t, _NTO_CHF_PRIVATE);
  const coid = kernel.connectAttach(t, 0, 0, chid, _NTO_SIDE_CHANNEL, 0);
  const none = () => {};
  for (let i = 0; i < size; i++) {
    const s = kernel.createThread(p, { priority: prio(i) });
    kernel.msgSend(s, coid, new Uint8Array(8), new Uint8Array(8), none);
  }
  const senders = Array.from({ length: 64 }, (_, i) => kernel.createThread(p, { priority: prio(i + 7) }));
  const msg = new Uint8Array(8);
  const reply = new Uint8Array(8);
  return (n) => {
    for (let i = 0; i < n; i++) {
      const s = senders[i & 63];
      kernel.msgSend(s, coid, msg, reply, none);
      kernel.unblock(s); // out of the queue again: EINTR
    }
  };
}

/** scale.channelcreate: ChannelCreate + ChannelDestroy with `size` channels alive. */
export function channelCreate(size) {
  const { kernel, t } = world();
  for (let i = 0; i < size; i++) kernel.channelCreate(t, _NTO_CHF_PRIVATE);
  return (n) => {
    for (let i = 0; i < n; i++) kernel.channelDestroy(t, kernel.channelCreate(t, _NTO_CHF_PRIVATE));
  };
}

/**
 * scale.connectattach: ConnectAttach + ConnectDetach with `size` coids alive (fd space, one shared
 * connection: a channel takes at most 65,535 side-channel connections, as QNX's scoid index does).
 */
export function connectAttach(size) {
  const { kernel, t } = world();
  const chid = kernel.channelCreate(t, _NTO_CHF_PRIVATE);
  for (let i = 0; i < size; i++) kernel.connectAttach(t, 0, 0, chid, 0, 0);
  return (n) => {
    for (let i = 0; i < n; i++) kernel.connectDetach(t, kernel.connectAttach(t, 0, 0, chid, 0, 0));
  };
}

/** scale.timertimeout.virtual: a send with a TimerTimeout (armed, then cancelled by the reply) with `size` timers pending on the VirtualClock. */
export function timerTimeoutVirtual(size) {
  const { kernel, p, t } = world();
  const chid = kernel.channelCreate(t, _NTO_CHF_PRIVATE);
  const coid = kernel.connectAttach(t, 0, 0, chid, _NTO_SIDE_CHANNEL, 0);
  const ev = { sigev_notify: SIGEV_PULSE, sigev_coid: coid, sigev_priority: 10, sigev_code: 1 };
  for (let i = 0; i < size; i++) {
    const id = kernel.timerCreate(t, CLOCK_MONOTONIC, ev);
    kernel.timerSettime(t, id, 0, { nsec: (1 + (i % 1000)) * 1e9, interval_nsec: 0 });
  }
  const server = kernel.createThread(p);
  const client = kernel.createThread(p);
  const buf = new Uint8Array(8);
  const onReceive = (err, rcvid) => {
    if (rcvid > 0) kernel.msgReply(server, rcvid, 0, null);
    kernel.msgReceive(server, chid, buf, null, onReceive);
  };
  kernel.msgReceive(server, chid, buf, null, onReceive);
  const none = () => {};
  return (n) => {
    for (let i = 0; i < n; i++) {
      kernel.timerTimeout(client, CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY, null, 5e9);
      kernel.msgSend(client, coid, buf, buf, none);
    }
  };
}

/** scale.timercreate: TimerCreate + TimerDestroy with `size` timers alive. */
export function timerCreate(size) {
  const { kernel, t } = world();
  const chid = kernel.channelCreate(t, _NTO_CHF_PRIVATE);
  const coid = kernel.connectAttach(t, 0, 0, chid, _NTO_SIDE_CHANNEL, 0);
  const ev = { sigev_notify: SIGEV_PULSE, sigev_coid: coid, sigev_priority: 10, sigev_code: 1 };
  for (let i = 0; i < size; i++) kernel.timerCreate(t, CLOCK_MONOTONIC, ev);
  return (n) => {
    for (let i = 0; i < n; i++) kernel.timerDestroy(t, kernel.timerCreate(t, CLOCK_MONOTONIC, ev));
  };
}
