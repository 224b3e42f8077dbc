// Issue 20 item 1 over the worker link (both transports: shared-memory rings and MessagePort): a
// worker whose event loop is blocked past the liveness bound (it stops beating; the thread and
// its link live on) is quarantined by the main side: the call REPLY-blocked on it ends EHOSTDOWN,
// its coid EBADF. No permanent partition: once the worker's loop runs again both are up within
// 2× the bound as a new session (reason 'healed', netStats sessions 2), the late answer of the
// old session reaches nobody, a new open and send of the same name are answered, the old coid
// stays EBADF. Fails before the healing (ae2b63c: the quarantine closed the link for good).
import { firstValueFrom, type Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createSystem, utf8, type System } from '../../src/index.js';
import { startWorkerNode, type WorkerNode } from '../../src/link/worker/index.js';

const WORKER = new URL('./fixtures/pausable.worker.mjs', import.meta.url);
const HB = 200;
const MISSED = 3;
const BOUND = HB * MISSED;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `ok` every 5 ms for at most `ms`. */
async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !ok();) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(5);
  }
}

/** Everything an Observable did: its values, and every way it ended (so a second ending shows). */
function watch<T>(o: Observable<T>) {
  const r = { values: [] as T[], ends: [] as string[] };
  o.subscribe({ next: (v) => r.values.push(v), error: (e: { code?: string }) => r.ends.push(e.code ?? String(e)), complete: () => r.ends.push('complete') });
  return r;
}

describe('a worker node whose event loop was blocked past the liveness bound', () => {
  let worker: WorkerNode | null = null;
  afterEach(async () => { await worker?.terminate(); worker = null; });

  it.each([['rings', true], ['a MessagePort', false]] as const)('should heal with the main node once it runs again (%s): EHOSTDOWN, then EBADF, then up within 2× the bound and answered', async (_label, ring) => {
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const main: System = createSystem({ node: 'main', net: { heartbeatMs: HB, missed: MISSED } });
    const events: string[] = [];
    main.nodes$.subscribe((e) => events.push(`${e.node} ${e.state} ${e.reason}`));
    worker = startWorkerNode(main, WORKER, { node: 'w1', ring, workerData: { gate: gate.buffer, heartbeatMs: HB, missed: MISSED } });
    await until('w1 serves slow', () => main.kernel.net!.names.providers('slow').length > 0);
    const client = main.process({ name: 'client' });
    const conn = await firstValueFrom(client.open('slow', { global: true, codec: utf8 }));
    expect((await firstValueFrom(conn.send('before'))).data).toBe('BEFORE');

    // a call REPLY-blocked on w1 (answered only after 1 s), then w1's loop blocked
    const inFlight = watch(conn.send('first'));
    const replyBlocked = () => main.snapshot().processes.some((p) => p.threads.some((t) => t.state === 'REPLY'));
    await until('the call is REPLY-blocked', replyBlocked);
    conn.pulse(2);
    const blocked = Date.now();

    // past the bound: main took w1 down (its heartbeats stopped), the call ended EHOSTDOWN
    await until('the call in flight ends', () => inFlight.ends.length > 0, 2 * BOUND + 500);
    expect(Date.now() - blocked).toBeLessThan(BOUND + 2 * HB + 200);
    expect(inFlight.ends).toEqual(['EHOSTDOWN']);
    expect(events).toEqual(['w1 up hello', 'w1 down heartbeat']);
    expect(main.nodes()).toEqual([expect.objectContaining({ node: 'w1', state: 'down' })]);
    // the coid of the ended session is dead
    const stale = watch(conn.send('stale'));
    await until('the stale send ends', () => stale.ends.length > 0);
    expect(stale.ends).toEqual(['EBADF']);
    await sleep(2 * BOUND - (Date.now() - blocked)); // blocked for 2× the bound in all

    // free the loop: up again within 2× the bound, a new session of the same incarnation
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    const freed = Date.now();
    await until('w1 up again, its names back', () => events.length > 2 && main.kernel.net!.names.providers('slow').length > 0, 2 * BOUND);
    expect(Date.now() - freed).toBeLessThan(2 * BOUND);
    expect(events).toEqual(['w1 up hello', 'w1 down heartbeat', 'w1 up healed']);
    expect(main.netStats().peers).toEqual([expect.objectContaining({ node: 'w1', state: 'up', sessions: 2 })]);

    // a new open and send of the same name are answered (with their own answer: the old
    // session's late answer to 'first', sent once w1 ran again, reached nobody)
    const fresh = await firstValueFrom(client.open('slow', { global: true, codec: utf8 }));
    expect((await firstValueFrom(fresh.send('second'))).data).toBe('SECOND');
    // the new session revives no coid of the old one
    const still = watch(conn.send('still stale'));
    await until('the stale send ends', () => still.ends.length > 0);
    expect(still.ends).toEqual(['EBADF']);
    expect(inFlight).toEqual({ values: [], ends: ['EHOSTDOWN'] });
    expect(events).toEqual(['w1 up hello', 'w1 down heartbeat', 'w1 up healed']);
  }, 20_000);
});
