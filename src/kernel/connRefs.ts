/**
 * A connection's reference count (client coids plus blocked client threads) and what happens
 * when it reaches zero: the disconnect pulse or the silent release of the scoid.
 * @internal
 * @packageDocumentation
 */
import { _NTO_CHF_DISCONNECT, _PULSE_CODE_DISCONNECT } from './constants.js';
import type { KernelCore } from './core.js';
import type { Connection } from './objects.js';
import { kernelPulse } from './pulseDelivery.js';

/** Called whenever a reference goes; `prio` is the priority of the thread that let it go. */
export function checkConnRefs(k: KernelCore, conn: Connection, prio: number): void {
  if (conn.coids > 0 || conn.blocked > 0 || conn.serverSide !== 'connected') return;
  if (conn.shareKey !== null && conn.client.shared.get(conn.shareKey) === conn) {
    conn.client.shared.delete(conn.shareKey);
  }
  if (conn.remote !== null) {
    // the server node drops its side (and sends its disconnect pulse) on the DETACH frame
    conn.serverSide = 'freed';
    k.net!.detach(conn);
    return;
  }
  const ch = conn.channel;
  if (ch !== null && ch.alive && (ch.flags & _NTO_CHF_DISCONNECT) !== 0) {
    // the scoid stays allocated until the server calls ConnectDetach(scoid)
    conn.serverSide = 'disconnected';
    if (k.tracer !== null) k.trace('disconnect', conn.server, { chid: ch.chid, scoid: conn.scoid });
    kernelPulse(k, ch, _PULSE_CODE_DISCONNECT, conn.scoid, prio, conn.scoid);
    return;
  }
  freeServerSide(conn);
}

/** Release the server's scoid for `conn`. */
export function freeServerSide(conn: Connection): void {
  if (conn.serverSide === 'freed') return;
  conn.serverSide = 'freed';
  if (conn.server.scoids.get(conn.scoidIndex) === conn) conn.server.scoids.delete(conn.scoidIndex);
  conn.channel?.connections.delete(conn);
}
