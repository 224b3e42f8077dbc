/**
 * The options of `joinNats` (natsNetwork.ts): the domain, its key and the link's tuning, and
 * either the NATS client's own connection options (`servers`, credentials, TLS, reconnection…)
 * or a connection of your own.
 * @packageDocumentation
 */
import type { NatsConnection, NodeConnectionOptions } from '@nats-io/transport-node';

/** What `joinNats` takes whichever way it connects. */
export interface NatsJoinOptions {
  /** Nodes see each other only within one domain (a subject prefix, a NATS subject token). Default `default`. */
  readonly domain?: string;
  /**
   * The domain's key (at least 16 bytes; a string counts its UTF-8 bytes), the same on every
   * node of the domain. With it every NATS message between nodes carries a MAC (HMAC-SHA-256,
   * 16 bytes) over the domain, its kind, destination, sender, stream or process ids, sequence
   * and payload: only key holders can speak for a node. A forged, corrupted or replayed message
   * is dropped, counted in `netStats().drops` (`unauthenticated`, `replayed`) and changes
   * nothing. It gives no privacy (use NATS TLS for that). Without a key, any client allowed to
   * publish on `rxnto.<domain>.>` can disrupt and impersonate nodes.
   */
  readonly key?: string | Uint8Array;
  /** The largest frame published (default 512 KiB, under NATS's default `max_payload` of 1 MiB). */
  readonly maxFrameBytes?: number;
  /**
   * Every `probeMs` (default 1000) each peer is asked, by a NATS request on
   * `rxnto.<domain>.hb.<peer>`, what it has received (so lost batches are sent again): "no
   * responders" (its process is gone, so are its subscriptions) takes it down at once; a timeout
   * is only a missed beat (the node's heartbeats decide). A peer whose link went down while it
   * still answers is linked again (a new session).
   */
  readonly probeMs?: number;
  /**
   * Bytes sent to each peer and kept until it acknowledges them, to be sent again after a loss
   * (default 8 MiB). Past it the oldest are let go: a loss among them ends the peer's session
   * (a 'sequence gap', after which the pair connects again). Bounds the memory a slow or silent
   * peer can cost.
   */
  readonly resendBytes?: number;
}

/**
 * `joinNats` opens a connection of its own: `servers` and any option of the NATS client's
 * `connect()` (`user`/`pass`, `token`, `authenticator`, `tls`, `name`, `maxReconnectAttempts`,
 * …), spread over its defaults: `name: 'rxnto <domain>/<node>'`, `maxReconnectAttempts: -1`
 * (for ever), `reconnectTimeWait` a sixth of the nodes' liveness bound (50 ms to 2 s) and
 * `reconnectJitter: 50`. Keep reconnection on and quick: a connection not back within the
 * heartbeat bound costs every peer's session.
 *
 * @example
 * ```ts
 * const net = await joinNats(system, {
 *   servers: ['tls://nats1.lab:4222', 'tls://nats2.lab:4222'],
 *   domain: 'lab',
 *   key: process.env.RXNTO_LAB_KEY!,      // the same on every node of 'lab'
 *   user: 'lab-node', pass: process.env.NATS_PASS!,
 *   tls: { caFile: '/etc/nats/ca.pem' },
 * });
 * ```
 */
export interface NatsServersOptions extends NatsJoinOptions, Omit<NodeConnectionOptions, 'servers'> {
  /** The NATS server(s), e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | string[];
  readonly connection?: undefined;
}

/**
 * `joinNats` uses a connection of yours: it stays yours to close (leaving the domain drains
 * only what `joinNats` subscribed). Give it `maxReconnectAttempts: -1` and a `reconnectTimeWait`
 * well under the nodes' heartbeat bound to ride out a server restart.
 *
 * @example
 * ```ts
 * const nc = await connect({ servers: 'nats://127.0.0.1:4222', token: 's3cret', maxReconnectAttempts: -1 });
 * const net = await joinNats(system, { connection: nc, domain: 'lab' });
 * ```
 */
export interface NatsOwnConnectionOptions extends NatsJoinOptions {
  readonly connection: NatsConnection;
  /** Ignored: the connection is already made. */
  readonly servers?: string | string[];
}

/** Options of `joinNats`: its own connection ({@link NatsServersOptions}) or yours ({@link NatsOwnConnectionOptions}). */
export type NatsOptions = NatsServersOptions | NatsOwnConnectionOptions;
