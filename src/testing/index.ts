/**
 * Helpers to run rxnto programs in virtual time.
 * @packageDocumentation
 */
export { VirtualClock } from '../kernel/scheduler.js';
export { runVirtual, type RunVirtualOptions } from './runVirtual.js';
