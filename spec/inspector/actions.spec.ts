// The write actions (allowWrite: true): kill a process, unblock a thread, send a pulse, each
// traced as an `inspector` event before it is done, and refused with the kernel's reason.
import { describe, expect, it } from 'vitest';
import { Kernel, VirtualClock, _NTO_SIDE_CHANNEL, readPulse, type TraceEvent } from '../../src/kernel/index.js';
import { inspect, type EventFrame } from '../../src/inspector/index.js';
import { ACTION_ANSWER, ERROR_ANSWER, expectShape, openStream, type SseStream, closedAfterEach } from './helpers.js';

const opened = closedAfterEach();

async function start() {
  const clock = new VirtualClock();
  const kernel = new Kernel({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  const inspector = await inspect(kernel, { allowWrite: true, frameMs: 20 });
  opened.inspectors.push(inspector);
  const u = new URL(inspector.url);
  const token = u.searchParams.get('token')!;
  const post = async (action: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${u.origin}/api/v1/actions/${action}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const stream = async (): Promise<SseStream> => {
    const s = await openStream(`${u.origin}/api/v1/events?views=trace&token=${token}`);
    opened.streams.push(s);
    await s.next((e) => e.event === 'hello');
    return s;
  };
  const traced: TraceEvent[] = [];
  kernel.onTrace((e) => traced.push(e));
  return { clock, kernel, post, stream, traced };
}

describe('inspector actions', () => {
  it('should kill a process, traced as an inspector event before its death, in the kernel trace and the stream', async () => {
    const { kernel, post, stream, traced } = await start();
    const s = await stream();
    const victim = kernel.createProcess({ name: 'victim' });
    kernel.createThread(victim);
    const res = await post('kill', { pid: victim.pid });
    expect(res.status).toBe(200);
    expectShape(res.json, ACTION_ANSWER);
    expect(res.json).toEqual({ version: 1, ok: true, action: 'kill', time: 0 });
    expect(victim.alive).toBe(false);
    // the inspector event first, then the deaths (its thread's, its own)
    expect(traced.map((e) => [e.kind, e.pid])).toEqual([['inspector', victim.pid], ['death', victim.pid], ['death', victim.pid]]);
    expect(traced[0]!.detail).toEqual({ action: 'kill' });
    const f = JSON.parse((await s.next((e) => e.event === 'frame' && e.data.includes('"inspector"'))).data) as EventFrame;
    expect(f.events.map((e) => e.kind).slice(0, 2)).toEqual(['inspector', 'death']);
    expect(f.events[0]).toEqual({ node: 'local', time: 0, kind: 'inspector', pid: victim.pid, tid: 0, detail: { action: 'kill' } });
    // once dead: no such process
    const again = await post('kill', { pid: victim.pid });
    expect(again.status).toBe(404);
    expectShape(again.json, ERROR_ANSWER);
    expect(again.json).toMatchObject({ errno: 'ESRCH' });
  });

  it('should unblock a SEND-blocked thread (EINTR), traced, and refuse a thread that is not blocked or does not exist', async () => {
    const { kernel, post, traced } = await start();
    const server = kernel.createThread(kernel.createProcess({ name: 'server' }));
    const chid = kernel.channelCreate(server, 0);
    const client = kernel.createThread(kernel.createProcess({ name: 'client' }));
    const got: number[] = [];
    kernel.msgSend(client, kernel.connectAttach(client, 0, server.process.pid, chid, _NTO_SIDE_CHANNEL, 0), new Uint8Array(1), new Uint8Array(1), (err) => got.push(err));
    traced.length = 0;
    const res = await post('unblock', { pid: client.process.pid, tid: client.tid });
    expect(res).toEqual({ status: 200, json: { version: 1, ok: true, action: 'unblock', time: 0 } });
    expect(got).toEqual([4]); // EINTR
    expect(traced.map((e) => [e.kind, e.pid, e.tid])).toEqual([['inspector', client.process.pid, client.tid], ['unblock', client.process.pid, client.tid]]);
    const idle = await post('unblock', { pid: client.process.pid, tid: client.tid });
    expect(idle.status).toBe(409);
    expect(idle.json['error']).toBe(`thread ${client.process.pid}/${client.tid} is not blocked`);
    expect((await post('unblock', { pid: client.process.pid, tid: 9 })).status).toBe(404);
  });

  it('should send a pulse from a process named inspector, traced, and refuse a channel that does not exist', async () => {
    const { kernel, post, traced } = await start();
    const server = kernel.createThread(kernel.createProcess({ name: 'server' }));
    const chid = kernel.channelCreate(server, 0);
    const buf = new Uint8Array(64);
    const pulses: Array<{ code: number; value: number }> = [];
    const receive = (): void => kernel.msgReceive(server, chid, buf, null, (err, rcvid) => {
      if (err !== 0) return;
      if (rcvid === 0) {
        const p = readPulse(buf);
        pulses.push({ code: p.code, value: p.value.sival_int });
      }
      receive();
    });
    receive();
    traced.length = 0;
    expect((await post('pulse', { pid: server.process.pid, chid, code: 5, value: -7 })).status).toBe(200);
    expect((await post('pulse', { action: 'pulse', pid: server.process.pid, chid, code: 6, value: 8 })).status).toBe(200);
    expect(pulses).toEqual([{ code: 5, value: -7 }, { code: 6, value: 8 }]);
    const sender = kernel.snapshot().processes.find((p) => p.name === 'inspector')!;
    expect(sender.threads.map((t) => t.name)).toEqual(['actions']);
    expect(traced.filter((e) => e.kind === 'inspector')).toEqual([
      expect.objectContaining({ pid: sender.pid, detail: { action: 'pulse', to: server.process.pid, chid, code: 5, value: -7 } }),
      expect.objectContaining({ pid: sender.pid, detail: { action: 'pulse', to: server.process.pid, chid, code: 6, value: 8 } }),
    ]);
    expect(traced.map((e) => e.kind).slice(0, 3)).toEqual(['inspector', 'connect', 'pulse']);
    const none = await post('pulse', { pid: server.process.pid, chid: 99, code: 1, value: 0 });
    expect(none.status).toBe(404);
    expect(none.json).toMatchObject({ errno: 'ESRCH' });
    // a channel destroyed since its connection was made: refused, and the next one attaches again
    kernel.channelDestroy(server, chid);
    const gone = await post('pulse', { pid: server.process.pid, chid, code: 1, value: 0 });
    expect(gone).toMatchObject({ status: 404, json: { errno: 'EBADF' } });
    const again = await post('pulse', { pid: server.process.pid, chid, code: 1, value: 0 });
    expect(again).toMatchObject({ status: 404, json: { errno: 'ESRCH' } });
  });

  it('should end the pulse sender when the inspector closes', async () => {
    const { kernel, post } = await start();
    const server = kernel.createThread(kernel.createProcess({ name: 'server' }));
    const chid = kernel.channelCreate(server, 0);
    expect((await post('pulse', { pid: server.process.pid, chid, code: 1, value: 1 })).status).toBe(200);
    expect(kernel.snapshot().processes.some((p) => p.name === 'inspector')).toBe(true);
    await opened.closeAll();
    expect(kernel.snapshot().processes.some((p) => p.name === 'inspector')).toBe(false);
  });
});
