/**
 * The port a transport implements (qnet.md §3.2): one bidirectional, ordered pipe to one peer
 * kernel. Liveness, sequence checks, fragmentation and flow control live in the net manager,
 * once for every transport.
 * @packageDocumentation
 */
import type { DurableOptions } from './durableEvents.js';
import type { DurableLog } from './durableLog.js';

/** Which transport a link is (`'custom'`: one of your own, joined with `kernel.addLink`). */
export type LinkKind = 'loopback' | 'worker' | 'nats' | 'custom';

/** What a transport reports of itself (see {@link Link.onState}). */
export type LinkState = 'up' | 'suspect' | 'down';

/** One bidirectional, ordered, reliable-while-up pipe to one peer kernel. */
export interface Link {
  readonly kind: LinkKind;
  /** Bytes the transport carries per frame; larger messages are fragmented by the net manager. */
  readonly maxFrameBytes: number;
  /**
   * Queue a frame: its bytes are the link's to keep, but its buffer may be shared with other
   * frames (copy before transferring it). `false`: not sent (the link is closed or full).
   */
  send(frame: Uint8Array): boolean;
  /**
   * Frames in arrival order, delivered asynchronously (never from inside `send`). A frame whose
   * bytes are in a `SharedArrayBuffer` is lent: the transport may reuse them once the handler
   * returns (the worker link's ring), and the node copies what it keeps.
   */
  onFrame(handler: FrameHandler): void;
  /**
   * Transport-level state: `down` (a port closed, a connection lost for good); `suspect` (the
   * transport lost its own connection and is getting it back: frames are held, none lost) and
   * `up` again (it recovered). Liveness is decided above it: a suspect peer that stays silent
   * past the heartbeat bound is quarantined all the same.
   */
  onState(handler: (state: LinkState, reason: string) => void): void;
  /**
   * Optional: the transport cannot alter a frame on its way (the worker link's rings: memory
   * shared by two threads of one process). The node then neither computes nor checks the frame's
   * trailer on it, at both ends (a wrapper that does not pass this on keeps the check).
   */
  readonly intact?: boolean;
  /**
   * Optional: frames are encoded straight into the transport's own memory (the worker link's
   * ring), not copied there: see {@link FrameSink}. `send` still takes the frames it refuses.
   */
  readonly sink?: FrameSink;
  /**
   * Optional: hand the node, now and synchronously, the frames that have arrived and wait to be
   * read (the worker link's ring), as the next turn of the event loop would. The node calls it
   * from inside a kernel call (a put that finds a remote ring full); a link that is reading
   * already, or has nothing, does nothing.
   */
  poll?(): void;
  /** Close the link, telling the peer when the transport can (an announced close). */
  close(reason: string): void;
  /**
   * Optional: whether calls cross the link now (told when it changes, and once when the peer
   * comes up). A transport that can (Node's `unref`) keeps its process alive only while busy, so a
   * program whose work is done exits though its links stay open.
   */
  busy?(busy: boolean): void;
}

/**
 * What the node gives {@link Link.onFrame}: call it with each frame. A transport whose frames are
 * in shared memory of its own (the worker link's ring) may call `takeAt` instead, with where the
 * frame is: `n` bytes at `at` (a multiple of 4) of `u8` and `i32` (views from one start), lent
 * until it returns, read in place (no view made for it).
 */
export interface FrameHandler {
  (frame: Uint8Array): void;
  takeAt?: (u8: Uint8Array, i32: Int32Array, at: number, n: number) => void;
}

/** Where a transport lets the node encode frames in place ({@link Link.sink}). */
export interface FrameSink {
  /** The memory: bytes and words from one start. */
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  /** Where a frame of `n` bytes goes (a multiple of 4), or -1: no room now (the node gives it to `send`). */
  reserve(n: number): number;
  /** The frame reserved last is written: it goes. */
  commit(): void;
}

/** Options of a node (a kernel with a net manager). */
export interface NetOptions {
  /** This node's name: no `/`, no `.`, not empty. */
  readonly node: string;
  /** Heartbeat period in scheduler milliseconds (default 1000). */
  readonly heartbeatMs?: number;
  /** Silent heartbeat periods before a peer is quarantined (default 3). */
  readonly missed?: number;
  /**
   * Present at most this many bytes of a remote client's message to a receive (`msglen`), as
   * Qnet's first 8 KB chunk does; the rest is read with `MsgRead` (the RxJS binding does it for
   * you). Lets a test prove that a server handles partial delivery. Default 0: off, the whole
   * message (up to the receive buffer) as locally.
   */
  readonly firstChunkBytes?: number;
  /** The largest message a send may carry across a link (default 64 MiB); larger: EMSGSIZE. */
  readonly maxMessageBytes?: number;
  /**
   * SENDs and pulses this node may have in flight to a peer (default 1024; qnet.md §3.5): a send
   * past it waits here, SEND-blocked, in priority order, until one is received or answered; a
   * pulse past it fails EAGAIN. Bounds what a node's clients can park in a peer's memory.
   */
  readonly window?: number;
  /** The node's incarnation (default: random). Tests pass one to be deterministic. */
  readonly incarnation?: number;
  /**
   * Carry asynchronous messages between nodes (qnet.md §6.9's opt-in; QNX: ENOREMOTE). The
   * sender's ring and triggers stay on its node; each trigger sends its batch; slots free and
   * callbacks run (in put order) when the receiver's gets take the messages. Both nodes opt in.
   */
  readonly asyncAcrossNodes?: boolean;
  /**
   * The most peers this node keeps (default 1024): a link, HELLO or transport naming one more
   * unknown node is refused (counted as an `unknown-peer` drop). Bounds what forged names cost.
   */
  readonly maxPeers?: number;
  /**
   * Unknown node names this node answers per heartbeat period (default 16): past it, a HELLO or
   * message from a name it does not know yet is dropped (`unknown-peer`), so a flood of forged
   * names costs bounded work and leaves the real peers' heartbeats on time.
   */
  readonly helloRate?: number;
  /**
   * Remote clients claiming uid 0 (or gid 0) act as `squashUid` (default 65534, `nobody`) on this
   * node, as NFS's root squash does: a peer's claimed credentials cannot make it root here.
   */
  readonly squashRemoteRoot?: boolean;
  /** The uid and gid a squashed remote root acts as (default 65534). */
  readonly squashUid?: number;
  /**
   * Durable asynchronous messages (issue 25, docs/durable.md): a {@link DurableLog} (JetStream's
   * `jetStreamLog` from `rxnto/nats`, `MemoryDurableLog` from `rxnto/testing`), alone or with the
   * consumers' settings. Then `asyncConnect(name, { durable: true })` attaches to a durable channel
   * by name while its receiver may be absent, and `asyncChannel({ durable: name })` receives.
   */
  readonly durable?: DurableLog | DurableOptions;
}

/** Why a frame or a transport message was dropped (see {@link NetStats.drops}). */
export type DropReason = 'malformed' | 'unauthenticated' | 'replayed' | 'unknown-peer' | 'duplicate' | 'oversize';

/** Every {@link DropReason}, in a fixed order. */
export const DROP_REASONS: readonly DropReason[] = ['malformed', 'unauthenticated', 'replayed', 'unknown-peer', 'duplicate', 'oversize'];

/** One peer as {@link NetStats} reports it. */
export interface PeerStats {
  readonly node: string;
  readonly nd: number;
  /** As `nodes()`: 'unknown', 'connecting', 'up', 'suspect' (up, its transport reconnecting) or 'down'. */
  readonly state: 'unknown' | 'connecting' | 'up' | 'suspect' | 'down';
  /** The peer node's incarnation (0 until its HELLO). */
  readonly incarnation: number;
  /** Sessions (handshakes) completed with it: more than 1 after a heal or a restart. */
  readonly sessions: number;
  /** The last heartbeat round trip, in scheduler milliseconds (null before the first). */
  readonly rttMs: number | null;
  /** Whole heartbeat periods since anything was heard from it (0 while it is heard on time). */
  readonly missedBeats: number;
  /** SENDs and pulses in flight to it (the window in use) and the window's size. */
  readonly windowInUse: number;
  readonly window: number;
  /** Sends waiting here for room in the window. */
  readonly held: number;
}

/** The net manager's counters (`kernel.net.stats()`, `system.netStats()`). */
export interface NetStats {
  readonly node: string;
  readonly incarnation: number;
  /** Frames (and their bytes) taken in from links and sent out on them. */
  readonly framesIn: number;
  readonly framesOut: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Frames or transport messages dropped, by reason, including what transports drop before the node sees it. */
  readonly drops: Readonly<Record<DropReason, number>>;
  readonly peers: readonly PeerStats[];
}

/**
 * A peer came up, turned suspect or went down, as `nodes$` reports it. `suspect`: the transport
 * lost its connection and is getting it back (NATS reconnecting); the peer stays usable, and
 * either comes `up` again (reason `'recovered'`) or goes `down` at the heartbeat bound.
 */
export interface NodeEvent {
  readonly node: string;
  readonly nd: number;
  readonly state: 'up' | 'suspect' | 'down';
  /** Why: 'heartbeat', 'closed: …', 'sequence gap', 'restarted', … when down; 'hello' or 'recovered' when up; the transport's words when suspect. */
  readonly reason: string;
  readonly incarnation: number;
}

/** What a net manager reports: a node up or down, or a frame it dropped. */
export type NetEvent =
  | { readonly type: 'node'; readonly event: NodeEvent }
  | { readonly type: 'drop'; readonly reason: DropReason; readonly node: string; readonly detail?: string };
