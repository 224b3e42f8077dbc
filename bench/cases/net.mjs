// net.loopback.roundtrip: a 64-byte send → reply between two kernels (nodes a and b) over the
// loopback link with zero latency, on one VirtualClock (each frame is one scheduler task).
import { Kernel, VirtualClock } from 'rxnto';
import { _NTO_SIDE_CHANNEL } from 'rxnto/constants';
import { connectLoopback } from 'rxnto/testing';

const PAYLOAD = 64;

export function netLoopbackRoundtrip() {
  const clock = new VirtualClock();
  const a = new Kernel({ scheduler: clock, net: { node: 'a', incarnation: 1 } });
  const b = new Kernel({ scheduler: clock, net: { node: 'b', incarnation: 2 } });
  connectLoopback(a, b, { latency: 0 });
  const server = b.createThread(b.createProcess({ name: 'server' }));
  const client = a.createThread(a.createProcess({ name: 'client' }));
  const chid = b.channelCreate(server, 0);
  const coid = a.connectAttach(client, a.netmgrStrtond('b').nd, server.process.pid, chid, _NTO_SIDE_CHANNEL, 0);
  const rbuf = new Uint8Array(PAYLOAD);
  const onReceive = (err, rcvid) => {
    b.msgReply(server, rcvid, 0, rbuf);
    b.msgReceive(server, chid, rbuf, null, onReceive);
  };
  b.msgReceive(server, chid, rbuf, null, onReceive);
  const smsg = new Uint8Array(PAYLOAD).fill(7);
  const reply = new Uint8Array(PAYLOAD);
  let replies = 0;
  const onReply = (err) => { if (err === 0) replies++; };
  clock.advanceBy(0); // the HELLOs
  return (n) => {
    for (let i = 0; i < n; i++) {
      a.msgSend(client, coid, smsg, reply, onReply);
      clock.advanceBy(0);
    }
    if (replies < n) throw new Error('a round trip did not complete');
    replies = 0;
  };
}
