// The frame codec (qnet.md §3.4): round trips for every kind, and a decoder that never throws,
// never hangs and never lets a malformed frame into a node (fuzzed with a seeded generator).
import { describe, expect, it } from 'vitest';
import { Kernel, VirtualClock, emptyMsgInfo, type Link, _NTO_SIDE_CHANNEL } from '../../../src/kernel/index.js';
import { F, HEADER_BYTES, TRAILER_BYTES, bodyFields, type Frame } from '../../../src/kernel/net/frames.js';
import { decodeFrame, encodeFrame } from '../../../src/kernel/net/frameWords.js';
import { rng } from '../helpers.js';


const KINDS = Object.values(F);

function randomFrame(r: () => number): Frame {
  const kind = KINDS[Math.floor(r() * KINDS.length)]!;
  const body = Array.from({ length: bodyFields(kind) }, () => (r() * 2 ** 32) | 0);
  const payload = new Uint8Array(Math.floor(r() * 300)).map(() => Math.floor(r() * 256));
  const u32 = (): number => Math.floor(r() * 2 ** 32);
  return { kind, flags: Math.floor(r() * 16), seq: u32(), ack: u32(), srcInc: u32(), dstInc: u32(), id: (r() * 2 ** 32) | 0, body, payload };
}

describe('frames', () => {
  it('should round-trip every kind with its body and payload (1,000 seeded frames)', () => {
    const r = rng(1);
    for (let i = 0; i < 1000; i++) {
      const f = randomFrame(r);
      const back = decodeFrame(encodeFrame(f));
      expect(back).toEqual({ ...f, payload: back!.payload });
      expect([...back!.payload]).toEqual([...f.payload]);
    }
  });

  it('should refuse to encode a body of the wrong length', () => {
    expect(() => encodeFrame({ kind: F.SEND, flags: 0, seq: 0, ack: 0, srcInc: 1, dstInc: 1, id: 1, body: [1], payload: new Uint8Array(0) })).toThrow(RangeError);
  });

  it('should decode random, truncated, extended and bit-flipped bytes to null or a consistent frame, never throwing (20,000 inputs)', () => {
    const r = rng(2);
    let valid = 0;
    for (let i = 0; i < 5000; i++) {
      const good = encodeFrame(randomFrame(r));
      const inputs = [
        new Uint8Array(Math.floor(r() * 80)).map(() => Math.floor(r() * 256)),
        good.subarray(0, Math.floor(r() * good.length)),
        new Uint8Array([...good, Math.floor(r() * 256)]),
        good.map((b, j) => (j === Math.floor(r() * good.length) ? b ^ (1 << Math.floor(r() * 8)) : b)),
      ];
      for (const bytes of inputs) {
        const f = decodeFrame(bytes);
        if (f === null) continue;
        valid++;
        expect(HEADER_BYTES + f.body.length * 4 + f.payload.length + TRAILER_BYTES).toBe(bytes.length);
        expect(f.body.length).toBe(bodyFields(f.kind));
      }
    }
    expect(valid).toBeGreaterThan(0);
    for (const junk of [undefined, null, 'frame', 42, {}, [1, 2, 3], new Uint16Array(20)]) expect(decodeFrame(junk)).toBeNull();
  });
});

/** A link between two kernels on one clock whose b side also takes bytes a test injects. */
function tappedNodes() {
  const clock = new VirtualClock();
  const make = (node: string, incarnation: number) => new Kernel({ scheduler: clock, net: { node, incarnation }, onUnhandledError: (e) => { throw e; } });
  const a = make('a', 1);
  const b = make('b', 2);
  const handlers: Record<'a' | 'b', ((f: Uint8Array) => void) | null> = { a: null, b: null };
  const end = (self: 'a' | 'b', other: 'a' | 'b'): Link => ({
    kind: 'loopback',
    maxFrameBytes: 1 << 16,
    send: (frame) => { clock.schedule(() => handlers[other]?.(frame), 1); return true; },
    onFrame: (h) => { handlers[self] = h; },
    onState: () => {},
    close: () => { handlers[self] = null; },
  });
  a.addLink(end('a', 'b'), 'b');
  b.addLink(end('b', 'a'), 'a');
  const inject = (bytes: Uint8Array) => clock.schedule(() => handlers.b?.(bytes), 0);
  return { clock, a, b, inject };
}

describe('a node fed malformed frames', () => {
  it('should drop and count malformed frames, keep serving, and quarantine a peer whose frames skip a sequence number', () => {
    const { clock, a, b, inject } = tappedNodes();
    const sp = b.createProcess();
    const st = b.createThread(sp);
    const chid = b.channelCreate(st, 0);
    const ct = a.createThread(a.createProcess());
    const coid = a.connectAttach(ct, a.netmgrStrtond('b').nd, sp.pid, chid, _NTO_SIDE_CHANNEL, 0);
    clock.advanceBy(5);
    const r = rng(3);
    for (let i = 0; i < 500; i++) inject(new Uint8Array(Math.floor(r() * 64)).map(() => Math.floor(r() * 256)));
    clock.advanceBy(5);
    expect(b.net!.stats().drops.malformed).toBe(500);
    const got: number[] = [];
    b.msgReceive(st, chid, new Uint8Array(16), emptyMsgInfo(), (_err, rcvid) => b.msgReply(st, rcvid, 3, null));
    a.msgSend(ct, coid, new Uint8Array(4), new Uint8Array(4), (err, status) => got.push(err, status));
    clock.advanceBy(5);
    expect(got).toEqual([0, 3]);
    // a well-formed frame of the right session with a sequence number from the future: a gap
    const [session] = [...b.net!.sessions];
    inject(encodeFrame({ kind: F.HEARTBEAT, flags: 0, seq: 1_000_000, ack: 0, srcInc: session!.theirs, dstInc: session!.mine, id: 0, body: [], payload: new Uint8Array(0) }));
    clock.advanceBy(1);
    expect(b.nodes()).toEqual([expect.objectContaining({ node: 'a', state: 'down' })]);
    // …and the pair heals as a new session (the link stays; HELLO goes again)
    clock.advanceBy(5);
    expect(b.nodes()).toEqual([expect.objectContaining({ node: 'a', state: 'up' })]);
    expect(b.netStats().peers[0]!.sessions).toBe(2);
  });
});
