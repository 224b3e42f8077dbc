/**
 * The kernel's continuation type, on its own: every call module, the objects and the
 * asynchronous messages take it, and it takes nothing.
 * @internal
 * @packageDocumentation
 */

/**
 * A continuation: called exactly once with (0, result) or (errno, 0). For a send, `aux` is the
 * length of the reply the server gave (the end of the furthest MsgReply or MsgWrite, before any
 * truncation to the client's buffer), which C cannot see but a typed binding needs: the bytes
 * that arrived are the first `min(aux, capacity)`, and the reply was cut when `aux` is larger.
 */
export type Done = (err: number, value: number, aux: number) => void;
