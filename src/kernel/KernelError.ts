import { ERRNO, errnoMessage, errnoName, type ErrnoCode } from './errno.js';

const BRAND = Symbol.for('rxnto.KernelError');

/** Ids that help locate a failure; every field is optional. */
export interface KernelErrorInfo {
  readonly pid?: number;
  readonly tid?: number;
  readonly chid?: number;
  readonly coid?: number;
  readonly rcvid?: number;
}

/**
 * A kernel call failed with a QNX errno.
 *
 * `errno` is QNX's number (`ETIMEDOUT === 260`), `code` its name, `call` the kernel call that
 * failed (`'MsgSend'`). Switch on `code`; it is a closed union.
 *
 * @example
 * ```ts
 * try { kernel.msgSendPulse(thread, 99, 10, 1, 0); }
 * catch (e) { if (isKernelError(e) && e.code === 'EBADF') console.log('no such connection'); }
 * ```
 */
export class KernelError extends Error {
  // a string, not the literal: RemoteError (the binding's) names itself
  override readonly name: string = 'KernelError';
  /** QNX's errno number. */
  readonly errno: number;
  /**
   * The errno's name; `'EUNKNOWN'` for a number QNX's `<errno.h>` does not define (a server may
   * `MsgError` any number): a code never names another number than `errno`.
   */
  readonly code: ErrnoCode | 'EUNKNOWN';
  /** The C name of the call that failed. */
  readonly call: string;
  /** Ids of the objects involved, when known. */
  readonly info: KernelErrorInfo | undefined;

  /**
   * @param options `cause`: the error behind this one; `reason`: what happened, in the caller's
   * terms (the message is then `call: CODE: reason` instead of `call: CODE (strerror text)`).
   */
  constructor(errno: number | ErrnoCode, call: string, info?: KernelErrorInfo, options?: { cause?: unknown; reason?: string }) {
    const n = typeof errno === 'number' ? errno : ERRNO[errno];
    const code = errnoName(n) ?? 'EUNKNOWN';
    super(options?.reason === undefined ? `${call}: ${code} (${errnoMessage(n)})` : `${call}: ${code}: ${options.reason}`, options);
    this.errno = n;
    this.code = code;
    this.call = call;
    this.info = info;
  }

  get [Symbol.toStringTag](): string {
    return 'KernelError';
  }

  /** Works across copies of the package (the brand is a registered symbol). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isKernelError(value);
  }
}

Object.defineProperty(KernelError.prototype, BRAND, { value: true });

/** Whether `value` is a {@link KernelError}, from this or any other copy of rxnto. */
export function isKernelError(value: unknown): value is KernelError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
