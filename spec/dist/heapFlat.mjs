// Issue 20 item 7.1 through the built package: a million ConnectAttach/ConnectDetach and
// ChannelCreate/ChannelDestroy cycles leave the heap where 100 k left it. Run with --expose-gc.
import { Kernel, VirtualClock } from 'rxnto';
import { _NTO_SIDE_CHANNEL } from 'rxnto/constants';

if (typeof globalThis.gc !== 'function') throw new Error('run me with node --expose-gc');

const k = new Kernel({ scheduler: new VirtualClock() });
const server = k.createThread(k.createProcess({ name: 'server' }));
const client = k.createThread(k.createProcess({ name: 'client' }));
const chid = k.channelCreate(server, 0);
// something live in each table, so that the cycles take ids above a live one
const side = k.connectAttach(client, 0, server.process.pid, chid, _NTO_SIDE_CHANNEL, 0);

let done = 0;
function cycles(until) {
  for (; done < until; done++) {
    k.connectDetach(client, k.connectAttach(client, 0, server.process.pid, chid, 0, 0));
    k.channelDestroy(server, k.channelCreate(server, 0));
  }
}

function heapUsed() {
  // several passes: weak and finalized objects need more than one
  for (let i = 0; i < 4; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
}

cycles(100_000);
const at100k = heapUsed();
cycles(1_000_000);
const at1M = heapUsed();
k.connectDetach(client, side);
console.log(JSON.stringify({ at100k, at1M, growth: (at1M - at100k) / at100k }));
