// Issue 22 item 4: ix is an optional peer, not a dependency. receive() of a Channel and of an
// AsyncChannel returns a plain PullIterable (a standard AsyncIterable whose iterator also takes an
// AbortSignal): `for await` needs no library, and IxJS users wrap it with from() of
// 'ix/asynciterable'. Leaving an IxJS pipeline (take()) releases the logical receiving thread, and
// aborting the signal given to receive() rejects a waiting receive with signal.reason.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { from } from 'ix/asynciterable';
import { filter, map, take } from 'ix/asynciterable/operators';
import { describe, expect, it } from 'vitest';
import { VirtualClock, createSystem, utf8, type Channel, type PullIterable, type Received } from '../../src/index.js';

const rethrow = (e: unknown): void => { throw e; };
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

function setup() {
  const clock = new VirtualClock();
  const system = createSystem({ scheduler: clock, onUnhandledError: rethrow });
  const server = system.process({ name: 'server' });
  const client = system.process({ name: 'client' });
  const ch = server.channel({ codec: utf8 });
  return { clock, system, server, client, ch, conn: client.connect(ch, { codec: utf8 }) };
}

/** The server's threads RECEIVE-blocked on `ch` (pidin's view), and the channel's receive queue. */
function receiving(system: ReturnType<typeof setup>['system'], ch: Channel<string>): { threads: string[]; queue: readonly number[] } {
  const p = system.snapshot().processes.find((x) => x.pid === ch.pid)!;
  return {
    threads: p.threads.filter((t) => t.state === 'RECEIVE').map((t) => `${t.tid} ${t.blocked}`),
    queue: p.channels.find((c) => c.chid === ch.chid)!.receivers,
  };
}

/** The lines of `pidin` showing a RECEIVE-blocked thread. */
function pidinReceive(system: ReturnType<typeof setup>['system']): string[] {
  return system.pidin().split('\n').filter((l) => /\bRECEIVE\b/.test(l)).map((l) => l.trimEnd());
}

/** The threads of process `pid` waiting in `asyncmsg_get` (pidin shows them RECEIVE). */
function getting(system: ReturnType<typeof setup>['system'], pid: number): number[] {
  return system.snapshot().processes.find((p) => p.pid === pid)!.threads.filter((t) => t.state === 'RECEIVE').map((t) => t.tid);
}

/** Every .ts/.js/.cjs/.d.ts file under `dir`. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|js|cjs|mjs|cts|mts)$/.test(name) ? [p] : [];
  });
}

describe('receive() without IxJS', () => {
  it('should import ix nowhere under src/, in code or in types (comments aside)', () => {
    const importsIx = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]ix(?:\/[^'"]*)?['"]/;
    const offenders = files('src').filter((f) => importsIx.test(readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '')));
    expect(offenders).toEqual([]);
  });

  it('should return a standard AsyncIterable, not an IxJS AsyncIterableX', () => {
    const { ch, system } = setup();
    const inbox = system.process().asyncChannel({ codec: utf8 });
    for (const it of [ch.receive(), inbox.receive()] as PullIterable<unknown>[]) {
      expect(typeof it[Symbol.asyncIterator]).toBe('function');
      expect(Object.prototype.toString.call(it)).not.toBe('[object AsyncIterableX]');
      expect('pipe' in it).toBe(false);
    }
    // nothing receives before the loop asks
    expect(receiving(system, ch)).toEqual({ threads: [], queue: [] });
  });

  it('should work with for await: one MsgReceive per next(), the thread released on break', async () => {
    const { ch, conn, system } = setup();
    const replies: string[] = [];
    for (const s of ['a', 'b', 'c']) conn.send(s).subscribe((r) => replies.push(r.data));
    const got: string[] = [];
    for await (const m of ch.receive()) {
      if (m.kind !== 'message') continue;
      got.push(m.data);
      m.reply(m.data.toUpperCase());
      if (got.length === 2) break;
    }
    expect(got).toEqual(['a', 'b']);
    expect(replies).toEqual(['A', 'B']);
    expect(receiving(system, ch)).toEqual({ threads: [], queue: [] });
    // 'c' stays queued (SEND-blocked) for the next receiver
    for await (const m of ch.receive()) {
      if (m.kind === 'message') m.reply(m.data.toUpperCase());
      break;
    }
    expect(replies).toEqual(['A', 'B', 'C']);
  });

  it('should pull async batches with for await', async () => {
    const { system } = setup();
    const inbox = system.process({ name: 'rx' }).asyncChannel({ codec: utf8, maxNumBuffer: 2 });
    const out = system.process({ name: 'tx' }).asyncConnect(inbox, { codec: utf8, ringSize: 4, count: 1 });
    for (const s of ['a', 'b', 'c']) out.next(s);
    const got: string[][] = [];
    for await (const batch of inbox.receive()) {
      got.push(batch.map((m) => m.data));
      if (got.length === 2) break;
    }
    expect(got).toEqual([['a', 'b'], ['c']]);
  });
});

describe('receive() wrapped with from() of ix/asynciterable', () => {
  it('should filter and take the right messages, then release the receiving thread', async () => {
    const { ch, conn, client, system } = setup();
    const replies: string[] = [];
    const pulses = client.connect(ch);
    conn.send('skip-1').subscribe((r) => replies.push(r.data));
    pulses.pulse(1, 7);
    for (const s of ['one', 'skip-2', 'two', 'three']) conn.send(s).subscribe((r) => replies.push(r.data));
    const isMessage = (m: Received<string>): m is Extract<Received<string>, { kind: 'message' }> => m.kind === 'message';
    const seen: string[] = [];
    const wanted = from(ch.receive()).pipe(
      filter((m) => {
        seen.push(m.kind === 'message' ? m.data : `pulse ${m.code}`);
        if (isMessage(m) && m.data.startsWith('skip')) m.reply('skipped');
        return isMessage(m) && !m.data.startsWith('skip');
      }),
      take(2),
    );
    const got: string[] = [];
    for await (const m of wanted) {
      if (!isMessage(m)) throw new Error('filtered out');
      got.push(m.data);
      m.reply(m.data.toUpperCase());
      // the pipeline's thread is the one receiving: between next() calls nobody waits on the channel
      expect(receiving(system, ch).queue).toEqual([]);
    }
    expect(got).toEqual(['one', 'two']);
    expect(seen).toEqual(['skip-1', 'pulse 1', 'one', 'skip-2', 'two']);
    expect(replies).toEqual(['skipped', 'ONE', 'skipped', 'TWO']);
    // take(2) ended the loop: no thread of the server stays RECEIVE-blocked on the channel
    expect(receiving(system, ch)).toEqual({ threads: [], queue: [] });
    expect(pidinReceive(system)).toEqual([]);
    // 'three' was never taken: it is still SEND-blocked, for the next receiver
    const next = ch.receive()[Symbol.asyncIterator]();
    const r = await next.next();
    expect(r.done === false && isMessage(r.value) ? r.value.data : null).toBe('three');
    await next.return?.();
    expect(receiving(system, ch)).toEqual({ threads: [], queue: [] });
  });

  it('should release the thread when take() ends a pipeline that was waiting on an empty channel', async () => {
    const { ch, conn, system, clock } = setup();
    const got: string[] = [];
    const loop = (async () => {
      for await (const m of from(ch.receive()).pipe(take(1))) {
        if (m.kind === 'message') { got.push(`${m.data}@${clock.now()}`); m.reply(); }
      }
    })();
    await tick();
    expect(receiving(system, ch).threads).toHaveLength(1);
    expect(receiving(system, ch).queue).toHaveLength(1);
    expect(pidinReceive(system)).toEqual([expect.stringMatching(new RegExp(`RECEIVE\\s+chid ${ch.chid}$`))]);
    clock.schedule(() => conn.send('late').subscribe(), 30);
    clock.advanceBy(30);
    await loop;
    expect(got).toEqual(['late@30']);
    expect(receiving(system, ch)).toEqual({ threads: [], queue: [] });
    expect(pidinReceive(system)).toEqual([]);
  });

  it('should map async batches through IxJS and release the get thread after take()', async () => {
    const { system } = setup();
    const rx = system.process({ name: 'rx' });
    const inbox = rx.asyncChannel({ codec: utf8, maxNumBuffer: 2 });
    const out = system.process({ name: 'tx' }).asyncConnect(inbox, { codec: utf8, ringSize: 8, count: 1 });
    for (const s of ['a', 'b', 'c', 'd', 'e']) out.next(s);
    const got: string[] = [];
    for await (const s of from(inbox.receive()).pipe(map((batch) => batch.map((m) => m.data).join('')), take(2))) got.push(s);
    expect(got).toEqual(['ab', 'cd']);
    expect(getting(system, rx.pid)).toEqual([]);
    // 'e' was not taken from the sender before a loop asked
    for await (const batch of inbox.receive()) { expect(batch.map((m) => m.data)).toEqual(['e']); break; }
  });
});

describe('aborting the signal given to receive()', () => {
  it('should reject a waiting receive with signal.reason (virtual time) and release the thread', async () => {
    const { ch, conn, system, clock } = setup();
    const controller = new AbortController();
    const reason = new Error('enough');
    const got: string[] = [];
    let endedAt = -1;
    const loop = (async () => {
      try {
        for await (const m of ch.receive({ signal: controller.signal })) {
          if (m.kind === 'message') { got.push(`${m.data}@${clock.now()}`); m.reply(); }
        }
      } finally {
        endedAt = clock.now();
      }
    })();
    clock.schedule(() => conn.send('x').subscribe(), 10);
    clock.schedule(() => controller.abort(reason), 50);
    await tick();
    clock.advanceBy(10);
    await tick();
    expect(got).toEqual(['x@10']);
    expect(receiving(system, ch).threads).toHaveLength(1);
    clock.advanceBy(40);
    await expect(loop).rejects.toBe(reason);
    expect(endedAt).toBe(50);
    expect(receiving(system, ch)).toEqual({ threads: [], queue: [] });
  });

  it('should reject with signal.reason inside an IxJS pipeline too', async () => {
    const { ch, system } = setup();
    const controller = new AbortController();
    const reason = new Error('stop');
    const first = from(ch.receive({ signal: controller.signal })).pipe(take(1))[Symbol.asyncIterator]().next();
    await tick();
    expect(receiving(system, ch).threads).toHaveLength(1);
    controller.abort(reason);
    await expect(first).rejects.toBe(reason);
    expect(receiving(system, ch)).toEqual({ threads: [], queue: [] });
  });

  it('should reject at once, without receiving, when the signal is already aborted', async () => {
    const { ch, conn, system } = setup();
    const replies: string[] = [];
    conn.send('kept').subscribe((r) => replies.push(r.data));
    const reason = new Error('already');
    await expect(ch.receive({ signal: AbortSignal.abort(reason) })[Symbol.asyncIterator]().next()).rejects.toBe(reason);
    expect(receiving(system, ch)).toEqual({ threads: [], queue: [] });
    // the message was not taken
    for await (const m of ch.receive()) { if (m.kind === 'message') m.reply(`re:${m.data}`); break; }
    expect(replies).toEqual(['re:kept']);
  });

  it('should reject an async channel get with signal.reason', async () => {
    const { system } = setup();
    const rx = system.process({ name: 'rx' });
    const inbox = rx.asyncChannel({ codec: utf8 });
    const controller = new AbortController();
    const reason = new Error('done');
    const waiting = inbox.receive({ signal: controller.signal })[Symbol.asyncIterator]().next();
    await tick();
    expect(getting(system, rx.pid)).toHaveLength(1);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(getting(system, rx.pid)).toEqual([]);
  });
});
