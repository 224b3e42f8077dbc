/**
 * The inspector's wire protocol, version 1: what `GET /api/v1/*` answer and what
 * `GET /api/v1/events` streams (Server-Sent Events). Plain JSON, documented so that other tools
 * can read it too. The server (`inspect()`) and the page are both written against these types.
 * @packageDocumentation
 */

/** The protocol version in every path (`/api/v1/…`) and every answer. */
export const INSPECTOR_PROTOCOL = 1;

/** One node's part of an answer: its data, or why it did not answer. */
export type NodeResult<T> =
  | { readonly node: string; readonly ok: true; readonly data: T }
  | { readonly node: string; readonly ok: false; readonly error: string };

/**
 * Every `GET /api/v1/<view>` answer. `nodes` has the inspected node first (named `local` when it
 * is not a node), then, with `?scope=network` (the default), every node it is joined to that is
 * up, each with its data or the reason it did not answer (a timeout, EHOSTDOWN, …); nodes it
 * knows that are not up (connecting, down) are listed too, `ok: false`, with their state.
 * `?scope=local`: the inspected node alone.
 */
export interface ViewAnswer<T> {
  readonly version: typeof INSPECTOR_PROTOCOL;
  /** The inspected node's scheduler time (ms). */
  readonly time: number;
  readonly nodes: readonly NodeResult<T>[];
}

/** A thread as `pidin` shows it, plus how long it has been in its state. */
export interface ThreadRow {
  readonly pid: number;
  readonly tid: number;
  /** `process/thread` (or the process name alone). */
  readonly name: string;
  readonly priority: number;
  readonly state: string;
  /** pidin's Blocked column (`pid 1 chid 1`, `chid 2`, `nd 1 pid 3 chid 1`) or ''. */
  readonly blocked: string;
  /** Scheduler time (ms) the inspector first saw it in this state and blocked on this. */
  readonly since: number;
  /** A client of another node waiting here (a proxy, QNX's vthread): that node's name. */
  readonly remoteNode?: string;
}

/** `GET /api/v1/pidin`: processes and threads. */
export interface PidinData {
  readonly threads: readonly ThreadRow[];
}

/** A peer as the inspected node's net manager sees it. */
export interface NodeRow {
  readonly node: string;
  readonly nd: number;
  /** `up`, `suspect`, `connecting`, `down` (and `self` for the inspected node itself). */
  readonly state: string;
  /** Why it is in that state (`hello`, `heartbeat`, `healed`, `closed: …`), when known. */
  readonly reason: string;
  readonly incarnation: number;
  /** Heartbeat round trip (ms), when measured. */
  readonly rttMs: number | null;
  readonly missedBeats: number;
  /** Sends and pulses in flight to it, of `window`. */
  readonly inFlight: number;
  readonly window: number;
  /** Frames and messages dropped, by reason (`malformed`, `unauthenticated`, `replayed`, …). */
  readonly drops: Readonly<Record<string, number>>;
}

/** `GET /api/v1/nodes`: the inspected node and its peers (only the inspected node answers it). */
export interface NodesData {
  readonly self: string;
  readonly peers: readonly NodeRow[];
}

/** A channel's three queues. */
export interface ChannelRow {
  readonly pid: number;
  readonly process: string;
  readonly chid: number;
  readonly flags: number;
  /** RECEIVE-blocked threads, the next to get a message first (QNX serves receivers LIFO). */
  readonly receivers: readonly number[];
  /** SEND-blocked senders and pulses, in the order they will be received (priority, then FIFO). */
  readonly sendQueue: readonly string[];
  /** The rcvids of REPLY-blocked clients. */
  readonly replySet: readonly number[];
}

/** An asynchronous channel and what waits in its senders' rings. */
export interface AsyncChannelRow {
  readonly pid: number;
  readonly process: string;
  readonly chid: number;
  /** Messages made visible by a trigger and not yet taken by a get. */
  readonly visible: number;
  readonly connections: readonly {
    readonly pid: number;
    readonly coid: number;
    /** Messages in the ring (put and not yet consumed) of `ringSize - 1` slots. */
    readonly fill: number;
    readonly ringSize: number;
    /** Puts not yet made visible (waiting for a trigger). */
    readonly pending: number;
    readonly triggerCount: number;
    readonly triggerTimeMs: number;
    /** A sender on another node (its batches fill this ring): that node's name. */
    readonly node?: string;
  }[];
}

/** `GET /api/v1/channels`. */
export interface ChannelsData {
  readonly channels: readonly ChannelRow[];
  readonly asyncChannels: readonly AsyncChannelRow[];
}

/**
 * A vertex of the wait-for graph: a thread (id `n:pid:tid`) or a channel (id `n:pid:chC`, C its
 * chid: never the id of a thread), `n` its node. Ids are unique over the network's graph.
 */
export interface GraphVertex {
  readonly id: string;
  readonly kind: 'thread' | 'channel';
  readonly node: string;
  readonly label: string;
  /** Threads: their state. */
  readonly state?: string;
}

/** An edge: a client SEND- or REPLY-blocked on a channel, or a channel served by a thread. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'send' | 'reply' | 'serves';
  /** `down` when the edge crosses to a node that is lost (its calls fail `errno`). */
  readonly status: 'up' | 'down';
  readonly errno?: string;
}

/**
 * `GET /api/v1/graph`: who blocks whom, across nodes (clients → channel → server). Only threads
 * that wait (SEND or REPLY) and the threads that can serve the channels they wait on are in it.
 * The graph is computed over every node that answered, then each vertex, edge, cycle and stall
 * is put in the data of its node (an edge and a cycle: of their first thread's node); what
 * belongs to a node that did not answer (a channel on it that a client waits on, an edge from
 * its client) is in the inspected node's data. Merge every `ok` node's data for the whole graph.
 * `stalls[].root`: the thread at the end of the wait chain (the first one not waiting on another
 * thread), or a channel nobody can serve (its node is down, its process has no thread), or, for
 * a chain that ends in a deadlock, the first thread of that cycle as `cycles` lists it.
 */
export interface GraphData {
  readonly vertices: readonly GraphVertex[];
  readonly edges: readonly GraphEdge[];
  /** Deadlocks: each a cycle of thread ids (every thread waits on the next). */
  readonly cycles: readonly (readonly string[])[];
  /** Threads blocked past the stall threshold, with the root of their wait chain. */
  readonly stalls: readonly { readonly thread: string; readonly for: number; readonly root: string }[];
}

/** A kernel trace event as the stream carries it (`TraceEvent`, with its node). */
export interface EventRow {
  readonly node: string;
  readonly time: number;
  readonly kind: string;
  readonly pid: number;
  readonly tid: number;
  readonly detail: Readonly<Record<string, number | string>>;
}

/**
 * One Server-Sent Event (`event: frame`, `id: <seq>`, `data: <this JSON>`): the events of one
 * coalescing period (≥ 10 frames a second while there are any), and which views changed so that
 * the page fetches those it shows. `dropped` counts, since the stream began, events this client
 * missed because it fell behind (its queue is bounded); the page shows it in a banner.
 */
export interface EventFrame {
  /** Consecutive over the stream (the SSE `id`); a gap means frames this client was not sent, counted in `dropped`. */
  readonly seq: number;
  readonly time: number;
  readonly events: readonly EventRow[];
  readonly changed: readonly ('pidin' | 'nodes' | 'channels' | 'graph')[];
  readonly stalls: readonly { readonly node: string; readonly pid: number; readonly tid: number; readonly name: string; readonly state: string; readonly blocked: string; readonly for: number }[];
  /**
   * Counted per connection: a reconnection (EventSource does it by itself) starts again from 0,
   * plus the events of the frames it could not resume; add the last count of the previous
   * connection to show a total.
   */
  readonly dropped: number;
  /**
   * The trace reached the frame's cap of events (`maxEvents`): the inspector stopped listening
   * until this frame, so the events in between were neither kept nor counted (the cost of an
   * open page stays bounded however busy the system is). Absent when false.
   */
  readonly truncated?: true;
}

/** The views `GET /api/v1/events?views=…` can ask for (default: all). */
export type StreamView = 'trace' | 'stalls' | 'nodes' | 'pidin' | 'channels' | 'graph';

/**
 * The first event of every stream (`event: hello`, no id): the stream's settings and the last
 * frame's seq. A resumed stream (`Last-Event-ID`) then gets the frames after that id still in the
 * server's ring; when the id is older than the ring, one frame (whose seq is just before the
 * ring's first) says so: its `changed` names every view asked for and `dropped` counts the events
 * missed.
 */
export interface StreamHello {
  readonly version: typeof INSPECTOR_PROTOCOL;
  readonly seq: number;
  readonly views: readonly StreamView[];
  readonly frameMs: number;
  readonly maxEvents: number;
}

/** What every error answers (401, 403, 404, 405, 400, 409, 503), with its errno name for a kernel error. */
export interface ErrorAnswer {
  readonly version: typeof INSPECTOR_PROTOCOL;
  readonly error: string;
  readonly errno?: string;
}

/** What an action answers when it was done. */
export interface ActionAnswer {
  readonly version: typeof INSPECTOR_PROTOCOL;
  readonly ok: true;
  readonly action: ActionRequest['action'];
  /** The inspected node's scheduler time when it was done (the `inspector` trace event's). */
  readonly time: number;
}

/**
 * `GET /api/v1/inspector`: the inspector's own cost: whether it listens to the trace now, its
 * ring of recent frames, and per connected stream its views, its queue (bytes not yet taken by
 * the client, bounded by `maxQueue`) and what it dropped.
 */
export interface InspectorStats {
  readonly version: typeof INSPECTOR_PROTOCOL;
  readonly tracing: boolean;
  readonly seq: number;
  readonly ring: { readonly frames: number; readonly bytes: number };
  readonly maxQueue: number;
  readonly clients: readonly { readonly id: number; readonly views: readonly StreamView[]; readonly queued: number; readonly sent: number; readonly dropped: number }[];
}

/**
 * `POST /api/v1/actions/<name>` bodies (only with `allowWrite: true`; each is traced as an
 * `inspector` event before it is done), JSON of at most 64 KiB; `action` may be left out (the
 * path names it). A pulse comes from a process named `inspector`, made on the first pulse.
 */
export type ActionRequest =
  | { readonly action: 'kill'; readonly pid: number }
  | { readonly action: 'unblock'; readonly pid: number; readonly tid: number }
  | { readonly action: 'pulse'; readonly pid: number; readonly chid: number; readonly code: number; readonly value: number };
