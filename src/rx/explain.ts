/**
 * Errors in the binding's terms: the same `errno` and `code`, with a message that says what
 * happened to a send, a reply or a receive ("MsgReply: ESRCH: the client is no longer waiting").
 * @packageDocumentation
 */
import { KernelError, isKernelError, type KernelErrorInfo } from '../kernel/index.js';

type Explanations = Partial<Record<string, string>>;

const ANSWER: Explanations = {
  ESRCH: 'the client is no longer waiting (it timed out, was unblocked or died, or the message was answered already)',
  EINVAL: 'a bad status, errno or byte count',
  EFAULT: 'the buffer is not a Uint8Array, or its ArrayBuffer was transferred',
};

const BY_CALL: Record<string, Explanations> = {
  MsgReply: ANSWER,
  MsgError: ANSWER,
  MsgRead: ANSWER,
  MsgWrite: ANSWER,
  MsgSend: {
    EBADF: 'the connection is detached, or the server destroyed its channel',
    ESRCH: "the server's channel was destroyed or its process died while the send waited",
    ETIMEDOUT: 'the send timed out',
    EINTR: 'the send was interrupted before its reply (its thread was unblocked, or the server answered EINTR)',
    ECANCELED: 'the server cancelled the message (it stopped handling it before answering)',
    EIO: 'the server answered EIO (an I/O error, or a failure it did not describe)',
    EHOSTDOWN: "the server's node was lost",
    EBADMSG: 'the server could not decode the message (its codec failed)',
  },
  send: { EBADF: 'the connection was completed' },
  MsgSendPulse: { EBADF: 'the connection is detached, or the server destroyed its channel', EPERM: 'the server belongs to another uid (pulse credentials)' },
  MsgReceive: { ESRCH: 'the channel was destroyed or its process exited', EINTR: 'the receive was cancelled (unsubscribed or aborted)' },
  asyncmsg_put: { EAGAIN: 'the send ring is full: put() waits for a slot', EBADF: 'the connection is detached, or the receiver (its channel) is gone', ESRCH: 'this process exited' },
  asyncmsg_flush: { EBADF: 'the connection is detached, or the receiver (its channel) is gone', ESRCH: 'this process exited' },
  asyncmsg_get: { ESRCH: 'the channel was destroyed or its process exited' },
  name_open: { ENOENT: 'nobody serves that name', ESRCH: 'this process exited' },
};

/** A `KernelError` for `errno` in `call`, explained in the binding's terms when we know how. */
export function explained(errno: number, call: string, info?: KernelErrorInfo, cause?: unknown): KernelError {
  const code = new KernelError(errno, call).code;
  const reason = BY_CALL[call]?.[code];
  return new KernelError(errno, call, info, reason === undefined ? { cause } : { cause, reason });
}

/** `e` explained, when it is a `KernelError` of a call we know (else `e` itself). */
export function explain(e: unknown): unknown {
  if (!isKernelError(e) || BY_CALL[e.call]?.[e.code] === undefined) return e;
  return explained(e.errno, e.call, e.info, e.cause);
}
