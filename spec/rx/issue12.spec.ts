// Issue 12: the binding's faster reply path keeps every reply the caller's own.
import { describe, expect, it } from 'vitest';
import { VirtualClock, createSystem, type Reply } from '../../src/index.js';
import { messages } from '../../src/operators/index.js';
import type { ReceivedMessage } from '../../src/rx/Received.js';

const ask = (length: number, fill: number): Uint8Array => new Uint8Array([length & 0xff, length >> 8, fill]);

function echo(replySize?: number) {
  const system = createSystem({ scheduler: new VirtualClock(), onUnhandledError: (e) => { throw e; } });
  const ch = system.process({ name: 'server' }).channel();
  // a message [length (16-bit LE), fill] is answered with `length` bytes of `fill`
  ch.pipe(messages()).subscribe((m) => m.replyBytes(new Uint8Array(m.bytes[0]! | (m.bytes[1]! << 8)).fill(m.bytes[2]!)));
  const conn = system.process({ name: 'client' }).connect(ch, replySize === undefined ? {} : { replySize });
  return conn;
}

describe('issue 12: replies are the caller\'s to keep', () => {
  it.each([
    ['a fixed reply buffer the size of the reply', 16],
    ['a fixed reply buffer larger than the reply', 64],
    ['a growing reply buffer', undefined],
  ])('should give each next() reply its own bytes with %s', (_name, replySize) => {
    const conn = echo(replySize);
    const got: Reply<Uint8Array>[] = [];
    conn.subscribe((r) => got.push(r));
    for (let i = 1; i <= 3; i++) conn.next(ask(16, i));
    expect(got.map((r) => [...r.bytes])).toEqual([1, 2, 3].map((i) => new Array(16).fill(i)));
    expect(new Set(got.map((r) => r.bytes.buffer)).size).toBe(3);
  });

  it('should give each send() reply its own bytes, cut to a smaller replySize as the model cuts', () => {
    const conn = echo(8);
    const got: Reply<Uint8Array>[] = [];
    conn.send(ask(16, 5)).subscribe((r) => got.push(r));
    conn.send(ask(4, 6)).subscribe((r) => got.push(r));
    conn.send(ask(32, 7)).subscribe((r) => got.push(r));
    expect(got.map((r) => [r.bytes.length, r.length, r.truncated, r.bytes[0]])).toEqual([[8, 16, true, 5], [4, 4, false, 6], [8, 32, true, 7]]);
    expect(got[0]!.bytes.buffer).not.toBe(got[1]!.bytes.buffer);
  });

  it('should hand a reply that grew past the first buffer over without a copy, and the next one its own', () => {
    const conn = echo();
    const got: Reply<Uint8Array>[] = [];
    conn.subscribe((r) => got.push(r));
    conn.next(ask(10_000, 1));
    conn.next(ask(3, 2));
    conn.next(ask(5_000, 3));
    expect(got.map((r) => [r.bytes.length, r.length, r.bytes[0], r.bytes[r.bytes.length - 1]])).toEqual([[10_000, 10_000, 1, 1], [3, 3, 2, 2], [5_000, 5_000, 3, 3]]);
    expect(got.every((r) => r.bytes.every((b) => b === r.bytes[0]))).toBe(true);
  });
});

describe('issue 12: a received message keeps its own _msg_info', () => {
  it('should leave an answered message\'s info as it was when later messages and pulses arrive', () => {
    const system = createSystem({ scheduler: new VirtualClock(), onUnhandledError: (e) => { throw e; } });
    const ch = system.process({ name: 'server' }).channel();
    const kept: Array<{ pid: number; msglen: number }> = [];
    const infos: Array<Readonly<{ pid: number; msglen: number }>> = [];
    ch.pipe(messages()).subscribe((m) => {
      infos.push(m.info);
      kept.push({ pid: m.info.pid, msglen: m.info.msglen });
      m.replyBytes(new Uint8Array(0));
    });
    const a = system.process({ name: 'a' });
    const b = system.process({ name: 'b' });
    const ca = a.connect(ch);
    const cb = b.connect(ch);
    ca.send(new Uint8Array(3)).subscribe();
    ca.pulse(1, 2);
    cb.send(new Uint8Array(5)).subscribe();
    ca.send(new Uint8Array(7)).subscribe();
    expect(kept).toEqual([{ pid: a.pid, msglen: 3 }, { pid: b.pid, msglen: 5 }, { pid: a.pid, msglen: 7 }]);
    expect(infos.map((i) => ({ pid: i.pid, msglen: i.msglen }))).toEqual(kept);
    expect(new Set(infos).size).toBe(3);
  });
});

describe('issue 12: borrowed message bytes and replies into the caller\'s buffer', () => {
  const BUF = 64;
  function server() {
    const system = createSystem({ scheduler: new VirtualClock(), onUnhandledError: (e) => { throw e; } });
    const ch = system.process({ name: 'server' }).channel({ bufferSize: BUF });
    const conn = system.process({ name: 'client' }).connect(ch);
    return { ch, conn };
  }
  const big = (fill: number, n = 1000): Uint8Array => new Uint8Array(n).fill(fill);

  it('should lend a message longer than the receive buffer from one reused buffer, and keep() a copy for good', () => {
    const { ch, conn } = server();
    const seen: { bytes: Uint8Array; kept: Uint8Array | null }[] = [];
    ch.pipe(messages()).subscribe((m) => {
      const kept = seen.length === 0 ? m.keep() : null;
      seen.push({ bytes: m.bytes, kept });
      m.replyBytes(null);
    });
    conn.send(big(1)).subscribe();
    conn.send(big(2)).subscribe();
    conn.send(big(3, 900)).subscribe();
    // every message arrived whole (the kept one at once, the others read back as they came)
    expect(seen[0]!.kept).toBe(seen[0]!.bytes);
    expect([...seen[0]!.kept!]).toEqual(new Array(1000).fill(1));
    // the second and third were borrowed from the same buffer: the third overwrote the second
    expect(seen[1]!.bytes.buffer).toBe(seen[2]!.bytes.buffer);
    expect(seen[1]!.bytes[0]).toBe(3);
    expect(seen[2]!.bytes.length).toBe(900);
  });

  it('should copy the bytes of a message released unanswered, so a later answer still reads them', () => {
    const { ch, conn } = server();
    const held: ReceivedMessage<Uint8Array>[] = [];
    ch.pipe(messages()).subscribe((m) => {
      if (m.bytes[0] === 1) {
        held.push(m);
        m.release(); // answered later: the thread receives the next message into its buffer
      } else m.replyBytes(m.bytes.subarray(0, 4));
    });
    const first: number[] = [];
    conn.send(big(1)).subscribe((r) => first.push(r.status));
    conn.send(big(2)).subscribe();
    expect([...new Set(held[0]!.bytes)]).toEqual([1]);
    expect(held[0]!.data).toBe(held[0]!.bytes);
    held[0]!.replyBytes(null, 7);
    expect(first).toEqual([7]);
  });

  it('should copy messages that fit the receive buffer (they stay valid after the answer)', () => {
    const { ch, conn } = server();
    const seen: Uint8Array[] = [];
    ch.pipe(messages()).subscribe((m) => {
      seen.push(m.bytes);
      expect(m.keep()).toBe(m.bytes);
      m.replyBytes(null);
    });
    conn.send(big(1, BUF)).subscribe();
    conn.send(big(2, BUF)).subscribe();
    expect(seen.map((b) => b[0])).toEqual([1, 2]);
  });

  it('should reply into replyInto: a view of the caller\'s buffer, cut to its length like replySize', () => {
    const conn = echo();
    const into = new Uint8Array(32);
    const got: Reply<Uint8Array>[] = [];
    conn.send(ask(16, 5), { replyInto: into }).subscribe((r) => got.push(r));
    expect(got[0]!.bytes.buffer).toBe(into.buffer);
    expect([...got[0]!.bytes]).toEqual(new Array(16).fill(5));
    expect(into[16]).toBe(0);
    conn.send(ask(40, 6), { replyInto: into }).subscribe((r) => got.push(r));
    expect(got[1]!.bytes).toBe(into);
    expect([got[1]!.truncated, got[1]!.length, got[1]!.bytes[31]]).toEqual([true, 40, 6]);
  });

  it.each([
    ['not a Uint8Array', { replyInto: [1, 2] as unknown as Uint8Array }, 'EINVAL'],
    ['given with replySize', { replyInto: new Uint8Array(4), replySize: 4 }, 'EINVAL'],
  ])('should refuse a replyInto that is %s with %s, sending nothing', (_name, options, code) => {
    const { ch, conn } = server();
    let received = 0;
    ch.pipe(messages()).subscribe((m) => { received++; m.replyBytes(null); });
    const errors: string[] = [];
    conn.send(big(1, 4), options).subscribe({ error: (e: { code: string }) => errors.push(e.code) });
    expect([errors, received]).toEqual([[code], 0]);
    conn.send(big(1, 4)).subscribe();
    expect(received).toBe(1);
  });

  it('should fail a send whose replyInto is detached with EFAULT, sending nothing', () => {
    const { ch, conn } = server();
    let received = 0;
    ch.pipe(messages()).subscribe((m) => { received++; m.replyBytes(null); });
    const into = new Uint8Array(8);
    structuredClone(into.buffer, { transfer: [into.buffer] });
    const errors: string[] = [];
    conn.send(big(1, 4), { replyInto: into }).subscribe({ error: (e: { code: string }) => errors.push(e.code) });
    expect([errors, received]).toEqual([['EFAULT'], 0]);
  });
});
