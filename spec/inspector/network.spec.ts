// One page for the whole network: an inspector on node a shows node b too, whose snapshot travels
// over the loopback link on request (virtual time), says which node did not answer and why, and
// turns the graph's edges to a lost node down (EHOSTDOWN).
import { afterEach, describe, expect, it } from 'vitest';
import { Kernel, VirtualClock, _NTO_SIDE_CHANNEL, type Thread } from '../../src/kernel/index.js';
import { F } from '../../src/kernel/net/frames.js';
import { onSnapshotFrame, requestSnapshot, type SnapshotResult } from '../../src/kernel/net/snapshotService.js';
import { textBytes } from '../../src/kernel/net/frames.js';
import { inspect, type ChannelsData, type GraphData, type Inspector, type NodesData, type PidinData, type ViewAnswer } from '../../src/inspector/index.js';
import { connectLoopback } from '../../src/testing/index.js';
import { CHANNELS, GRAPH, NODES, PIDIN, expectShape, pump, viewAnswer } from './helpers.js';

let open: Inspector[] = [];
afterEach(async () => {
  await Promise.all(open.map((i) => i.close()));
  open = [];
});

const noop = (): void => {};

/** Nodes a and b on one virtual clock, joined by a loopback link (1 ms each way). */
function pair() {
  const clock = new VirtualClock();
  const onUnhandledError = (e: unknown): void => { throw e; };
  const a = new Kernel({ scheduler: clock, onUnhandledError, net: { node: 'a', incarnation: 1 } });
  const b = new Kernel({ scheduler: clock, onUnhandledError, net: { node: 'b', incarnation: 2 } });
  const link = connectLoopback(a, b, { latency: 1 });
  clock.advanceBy(10);
  const proc = (k: Kernel, name: string): { t: Thread; chid: number } => {
    const t = k.createThread(k.createProcess({ name }));
    return { t, chid: k.channelCreate(t, 0) };
  };
  /** `from` (on kernel `k`) sends to `to` on node `node` ('' for its own). */
  const sendTo = (k: Kernel, from: Thread, node: string, to: { t: Thread; chid: number }): void => {
    const nd = node === '' ? 0 : k.netmgrStrtond(node).nd;
    const coid = k.connectAttach(from, nd, to.t.process.pid, to.chid, _NTO_SIDE_CHANNEL, 0);
    k.msgSend(from, coid, new Uint8Array(4), new Uint8Array(4), noop);
  };
  return { clock, a, b, link, proc, sendTo };
}

async function get<T>(clock: VirtualClock, inspector: Inspector, path: string): Promise<ViewAnswer<T>> {
  const u = new URL(inspector.url);
  const res = await pump(clock, fetch(`${u.origin}${path}`, { headers: { Authorization: `Bearer ${u.searchParams.get('token')}` } }));
  expect(res.status).toBe(200);
  return (await res.json()) as ViewAnswer<T>;
}

const dataOf = <T>(answer: ViewAnswer<T>, node: string): T => (answer.nodes.find((n) => n.node === node) as { data: T }).data;

describe('the inspector across nodes', () => {
  it('should show every node joined to it: b\'s threads, channels and remote clients, fetched over the link', async () => {
    const { clock, a, b, proc, sendTo } = pair();
    const server = proc(b, 'server');
    const client = proc(a, 'client');
    sendTo(a, client.t, 'b', server);
    clock.advanceBy(10);
    const inspector = await inspect(a);
    open.push(inspector);
    const pidin = await get<PidinData>(clock, inspector, '/api/v1/pidin');
    expectShape(pidin, viewAnswer(PIDIN));
    expect(pidin.nodes.map((n) => [n.node, n.ok])).toEqual([['a', true], ['b', true]]);
    expect(dataOf(pidin, 'b').threads).toEqual([
      expect.objectContaining({ pid: server.t.process.pid, tid: 1, name: 'server', state: 'READY' }),
      expect.objectContaining({ pid: client.t.process.pid, tid: 1, name: `a/${client.t.process.pid}/vthread`, state: 'SEND', blocked: `pid ${server.t.process.pid} chid ${server.chid}`, remoteNode: 'a' }),
    ]);
    expect(dataOf(pidin, 'a').threads).toEqual([expect.objectContaining({ name: 'client', state: 'SEND', blocked: `nd ${a.netmgrStrtond('b').nd} pid ${server.t.process.pid} chid ${server.chid}` })]);
    const channels = await get<ChannelsData>(clock, inspector, '/api/v1/channels');
    expectShape(channels, viewAnswer(CHANNELS));
    expect(dataOf(channels, 'b').channels).toEqual([expect.objectContaining({ pid: server.t.process.pid, chid: server.chid, sendQueue: [`nd ${b.netmgrStrtond('a').nd} pid ${client.t.process.pid} tid 1 @10`] })]);
    const local = await get<PidinData>(clock, inspector, '/api/v1/pidin?scope=local');
    expect(local.nodes.map((n) => n.node)).toEqual(['a']);
    const nodes = await get<NodesData>(clock, inspector, '/api/v1/nodes');
    expectShape(nodes, viewAnswer(NODES));
    expect(dataOf(nodes, 'a').peers.map((p) => [p.node, p.state])).toEqual([['a', 'self'], ['b', 'up']]);
  });

  it('should list a deadlock across two nodes with both threads, and its edges across the link', async () => {
    const { clock, a, b, proc, sendTo } = pair();
    const x = proc(a, 'x');
    const y = proc(b, 'y');
    sendTo(a, x.t, 'b', y);
    sendTo(b, y.t, 'a', x);
    clock.advanceBy(10);
    const inspector = await inspect(a);
    open.push(inspector);
    const answer = await get<GraphData>(clock, inspector, '/api/v1/graph');
    expectShape(answer, viewAnswer(GRAPH));
    const [ga, gb] = [dataOf(answer, 'a'), dataOf(answer, 'b')];
    const ax = `a:${x.t.process.pid}:1`;
    const by = `b:${y.t.process.pid}:1`;
    expect([...ga.cycles, ...gb.cycles]).toEqual([[ax, by]]);
    expect(ga.cycles).toEqual([[ax, by]]);
    expect(ga.edges).toEqual(expect.arrayContaining([
      { from: ax, to: `b:${y.t.process.pid}:ch${y.chid}`, kind: 'send', status: 'up' },
      { from: `a:${x.t.process.pid}:ch${x.chid}`, to: ax, kind: 'serves', status: 'up' },
    ]));
    expect(gb.edges).toEqual(expect.arrayContaining([
      { from: by, to: `a:${x.t.process.pid}:ch${x.chid}`, kind: 'send', status: 'up' },
      { from: `b:${y.t.process.pid}:ch${y.chid}`, to: by, kind: 'serves', status: 'up' },
    ]));
    expect(ga.vertices.every((v) => v.node === 'a') && gb.vertices.every((v) => v.node === 'b')).toBe(true);
  });

  it('should say which node did not answer when its link is cut, and turn the edges to it down with EHOSTDOWN', async () => {
    const { clock, a, b, link, proc, sendTo } = pair();
    const server = proc(b, 'server');
    const client = proc(a, 'client');
    b.msgReceive(server.t, server.chid, new Uint8Array(4), null, noop);
    sendTo(a, client.t, 'b', server);
    clock.advanceBy(10);
    const inspector = await inspect(a, { snapshotDeadlineMs: 500, stallThresholdMs: 100 });
    open.push(inspector);
    link.sever();
    const at = clock.now();
    const answer = await get<GraphData>(clock, inspector, '/api/v1/graph');
    expect(clock.now() - at).toBeGreaterThanOrEqual(500);
    expect(answer.nodes[1]).toEqual({ node: 'b', ok: false, error: expect.stringMatching(/^ETIMEDOUT: b did not answer/) });
    const g = dataOf(answer, 'a');
    const ch = `b:${server.t.process.pid}:ch${server.chid}`;
    const cl = `a:${client.t.process.pid}:1`;
    expect(g.edges).toEqual([{ from: cl, to: ch, kind: 'reply', status: 'down', errno: 'EHOSTDOWN' }]);
    expect(g.vertices).toEqual(expect.arrayContaining([{ id: ch, kind: 'channel', node: 'b', label: `pid ${server.t.process.pid} chid ${server.chid}` }]));
    // the client waits on a node that cannot answer: past the threshold, its stall's root is that channel
    expect(g.stalls).toEqual([]);
    const again = dataOf(await get<GraphData>(clock, inspector, '/api/v1/graph'), 'a');
    expect(again.stalls).toEqual([{ thread: cl, for: expect.any(Number), root: ch }]);
    expect(again.stalls[0]!.for).toBeGreaterThanOrEqual(500);
    // past the liveness bound b is down: listed with the reason, at once (nothing to wait for)
    clock.advanceBy(5000);
    const later = await get<PidinData>(clock, inspector, '/api/v1/pidin');
    expect(later.nodes[1]).toEqual({ node: 'b', ok: false, error: 'EHOSTDOWN: b is down' });
    const nodes = dataOf(await get<NodesData>(clock, inspector, '/api/v1/nodes'), 'a');
    expect(nodes.peers[1]).toMatchObject({ node: 'b', state: 'down', reason: 'heartbeat' });
  });

  it('should not hang a request when the kernel\'s clock stands still: a wall-clock guard ends the wait', async () => {
    const { a, link } = pair();
    const inspector = await inspect(a, { snapshotDeadlineMs: 10 });
    open.push(inspector);
    link.sever();
    const u = new URL(inspector.url);
    const started = Date.now();
    const res = await fetch(`${u.origin}/api/v1/pidin?token=${u.searchParams.get('token')}`);
    const answer = (await res.json()) as ViewAnswer<PidinData>;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(answer.nodes[1]).toEqual({ node: 'b', ok: false, error: "ETIMEDOUT: b did not answer (the kernel's clock did not reach the deadline)" });
  });

  it('should list a node whose link was closed as down (EHOSTDOWN) with the close as its reason', async () => {
    const { clock, a, link } = pair();
    const inspector = await inspect(a);
    open.push(inspector);
    link.close('killed');
    clock.advanceBy(10);
    const answer = await get<PidinData>(clock, inspector, '/api/v1/pidin');
    expect(answer.nodes[1]).toEqual({ node: 'b', ok: false, error: 'EHOSTDOWN: b is down' });
    const nodes = dataOf(await get<NodesData>(clock, inspector, '/api/v1/nodes'), 'a');
    expect(nodes.peers[1]).toMatchObject({ node: 'b', state: 'down', reason: 'closed: killed' });
  });
});

describe('asynchronous channels across nodes', () => {
  it('should show a remote sender\'s ring on the receiver\'s node with its node', async () => {
    const clock = new VirtualClock();
    const node = (name: string, incarnation: number) => new Kernel({ scheduler: clock, net: { node: name, incarnation, asyncAcrossNodes: true }, onUnhandledError: (e) => { throw e; } });
    const a = node('a', 1);
    const b = node('b', 2);
    connectLoopback(a, b, { latency: 1 });
    const r = b.createThread(b.createProcess({ name: 'receiver' }));
    const achid = b.asyncChannelCreate(r, 0, 0o666, 64, 10, null);
    const s = a.createThread(a.createProcess({ name: 'sender' }));
    const coid = a.asyncConnectAttach(s, a.netmgrStrtond('b').nd, r.process.pid, achid, 0, 0, {
      call_back: null, buffer_size: 64, max_num_buffer: 5, trigger_num_msg: 2, trigger_time: { nsec: 0, interval_nsec: 0 },
    });
    for (let i = 0; i < 3; i++) a.asyncPut(s, coid, new Uint8Array([i]), i, null, noop);
    clock.advanceBy(10);
    const inspector = await inspect(a);
    open.push(inspector);
    const answer = await get<ChannelsData>(clock, inspector, '/api/v1/channels');
    expectShape(answer, viewAnswer(CHANNELS));
    expect(dataOf(answer, 'b').asyncChannels).toEqual([{
      pid: r.process.pid, process: 'receiver', chid: achid, visible: 2,
      connections: [{ pid: s.process.pid, node: 'a', coid: expect.any(Number), fill: 2, ringSize: 5, pending: 0, triggerCount: 0, triggerTimeMs: 0 }],
    }]);
    // the sender's ring stays on its node, outside any channel of its own
    expect(dataOf(answer, 'a').asyncChannels).toEqual([]);
  });
});

describe('the snapshot service (SNAPSHOT_REQUEST, SNAPSHOT)', () => {
  const ask = (k: Kernel, node: string, ms = 1000): { results: SnapshotResult[]; cancel: () => void } => {
    const results: SnapshotResult[] = [];
    const cancel = requestSnapshot(k.net!, node, ms, (r) => results.push(r));
    return { results, cancel };
  };

  it('should answer with the peer\'s snapshot and its peer table, and ask nothing of a node it does not know', () => {
    const { clock, a, b, proc } = pair();
    proc(b, 'server');
    const r = ask(a, 'b');
    expect(r.results).toEqual([]);
    clock.advanceBy(2);
    // b's snapshot as it was when the request arrived (1 ms after it was sent)
    const snapshot = { ...(JSON.parse(JSON.stringify(b.snapshot())) as object), time: clock.now() - 1 };
    expect(r.results).toEqual([{ ok: true, value: { snapshot, peers: [{ nd: 1, node: 'a', state: 'up' }] } }]);
    expect(ask(a, 'zed').results).toEqual([{ ok: false, errno: 'EHOSTUNREACH', reason: 'no peer named zed' }]);
    a.netmgrStrtond('c');
    expect(ask(a, 'c').results).toEqual([{ ok: false, errno: 'EHOSTDOWN', reason: 'c is unknown' }]);
  });

  it('should fail at the deadline (ETIMEDOUT), at once when the peer goes down (EHOSTDOWN), and not at all once cancelled', () => {
    const { clock, a, link } = pair();
    link.sever();
    const late = ask(a, 'b', 300);
    const cancelled = ask(a, 'b', 300);
    cancelled.cancel();
    cancelled.cancel();
    clock.advanceBy(299);
    expect(late.results).toEqual([]);
    clock.advanceBy(1);
    expect(late.results).toEqual([{ ok: false, errno: 'ETIMEDOUT', reason: 'b did not answer within 300 ms' }]);
    const lost = ask(a, 'b', 100_000);
    clock.advanceBy(5000);
    expect(lost.results).toEqual([{ ok: false, errno: 'EHOSTDOWN', reason: 'b went down (heartbeat)' }]);
    expect(cancelled.results).toEqual([]);
    expect(clock.pending).toBeGreaterThan(0); // heartbeats, not the requests' deadlines
  });

  it('should take an answer only from the peer asked, for a request still waiting, that is a snapshot (EBADMSG otherwise)', () => {
    const { clock, a, b } = pair();
    const r = ask(a, 'b', 1000);
    const m = a.net!;
    const peerB = m.byName.get('b')!;
    const frame = (id: number, payload: Uint8Array) => ({ kind: F.SNAPSHOT, flags: 0, seq: 0, ack: 0, srcInc: 0, dstInc: 0, id, body: [0], payload });
    onSnapshotFrame(m, peerB, frame(999, textBytes('{}')));
    const c = new Kernel({ scheduler: clock, net: { node: 'c' } });
    connectLoopback(a, c);
    clock.advanceBy(0);
    onSnapshotFrame(m, m.byName.get('c')!, frame(1, textBytes('{"snapshot":{"processes":[]},"peers":[]}')));
    expect(r.results).toEqual([]);
    onSnapshotFrame(m, peerB, frame(1, textBytes('not json')));
    expect(r.results).toEqual([{ ok: false, errno: 'EBADMSG', reason: 'the answer is not a snapshot' }]);
    const s = ask(a, 'b', 1000);
    onSnapshotFrame(m, peerB, frame(2, textBytes('{"snapshot":null,"peers":[]}')));
    expect(s.results).toEqual([{ ok: false, errno: 'EBADMSG', reason: 'the answer is not a snapshot' }]);
    // the real answers come later and find nobody waiting
    clock.advanceBy(10);
    expect(r.results).toHaveLength(1);
    expect(b.node).toBe('b');
  });
});
