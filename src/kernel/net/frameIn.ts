/**
 * Frames coming in (qnet.md §3.4–3.6): decoded and checked (malformed, no session, another
 * session's, out of sequence), reassembled, and handed to the client side, the server side, the
 * handshake or the asynchronous messages. Every drop is counted by reason.
 * @internal
 * @packageDocumentation
 */
import { onAsyncFrame } from './asyncRemote.js';
import * as client from './clientSide.js';
import { F, FLAG_MORE, type Frame } from './frames.js';
import { decodeAt, decodeInto, ownPayload, type FrameIn } from './frameWords.js';
import type { FrameHandler } from './Link.js';
import { reassemble } from './fragments.js';
import { onHello } from './hello.js';
import type { NetManager } from './NetManager.js';
import type { Peer, Session } from './Peer.js';
import * as server from './serverSide.js';
import { onSnapshotFrame } from './snapshotService.js';

/** Shared memory, where a platform has it: frames there are only lent (see {@link took}). */
const Shared: (new () => unknown) | null = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : null;

/**
 * The handler of `session`'s link: each frame taken as one kernel call; `takeAt`, a frame read in
 * place in the transport's shared memory (see `FrameHandler`).
 */
export function frameTaker(m: NetManager, session: Session): FrameHandler {
  const k = m.k;
  const take: FrameHandler = (bytes) => {
    if (session.closed) return;
    k.enter();
    try {
      if (!(bytes instanceof Uint8Array) || !decodeInto(bytes, m.frame, session.link.intact === true)) m.drop(session.peer, 'malformed');
      else took(m, session, bytes.length, Shared !== null && bytes.buffer instanceof Shared);
    } finally {
      k.leave();
    }
  };
  take.takeAt = (u8, i32, at, n) => {
    if (session.closed) return;
    k.enter();
    try {
      if (!decodeAt(u8, i32, at, n, m.frame, session.link.intact === true)) m.drop(session.peer, 'malformed');
      else took(m, session, n, true);
    } finally {
      k.leave();
    }
  };
  return take;
}

/**
 * The frame of `n` bytes just decoded into `m.frame`. A `lent` one (in shared memory: the worker
 * link's ring) is the node's only until this returns: its payload is copied when something keeps
 * it (a SEND's message, a fragment, a name), not when a REPLY or ERROR lands it in the client's
 * buffer at once.
 */
function took(m: NetManager, session: Session, n: number, lent: boolean): void {
  const f = m.frame;
  m.counters.in(n);
  if (lent && f.len > 0 && (f.kind !== F.REPLY && f.kind !== F.ERROR || (f.flags & FLAG_MORE) !== 0 || (session.peer?.fragments.size ?? 0) > 0)) {
    f.payload = ownPayload(f);
  }
  if (f.kind === F.HELLO) {
    onHello(m, session, f);
    return;
  }
  const peer = session.peer;
  if (peer === null || peer.session !== session || peer.state !== 'up') {
    m.drop(peer, peer === null ? 'unknown-peer' : 'replayed', 'no session');
    return;
  }
  // a frame of an ended session (a paused process's backlog, a replay): dropped, harmless
  if (f.srcInc !== session.theirs || f.dstInc !== session.mine) {
    m.drop(peer, 'replayed', 'another session');
    return;
  }
  if (!inSequence(m, session, peer, f)) return;
  try {
    if ((f.flags & FLAG_MORE) !== 0 || peer.fragments.size > 0) {
      const whole = reassemble(peer, f, m.maxMessageBytes);
      if (whole === false) oversize(m, peer);
      if (whole === null || whole === false) return;
      f.payload = whole;
    }
    dispatch(m, peer, f);
  } finally {
    // heard now: the clock is read once the frame's work (a reply, its doorbell) is done
    peer.lastHeard = m.k.scheduler.now();
  }
}

/**
 * The frame's sequence number against the session's: the next one is taken; an earlier one is
 * a duplicate (dropped); a later one means frames were lost (a sequence gap: the session ends,
 * and heals by a new handshake).
 */
export function inSequence(m: NetManager, session: Session, peer: Peer, f: Frame): boolean {
  const d = (f.seq - session.rxSeq) | 0;
  if (d < 0) {
    m.drop(peer, 'duplicate');
    return false;
  }
  if (d > 0) {
    m.quarantine(peer, 'sequence gap');
    return false;
  }
  session.rxSeq = (session.rxSeq + 1) >>> 0;
  return true;
}

/** A message reassembled past `maxMessageBytes`: dropped, and the session ends (its sender broke the limit). */
function oversize(m: NetManager, peer: Peer): void {
  m.drop(peer, 'oversize');
  m.quarantine(peer, 'oversize message');
}

function dispatch(m: NetManager, peer: Peer, f: FrameIn): void {
  switch (f.kind) {
    case F.HEARTBEAT:
      m.sendTo(peer, F.HEARTBEAT_ACK, f.id, []);
      return;
    case F.HEARTBEAT_ACK:
      if (f.id === peer.pingId) peer.rttMs = m.k.scheduler.now() - peer.pingAt;
      return;
    case F.CREDIT:
      client.credit(m, peer, f.body[0] ?? 0);
      return;
    case F.RECEIVED: case F.REQUEUED: case F.REPLY: case F.ERROR:
    case F.CONNECTED: case F.CONNECT_FAIL: case F.CHANNEL_GONE: case F.EVENT:
      client.onFrame(m, peer, f);
      return;
    case F.RESOLVED:
      m.paths.resolved(f.id, f.body[0]!, f.body[1]!, f.body[2]!);
      return;
    case F.ASYNC_BATCH:
    case F.ASYNC_CONSUMED:
      onAsyncFrame(m, peer, f);
      return;
    case F.SNAPSHOT_REQUEST:
    case F.SNAPSHOT:
      onSnapshotFrame(m, peer, f);
      return;
    default:
      server.onFrame(m, peer, f);
  }
}
