/**
 * rxnto: QNX Neutrino message passing as a deterministic kernel with an RxJS binding.
 * @packageDocumentation
 */
// Kernel
export * from './kernel/index.js';
// Binding
export { createKernel, type CreateKernelOptions } from './rx/createKernel.js';
