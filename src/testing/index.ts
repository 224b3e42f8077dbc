/**
 * Testing rxnto servers and programs in virtual time: a marble harness on RxJS's TestScheduler,
 * a virtual clock, and a runner for Promise-based (C-style) programs.
 * @packageDocumentation
 */
export { VirtualClock } from '../kernel/scheduler.js';
export { runVirtual, type RunVirtualOptions } from './runVirtual.js';
export { MarbleHarness, DEFAULT_TRACE_LETTERS, type MarbleHarnessOptions, type TraceLetters } from './MarbleHarness.js';
export { normalizeFrames, type ErrorShape } from './normalizeFrames.js';
export { traceDiagram, type TraceDiagramOptions } from './traceDiagram.js';
export { connectLoopback, type Loopback, type LoopbackOptions, type LoopbackSide, type HasKernel } from '../link/loopback/connectLoopback.js';
export { MemoryDurableLog, type MemoryDurableLogOptions, type DeadLetter } from './MemoryDurableLog.js';
