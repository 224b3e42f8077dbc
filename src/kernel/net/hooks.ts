/**
 * The seam between the kernel's call modules and the net manager, as `net/` imports it. The
 * types are declared on the kernel's floor (DESIGN.md, "Layers"): `NetHooks` in `core.ts` beside
 * `KernelCore.net`, the shapes it hands around in `netHooks.ts`; `net/` implements them.
 * @internal
 * @packageDocumentation
 */
export type { NetHooks } from '../core.js';
export type { NetCall, PeerRef, RemoteConn } from '../netHooks.js';
