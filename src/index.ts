/**
 * rxnto: QNX Neutrino message passing as a deterministic kernel with an RxJS binding.
 * @packageDocumentation
 */
// Kernel
export * from './kernel/api.js';
// Binding
export { createKernel, type CreateKernelOptions } from './rx/createKernel.js';
export { createSystem, System } from './rx/System.js';
export type { Stall, StallOptions } from './rx/stalls.js';
export {
  RxProcess, type ChannelOptions, type ConnectOptions, type OpenOptions, type ChannelAddress, type TimerOptions, type AsyncChannelOptions, type AsyncConnectOptions,
} from './rx/RxProcess.js';
export { AsyncChannel, AsyncReceived, type AsyncBatch } from './rx/AsyncChannel.js';
export { AsyncConnection, type AsyncDelivery } from './rx/AsyncConnection.js';
// Durable asynchronous messages across nodes (issue 25, docs/durable.md)
export { DurableChannel, DurableReceived, type DurableBatch } from './rx/DurableChannel.js';
export { DurableConnection, type DurableStored } from './rx/DurableConnection.js';
export type { DurableChannelOptions, DurableConnectOptions } from './rx/durableOptions.js';
export type {
  DurableLog, DurableRecord, DurableAck, DurableDelivery, DurableConsumer, DurableConsumerOptions, DurableConsumerInfo, DurableReport,
  DurableFeatures, DurableEvent, DurableOptions,
} from './kernel/net/durable.js';
export { Channel } from './rx/Channel.js';
export type { PullIterable } from './rx/PullIterable.js';
export { Connection, type PulseInit, type SendOptions, type TimeoutStates } from './rx/Connection.js';
export { ReceivedMessage, Reply, type Received, type ReceivedPulse } from './rx/Received.js';
export { RemoteError, isRemoteError, REMOTE_MESSAGE_MAX, type RemoteErrorInit } from './rx/RemoteError.js';
export { defineProtocol, remote, type MethodProtocol, type MethodSpec, type ProtocolDefinition, type Remote } from './rx/remote.js';
export { ProtocolClient, encodeTyped, payloadCodec, type Protocol, type MessageSpec, type MessageType, type RequestOf, type ReplyOf } from './rx/protocol.js';
// Codecs
export { bytes, utf8, json, structuredCloneCodec, type Codec } from './rx/codecs.js';
export { Router, type RouterOptions } from './dispatch/Router.js';
export { DispatchTable, type DispatchEntry } from './dispatch/DispatchTable.js';
export { PoolPolicy, normaliseLimits, type PoolLimits } from './dispatch/PoolPolicy.js';
export type { ResourceHandlers } from './dispatch/resourceManager.js';
export type { iofunc_attr_t, iofunc_ocb_t } from './dispatch/OcbTable.js';
export { FileHandle } from './rx/FileHandle.js';
export type { stat_t } from './kernel/ioMessages.js';
export type { HandlerResult } from './rx/handlerResult.js';
