/**
 * The port a transport implements (qnet.md §3.2): one bidirectional, ordered pipe to one peer
 * kernel. Liveness, sequence checks, fragmentation and flow control live in the net manager,
 * once for every transport.
 * @packageDocumentation
 */

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
  /** Frames in arrival order, delivered asynchronously (never from inside `send`). */
  onFrame(handler: (frame: Uint8Array) => void): void;
  /**
   * Transport-level state: `down` (a port closed, a connection lost for good); `suspect` (the
   * transport lost its own connection and is getting it back: frames are held, none lost) and
   * `up` again (it recovered). Liveness is decided above it: a suspect peer that stays silent
   * past the heartbeat bound is quarantined all the same.
   */
  onState(handler: (state: LinkState, reason: string) => void): void;
  /** Close the link, telling the peer when the transport can (an announced close). */
  close(reason: string): void;
  /**
   * Optional: whether calls cross the link now (told when it changes, and once when the peer
   * comes up). A transport that can (Node's `unref`) keeps its process alive only while busy, so a
   * program whose work is done exits though its links stay open.
   */
  busy?(busy: boolean): void;
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
  | { readonly type: 'drop'; readonly reason: string; readonly node: string };
