/**
 * The asynchronous-messaging objects (`asyncmsg_*`) by their old module name. They live in
 * `objects.ts` with the other kernel objects they point at and that point at them (a `Channel`
 * holds its `AsyncChan`, an `AsyncConn` its `Connection`), so that the two files no longer import
 * each other. The kernel's floor imports them from `objects.ts`; this module remains for the
 * `net/` files that still import it here, and can go once they import `objects.ts`.
 * @internal
 * @packageDocumentation
 */
export { AsyncChan, AsyncConn, AsyncEntry, GetWaiter } from './objects.js';
export type { AsyncAttr, AsyncCallback, AsyncMessage, PutWaiter, Waiter } from './objects.js';
