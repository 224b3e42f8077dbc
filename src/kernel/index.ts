/**
 * The rxnto microkernel: QNX Neutrino message passing as a deterministic state machine.
 * No RxJS here; time comes from an injected scheduler.
 * @packageDocumentation
 */
export * from './api.js';
export * from './constants.js';
