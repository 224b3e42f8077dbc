// The link conformance suite over the loopback link: in virtual time (every VT case), and in
// real time on RxJS's asyncScheduler (the same cases, with real waits).
import { asyncScheduler } from 'rxjs';
import { Kernel, VirtualClock, type KernelScheduler } from '../../src/kernel/index.js';
import { connectLoopback } from '../../src/testing/index.js';
import { linkSuite } from './conformance.js';
import type { Net } from './harness.js';

function loopbackNet(scheduler: KernelScheduler, virtual: boolean, heartbeatMs: number): Net {
  let inc = 1;
  const node = (name: string) => new Kernel({ scheduler, net: { node: name, heartbeatMs, missed: 3, incarnation: inc++, window: 64 }, onUnhandledError: (e) => { throw e; } });
  const a = node('a');
  const b = node('b');
  const c = node('c');
  const links = [connectLoopback(a, b, { latency: 1, maxFrameBytes: 64 * 1024 }), connectLoopback(c, b, { latency: 1 }), connectLoopback(a, c, { latency: 1 })];
  const ab = links[0]!;
  const kernels = [a, b, c];
  return {
    a, b, c, ab, virtual,
    bound: heartbeatMs * 3,
    run: virtual
      ? async (ms) => { (scheduler as VirtualClock).advanceBy(ms); }
      : (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    restartB() {
      ab.close('restart');
      const b2 = node('b');
      kernels.push(b2);
      links.push(connectLoopback(a, b2, { latency: 1 }));
      return b2;
    },
    dispose() {
      for (const l of links) l.close('end of test');
    },
  };
}

linkSuite('loopback, virtual time', () => loopbackNet(new VirtualClock(), true, 1000));
linkSuite('loopback, real time', () => loopbackNet(asyncScheduler, false, 100));
