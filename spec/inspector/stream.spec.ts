// The live stream (Server-Sent Events): nothing collected while no page is open, frames of the
// views asked for only, stalls past their threshold (virtual time), resumes with Last-Event-ID
// without a gap, and a client that never reads: dropped frames counted, the server's queue bounded.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Kernel, VirtualClock, _NTO_SIDE_CHANNEL, type Thread } from '../../src/kernel/index.js';
import { inspect, type EventFrame, type InspectorStats } from '../../src/inspector/index.js';
import { EVENT_FRAME, STREAM_HELLO, expectShape, openStream, sleep, until, type SseStream, closedAfterEach } from './helpers.js';

const opened = closedAfterEach();

/** A kernel on a virtual clock whose `roundtrips(n)` makes 3 trace events each (send, receive, reply). */
function pingPong() {
  const clock = new VirtualClock();
  const kernel = new Kernel({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  const server = kernel.createThread(kernel.createProcess({ name: 'server' }));
  const client = kernel.createThread(kernel.createProcess({ name: 'client' }));
  const chid = kernel.channelCreate(server, 0);
  const coid = kernel.connectAttach(client, 0, server.process.pid, chid, _NTO_SIDE_CHANNEL, 0);
  const buf = new Uint8Array(16);
  const onReceive = (_e: number, rcvid: number): void => {
    kernel.msgReply(server, rcvid, 0, buf);
    kernel.msgReceive(server, chid, buf, null, onReceive);
  };
  kernel.msgReceive(server, chid, buf, null, onReceive);
  const roundtrips = (n: number): void => {
    for (let i = 0; i < n; i++) kernel.msgSend(client, coid, buf, buf, () => {});
  };
  return { clock, kernel, server, client, chid, roundtrips };
}

async function start(kernel: Kernel, options: Parameters<typeof inspect>[1] = {}) {
  const inspector = await inspect(kernel, options);
  opened.inspectors.push(inspector);
  const u = new URL(inspector.url);
  const token = u.searchParams.get('token')!;
  const events = async (query: string, headers: Record<string, string> = {}): Promise<SseStream> => {
    const s = await openStream(`${u.origin}/api/v1/events?${query}&token=${token}`, headers);
    opened.streams.push(s);
    expect(s.status).toBe(200);
    await s.next((e) => e.event === 'hello');
    return s;
  };
  const stats = async (): Promise<InspectorStats> => (await (await fetch(`${u.origin}/api/v1/inspector?token=${token}`)).json()) as InspectorStats;
  return { inspector, events, stats };
}

const frameOf = (data: string): EventFrame => JSON.parse(data) as EventFrame;

describe('the event stream', () => {
  it('should collect nothing while no page is open: no trace listener, no timer; and stop when the last leaves', async () => {
    const { clock, kernel, roundtrips } = pingPong();
    const { events, stats } = await start(kernel);
    roundtrips(10);
    expect(kernel.core.traceListeners).toHaveLength(0);
    expect(kernel.core.tracer).toBeNull();
    expect(clock.pending).toBe(0);
    expect((await stats()).tracing).toBe(false);
    const a = await events('views=trace');
    const b = await events('views=stalls,pidin');
    expect(kernel.core.traceListeners).toHaveLength(1);
    expect(clock.pending).toBe(1); // the stall look, on the kernel's clock
    expect((await stats()).clients.map((c) => c.views)).toEqual([['trace'], ['stalls', 'pidin']]);
    a.close();
    await until(async () => (await stats()).clients.length === 1, 5000, 'the server saw the first client leave');
    expect(kernel.core.traceListeners.length).toBeLessThanOrEqual(1);
    b.close();
    await until(async () => (await stats()).clients.length === 0, 5000, 'the server saw the last client leave');
    expect(kernel.core.traceListeners).toHaveLength(0);
    expect(kernel.core.tracer).toBeNull();
    expect(clock.pending).toBe(0);
  });

  it('should send frames of the views asked for: trace events as EventRows, changed views, every frame in the protocol\'s shape', async () => {
    const { kernel, roundtrips, server, client } = pingPong();
    const { events } = await start(kernel, { frameMs: 20 });
    const trace = await events('views=trace');
    const pidin = await events('views=pidin,nodes');
    expectShape(JSON.parse(trace.events[0]!.data), STREAM_HELLO);
    expect(JSON.parse(trace.events[0]!.data)).toEqual({ version: 1, seq: 0, views: ['trace'], frameMs: 20, maxEvents: 1000 });
    roundtrips(2);
    const f = frameOf((await trace.next((e) => e.event === 'frame')).data);
    expectShape(f, EVENT_FRAME);
    expect(f.events.map((e) => [e.kind, e.pid, e.tid])).toEqual([
      ['send', client.process.pid, 1], ['receive', server.process.pid, 1], ['reply', server.process.pid, 1],
      ['send', client.process.pid, 1], ['receive', server.process.pid, 1], ['reply', server.process.pid, 1],
    ]);
    expect(f.events[0]).toEqual({ node: 'local', time: 0, kind: 'send', pid: client.process.pid, tid: 1, detail: expect.objectContaining({ chid: 1 }) });
    expect(f.changed).toEqual([]);
    expect(f.dropped).toBe(0);
    const g = frameOf((await pidin.next((e) => e.event === 'frame')).data);
    expectShape(g, EVENT_FRAME);
    expect(g).toMatchObject({ seq: f.seq, events: [], changed: ['pidin'], stalls: [] });
    // a busy burst: the frame's cap, then nothing until the next frame (truncated), never more
    roundtrips(2000);
    const capped = frameOf((await trace.next((e) => e.event === 'frame' && frameOf(e.data).truncated === true)).data);
    expect(capped.events).toHaveLength(1000);
    for (const e of trace.frames()) expectShape(e, EVENT_FRAME);
  });

  it('should report a stall past its threshold in the frames, once, in virtual time', async () => {
    const { clock, kernel, server } = pingPong();
    const { events } = await start(kernel, { frameMs: 20, stallThresholdMs: 1000 });
    const stuck = kernel.createThread(kernel.createProcess({ name: 'stuck' }), { name: 'worker' });
    const other = kernel.createThread(kernel.createProcess({ name: 'nobody' }));
    const chid = kernel.channelCreate(other, 0);
    kernel.msgSend(stuck, kernel.connectAttach(stuck, 0, other.process.pid, chid, _NTO_SIDE_CHANNEL, 0), new Uint8Array(1), new Uint8Array(1), () => {});
    const s = await events('views=stalls');
    clock.advanceBy(999);
    await sleep(100);
    expect(s.frames().flatMap((f) => f['stalls'] as unknown[])).toEqual([]);
    clock.advanceBy(1);
    const f = frameOf((await s.next((e) => e.event === 'frame' && frameOf(e.data).stalls.length > 0)).data);
    expectShape(f, EVENT_FRAME);
    expect(f.stalls).toEqual([{ node: 'local', pid: stuck.process.pid, tid: 1, name: 'stuck/worker', state: 'SEND', blocked: `pid ${other.process.pid} chid ${chid}`, for: 1000 }]);
    clock.advanceBy(3000);
    await sleep(100);
    expect(s.frames().flatMap((x) => x['stalls'] as unknown[])).toHaveLength(1);
    expect(server.process.alive).toBe(true);
  });

  it('should resume a cut stream from Last-Event-ID with no gap: consecutive ids, the same events as a client that stayed', async () => {
    const { kernel, roundtrips } = pingPong();
    const { events } = await start(kernel, { frameMs: 20 });
    const stayed = await events('views=trace');
    const cut = await events('views=trace');
    for (let i = 0; i < 5; i++) {
      roundtrips(3);
      await sleep(30);
    }
    await cut.next((e) => e.event === 'frame' && Number(e.id) >= 3);
    cut.close();
    const before = cut.events.filter((e) => e.event === 'frame');
    const last = before[before.length - 1]!.id!;
    for (let i = 0; i < 5; i++) {
      roundtrips(2);
      await sleep(30);
    }
    const resumed = await events('views=trace', { 'Last-Event-ID': last });
    roundtrips(1);
    const newest = Number((await stayed.next((e) => e.event === 'frame' && e.data.includes('"events":[{') && Number(e.id) > Number(last) + 3)).id);
    await resumed.next((e) => e.event === 'frame' && Number(e.id) >= newest);
    const after = resumed.events.filter((e) => e.event === 'frame');
    const ids = [...before, ...after].map((e) => Number(e.id));
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => ids[0]! + i));
    const byId = new Map(stayed.events.filter((e) => e.event === 'frame').map((e) => [e.id, frameOf(e.data).events]));
    for (const e of after) expect(frameOf(e.data).events).toEqual(byId.get(e.id));
    expect(after.every((e) => frameOf(e.data).dropped === 0)).toBe(true);
    // ?lastEventId= does the same (for a page that reconnects by itself)
    const byQuery = await events(`views=trace&lastEventId=${last}`);
    await byQuery.next((e) => e.event === 'frame' && Number(e.id) === Number(last) + 1);
  });

  it('should say what a resume older than the ring missed: one frame before the ring with the events dropped', async () => {
    const { kernel, roundtrips } = pingPong();
    const { events, stats } = await start(kernel, { frameMs: 50, maxEvents: 100_000, maxQueue: 64 << 20 });
    const keep = await events('views=trace');
    // two frames of 40,200 events (> 4 MiB each): the ring keeps only the last
    roundtrips(13_400);
    await keep.next((e) => e.event === 'frame' && e.id === '1', 10_000);
    roundtrips(13_400);
    await keep.next((e) => e.event === 'frame' && e.id === '2', 10_000);
    expect((await stats()).ring.frames).toBe(1);
    const late = await events('views=trace,pidin', { 'Last-Event-ID': '0' });
    const gap = frameOf((await late.next((e) => e.event === 'frame')).data);
    expectShape(gap, EVENT_FRAME);
    expect(gap).toMatchObject({ seq: 1, events: [], changed: ['pidin'], dropped: 40_200 });
    const next = frameOf((await late.next((e) => e.event === 'frame' && e.id === '2', 10_000)).data);
    expect(next.events).toHaveLength(40_200);
    expect(next.dropped).toBe(40_200);
  });

  it('should drop frames for a client that never reads, count them, and keep the server\'s queue under its cap', async () => {
    const { kernel, roundtrips } = pingPong();
    const maxQueue = 64 * 1024;
    const maxEvents = 2000;
    const { inspector, stats } = await start(kernel, { frameMs: 10, maxEvents, maxQueue });
    const u = new URL(inspector.url);
    // a client that sends its request and never reads a byte
    const socket = connect(Number(u.port), '127.0.0.1');
    socket.pause();
    socket.write(`GET /api/v1/events?views=trace&token=${u.searchParams.get('token')} HTTP/1.1\r\nHost: x\r\n\r\n`);
    let busy = true;
    const load = (): void => {
      if (!busy) return;
      roundtrips(1000);
      setImmediate(load);
    };
    load();
    try {
      const frameBytes = maxEvents * 250;
      const samples: Array<{ queued: number; dropped: number }> = [];
      await until(async () => {
        const c = (await stats()).clients[0];
        if (c !== undefined) samples.push({ queued: c.queued, dropped: c.dropped });
        return c !== undefined && c.dropped > 0;
      }, 20_000, 'the slow client dropped frames');
      for (let i = 0; i < 10; i++) {
        await sleep(50);
        const s = await stats();
        samples.push({ queued: s.clients[0]!.queued, dropped: s.clients[0]!.dropped });
        expect(s.ring.bytes).toBeLessThanOrEqual(4 * 1024 * 1024 + frameBytes);
      }
      for (const s of samples) expect(s.queued).toBeLessThanOrEqual(maxQueue + frameBytes);
      expect(samples[samples.length - 1]!.dropped).toBeGreaterThan(samples.find((s) => s.dropped > 0)!.dropped);
    } finally {
      busy = false;
      socket.destroy();
    }
  });
});

export type { Thread };
