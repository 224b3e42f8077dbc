/**
 * Receive ids: each message received gets an rcvid that names that one send until it ends.
 * @internal
 * @packageDocumentation
 */
import type { Connection, Process, SendWait } from './objects.js';

/** Generations per connection: an rcvid is `generation << 16 | scoid index`, a positive int32. */
const RCVID_GENERATIONS = 0x7fff;

function holds(conn: Connection, rcvid: number): boolean {
  return conn.held?.rcvid === rcvid || (conn.heldMore !== null && conn.heldMore.has(rcvid));
}

/**
 * Give `w`'s send a fresh rcvid and record it on its connection: the scoid index (so that
 * MsgDeliverEvent finds the client after the reply) and the connection's next generation that no
 * other send of the connection holds. A stale rcvid (its send ended) therefore names nothing,
 * whatever the client sent since: MsgReply on it fails ESRCH.
 */
export function holdRcvid(w: SendWait): number {
  const conn = w.conn;
  let rcvid = 0;
  for (let i = 0; i < RCVID_GENERATIONS; i++) {
    conn.generation = conn.generation >= RCVID_GENERATIONS ? 1 : conn.generation + 1;
    rcvid = (conn.generation << 16) | conn.scoidIndex;
    if (!holds(conn, rcvid)) break;
  }
  w.rcvid = rcvid;
  if (conn.held === null) conn.held = w;
  else (conn.heldMore ??= new Map()).set(rcvid, w);
  return rcvid;
}

/** Take `w` out of its connection's rcvids (its send ended, or went back to SEND). */
export function forgetRcvid(w: SendWait): void {
  const conn = w.conn;
  if (conn.held === w) conn.held = null;
  else if (conn.heldMore !== null && conn.heldMore.get(w.rcvid) === w) conn.heldMore.delete(w.rcvid);
}

/** The send `rcvid` names in server process `p`, if it is held there. */
export function heldSend(p: Process, rcvid: number): SendWait | undefined {
  const conn = p.scoids.get(rcvid & 0xffff);
  if (conn === undefined) return undefined;
  const w = conn.held;
  if (w !== null && w.rcvid === rcvid) return w;
  return conn.heldMore?.get(rcvid);
}
