/**
 * rxnto: QNX Neutrino message passing as a deterministic kernel with an RxJS binding.
 * @packageDocumentation
 */
// Kernel
export * from './kernel/index.js';
// Binding
export { createKernel, type CreateKernelOptions } from './rx/createKernel.js';
export { createSystem, System } from './rx/System.js';
export {
  RxProcess, type ChannelOptions, type ConnectOptions, type ChannelAddress, type TimerOptions, type AsyncChannelOptions, type AsyncConnectOptions,
} from './rx/RxProcess.js';
export { AsyncChannel, AsyncReceived } from './rx/AsyncChannel.js';
export { AsyncConnection } from './rx/AsyncConnection.js';
export { Channel } from './rx/Channel.js';
export { Connection, type PulseInit, type SendOptions, type TimeoutStates } from './rx/Connection.js';
export { ReceivedMessage, Reply, type Received, type ReceivedPulse } from './rx/Received.js';
export { ProtocolClient, encodeTyped, payloadCodec, type Protocol, type MessageSpec, type MessageType, type RequestOf, type ReplyOf } from './rx/protocol.js';
// Codecs
export { bytes, utf8, json, structuredCloneCodec, type Codec } from './rx/codecs.js';
