/**
 * What a node's durable asynchronous messaging reports besides the put callbacks: stores, gaps,
 * dead letters, expiries, stalls and consumers made again (docs/durable.md). Nothing the
 * receiver drops or skips goes unreported.
 * @packageDocumentation
 */
import type { DurableLog } from './durableLog.js';

/** One report of the durable layer of a node. */
export type DurableEvent =
  /** The log stored message `id` of the connection `coid` of `pid` (its ring slot is free again). */
  | { readonly type: 'stored'; readonly name: string; readonly pid: number; readonly coid: number; readonly handle: number; readonly id: string; readonly duplicate: boolean }
  /** Seqs `from`..`to` of (producer, epoch) did not come within the gap bound: skipped (their senders hear ENOMSG). */
  | { readonly type: 'gap'; readonly name: string; readonly producer: string; readonly epoch: number; readonly from: number; readonly to: number }
  /** A message came after its gap was skipped: moved to the dead-letter subject, not handed on out of order. */
  | { readonly type: 'late'; readonly name: string; readonly id: string }
  /** A message reached the delivery limit (or came late): moved to the dead-letter subject, its sender hears EIO. */
  | { readonly type: 'dead-letter'; readonly name: string; readonly id: string; readonly deliveries: number; readonly reason: string }
  /** A message's time to live passed before a receiver took it: its sender hears ETIMEDOUT. */
  | { readonly type: 'expired'; readonly name: string; readonly id: string }
  /** A duplicate (a retry stored twice, a redelivery of a settled message) was dropped at the receiver. */
  | { readonly type: 'duplicate'; readonly name: string; readonly id: string }
  /** The consumer stopped delivering at its ack limit (`since`, scheduler ms), or went on again (`stalled: false`). */
  | { readonly type: 'stall'; readonly name: string; readonly stalled: boolean; readonly since: number; readonly ackPending: number; readonly maxAckPending: number }
  /** The consumer was gone (deleted, lost by the store) and was made again. */
  | { readonly type: 'consumer'; readonly name: string; readonly reason: string }
  /** The log refused or failed a call (`errno`); the layer retries it. */
  | { readonly type: 'error'; readonly name: string; readonly call: string; readonly errno: number };

/**
 * The node option `net: { durable }`: the log, and the receivers' and senders' settings. A
 * `DurableLog` alone takes every default.
 */
export interface DurableOptions {
  readonly log: DurableLog;
  /** A delivery not settled within this many ms is delivered again (default 30 000, JetStream's). */
  readonly ackWaitMs?: number;
  /** Deliveries before a message is dead-lettered with EIO (default 5). */
  readonly maxDeliver?: number;
  /** Delivered, unsettled messages at most per channel (default 1000, JetStream's); at it the consumer stalls. */
  readonly maxAckPending?: number;
  /** Messages fetched per pull (default 100). */
  readonly fetchBatch?: number;
  /** How long one pull waits for messages, in ms (default 1000). */
  readonly fetchWaitMs?: number;
  /** How long a gap may stay open before it is skipped and reported (default three ack waits). */
  readonly gapMs?: number;
  /** A stall is reported once the consumer has delivered nothing this long at its ack limit (default 1000 ms). */
  readonly stallMs?: number;
  /** Stored messages whose fate a sender still waits for, per connection (default 65 536): past it, publishing waits. */
  readonly maxUntaken?: number;
  /** (producer, epoch)s a receiver keeps order state for (default 4096). */
  readonly maxProducers?: number;
}
