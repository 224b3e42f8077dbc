/**
 * Receive ids: each message received gets an rcvid that names that one send until it ends.
 * @internal
 * @packageDocumentation
 */
import type { SendWait } from './objects.js';

/** Generations per connection: an rcvid is `generation << 16 | scoid index`, a positive int32. */
const RCVID_GENERATIONS = 0x7fff;

/**
 * A fresh rcvid for `w`'s send: the scoid index (so MsgDeliverEvent finds the client after the
 * reply) and the connection's next generation not held by another send. A stale rcvid (its send
 * ended) therefore names nothing, whatever the client sent since: MsgReply on it fails ESRCH.
 */
export function newRcvid(w: SendWait): number {
  const conn = w.conn;
  const held = w.channel.owner.replies;
  let rcvid = 0;
  for (let i = 0; i < RCVID_GENERATIONS; i++) {
    conn.generation = conn.generation >= RCVID_GENERATIONS ? 1 : conn.generation + 1;
    rcvid = (conn.generation << 16) | conn.scoidIndex;
    if (!held.has(rcvid)) break;
  }
  return rcvid;
}

/** Take `w` out of its server's rcvid table (its send ended, or went back to SEND). */
export function forgetRcvid(w: SendWait): void {
  const held = w.channel.owner.replies;
  if (held.get(w.rcvid) === w) held.delete(w.rcvid);
}
