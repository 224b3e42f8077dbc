/**
 * The `DurableLog` port (issue 25, durable.md): where a node's durable asynchronous messages are
 * stored between a sender and a receiver that need not be up at the same time. The kernel's net
 * layer speaks to it in continuations (`done(err, …)`, `err` a QNX errno, 0 for success), never
 * Promises, and never imports a transport: `MemoryDurableLog` (`rxnto/testing`) plays JetStream's
 * behaviours in scheduler time, `jetStreamLog` (`rxnto/nats`) is the real one.
 *
 * An implementation calls every continuation later than the call that gave it (never from
 * inside it), exactly once, and may call it from any task: the node re-enters its kernel itself.
 * @packageDocumentation
 */

/** One message to store: the sender's put, with what the receiver needs to order and report it. */
export interface DurableRecord {
  /** The durable channel's name (the destination; a subject token: letters, digits, `-`, `_`). */
  readonly name: string;
  /** The message id, `<producer>:<epoch>:<seq>`: the log's dedupe key (JetStream's `Nats-Msg-Id`). */
  readonly id: string;
  /** The sending connection's producer id (a subject token). */
  readonly producer: string;
  /** The sending connection's incarnation: a new epoch on each attach. */
  readonly epoch: number;
  /** The per-connection sequence: 1, 2, 3 … in put order, per (producer, epoch). */
  readonly seq: number;
  /** The sender's node, pid and coid at the time of the put (`asyncmsg_get`'s `info`). */
  readonly node: string;
  readonly pid: number;
  readonly coid: number;
  /** Milliseconds the message may wait for a receiver (0: for ever); past it, ETIMEDOUT. */
  readonly ttlMs: number;
  readonly data: Uint8Array;
}

/** What the log answers for one record of an `append`, in the batch's order. */
export interface DurableAck {
  /** 0: stored. EAGAIN: the store is full (nothing stored, try later). ETIMEDOUT: no answer (maybe stored: retry with the same id). Other errnos: not stored. */
  readonly err: number;
  /** Stored earlier under the same id, inside the dedupe window (a retry's answer). */
  readonly duplicate: boolean;
}

/** A stored message handed to a consumer. */
export interface DurableDelivery extends DurableRecord {
  /** How many times the log has delivered it (1 the first time). */
  readonly deliveries: number;
  /** The log's own sequence of the message (JetStream's stream sequence). */
  readonly stored: number;
  /** Its `ttlMs` had passed when the log delivered it (the log's clock decides). */
  readonly expired: boolean;
}

/** A durable consumer's settings (JetStream's names in brackets). */
export interface DurableConsumerOptions {
  /** A delivery not acknowledged within this many ms is delivered again (AckWait). */
  readonly ackWaitMs: number;
  /** The log stops delivering a message after this many deliveries (MaxDeliver); 0: no limit (rxnto's receivers decide, see docs/durable.md). */
  readonly maxDeliver: number;
  /** At most this many delivered, unacknowledged messages; at it delivery **stops silently** (MaxAckPending). */
  readonly maxAckPending: number;
}

/** A consumer's counters (JetStream's consumer info). */
export interface DurableConsumerInfo {
  /** Stored messages not delivered yet (num_pending). */
  readonly pending: number;
  /** Delivered, not acknowledged (num_ack_pending). */
  readonly ackPending: number;
  readonly maxAckPending: number;
}

/**
 * A durable consumer bound by name. Every `done` may report ENOENT: the consumer is gone (deleted,
 * or lost by a store) and must be made again with {@link DurableLog.consumer}.
 */
export interface DurableConsumer {
  /** Up to `max` deliveries, waiting at most `waitMs` for the first; an empty list when none came. */
  fetch(max: number, waitMs: number, done: (err: number, deliveries: readonly DurableDelivery[]) => void): void;
  /** Processed: never delivered again (AckAck is not awaited). */
  ack(d: DurableDelivery): void;
  /** Still being worked on: the ack wait starts again (`+WPI`). */
  working(d: DurableDelivery): void;
  /** Deliver again after `delayMs` (NAK). */
  nak(d: DurableDelivery, delayMs: number): void;
  /** Never deliver again (TERM). */
  term(d: DurableDelivery): void;
  info(done: (err: number, info: DurableConsumerInfo | null) => void): void;
  /** Stop using it (the consumer stays in the log). */
  close(): void;
}

/** What a receiver tells a sender about its messages. */
export type DurableReport =
  /** Message (epoch, seq) of the producer was resolved: 0 taken by a get (EMSGSIZE: cut), ETIMEDOUT expired, EIO dead-lettered. */
  | { readonly kind: 'done'; readonly epoch: number; readonly seq: number; readonly err: number }
  /** Seqs `from`..`to` never reached the receiver (a gap given up): ENOMSG. */
  | { readonly kind: 'lost'; readonly epoch: number; readonly from: number; readonly to: number }
  /** The durable channel was destroyed: nothing more of it will be delivered (EBADF). */
  | { readonly kind: 'destroyed' };

/** The server's abilities, as far as a log can tell (see docs/durable.md). */
export interface DurableFeatures {
  /** The server's version, e.g. `2.9.10` (`memory` for the in-memory log). */
  readonly version: string;
  /** Atomic batch publish exists (NATS ≥ 2.12); rxnto does not need it (see docs/durable.md). */
  readonly atomicBatch: boolean;
  /** The server has `sync_interval` (≥ 2.10), so it can be told to fsync every write (`always`). */
  readonly syncInterval: boolean;
  /** Per-message TTL in the store (≥ 2.11); else expiry is decided at delivery. */
  readonly messageTtl: boolean;
}

/** Where durable asynchronous messages are stored: the port (see the module's comment). */
export interface DurableLog {
  readonly features: DurableFeatures;
  /** Store `records` (each under its id, inside the dedupe window once); `done` with one ack per record, in order. */
  append(records: readonly DurableRecord[], done: (acks: readonly DurableAck[]) => void): void;
  /** The durable consumer of channel `name`, made with `options` if it does not exist. */
  consumer(name: string, options: DurableConsumerOptions, done: (err: number, consumer: DurableConsumer | null) => void): void;
  /** Move a message that reached the delivery limit to the dead-letter subject of its channel. */
  deadLetter(d: DurableDelivery, reason: string, done: (err: number) => void): void;
  /** Tell `producer`'s senders to channel `name` what became of their messages (best effort, in order). */
  report(name: string, producer: string, reports: readonly DurableReport[]): void;
  /** Listen to the reports for `producer`'s messages to `name`; returns the stop function. */
  onReport(name: string, producer: string, listener: (reports: readonly DurableReport[]) => void): () => void;
  /** The high-water marks a receiver of `name` saved (`<producer>:<epoch>` → seq), empty at first. */
  loadMarks(name: string, done: (err: number, marks: ReadonlyMap<string, number>) => void): void;
  /** Save the receiver's high-water marks (the whole set, replacing the last). */
  saveMarks(name: string, marks: ReadonlyMap<string, number>, done: (err: number) => void): void;
  /** Channel `name` is destroyed: its consumer and messages go, its senders hear `destroyed`. */
  destroy(name: string, done: (err: number) => void): void;
}

/** Whether `s` can name a channel or a producer (a NATS subject token). */
export function isDurableToken(s: unknown): s is string {
  return typeof s === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(s);
}

/** The id of message `seq` of (producer, epoch). */
export function durableId(producer: string, epoch: number, seq: number): string {
  return `${producer}:${epoch}:${seq}`;
}

/** The key of a (producer, epoch) in the high-water marks. */
export function markKey(producer: string, epoch: number): string {
  return `${producer}:${epoch}`;
}
