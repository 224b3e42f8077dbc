// The link conformance harness: a factory gives three nodes (a and c are clients, b serves)
// joined by one kind of link, a way to let time pass, and the faults of the a–b link.
import {
  Kernel, emptyMsgInfo, type MsgInfo, type Process, type Thread, _NTO_SIDE_CHANNEL,
} from '../../src/kernel/index.js';

export interface Faults {
  sever(): void;
  close(): void;
  drop(n: number): void;
}

export interface Net {
  readonly a: Kernel;
  readonly b: Kernel;
  readonly c: Kernel;
  /** Faults of the a–b link. */
  readonly ab: Faults;
  /** Let `ms` of the nodes' time pass (virtual: advance; real: wait). */
  run(ms: number): Promise<void>;
  /** heartbeat × missed: the liveness bound. */
  readonly bound: number;
  /** b restarted: a new kernel named 'b' (a new incarnation) linked to a. */
  restartB(): Kernel;
  /** Virtual time: runs are deterministic (trace equality). */
  readonly virtual: boolean;
  dispose(): void;
}

export type NetFactory = () => Net | Promise<Net>;

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array, n = b.length): string => new TextDecoder().decode(b.subarray(0, n));

/** A process with one thread (and the channel it made, when `chflags` is given). */
export function proc(k: Kernel, name: string, chflags?: number, options: { uid?: number; priority?: number; abilities?: number[] } = {}) {
  const p: Process = k.createProcess({ name, ...options });
  const t: Thread = k.createThread(p);
  const chid = chflags === undefined ? -1 : k.channelCreate(t, chflags);
  return { p, t, chid, pid: p.pid };
}

/** What a call did: [err, value, aux] once it completed. */
export interface Call {
  readonly calls: Array<[number, number, number]>;
  readonly done: boolean;
  readonly err: number | undefined;
  readonly value: number | undefined;
}

export function call(): Call & ((err: number, value: number, aux: number) => void) {
  const calls: Array<[number, number, number]> = [];
  const f = ((err: number, value: number, aux: number) => { calls.push([err, value, aux]); }) as Call & ((err: number, value: number, aux: number) => void);
  Object.defineProperties(f, {
    calls: { value: calls },
    done: { get: () => calls.length > 0 },
    err: { get: () => calls[0]?.[0] },
    value: { get: () => calls[0]?.[1] },
  });
  return f;
}

export function receive(k: Kernel, t: Thread, chid: number, size = 64) {
  const buf = new Uint8Array(size);
  const info: MsgInfo = emptyMsgInfo();
  const done = call();
  k.msgReceive(t, chid, buf, info, done);
  return { buf, info, done };
}

export function send(k: Kernel, t: Thread, coid: number, msg: string | Uint8Array, replySize = 64) {
  const reply = new Uint8Array(replySize);
  const done = call();
  k.msgSend(t, coid, typeof msg === 'string' ? enc(msg) : msg, reply, done);
  return { reply, done };
}

/** Attach from client `t` on node `k` to (node, pid, chid). */
export function attach(k: Kernel, t: Thread, node: string, pid: number, chid: number, flags = 0): number {
  return k.connectAttach(t, k.netmgrStrtond(node).nd, pid, chid, _NTO_SIDE_CHANNEL, flags);
}

/** The errno a call threw (or 0). */
export function errnoOf(f: () => unknown): number {
  try {
    f();
    return 0;
  } catch (e) {
    return (e as { errno?: number }).errno ?? -1;
  }
}

/**
 * Let time pass until `done()` holds: on a virtual net at most `ms` of node time, in steps of
 * 1 ms (so the check sees the first moment it holds); on a real one until it holds or 20 s of
 * wall time pass, whatever the machine's load (a 4 MiB copy on a loaded 2-core machine can take
 * a second where it takes 30 ms on an idle one). The caller then asserts what it waited for.
 */
export async function until(net: Net, done: () => boolean, ms: number): Promise<void> {
  if (net.virtual) {
    for (let t = 0; t < ms && !done(); t++) await net.run(1);
    return;
  }
  const deadline = Date.now() + Math.max(20_000, ms * 2);
  while (!done() && Date.now() < deadline) await net.run(5);
}
