import { Kernel, VirtualClock, emptyMsgInfo, type MsgInfo, type Thread, _NTO_SIDE_CHANNEL } from '../../src/kernel/index.js';

/** A continuation that records what it was called with. */
export interface Recorder {
  (err: number, value: number): void;
  calls: Array<[number, number]>;
  readonly called: boolean;
  readonly err: number | undefined;
  readonly value: number | undefined;
}

export function recorder(): Recorder {
  const calls: Array<[number, number]> = [];
  const f = ((err: number, value: number) => {
    calls.push([err, value]);
  }) as Recorder;
  f.calls = calls;
  Object.defineProperties(f, {
    called: { get: () => calls.length > 0 },
    err: { get: () => calls[0]?.[0] },
    value: { get: () => calls[0]?.[1] },
  });
  return f;
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array, n = b.length): string => new TextDecoder().decode(b.subarray(0, n));

/** A kernel on a virtual clock with a server and a client process, one thread each. */
export function world(chflags = 0) {
  const clock = new VirtualClock();
  const kernel = new Kernel({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  const serverP = kernel.createProcess({ name: 'server' });
  const clientP = kernel.createProcess({ name: 'client' });
  const server = kernel.createThread(serverP);
  const client = kernel.createThread(clientP);
  const chid = kernel.channelCreate(server, chflags);
  const coid = kernel.connectAttach(client, 0, serverP.pid, chid, _NTO_SIDE_CHANNEL, 0);
  return { clock, kernel, serverP, clientP, server, client, chid, coid };
}

/** Receive into a fresh buffer; returns the buffer, the info and the recorder. */
export function receive(kernel: Kernel, t: Thread, chid: number, size = 64) {
  const buf = new Uint8Array(size);
  const info: MsgInfo = emptyMsgInfo();
  const done = recorder();
  kernel.msgReceive(t, chid, buf, info, done);
  return { buf, info, done };
}

export function send(kernel: Kernel, t: Thread, coid: number, msg: string | Uint8Array, replySize = 64) {
  const reply = new Uint8Array(replySize);
  const done = recorder();
  kernel.msgSend(t, coid, typeof msg === 'string' ? enc(msg) : msg, reply, done);
  return { reply, done };
}

export { readPulse } from '../../src/kernel/index.js';

/** Receive pulses only into a fresh 16-byte buffer. */
export function receivePulse(kernel: Kernel, t: Thread, chid: number, size = 16) {
  const buf = new Uint8Array(size);
  const done = recorder();
  kernel.msgReceivePulse(t, chid, buf, done);
  return { buf, done };
}

/** What a thrown KernelError's code was (or 'no error'). */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

/** A view of an ArrayBuffer that was transferred away (detached): C's bad address. */
export function detached(): Uint8Array {
  const b = new ArrayBuffer(8);
  const view = new Uint8Array(b);
  structuredClone(b, { transfer: [b] });
  return view;
}

/** A small seeded generator (mulberry32): the same cases every run, so a failure replays. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
