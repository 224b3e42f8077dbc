/**
 * `rxnto/worker`: nodes in other threads. A worker started with {@link startWorkerNode} joins
 * with {@link joinParent}; frames cross a `MessagePort` as transferred buffers. Works with Node's
 * `worker_threads` and browser `Worker`s (this entry imports no `node:` module).
 * @packageDocumentation
 */
export {
  startWorkerNode,
  joinParent,
  type StartWorkerOptions,
  type NodeWorkerOptions,
  type BrowserWorkerOptions,
  type WorkerResourceLimits,
  type WorkerNode,
  type JoinOptions,
  type JoinedSystem,
} from './workers.js';
export { portLink, PortLink, type PortLike, type PortLinkOptions } from './portLink.js';
export { RingLink } from './ringLink.js';
export { makeRing, ringsAvailable, RING_BYTES, type RingLinkOptions } from './ring.js';
