/**
 * Pipeable operators over rxnto channels and connections.
 * @packageDocumentation
 */
export { messages } from './messages.js';
export { pulses } from './pulses.js';
export { decode } from './decode.js';
export { replyWith, type Answered } from './replyWith.js';
export { sendTo, type SendToOptions } from './sendTo.js';
export { split } from './split.js';
export { serveProtocol, type ProtocolHandlers, type MethodHandlers } from './serveProtocol.js';
export { triggerBatch, type TriggerOptions } from './triggerBatch.js';
export { dispatchTo, type Dispatched, type MessageHandler, type PulseHandler, type RouteHandler } from './dispatchTo.js';
export { holdMap, type Holdable } from './holdMap.js';
export { putTo, type PutToOptions } from './putTo.js';
