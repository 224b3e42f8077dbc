/// <reference lib="dom" />
/**
 * Pairs a message's trace events, pure and incremental: the client's `send`, the server's
 * `receive` (same node, `from` the client's pid, on the channel sent to) and its `reply` or
 * `error` (the same rcvid). Used by the timeline (arrows) and the Perfetto export (flows). Bounded:
 * sends never received (a client on another node, a lost trace) are forgotten past `max`.
 * @packageDocumentation
 */
import type { EventRow } from '../protocol.js';

export type Matched =
  | { readonly kind: 'received'; readonly send: EventRow; readonly receive: EventRow }
  | { readonly kind: 'replied'; readonly send: EventRow; readonly receive: EventRow; readonly reply: EventRow };

/** `node|pid|tid`: a thread of some node. */
export const threadKey = (node: string, pid: number, tid: number): string => `${node}|${pid}|${tid}`;

const num = (v: number | string | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

export class MessageMatcher {
  /** `node|client pid|server pid|chid` → sends waiting to be received, first sent first. */
  private readonly waiting = new Map<string, EventRow[]>();
  /** `node|server pid|rcvid` → the send and receive waiting for the reply. */
  private readonly open = new Map<string, { send: EventRow; receive: EventRow }>();
  private sends = 0;

  constructor(private readonly max = 20_000) {}

  /** Feed the next event; what it completes, if anything. */
  add(e: EventRow): Matched | null {
    const d = e.detail;
    switch (e.kind) {
      case 'send': {
        const to = num(d['to']);
        const chid = num(d['chid']);
        if (d['async'] !== undefined || to === undefined || chid === undefined) return null;
        const key = `${e.node}|${e.pid}|${to}|${chid}`;
        const list = this.waiting.get(key);
        if (list === undefined) this.waiting.set(key, [e]);
        else list.push(e);
        if (++this.sends > this.max) this.forgetOldest();
        return null;
      }
      case 'receive': {
        const rcvid = num(d['rcvid']);
        const from = num(d['from']);
        const chid = num(d['chid']);
        if (rcvid === undefined || rcvid === 0 || from === undefined || chid === undefined) return null;
        const key = `${e.node}|${from}|${e.pid}|${chid}`;
        const list = this.waiting.get(key);
        const send = list?.shift();
        if (list !== undefined && list.length === 0) this.waiting.delete(key);
        if (send === undefined) return null;
        this.sends--;
        const open = `${e.node}|${e.pid}|${rcvid}`;
        this.open.delete(open); // re-insert: the Map's order stays oldest first
        this.open.set(open, { send, receive: e });
        if (this.open.size > this.max) this.open.delete(this.open.keys().next().value!);
        return { kind: 'received', send, receive: e };
      }
      case 'reply':
      case 'error': {
        const rcvid = num(d['rcvid']);
        if (rcvid === undefined) return null;
        const key = `${e.node}|${e.pid}|${rcvid}`;
        const got = this.open.get(key);
        if (got === undefined) return null;
        this.open.delete(key);
        return { kind: 'replied', send: got.send, receive: got.receive, reply: e };
      }
      case 'unblock':
      case 'timeout':
      case 'death':
        this.dropSendsOf(e);
        return null;
      default:
        return null;
    }
  }

  /** A SEND-blocked thread let go (or dead): its send will never be received. */
  private dropSendsOf(e: EventRow): void {
    for (const [key, list] of this.waiting) {
      if (!key.startsWith(`${e.node}|${e.pid}|`)) continue;
      const kept = list.filter((s) => !(s.pid === e.pid && (e.tid === 0 || s.tid === e.tid)));
      this.sends -= list.length - kept.length;
      if (kept.length === 0) this.waiting.delete(key);
      else this.waiting.set(key, kept);
    }
  }

  private forgetOldest(): void {
    const first = this.waiting.keys().next();
    if (first.done === true) return;
    const list = this.waiting.get(first.value)!;
    list.shift();
    this.sends--;
    if (list.length === 0) this.waiting.delete(first.value);
  }
}
