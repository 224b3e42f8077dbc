// Helpers of the inspector's specs: a Server-Sent Events reader over fetch, a hand-written schema
// check of the wire protocol's types, and waits in real and virtual time.
import { afterEach, expect } from 'vitest';
import type { Inspector } from '../../src/inspector/index.js';
import type { VirtualClock } from '../../src/kernel/index.js';

/** One Server-Sent Event. */
export interface SseEvent {
  readonly event: string;
  readonly id: string | null;
  readonly data: string;
}

/** A stream being read: every event so far, a wait for the next that matches, and the cut. */
export interface SseStream {
  readonly status: number;
  readonly headers: Headers;
  readonly events: SseEvent[];
  /** Frames (`event: frame`) parsed, in order. */
  frames(): Array<Record<string, unknown>>;
  next(match: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** GET `url` as an event stream and parse it as it arrives (the SSE format: fields, blank line). */
export async function openStream(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const ac = new AbortController();
  const res = await fetch(url, { headers, signal: ac.signal });
  const events: SseEvent[] = [];
  const waiters: Array<() => void> = [];
  if (res.body !== null) {
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    // a large frame arrives in many chunks: kept apart (no quadratic concatenation) until its end comes
    let parts: string[] = [];
    let tail = '';
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          const chunk = dec.decode(value, { stream: true });
          const ends = (tail + chunk).includes('\n\n');
          parts.push(chunk);
          tail = chunk.length > 0 ? chunk[chunk.length - 1]! : tail;
          if (!ends) continue;
          let buf = parts.join('');
          let end: number;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            let event = 'message';
            let id: string | null = null;
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              const colon = line.indexOf(':');
              const field = colon < 0 ? line : line.slice(0, colon);
              const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
              if (field === 'event') event = val;
              else if (field === 'id') id = val;
              else if (field === 'data') data.push(val);
            }
            if (data.length === 0) continue;
            events.push({ event, id, data: data.join('\n') });
            for (const w of waiters.splice(0)) w();
          }
          parts = buf === '' ? [] : [buf];
          tail = buf.length > 0 ? buf[buf.length - 1]! : '';
        }
      } catch {
        // aborted
      }
    })();
  }
  return {
    status: res.status,
    headers: res.headers,
    events,
    frames: () => events.filter((e) => e.event === 'frame').map((e) => JSON.parse(e.data) as Record<string, unknown>),
    async next(match, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      let seen = 0;
      for (;;) {
        for (; seen < events.length; seen++) if (match(events[seen]!)) return events[seen]!;
        if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms (${events.length} events)`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 20);
        });
      }
    },
    close: () => ac.abort(),
  };
}

/** Resolve `p` while moving `clock` `step` ms at a time (frames on a loopback link cross in virtual time). */
export async function pump<T>(clock: VirtualClock, p: Promise<T>, step = 5, maxMs = 10_000): Promise<T> {
  let settled = false;
  const q = p.finally(() => { settled = true; });
  for (let moved = 0; !settled && moved < maxMs; moved += step) {
    clock.advanceBy(step);
    await sleep(1);
  }
  return q;
}

/** Poll `check` in real time until it holds (or fail after `timeoutMs`). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await sleep(10);
  }
}

// ---- a small schema check of the protocol's types: every field, no more, no less ----

export type Schema =
  | 'int' | 'number' | 'string' | 'boolean' | 'null'
  | { readonly literal: unknown }
  | { readonly array: Schema }
  | { readonly record: Schema }
  | { readonly object: Readonly<Record<string, Schema>>; readonly optional?: Readonly<Record<string, Schema>> }
  | { readonly oneOf: readonly Schema[] };

/** The places where `v` does not fit `s` (empty: it fits). */
export function mismatches(v: unknown, s: Schema, at = '$'): string[] {
  if (s === 'int') return Number.isInteger(v) ? [] : [`${at}: not an integer: ${JSON.stringify(v)}`];
  if (s === 'number') return typeof v === 'number' && Number.isFinite(v) ? [] : [`${at}: not a number`];
  if (s === 'string' || s === 'boolean') return typeof v === s ? [] : [`${at}: not a ${s}`];
  if (s === 'null') return v === null ? [] : [`${at}: not null`];
  if ('literal' in s) return v === s.literal ? [] : [`${at}: not ${JSON.stringify(s.literal)}: ${JSON.stringify(v)}`];
  if ('oneOf' in s) {
    const each = s.oneOf.map((x) => mismatches(v, x, at));
    return each.some((m) => m.length === 0) ? [] : [`${at}: fits none of ${s.oneOf.length}: ${each.map((m) => m[0]).join(' | ')}`];
  }
  if ('array' in s) return Array.isArray(v) ? v.flatMap((x, i) => mismatches(x, s.array, `${at}[${i}]`)) : [`${at}: not an array`];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [`${at}: not an object`];
  const o = v as Record<string, unknown>;
  if ('record' in s) return Object.entries(o).flatMap(([k, x]) => mismatches(x, s.record, `${at}.${k}`));
  const out: string[] = [];
  for (const [k, x] of Object.entries(s.object)) out.push(...(k in o ? mismatches(o[k], x, `${at}.${k}`) : [`${at}.${k}: missing`]));
  for (const [k, x] of Object.entries(s.optional ?? {})) if (k in o) out.push(...mismatches(o[k], x, `${at}.${k}`));
  for (const k of Object.keys(o)) if (!(k in s.object) && !(k in (s.optional ?? {}))) out.push(`${at}.${k}: not in the protocol`);
  return out;
}

export function expectShape(v: unknown, s: Schema): void {
  expect(mismatches(v, s)).toEqual([]);
}

const str = 'string' as const;
const int = 'int' as const;

export const THREAD_ROW: Schema = {
  object: { pid: int, tid: int, name: str, priority: int, state: str, blocked: str, since: 'number' },
  optional: { remoteNode: str },
};
export const PIDIN: Schema = { object: { threads: { array: THREAD_ROW } } };
export const NODE_ROW: Schema = {
  object: {
    node: str, nd: int, state: str, reason: str, incarnation: int, rttMs: { oneOf: ['number', 'null'] }, missedBeats: int, inFlight: int, window: int,
    drops: { record: int },
  },
};
export const NODES: Schema = { object: { self: str, peers: { array: NODE_ROW } } };
export const CHANNELS: Schema = {
  object: {
    channels: { array: { object: { pid: int, process: str, chid: int, flags: int, receivers: { array: int }, sendQueue: { array: str }, replySet: { array: int } } } },
    asyncChannels: {
      array: {
        object: {
          pid: int, process: str, chid: int, visible: int,
          connections: { array: { object: { pid: int, coid: int, fill: int, ringSize: int, pending: int, triggerCount: int, triggerTimeMs: 'number' }, optional: { node: str } } },
        },
      },
    },
  },
};
export const GRAPH: Schema = {
  object: {
    vertices: { array: { object: { id: str, kind: { oneOf: [{ literal: 'thread' }, { literal: 'channel' }] }, node: str, label: str }, optional: { state: str } } },
    edges: {
      array: {
        object: { from: str, to: str, kind: { oneOf: [{ literal: 'send' }, { literal: 'reply' }, { literal: 'serves' }] }, status: { oneOf: [{ literal: 'up' }, { literal: 'down' }] } },
        optional: { errno: str },
      },
    },
    cycles: { array: { array: str } },
    stalls: { array: { object: { thread: str, for: 'number', root: str } } },
  },
};

/** `ViewAnswer<T>` with `data` of schema `data`. */
export function viewAnswer(data: Schema): Schema {
  return {
    object: {
      version: { literal: 1 },
      time: 'number',
      nodes: { array: { oneOf: [{ object: { node: str, ok: { literal: true }, data } }, { object: { node: str, ok: { literal: false }, error: str } }] } },
    },
  };
}

export const EVENT_FRAME: Schema = {
  object: {
    seq: int, time: 'number',
    events: { array: { object: { node: str, time: 'number', kind: str, pid: int, tid: int, detail: { record: { oneOf: ['number', 'string'] } } } } },
    changed: { array: { oneOf: ['pidin', 'nodes', 'channels', 'graph'].map((literal) => ({ literal })) } },
    stalls: { array: { object: { node: str, pid: int, tid: int, name: str, state: str, blocked: str, for: 'number' } } },
    dropped: int,
  },
  optional: { truncated: { literal: true } },
};
export const STREAM_HELLO: Schema = {
  object: { version: { literal: 1 }, seq: int, views: { array: str }, frameMs: int, maxEvents: int },
};
export const ERROR_ANSWER: Schema = { object: { version: { literal: 1 }, error: str }, optional: { errno: str } };
export const ACTION_ANSWER: Schema = { object: { version: { literal: 1 }, ok: { literal: true }, action: str, time: 'number' } };
export const INSPECTOR_STATS: Schema = {
  object: {
    version: { literal: 1 }, tracing: 'boolean', seq: int, ring: { object: { frames: int, bytes: int } }, maxQueue: int,
    clients: { array: { object: { id: int, views: { array: str }, queued: int, sent: int, dropped: int } } },
  },
};

/**
 * What a spec opened (inspectors, event streams), closed after each test: register it with
 * `afterEach` once per file, push what each test opens.
 */
export function closedAfterEach(): { readonly inspectors: Inspector[]; readonly streams: SseStream[]; closeAll(): Promise<void> } {
  const opened = {
    inspectors: [] as Inspector[],
    streams: [] as SseStream[],
    async closeAll(): Promise<void> {
      for (const s of opened.streams.splice(0)) s.close();
      await Promise.all(opened.inspectors.splice(0).map((i) => i.close()));
    },
  };
  afterEach(() => opened.closeAll());
  return opened;
}
