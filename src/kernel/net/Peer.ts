/**
 * A peer node as this kernel knows it (qnet.md §3.1): its nd and name, the link session it is
 * reached through, its incarnation and liveness, and everything that crosses to it: the remote
 * sends and connections of local clients, the proxies and vthread sends of its clients here.
 * @internal
 * @packageDocumentation
 */
import type { AsyncConn } from '../asyncObjects.js';
import type { Connection, Process, SendWait } from '../objects.js';
import type { NetCall } from '../netHooks.js';
import type { TimerHandle } from '../scheduler.js';
import type { Link } from './Link.js';
import type { PeerRef } from './hooks.js';
import { XidMap } from './xidMap.js';

/**
 * One link to one peer, and the handshakes made over it (qnet.md §6.11). Each side names its
 * half of a session with a nonce; every frame carries both (`srcInc`, `dstInc`), so a frame of an
 * ended session is told apart and dropped. A quarantine ends the session, never the link: the
 * side that quarantines takes a new nonce and says HELLO again until the peer answers.
 */
export class Session {
  /** The next sequence number to send under `mine` (its first HELLO is 0). */
  txSeq = 0;
  /** The sequence number the next frame under `theirs` must carry. */
  rxSeq = 0;
  peer: Peer | null = null;
  /** No frame goes out or is taken in any more. */
  closed = false;
  /** This node's nonce for the current handshake (never 0). */
  mine: number;
  /** The peer's nonce, once its HELLO was taken (0 before). */
  theirs = 0;
  /** HELLO again every heartbeat period while the handshake is not complete. */
  retry: TimerHandle | null = null;

  /** The peer this link was joined for (`addLink(link, name)`), or null: it is whoever says HELLO. */
  readonly named: string | null;

  constructor(readonly link: Link, mine: number, named: string | null = null) {
    this.mine = mine;
    this.named = named;
  }
}

/** Peer states: named but never reached; reached by a link but no HELLO yet; up; quarantined (or never answered). */
export type PeerState = 'unknown' | 'connecting' | 'up' | 'down';

export class Peer implements PeerRef {
  state: PeerState = 'unknown';
  session: Session | null = null;
  /** The peer's current incarnation (0 until its HELLO). */
  incarnation = 0;
  /**
   * Named by this node's users (`netmgr_strtond`) or up once: kept in the table for ever. A peer
   * only a transport named, that never completed a handshake, is forgotten at the bound.
   */
  pinned = false;
  /** Handshakes completed (sessions): more than one after a heal or a restart. */
  sessions = 0;
  /** Heartbeat round trips: the id and time of the last ping, the last round trip (-1: none yet). */
  pingId = 0;
  pingAt = 0;
  rttMs = -1;
  /** Up, but its transport reported itself suspect (reconnecting) and has not recovered yet. */
  suspect = false;
  /** Calls cross to or from it now (see `keepAlive.ts`). */
  busy = false;
  /** Scheduler time of the last frame heard. */
  lastHeard = 0;
  deadline: TimerHandle | null = null;
  /** Encoded frames waiting for the peer's HELLO (state 'connecting'). */
  readonly outbox: Array<() => void> = [];

  // client side (this node sends to the peer)
  /** Remote sends in flight, by xid. */
  readonly calls = new XidMap<SendWait>();
  /** Remote connections, by cid. */
  readonly conns = new Map<number, Connection>();
  /** Asynchronous connections to it that sent batches (busy while one has messages not yet taken). */
  readonly asyncSent = new Set<AsyncConn>();
  /** Pulses and SENDs sent and not yet credited back (the window, qnet.md §3.5). */
  inflight = 0;
  /** Sends waiting for room in the window, by priority (FIFO within one): SEND-blocked here. */
  readonly held: SendWait[] = [];

  // server side (the peer's clients here)
  /** Proxy processes of the peer's clients, by their pid there. */
  readonly proxies = new Map<number, Process>();
  /** Connections the peer's clients attached here, by cid (their proxy's coid is the cid). */
  readonly accepted = new Map<number, Connection>();
  /** Connections refused (CONNECT_FAIL), by cid: their sends get this errno. */
  readonly refused = new Map<number, number>();
  /** The vthread sends of the peer's clients, by xid. */
  readonly vsends = new XidMap<SendWait>();
  /** Frames of the peer's window taken and not yet credited back. */
  owed = 0;
  /** Fragments being reassembled, by `kind:id`. */
  readonly fragments = new Map<string, Uint8Array[]>();

  constructor(
    readonly nd: number,
    readonly name: string,
  ) {}
}

/**
 * The remote part of a send: `net` (the last one of the wait being reused) set again, or a new
 * one for a new wait (no object per send on a thread's hot path).
 */
export function netCall(net: NetCall | null, client: boolean, xid: number, peer: Peer, srcnd: number, chunk: number): NetCall {
  if (net === null) return { client, xid, peer, srcnd, chunk };
  const n = net as { -readonly [K in keyof NetCall]: NetCall[K] };
  n.client = client;
  n.xid = xid;
  n.peer = peer;
  n.srcnd = srcnd;
  n.chunk = chunk;
  return n;
}
