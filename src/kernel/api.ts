/**
 * The rxnto microkernel's API without its QNX constants (the main entry re-exports this; the
 * constants are in `rxnto/constants` and `rxnto/neutrino`).
 * @packageDocumentation
 */
export { Kernel, type KernelOptions, type NodeInfo, type ProcessOptions, type ThreadOptions } from './Kernel.js';
export type { DropReason, FrameHandler, FrameSink, Link, LinkKind, LinkState, NetEvent, NetOptions, NetStats, NodeEvent, PeerStats } from './Kernel.js';
export { KernelError, isKernelError, type KernelErrorInfo } from './KernelError.js';
export { ERRNO, errnoName, errnoMessage, type ErrnoCode } from './errno.js';
export { VirtualClock, nsToMs, scheduleAfter, MAX_TIMER_DELAY, type KernelScheduler, type TimerHandle } from './scheduler.js';
export { byteLength, copyBuffers, type Buffers } from './buffers.js';
export { readPulse, writePulse } from './pulseDelivery.js';
export { formatPidin, stateName } from './snapshot.js';
export { checkOpenAccess, type AccessAttr } from './security.js';
export { ioConnectMessage } from './ioMessages.js';
export type { Process, Thread, Done, AsyncAttr, AsyncCallback, AsyncMessage } from './objects.js';
export type { PathEntry } from './core.js';
export * from './types.js';
