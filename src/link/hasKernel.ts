/**
 * What the link helpers accept as a node: a kernel, or anything that has one (a `System`).
 * @packageDocumentation
 */
import type { Kernel } from '../kernel/index.js';

/** A kernel, or anything that has one (a `System`). */
export type HasKernel = Kernel | { readonly kernel: Kernel };

/** The kernel of `x`. */
export const kernelOf = (x: HasKernel): Kernel => ('kernel' in x ? x.kernel : x);
