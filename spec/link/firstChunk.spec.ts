// firstChunkBytes (qnet.md §3.5): a node may present only the first bytes of a remote message to
// a receive, as Qnet's first 8 KB chunk does; `msglen` says how many arrived, `srcmsglen` how many
// were sent, and MsgRead takes the rest. The RxJS binding completes the message itself. Off by default.
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Kernel, VirtualClock } from '../../src/kernel/index.js';
import { createSystem, utf8 } from '../../src/index.js';
import { messages } from '../../src/operators/index.js';
import { connectLoopback } from '../../src/testing/index.js';
import { attach, dec, proc, receive, send } from './harness.js';

const TEXT = 'abcdefghijklmnopqrstuvwxyz';

describe('firstChunkBytes', () => {
  it('should present the first chunk of a remote message, the rest to MsgRead', () => {
    const clock = new VirtualClock();
    const a = new Kernel({ scheduler: clock, net: { node: 'a', incarnation: 1 } });
    const b = new Kernel({ scheduler: clock, net: { node: 'b', incarnation: 2, firstChunkBytes: 8 } });
    connectLoopback(a, b, { latency: 1 });
    const s = proc(b, 'server', 0);
    const c = proc(a, 'client');
    const r = receive(b, s.t, s.chid, 64);
    send(a, c.t, attach(a, c.t, 'b', s.pid, s.chid), TEXT);
    clock.advanceBy(5);
    expect([r.info.msglen, r.info.srcmsglen]).toEqual([8, 26]);
    expect(dec(r.buf, r.info.msglen)).toBe('abcdefgh');
    const rest = new Uint8Array(64);
    expect(b.msgRead(s.t, r.done.value!, rest, undefined, 8)).toBe(18);
    expect(dec(rest, 18)).toBe(TEXT.slice(8));
  });

  it('should leave local messages whole, and the RxJS binding should complete a remote one', async () => {
    const clock = new VirtualClock();
    const a = createSystem({ node: 'a', scheduler: clock });
    const b = createSystem({ node: 'b', scheduler: clock, net: { firstChunkBytes: 4 } });
    connectLoopback(a, b, { latency: 1 });
    const ch = b.process().channel({ codec: utf8 });
    ch.pipe(messages()).subscribe((m) => m.reply(`${m.info.msglen}/${m.info.srcmsglen} ${m.data}`));
    const remote = firstValueFrom(a.process().connect(ch.address, { codec: utf8 }).send(TEXT));
    const local = firstValueFrom(b.process().connect(ch.address, { codec: utf8 }).send(TEXT));
    clock.advanceBy(10);
    expect((await remote).data).toBe(`4/26 ${TEXT}`);
    expect((await local).data).toBe(`26/26 ${TEXT}`);
  });
});
