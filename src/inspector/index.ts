/**
 * `rxnto/inspector`: a live web page of a running system and of every node it is joined to
 * (Node only: it serves on `node:http`). `inspect(system)` gives the page's URL, with its token;
 * the same data is a versioned JSON API (`/api/v1/…`) and a Server-Sent Events stream, whose
 * shapes are the protocol types exported here.
 * @packageDocumentation
 */
export { inspect, type InspectOptions, type Inspector } from './inspect.js';
export {
  INSPECTOR_PROTOCOL,
  type ActionAnswer, type ActionRequest, type AsyncChannelRow, type ChannelRow, type ChannelsData, type ErrorAnswer, type EventFrame, type EventRow,
  type GraphData, type GraphEdge, type GraphVertex, type InspectorStats, type NodeResult, type NodeRow, type NodesData, type PidinData,
  type StreamHello, type StreamView, type ThreadRow, type ViewAnswer,
} from './protocol.js';
