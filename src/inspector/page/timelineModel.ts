/// <reference lib="dom" />
/**
 * The timeline's data, pure and bounded: the events kept (the newest `maxEvents`; older ones are
 * dropped and counted), a lane per thread with its state segments, arrows send → receive and
 * reply → client, and marks (pulses, async batches, errors, unblocks, deaths, node changes).
 * @packageDocumentation
 */
import type { EventRow } from '../protocol.js';
import { MessageMatcher, threadKey } from './messageMatcher.js';
import { transitions } from './threadStates.js';

export interface Segment {
  readonly start: number;
  /** Infinity while the thread is still in it. */
  end: number;
  readonly state: string;
}

export interface Lane {
  readonly key: string;
  readonly node: string;
  readonly pid: number;
  readonly tid: number;
  readonly segments: Segment[];
  /** Time of the lane's last event or state change. */
  last: number;
}

export interface Arrow {
  readonly kind: 'send' | 'reply' | 'error';
  readonly from: string;
  readonly to: string;
  readonly t0: number;
  readonly t1: number;
}

export interface Mark {
  /** A lane key, or '' for the whole timeline (a node going up or down). */
  readonly lane: string;
  readonly t: number;
  readonly kind: string;
  readonly text: string;
}

const MARKS: Readonly<Record<string, string>> = { pulse: 'p', error: 'E', unblock: 'u', timeout: 't', death: 'd', disconnect: 'x', drop: '!' };

export class TimelineModel {
  readonly lanes = new Map<string, Lane>();
  arrows: Arrow[] = [];
  marks: Mark[] = [];
  /** Events dropped from the history (the oldest, beyond `maxEvents`). */
  dropped = 0;
  /** Earliest and latest event time kept (NaN when empty). */
  first = NaN;
  last = NaN;
  /** The first event's time ever seen (kept when it is dropped): the axis counts from it. */
  origin = NaN;
  private log: EventRow[] = [];
  private head = 0;
  private order: Lane[] | null = null;
  private readonly matcher = new MessageMatcher();

  constructor(readonly maxEvents = 100_000) {}

  /** Events kept. */
  get size(): number {
    return this.log.length - this.head;
  }

  /** The events kept, oldest first (a copy). */
  events(): EventRow[] {
    return this.log.slice(this.head);
  }

  /** Lanes by node, pid, tid. */
  laneOrder(): readonly Lane[] {
    this.order ??= [...this.lanes.values()].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0) || a.pid - b.pid || a.tid - b.tid);
    return this.order;
  }

  add(events: readonly EventRow[]): void {
    for (const e of events) this.addOne(e);
    if (this.size > this.maxEvents) this.trim();
  }

  private lane(node: string, pid: number, tid: number, t: number): Lane {
    const key = threadKey(node, pid, tid);
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      this.lanes.set(key, (lane = { key, node, pid, tid, segments: [], last: t }));
      this.order = null;
    }
    lane.last = Math.max(lane.last, t);
    return lane;
  }

  private addOne(e: EventRow): void {
    this.log.push(e);
    if (Number.isNaN(this.first)) this.first = e.time;
    if (Number.isNaN(this.origin)) this.origin = e.time;
    this.last = Number.isNaN(this.last) ? e.time : Math.max(this.last, e.time);
    const global = e.pid === 0 && e.tid === 0;
    const key = global ? '' : this.lane(e.node, e.pid, e.tid, e.time).key;
    const matched = this.matcher.add(e);
    for (const tr of transitions(e, matched)) {
      if (tr.wholeProcess === true) {
        for (const lane of this.lanes.values()) if (lane.node === tr.node && lane.pid === tr.pid) this.enter(lane, 'DEAD', e.time);
      } else this.enter(this.lane(tr.node, tr.pid, tr.tid, e.time), tr.state, e.time);
    }
    if (matched?.kind === 'received') {
      this.arrows.push({ kind: 'send', from: threadKey(e.node, matched.send.pid, matched.send.tid), to: key, t0: matched.send.time, t1: e.time });
    } else if (matched?.kind === 'replied') {
      this.arrows.push({ kind: e.kind === 'error' ? 'error' : 'reply', from: key, to: threadKey(e.node, matched.send.pid, matched.send.tid), t0: e.time, t1: e.time });
    }
    if (e.kind === 'send' && e.detail['async'] !== undefined) {
      this.marks.push({ lane: key, t: e.time, kind: 'async', text: `async batch of ${String(e.detail['async'])}` });
    } else if (e.kind === 'node') {
      this.marks.push({ lane: '', t: e.time, kind: 'node', text: `${String(e.detail['node'])} ${String(e.detail['state'])}` });
    } else if (MARKS[e.kind] !== undefined && !(e.kind === 'error' && matched !== null)) {
      this.marks.push({ lane: key, t: e.time, kind: e.kind, text: MARKS[e.kind]! });
    }
  }

  /** `lane` enters `state` at `t` (the same state again changes nothing). */
  private enter(lane: Lane, state: string, t: number): void {
    const open = lane.segments[lane.segments.length - 1];
    if (open !== undefined && open.end === Infinity) {
      if (open.state === state) return;
      open.end = t;
    }
    if (state !== 'DEAD') lane.segments.push({ start: t, end: Infinity, state });
  }

  /** Drop the oldest events beyond `maxEvents`, and whatever ended before the oldest kept. */
  private trim(): void {
    const over = this.size - this.maxEvents;
    this.head += over;
    this.dropped += over;
    this.first = this.log[this.head]!.time;
    if (this.head < this.maxEvents / 4) return;
    // compact now and then: the log, each lane's segments, the arrows and marks, idle lanes
    this.log = this.log.slice(this.head);
    this.head = 0;
    const cut = this.first;
    for (const [key, lane] of this.lanes) {
      let i = 0;
      while (i < lane.segments.length && lane.segments[i]!.end < cut) i++;
      if (i > 0) lane.segments.splice(0, i);
      if (lane.segments.length === 0 && lane.last < cut) {
        this.lanes.delete(key);
        this.order = null;
      }
    }
    this.arrows = this.arrows.filter((a) => a.t1 >= cut);
    this.marks = this.marks.filter((m) => m.t >= cut);
  }
}
