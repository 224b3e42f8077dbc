// The link conformance factory over NATS, in real time, against a real nats-server on 127.0.0.1:
// three kernels of this process, each with a connection of its own, in a domain per case (all
// with `key` when one is given).
import { asyncScheduler } from 'rxjs';
import { Kernel } from '../../src/kernel/index.js';
import { joinNats, type NatsNetwork } from '../../src/link/nats/index.js';
import type { Net } from './harness.js';
import type { NatsServer } from './natsServer.js';

let domains = 0;

export async function natsNet(server: NatsServer, key?: string): Promise<Net> {
  let inc = 1;
  const domain = `d${++domains}${key === undefined ? '' : 'k'}`;
  const options = { servers: server.url, domain, maxFrameBytes: 64 * 1024, ...(key === undefined ? {} : { key }) };
  const node = (name: string) => new Kernel({ scheduler: asyncScheduler, net: { node: name, heartbeatMs: 100, missed: 3, incarnation: inc++, window: 64 }, onUnhandledError: (e) => { throw e; } });
  const a = node('a');
  const b = node('b');
  const c = node('c');
  const nets: Array<Promise<NatsNetwork>> = [a, b, c].map((k) => joinNats(k, options));
  let ready = Promise.all(nets);
  // every node has seen every other's hello (each link is up both ways)
  const [na, nb] = (await ready) as [NatsNetwork, NatsNetwork, NatsNetwork];
  const up = () => [a, b, c].every((k) => k.nodes().filter((n) => n.state === 'up').length === 2);
  for (const end = Date.now() + 5000; !up(); ) {
    if (Date.now() > end) throw new Error('the nodes did not see each other over NATS');
    await new Promise((r) => setTimeout(r, 5));
  }
  // real time through a server: each wait is three times the case's, so that a loaded machine
  // (the specs run in parallel on 2 cores) does not make a frame late
  const run = async (ms: number) => {
    await ready;
    await new Promise((resolve) => setTimeout(resolve, ms * 3));
  };
  return {
    a, b, c, virtual: false,
    bound: 300,
    ab: {
      sever: () => { na.faults.sever('b'); nb.faults.sever('a'); },
      drop: (n) => { na.faults.drop('b', n); nb.faults.drop('a', n); },
      close: () => { void nb.close(); },
    },
    run,
    restartB() {
      void nb.close();
      const b2 = node('b');
      const joined = joinNats(b2, options);
      nets.push(joined);
      ready = Promise.all(nets);
      return b2;
    },
    dispose() {
      void Promise.all(nets).then((all) => Promise.all(all.map((n) => n.close())));
    },
  };
}
