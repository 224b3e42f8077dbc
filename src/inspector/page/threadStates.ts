/// <reference lib="dom" />
/**
 * Thread states as the trace tells them, pure: which thread an event moves to which state (a
 * send SEND-blocks its thread, a receive runs the server and REPLY-blocks the client it took, a
 * reply readies the client, …). The trace says nothing when a server goes back to MsgReceive, so
 * a thread the trace does not see blocked is `READY`.
 * @packageDocumentation
 */
import type { EventRow } from '../protocol.js';
import type { Matched } from './messageMatcher.js';

export interface Transition {
  readonly node: string;
  readonly pid: number;
  /** 0 with `wholeProcess`: every thread of `pid`. */
  readonly tid: number;
  readonly state: string;
  /** The event is this thread's own (it happened on this thread's lane). */
  readonly own: boolean;
  readonly wholeProcess?: boolean;
}

const to = (e: EventRow, state: string, own = true): Transition => ({ node: e.node, pid: e.pid, tid: e.tid, state, own });

/** The state changes `e` (with what it matched) makes. */
export function transitions(e: EventRow, matched: Matched | null): Transition[] {
  switch (e.kind) {
    case 'send':
      return e.detail['async'] !== undefined || e.tid === 0 ? [] : [to(e, 'SEND')];
    case 'state':
      return typeof e.detail['state'] === 'string' && e.tid !== 0 ? [to(e, e.detail['state'])] : [];
    case 'receive': {
      const out = e.tid === 0 ? [] : [to(e, 'RUNNING')];
      if (matched?.kind === 'received') out.push(to(matched.send, 'REPLY', false));
      return out;
    }
    case 'reply':
    case 'error':
      return matched?.kind === 'replied' ? [to(matched.send, 'READY', false)] : [];
    case 'unblock':
    case 'timeout':
      return e.tid === 0 ? [] : [to(e, 'READY')];
    case 'death':
      if (e.detail['what'] === 'thread' && e.tid !== 0) return [to(e, 'DEAD')];
      if (e.detail['what'] === 'process') return [{ node: e.node, pid: e.pid, tid: 0, state: 'DEAD', own: true, wholeProcess: true }];
      return [];
    default:
      return [];
  }
}

/** States drawn as slices (READY and DEAD are the absence of one). */
export const SHOWN_STATES: ReadonlySet<string> = new Set(['SEND', 'REPLY', 'RUNNING', 'RECEIVE', 'CONDVAR', 'NANOSLEEP', 'MUTEX', 'SEM', 'JOIN', 'INTR', 'SIGSUSPEND', 'SIGWAITINFO', 'WAITPAGE', 'STACK', 'STOPPED', 'NET_SEND', 'NET_REPLY']);
