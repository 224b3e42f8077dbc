// Whether a node's links and timers keep the process alive: a link is told `busy(true)` when the
// first call crosses it (either way) and `busy(false)` when the last one settles, and once when
// the peer comes up; timers are ref'd or unref'd through the host's timer object when there is one.
import { describe, expect, it } from 'vitest';
import { Kernel, VirtualClock, type Link } from '../../src/kernel/index.js';
import { refTimer } from '../../src/kernel/net/keepAlive.js';
import { connectLoopback } from '../../src/testing/index.js';
import { attach, proc, receive, send } from './harness.js';

function nodes() {
  const clock = new VirtualClock();
  const told: Record<string, boolean[]> = { a: [], b: [] };
  const node = (name: string) => {
    const k = new Kernel({ scheduler: clock, net: { node: name, incarnation: name.charCodeAt(0), asyncAcrossNodes: true } });
    const add = k.addLink.bind(k);
    k.addLink = (link: Link, peer?: string) => {
      link.busy = (on) => { told[name]!.push(on); };
      add(link, peer);
    };
    return k;
  };
  const a = node('a');
  const b = node('b');
  connectLoopback(a, b, { latency: 1 });
  return { clock, a, b, told };
}

describe('keeping the process alive', () => {
  it('should tell each link busy while calls cross it (either way) and idle when the last settles', () => {
    const { clock, a, b, told } = nodes();
    const s = proc(b, 'server', 0);
    const c = proc(a, 'client');
    const c2 = proc(a, 'client2');
    const coid = attach(a, c.t, 'b', s.pid, s.chid);
    clock.advanceBy(5);
    expect(told).toEqual({ a: [false], b: [false] }); // up, and idle
    const first = send(a, c.t, coid, 'x');
    const second = send(a, c2.t, attach(a, c2.t, 'b', s.pid, s.chid), 'y');
    clock.advanceBy(5);
    expect(told).toEqual({ a: [false, true], b: [false, true] }); // once, though two cross
    const r1 = receive(b, s.t, s.chid);
    b.msgReply(s.t, r1.done.value!, 1, null);
    clock.advanceBy(5);
    expect(first.done.calls).toEqual([[0, 1, 0]]);
    expect(told).toEqual({ a: [false, true], b: [false, true] }); // one still crosses
    const r2 = receive(b, s.t, s.chid);
    b.msgReply(s.t, r2.done.value!, 2, null);
    clock.advanceBy(5);
    expect(second.done.calls).toEqual([[0, 2, 0]]);
    expect(told).toEqual({ a: [false, true, false], b: [false, true, false] });
  });

  it('should count asynchronous messages sent and not yet taken, and a detached connection\'s as gone', () => {
    const { clock, a, b, told } = nodes();
    const r = proc(b, 'receiver');
    const achid = b.asyncChannelCreate(r.t, 0, 0o666, 64, 10, null);
    const s = proc(a, 'sender');
    const attr = { call_back: null, buffer_size: 64, max_num_buffer: 8, trigger_num_msg: 1, trigger_time: { nsec: 0, interval_nsec: 0 } };
    const coid = a.asyncConnectAttach(s.t, a.netmgrStrtond('b').nd, r.pid, achid, 0, 0, attr);
    clock.advanceBy(5);
    a.asyncPut(s.t, coid, new Uint8Array([1]), 1, null, () => {});
    clock.advanceBy(5);
    expect(told.a).toEqual([false, true]); // sent, not taken
    b.asyncGet(r.t, achid, 10, () => {});
    clock.advanceBy(5);
    expect(told.a).toEqual([false, true, false]); // taken
    a.asyncPut(s.t, coid, new Uint8Array([2]), 2, null, () => {});
    clock.advanceBy(5);
    a.asyncConnectDetach(s.t, coid); // its message in flight went with it (EBADF to its callback)
    clock.advanceBy(5);
    expect(told.a).toEqual([false, true, false, true, false]);
  });

  it('should ref and unref a host timer (a Node Timeout), and leave anything else alone', () => {
    const calls: string[] = [];
    const timer = { ref: () => calls.push('ref'), unref: () => calls.push('unref') };
    refTimer({ unsubscribe() {}, id: timer } as never, true);
    refTimer({ unsubscribe() {}, id: timer } as never, false);
    refTimer({ unsubscribe() {}, id: 42 } as never, false); // a browser's timer id
    refTimer({ unsubscribe() {} }, false); // a virtual clock's task
    refTimer(null, true);
    expect(calls).toEqual(['ref', 'unref']);
  });

  it('should unref the real heartbeat timer of a node on asyncScheduler', async () => {
    const { asyncScheduler } = await import('rxjs');
    const k = new Kernel({ scheduler: asyncScheduler, net: { node: 'r' } });
    const other = new Kernel({ scheduler: asyncScheduler, net: { node: 's' } });
    const link = connectLoopback(k, other);
    const beat = k.net!.heartbeat as unknown as { id: { hasRef(): boolean } };
    expect(beat.id.hasRef()).toBe(false);
    link.close();
  });
});
