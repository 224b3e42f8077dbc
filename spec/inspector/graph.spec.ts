// Who blocks whom: the wait-for graph (clients → channel → servers), deadlocks listed as cycles
// with their threads, and each stall past its threshold with the root of its wait chain.
import { afterEach, describe, expect, it } from 'vitest';
import { Kernel, VirtualClock, _NTO_SIDE_CHANNEL, type Thread } from '../../src/kernel/index.js';
import { inspect, type GraphData, type Inspector, type ViewAnswer } from '../../src/inspector/index.js';
import { GRAPH, expectShape, viewAnswer } from './helpers.js';

let open: Inspector[] = [];
afterEach(async () => {
  await Promise.all(open.map((i) => i.close()));
  open = [];
});

const noop = (): void => {};

async function graphOf(inspector: Inspector): Promise<GraphData> {
  const u = new URL(inspector.url);
  const res = await fetch(`${u.origin}/api/v1/graph`, { headers: { Authorization: `Bearer ${u.searchParams.get('token')}` } });
  expect(res.status).toBe(200);
  const answer = (await res.json()) as ViewAnswer<GraphData>;
  expectShape(answer, viewAnswer(GRAPH));
  return (answer.nodes[0] as { data: GraphData }).data;
}

function kernelOnClock() {
  const clock = new VirtualClock();
  const kernel = new Kernel({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  const proc = (name: string): { t: Thread; chid: number } => {
    const t = kernel.createThread(kernel.createProcess({ name }));
    return { t, chid: kernel.channelCreate(t, 0) };
  };
  const sendTo = (from: Thread, to: { t: Thread; chid: number }): void => {
    const coid = kernel.connectAttach(from, 0, to.t.process.pid, to.chid, _NTO_SIDE_CHANNEL, 0);
    kernel.msgSend(from, coid, new Uint8Array(4), new Uint8Array(4), noop);
  };
  const id = (x: { t: Thread }): string => `local:${x.t.process.pid}:${x.t.tid}`;
  return { clock, kernel, proc, sendTo, id };
}

describe('the wait-for graph', () => {
  it('should list a deadlock (two processes each SEND-blocked on the other\'s channel) as a cycle of both threads', async () => {
    const { kernel, proc, sendTo, id } = kernelOnClock();
    const a = proc('alpha');
    const b = proc('beta');
    const bystander = proc('bystander');
    sendTo(a.t, b);
    sendTo(b.t, a);
    const inspector = await inspect(kernel);
    open.push(inspector);
    const g = await graphOf(inspector);
    expect(g.cycles).toEqual([[id(a), id(b)]]);
    const chA = `local:${a.t.process.pid}:ch${a.chid}`;
    const chB = `local:${b.t.process.pid}:ch${b.chid}`;
    expect(g.edges).toEqual(expect.arrayContaining([
      { from: id(a), to: chB, kind: 'send', status: 'up' },
      { from: chB, to: id(b), kind: 'serves', status: 'up' },
      { from: id(b), to: chA, kind: 'send', status: 'up' },
      { from: chA, to: id(a), kind: 'serves', status: 'up' },
    ]));
    expect(g.edges).toHaveLength(4);
    expect(g.vertices.map((v) => v.id).sort()).toEqual([id(a), id(b), chA, chB].sort());
    expect(g.vertices.find((v) => v.id === id(a))).toEqual({ id: id(a), kind: 'thread', node: 'local', label: `alpha ${a.t.process.pid}/1`, state: 'SEND' });
    expect(g.vertices.find((v) => v.id === chB)).toEqual({ id: chB, kind: 'channel', node: 'local', label: `beta chid ${b.chid}` });
    expect(g.vertices.some((v) => v.id === id(bystander))).toBe(false);
  });

  it('should list a three-process REPLY deadlock, and no cycle once a server can receive again', async () => {
    const { kernel, proc, sendTo, id } = kernelOnClock();
    const [a, b, c] = [proc('a'), proc('b'), proc('c')];
    // each server received the previous one's message, then sent on: a → b → c → a, all REPLY-blocked but the last
    const recv = (x: { t: Thread; chid: number }): void => kernel.msgReceive(x.t, x.chid, new Uint8Array(4), null, noop);
    recv(b);
    sendTo(a.t, b);
    recv(c);
    sendTo(b.t, c);
    sendTo(c.t, a);
    const inspector = await inspect(kernel);
    open.push(inspector);
    const g = await graphOf(inspector);
    expect(g.cycles).toEqual([[id(a), id(b), id(c)]]);
    expect(g.edges.filter((e) => e.kind === 'reply').map((e) => e.from)).toEqual([id(a), id(b)]);
    // a second thread of a, free to receive: c's send can be taken, nothing is deadlocked
    kernel.createThread(a.t.process);
    expect((await graphOf(inspector)).cycles).toEqual([]);
  });

  it('should report each stall past its threshold with the root of its chain: the thread that does not wait on another', async () => {
    const { clock, kernel, proc, sendTo, id } = kernelOnClock();
    const client = proc('client');
    const front = proc('front');
    const db = proc('db');
    const idle = proc('idle');
    // db received front's request and went back to receive on another channel: front waits for a reply that never comes
    const other = kernel.channelCreate(db.t, 0);
    kernel.msgReceive(front.t, front.chid, new Uint8Array(4), null, noop);
    sendTo(client.t, front);
    kernel.msgReceive(db.t, db.chid, new Uint8Array(4), null, noop);
    sendTo(front.t, db);
    kernel.msgReceive(db.t, other, new Uint8Array(4), null, noop);
    // a process with no thread left: a send to it waits for nobody
    const gone = kernel.createProcess({ name: 'gone' });
    const goneT = kernel.createThread(gone);
    const goneChid = kernel.channelCreate(goneT, 0);
    kernel.threadExit(goneT);
    sendTo(idle.t, { t: goneT, chid: goneChid });
    const inspector = await inspect(kernel, { stallThresholdMs: 1000 });
    open.push(inspector);
    clock.advanceBy(10);
    expect((await graphOf(inspector)).stalls).toEqual([]);
    clock.advanceBy(999);
    expect((await graphOf(inspector)).stalls).toEqual([]);
    clock.advanceBy(1);
    const g = await graphOf(inspector);
    expect(g.stalls).toEqual([
      { thread: id(client), for: 1000, root: id(db) },
      { thread: id(front), for: 1000, root: id(db) },
      { thread: id(idle), for: 1000, root: `local:${gone.pid}:ch${goneChid}` },
    ].sort((x, y) => (x.thread < y.thread ? -1 : 1)));
    expect(g.cycles).toEqual([]);
    expect(g.edges).toContainEqual({ from: `local:${db.t.process.pid}:ch${db.chid}`, to: id(db), kind: 'serves', status: 'up' });
  });

  it('should give a stall that waits on a deadlock the cycle as its root', async () => {
    const { clock, kernel, proc, sendTo, id } = kernelOnClock();
    const [a, b, c] = [proc('a'), proc('b'), proc('c')];
    sendTo(a.t, b);
    sendTo(b.t, a);
    sendTo(c.t, a);
    const inspector = await inspect(kernel, { stallThresholdMs: 100 });
    open.push(inspector);
    await graphOf(inspector);
    clock.advanceBy(100);
    const g = await graphOf(inspector);
    expect(g.cycles).toEqual([[id(a), id(b)]]);
    expect(g.stalls.find((s) => s.thread === id(c))).toEqual({ thread: id(c), for: 100, root: id(a) });
  });

  it('should list a thread sending to its own process, alone, as a cycle of one', async () => {
    const { kernel, proc, sendTo, id } = kernelOnClock();
    const self = proc('self');
    sendTo(self.t, self);
    const inspector = await inspect(kernel);
    open.push(inspector);
    expect((await graphOf(inspector)).cycles).toEqual([[id(self)]]);
  });
});
