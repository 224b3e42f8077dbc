// Issue 12: the binding's faster reply path keeps every reply the caller's own.
import { describe, expect, it } from 'vitest';
import { VirtualClock, createSystem, type Reply } from '../../src/index.js';
import { messages } from '../../src/operators/index.js';

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
