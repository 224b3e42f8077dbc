/**
 * Durable asynchronous messaging (issue 25): the `DurableLog` port, its events and options, and
 * the node's side that the bindings call. One import for the bindings and the logs.
 * @packageDocumentation
 */
export {
  durableId, isDurableToken, markKey,
  type DurableAck, type DurableConsumer, type DurableConsumerInfo, type DurableConsumerOptions, type DurableDelivery,
  type DurableFeatures, type DurableLog, type DurableRecord, type DurableReport,
} from './durableLog.js';
export type { DurableEvent, DurableOptions } from './durableEvents.js';
export { DurableNode, type DurableConnectOptions, type DurableStall } from './durableNode.js';
export type { DurableTake, DurableMessageInfo } from './durableReceiver.js';
export type { KernelScheduler, TimerHandle } from '../scheduler.js';
