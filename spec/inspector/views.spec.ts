// The inspector's JSON views: pidin, nodes, channels (with asynchronous rings) and the shape of
// every answer against the protocol's types, field by field.
import { afterEach, describe, expect, it } from 'vitest';
import { Kernel, VirtualClock, _NTO_SIDE_CHANNEL, type Thread } from '../../src/kernel/index.js';
import { inspect, type ChannelsData, type Inspector, type NodesData, type PidinData, type ViewAnswer } from '../../src/inspector/index.js';
import { createSystem } from '../../src/index.js';
import { CHANNELS, GRAPH, INSPECTOR_STATS, NODES, PIDIN, expectShape, viewAnswer } from './helpers.js';

let open: Inspector[] = [];
afterEach(async () => {
  await Promise.all(open.map((i) => i.close()));
  open = [];
});

async function api<T>(inspector: Inspector, path: string): Promise<T> {
  const u = new URL(inspector.url);
  const res = await fetch(`${u.origin}${path}${path.includes('?') ? '&' : '?'}token=${u.searchParams.get('token')}`);
  expect(res.status, path).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(res.headers.get('cache-control')).toBe('no-store');
  return (await res.json()) as T;
}

const noop = (): void => {};

/** A server with a receiving thread and a busy channel: senders queued by priority, one REPLY-blocked, a pulse. */
function busyKernel() {
  const clock = new VirtualClock();
  const kernel = new Kernel({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  const srvP = kernel.createProcess({ name: 'server' });
  const rx = kernel.createThread(srvP, { name: 'rx' });
  const chid = kernel.channelCreate(rx, 0);
  const idleChid = kernel.channelCreate(rx, 0);
  const clients: Thread[] = [];
  for (const [name, priority] of [['low', 5], ['high', 20], ['mid', 10]] as const) {
    const p = kernel.createProcess({ name });
    const t = kernel.createThread(p, { priority });
    clients.push(t);
  }
  // the first send is received (its client REPLY-blocked), the others wait in priority order
  const buf = new Uint8Array(16);
  let rcvid = 0;
  kernel.msgReceive(rx, chid, buf, null, (_e, r) => { rcvid = r; });
  for (const t of clients) {
    const coid = kernel.connectAttach(t, 0, srvP.pid, chid, _NTO_SIDE_CHANNEL, 0);
    kernel.msgSend(t, coid, new Uint8Array(4), new Uint8Array(4), noop);
  }
  kernel.msgSendPulse(clients[0]!, kernel.connectAttach(clients[0]!, 0, srvP.pid, idleChid, _NTO_SIDE_CHANNEL, 0), 7, 3, 42);
  // a second server thread receiving on the idle channel would take the pulse: leave it queued; a receiver on chid waits
  const rx2 = kernel.createThread(srvP, { name: 'rx2' });
  // asynchronous: a channel, a sender ring of 8 with a count trigger of 3: three puts (triggered), two
  // taken, one more put (not triggered: the ring holds 2 < 3)
  const arx = kernel.createThread(kernel.createProcess({ name: 'arx' }));
  const achid = kernel.asyncChannelCreate(arx, 0, 0o666, 64, 100, null);
  const atx = kernel.createThread(kernel.createProcess({ name: 'atx' }));
  const acoid = kernel.asyncConnectAttach(atx, 0, arx.process.pid, achid, 0, 0, {
    call_back: null, buffer_size: 64, max_num_buffer: 8, trigger_num_msg: 3, trigger_time: { nsec: 250_000_000, interval_nsec: 0 },
  });
  for (let i = 0; i < 3; i++) kernel.asyncPut(atx, acoid, new Uint8Array(8), i, null, noop);
  kernel.asyncGet(arx, achid, 2, noop);
  kernel.asyncPut(atx, acoid, new Uint8Array(8), 3, null, noop);
  return { clock, kernel, srvP, rx, rx2, chid, idleChid, clients, rcvid, arx, achid, atx, acoid };
}

describe('inspector views', () => {
  it('should answer pidin with every thread, its state, blocked-on and time in state', async () => {
    const w = busyKernel();
    const inspector = await inspect(w.kernel);
    open.push(inspector);
    w.clock.advanceBy(500);
    const first = await api<ViewAnswer<PidinData>>(inspector, '/api/v1/pidin');
    expectShape(first, viewAnswer(PIDIN));
    expect(first.time).toBe(500);
    expect(first.nodes.map((n) => [n.node, n.ok])).toEqual([['local', true]]);
    const rows = (first.nodes[0] as { data: PidinData }).data.threads;
    const row = (name: string) => rows.find((r) => r.name === name)!;
    expect(row('server/rx')).toMatchObject({ pid: w.srvP.pid, tid: 1, state: 'READY', blocked: '', since: 500 });
    expect(row('low')).toMatchObject({ state: 'REPLY', blocked: `pid ${w.srvP.pid} chid ${w.chid}`, priority: 5 });
    expect(row('high')).toMatchObject({ state: 'SEND', blocked: `pid ${w.srvP.pid} chid ${w.chid}`, priority: 20 });
    // time in state: the first look's time while the state holds, a new one when it changes
    w.clock.advanceBy(700);
    const later = (await api<ViewAnswer<PidinData>>(inspector, '/api/v1/pidin?scope=local')).nodes[0] as { data: PidinData };
    expect(later.data.threads.find((r) => r.name === 'high')!.since).toBe(500);
    w.kernel.msgReceive(w.rx, w.chid, new Uint8Array(16), null, noop);
    w.clock.advanceBy(100);
    const after = (await api<ViewAnswer<PidinData>>(inspector, '/api/v1/pidin')).nodes[0] as { data: PidinData };
    expect(after.data.threads.find((r) => r.name === 'high')).toMatchObject({ state: 'REPLY', since: 1300 });
    expect(after.data.threads.find((r) => r.name === 'low')!.since).toBe(500);
  });

  it('should answer channels with the receive queue, the send queue in priority order, the reply set, and async rings', async () => {
    const w = busyKernel();
    const inspector = await inspect(w.kernel);
    open.push(inspector);
    w.kernel.msgReceive(w.rx2, w.chid, new Uint8Array(16), null, noop);
    const answer = await api<ViewAnswer<ChannelsData>>(inspector, '/api/v1/channels');
    expectShape(answer, viewAnswer(CHANNELS));
    const data = (answer.nodes[0] as { data: ChannelsData }).data;
    const ch = data.channels.find((c) => c.pid === w.srvP.pid && c.chid === w.chid)!;
    const [low, high, mid] = w.clients.map((t) => t.process.pid);
    // rx2's receive took the highest priority sender: mid (10) waits
    expect(ch).toEqual({ pid: w.srvP.pid, process: 'server', chid: w.chid, flags: 0, receivers: [], sendQueue: [`pid ${mid} tid 1 @10`], replySet: expect.any(Array) });
    // low's and high's messages were received: both REPLY-blocked, in the reply set
    expect([...ch.replySet].sort()).toEqual([w.rcvid, expect.any(Number)].sort());
    expect(ch.replySet).toHaveLength(2);
    expect(ch.replySet).toContain(w.rcvid);
    expect([low, high].every((pid) => pid! > 0)).toBe(true);
    const idle = data.channels.find((c) => c.chid === w.idleChid)!;
    expect(idle.sendQueue).toEqual(['pulse 3/42 @7']);
    expect(data.asyncChannels).toEqual([{
      pid: w.arx.process.pid, process: 'arx', chid: w.achid, visible: 1,
      connections: [{ pid: w.atx.process.pid, coid: w.acoid, fill: 2, ringSize: 8, pending: 1, triggerCount: 3, triggerTimeMs: 250 }],
    }]);
    expect(w.kernel.snapshot().asyncChannels).toEqual([{ pid: w.arx.process.pid, chid: w.achid, visible: 1, connections: data.asyncChannels[0]!.connections }]);
  });

  it('should list the send queue highest priority first', async () => {
    const w = busyKernel();
    const inspector = await inspect(w.kernel);
    open.push(inspector);
    const data = ((await api<ViewAnswer<ChannelsData>>(inspector, '/api/v1/channels')).nodes[0] as { data: ChannelsData }).data;
    const [, high, mid] = w.clients.map((t) => t.process.pid);
    expect(data.channels.find((c) => c.chid === w.chid)!.sendQueue).toEqual([`pid ${high} tid 1 @20`, `pid ${mid} tid 1 @10`]);
  });

  it('should answer nodes for a kernel that is not a node (itself only) and for a node (itself and its peers)', async () => {
    const w = busyKernel();
    const plain = await inspect(w.kernel);
    open.push(plain);
    const a = await api<ViewAnswer<NodesData>>(plain, '/api/v1/nodes');
    expectShape(a, viewAnswer(NODES));
    expect(a.nodes).toEqual([{ node: 'local', ok: true, data: { self: 'local', peers: [expect.objectContaining({ node: 'local', nd: 0, state: 'self' })] } }]);
    const system = createSystem({ node: 'alpha', scheduler: new VirtualClock() });
    system.nd('beta'); // a peer named, never reached
    const node = await inspect(system);
    open.push(node);
    const b = await api<ViewAnswer<NodesData>>(node, '/api/v1/nodes');
    expectShape(b, viewAnswer(NODES));
    const data = (b.nodes[0] as { data: NodesData }).data;
    expect(data.self).toBe('alpha');
    expect(data.peers).toEqual([
      { node: 'alpha', nd: 0, state: 'self', reason: '', incarnation: expect.any(Number), rttMs: null, missedBeats: 0, inFlight: 0, window: 0, drops: expect.objectContaining({ malformed: 0 }) },
      { node: 'beta', nd: 1, state: 'unknown', reason: '', incarnation: 0, rttMs: null, missedBeats: 0, inFlight: 0, window: 1024, drops: {} },
    ]);
  });

  it('should answer the graph and the inspector\'s own figures in their protocol shapes', async () => {
    const w = busyKernel();
    const inspector = await inspect(w.kernel);
    open.push(inspector);
    expectShape(await api(inspector, '/api/v1/graph'), viewAnswer(GRAPH));
    const stats = await api(inspector, '/api/v1/inspector');
    expectShape(stats, INSPECTOR_STATS);
    expect(stats).toEqual({ version: 1, tracing: false, seq: 0, ring: { frames: 0, bytes: 0 }, maxQueue: 1 << 20, clients: [] });
  });
});
