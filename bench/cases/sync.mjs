// Synchronous round trips: the kernel's send → receive → reply of 64 bytes, and its baselines.
import { Subject } from 'rxjs';
import { Kernel, VirtualClock } from 'rxnto';
import { _NTO_SIDE_CHANNEL } from 'rxnto/constants';

const PAYLOAD = 64;

/**
 * A kernel with a server thread replying at once to every 64-byte message on its channel, and
 * `roundtrips(n)`: n send → receive → reply round trips from a client thread, one at a time (each
 * completes within its msgSend); returns how many got their reply.
 */
export function kernelEcho() {
  const kernel = new Kernel({ scheduler: new VirtualClock() });
  const server = kernel.createThread(kernel.createProcess({ name: 'server' }));
  const client = kernel.createThread(kernel.createProcess({ name: 'client' }));
  const chid = kernel.channelCreate(server, 0);
  const coid = kernel.connectAttach(client, 0, server.process.pid, chid, _NTO_SIDE_CHANNEL, 0);
  const rbuf = new Uint8Array(PAYLOAD);
  const onReceive = (err, rcvid) => {
    kernel.msgReply(server, rcvid, 0, rbuf);
    kernel.msgReceive(server, chid, rbuf, null, onReceive);
  };
  kernel.msgReceive(server, chid, rbuf, null, onReceive);
  const smsg = new Uint8Array(PAYLOAD).fill(7);
  const reply = new Uint8Array(PAYLOAD);
  let replies = 0;
  const onReply = () => { replies++; };
  const roundtrips = (n) => {
    replies = 0;
    for (let i = 0; i < n; i++) kernel.msgSend(client, coid, smsg, reply, onReply);
    return replies;
  };
  return { kernel, roundtrips };
}

/** kernel.sync.roundtrip: one client thread, one server thread, in-process. */
export function kernelRoundtrip() {
  const { roundtrips } = kernelEcho();
  return (n) => {
    if (roundtrips(n) < n) throw new Error('a round trip did not complete synchronously');
  };
}

/** rxjs.subject.pingpong: a request Subject answered synchronously on a reply Subject. */
export function subjectPingPong() {
  const request$ = new Subject();
  const reply$ = new Subject();
  const rbuf = new Uint8Array(PAYLOAD);
  request$.subscribe((msg) => { rbuf.set(msg); reply$.next(rbuf); });
  let replies = 0;
  const reply = new Uint8Array(PAYLOAD);
  reply$.subscribe((r) => { reply.set(r); replies++; });
  const smsg = new Uint8Array(PAYLOAD).fill(7);
  return (n) => {
    for (let i = 0; i < n; i++) request$.next(smsg);
    if (replies < n) throw new Error('lost a reply');
    replies = 0;
  };
}

/** promise.pingpong: an awaited Promise per round trip. */
export function promisePingPong() {
  const rbuf = new Uint8Array(PAYLOAD);
  const server = async (msg) => { rbuf.set(msg); return rbuf; };
  const smsg = new Uint8Array(PAYLOAD).fill(7);
  const reply = new Uint8Array(PAYLOAD);
  return async (n) => {
    for (let i = 0; i < n; i++) reply.set(await server(smsg));
  };
}
