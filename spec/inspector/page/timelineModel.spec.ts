import { describe, expect, it } from 'vitest';
import { MessageMatcher } from '../../../src/inspector/page/messageMatcher.js';
import { TimelineModel } from '../../../src/inspector/page/timelineModel.js';
import type { EventRow } from '../../../src/inspector/protocol.js';
import { tracedRun } from './fixtures.js';

const send = (time: number, pid: number, tid: number, to: number, node = 'a'): EventRow => ({ node, time, kind: 'send', pid, tid, detail: { coid: 3, chid: 1, to } });
const receive = (time: number, pid: number, tid: number, from: number, rcvid: number, node = 'a'): EventRow => ({ node, time, kind: 'receive', pid, tid, detail: { chid: 1, rcvid, from } });
const reply = (time: number, pid: number, tid: number, to: number, rcvid: number, node = 'a'): EventRow => ({ node, time, kind: 'reply', pid, tid, detail: { rcvid, status: 0, to } });

describe('MessageMatcher', () => {
  it("should pair a send with the receive of its server and the reply of the rcvid, per node", () => {
    const m = new MessageMatcher();
    const s = send(0, 2, 1, 1);
    const sb = send(0, 2, 1, 1, 'b');
    expect(m.add(s)).toBeNull();
    expect(m.add(sb)).toBeNull();
    const r = receive(1, 1, 1, 2, 7);
    expect(m.add(r)).toEqual({ kind: 'received', send: s, receive: r });
    const done = reply(2, 1, 1, 2, 7);
    expect(m.add(done)).toEqual({ kind: 'replied', send: s, receive: r, reply: done });
    expect(m.add(reply(3, 1, 1, 2, 7))).toBeNull(); // once
    expect(m.add(receive(4, 1, 1, 2, 8, 'b'))?.kind).toBe('received');
  });

  it('should forget a send whose thread was unblocked, and stay bounded', () => {
    const m = new MessageMatcher(10);
    m.add(send(0, 2, 1, 1));
    m.add({ node: 'a', time: 1, kind: 'timeout', pid: 2, tid: 1, detail: { chid: 1, errno: 260 } });
    expect(m.add(receive(2, 1, 1, 2, 7))).toBeNull();
    for (let i = 0; i < 100; i++) m.add(send(i, 3, 1, 9));
    // only the newest 10 are remembered
    let matched = 0;
    for (let i = 0; i < 100; i++) if (m.add(receive(200 + i, 9, 1, 3, 100 + i)) !== null) matched++;
    expect(matched).toBe(10);
  });
});

describe('TimelineModel', () => {
  it('should give each thread a lane with its states, arrows send → receive and reply → client, marks', async () => {
    const run = await tracedRun();
    const model = new TimelineModel();
    model.add(run.events);
    const pidOf = (name: string): number => [...run.names].find(([, n]) => n === name)![0];
    const lanesOf = (name: string) => [...model.lanes.values()].filter((l) => l.pid === pidOf(name) && l.tid !== 0);
    // the binding sends each message from a thread of its own: every client lane goes SEND → REPLY → READY
    const alice = lanesOf('alice').flatMap((l) => l.segments.map((s) => s.state));
    expect(alice.filter((s) => s === 'REPLY')).toHaveLength(3);
    expect(alice.filter((s) => s === 'READY')).toHaveLength(3);
    for (const lane of lanesOf('alice')) {
      const states = lane.segments.map((s) => s.state);
      expect(states).toEqual(Array.from({ length: states.length }, (_, i) => ['SEND', 'REPLY', 'READY'][i % 3]));
    }
    const silent = lanesOf('silent').flatMap((l) => l.segments.map((s) => s.state));
    expect(silent).toEqual(['RUNNING']);
    expect(lanesOf('server').some((l) => l.segments.some((s) => s.state === 'RUNNING'))).toBe(true);
    expect(model.arrows.filter((a) => a.kind === 'send')).toHaveLength(7); // six answered, one received and never answered
    expect(model.arrows.filter((a) => a.kind === 'reply')).toHaveLength(6);
    expect(model.marks.some((m) => m.kind === 'pulse')).toBe(true);
    expect(model.size).toBe(run.events.length);
    expect(model.laneOrder().map((l) => l.pid)).toEqual([...model.laneOrder().map((l) => l.pid)].sort((a, b) => a - b));
  });

  it('should keep the newest maxEvents, count what it dropped, and drop what ended before them', () => {
    const model = new TimelineModel(1000);
    for (let i = 0; i < 10_000; i++) {
      const t = i * 3;
      model.add([send(t, 2, 1, 1), receive(t + 1, 1, 1, 2, 5), reply(t + 2, 1, 1, 2, 5)]);
    }
    expect(model.size).toBeLessThanOrEqual(1000);
    expect(model.dropped).toBe(30_000 - model.size);
    expect(model.events()[0]!.time).toBe(model.first);
    expect(model.first).toBeGreaterThan(20_000);
    // segments, arrows and marks are cut when the log is compacted (every quarter of maxEvents)
    for (const lane of model.lanes.values()) expect(lane.segments.length).toBeLessThanOrEqual(2 * 1000);
    expect(model.arrows.length).toBeLessThanOrEqual(2 * 1.25 * 1000);
    expect(model.lanes.size).toBe(2);
  });

  it('should mark a node going down across the whole timeline, and end the lanes of a dead process', () => {
    const model = new TimelineModel();
    model.add([send(0, 2, 1, 1), send(0, 2, 2, 1), { node: 'a', time: 5, kind: 'node', pid: 0, tid: 0, detail: { node: 'b', nd: 1, state: 'down', reason: 'heartbeat' } }]);
    model.add([{ node: 'a', time: 6, kind: 'death', pid: 2, tid: 0, detail: { what: 'process', status: 0 } }]);
    expect(model.marks.find((m) => m.kind === 'node')).toEqual({ lane: '', t: 5, kind: 'node', text: 'b down' });
    for (const tid of [1, 2]) expect(model.lanes.get(`a|2|${tid}`)!.segments).toEqual([{ start: 0, end: 6, state: 'SEND' }]);
  });
});
