/**
 * `rxnto/nats`: nodes on many machines, joined through a NATS server (`@nats-io/transport-node`
 * 3.x, a peer dependency: only users of this entry install it).
 * @packageDocumentation
 */
export { joinNats, type NatsNetwork } from './natsNetwork.js';
export type { NatsJoinOptions, NatsOptions, NatsOwnConnectionOptions, NatsServersOptions } from './natsOptions.js';
export { jetStreamLog, type JetStreamLog, type JetStreamLogOptions } from './jetStreamLog.js';
