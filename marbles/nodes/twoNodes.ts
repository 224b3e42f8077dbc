// Two nodes for the node marbles: a (clients) and b (servers) on the TestScheduler, 1 frame apart,
// heartbeats every 10 frames and 3 missed (a silent peer is lost 30 frames after it was last
// heard). Heartbeats keep a scheduler busy, so the link closes at frame 100 and the run can end.
import type { TestScheduler } from 'rxjs/testing';
import { createSystem } from '../../src/index.js';
import { connectLoopback } from '../../src/testing/index.js';

export function twoNodes(ts: TestScheduler) {
  const onUnhandledError = (e: unknown): void => { throw e; };
  const net = { heartbeatMs: 10, missed: 3 };
  const a = createSystem({ node: 'a', scheduler: ts, onUnhandledError, net: { ...net, incarnation: 1 } });
  const b = createSystem({ node: 'b', scheduler: ts, onUnhandledError, net: { ...net, incarnation: 2 } });
  const link = connectLoopback(a, b, { latency: 1 });
  ts.schedule(() => link.close('end of test'), 100);
  return { a, b, link };
}
