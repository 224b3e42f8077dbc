/**
 * The client side of a reply: the buffer a send's reply lands in, and the bytes handed to the
 * caller (a copy of the thread's scratch buffer, or a buffer grown for that reply alone).
 * @packageDocumentation
 */
import type { Thread } from '../kernel/index.js';
import type { ChannelOwner } from './Channel.js';

/** The first reply buffer of a send whose reply may grow (it grows to the reply's length). */
const FIRST_REPLY_BUFFER = 4096;

/**
 * @internal The bytes of a reply that arrived in `buf`: a copy when `buf` is (part of) the
 * thread's scratch buffer `local` (its next call reuses it), `buf` itself when it grew for this
 * reply alone. The identity test comes first: `.buffer` is a getter, and on a small on-heap
 * array it allocates.
 */
export function replyBytes(buf: Uint8Array, local: Uint8Array | null, length: number): Uint8Array {
  const scratch = buf === local || (local !== null && buf.buffer === local.buffer);
  if (!scratch && buf.length === length) return buf;
  // the copy constructor is the cheapest whole copy V8 has (about half of slice())
  return length >= buf.length ? new Uint8Array(buf) : buf.slice(0, length);
}

/** @internal The reply iov of a send by `thread`: a fixed buffer of `size`, or one that grows (size undefined). */
export function replyBuffer(owner: ChannelOwner, thread: Thread, size: number | undefined): Uint8Array[] {
  const buf = owner.scratch(thread, size ?? FIRST_REPLY_BUFFER);
  let iov = thread.localIov;
  if (iov === null) thread.localIov = iov = [buf];
  else iov[0] = buf;
  return iov;
}
