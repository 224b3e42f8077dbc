/**
 * {@link RemoteError}: an error a server's code threw, as its client sees it, and the small
 * description that carries it there (written into the client's reply buffer before `MsgError`).
 * @packageDocumentation
 */
import { ERRNO, KernelError, type KernelErrorInfo } from '../kernel/index.js';

const BRAND = Symbol.for('rxnto.RemoteError');

/** The most UTF-8 bytes of the server's `message` that travel (1 KiB); a longer one is cut and ends with `…`. */
export const REMOTE_MESSAGE_MAX = 1024;
/** The most UTF-8 bytes of the server's error `name` that travel. */
const NAME_MAX = 128;
/** The most bytes a whole description takes: past it, the `cause` is left out. */
const DESCRIPTION_MAX = 16 * 1024;
/** How deep a chain of Error causes travels. */
const CAUSE_DEPTH = 4;

/** What the server said about its failure. */
export interface RemoteErrorInit {
  /** The server's error `name` (`'TypeError'`, `'ValidationError'`...). */
  readonly name: string;
  /** The server's error `message`, at most 1 KiB of UTF-8. */
  readonly message: string;
}

/**
 * The server's code failed: a handler threw, rejected or emitted an error (or the server called
 * `message.fail(error)`). The client's send fails with this {@link KernelError} of code `EIO`
 * that also carries the server's error `name` and `message` (cut to 1 KiB), and its `cause` when
 * the cause could travel (an Error, or plain data that is structured-cloneable and JSON-safe).
 * It works across nodes too. A `KernelError` the server throws goes as its errno alone, and C
 * programs (`rxnto/neutrino`) see a plain `EIO`.
 *
 * @example
 * ```ts
 * conn.send('x').subscribe({
 *   error: (e) => {
 *     if (isRemoteError(e)) console.log(e.remoteName, e.remoteMessage); // 'Error' 'bus glitch'
 *     else if (isKernelError(e)) console.log(e.code); // 'ETIMEDOUT', 'ESRCH'...
 *   },
 * });
 * ```
 */
export class RemoteError extends KernelError {
  override readonly name: string = 'RemoteError';
  /** The `name` of the server's error. */
  readonly remoteName: string;
  /** The `message` of the server's error (at most 1 KiB of UTF-8). */
  readonly remoteMessage: string;

  /**
   * @param remote The server's error name and message.
   * @param call The call that failed (`'MsgSend'`).
   * @param info Ids of the objects involved.
   * @param options `cause`: the server error's cause, as it arrived.
   */
  constructor(remote: RemoteErrorInit, call = 'MsgSend', info?: KernelErrorInfo, options?: { cause?: unknown }) {
    super(ERRNO.EIO, call, info, { ...options, reason: `the server failed with ${remote.name}: ${remote.message}` });
    this.remoteName = remote.name;
    this.remoteMessage = remote.message;
  }

  override get [Symbol.toStringTag](): string {
    return 'RemoteError';
  }

  /** Works across copies of the package (KernelError's check would accept any KernelError). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isRemoteError(value);
  }
}

Object.defineProperty(RemoteError.prototype, BRAND, { value: true });

/** Whether `value` is a {@link RemoteError}, from this or any other copy of rxnto. */
export function isRemoteError(value: unknown): value is RemoteError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

// ---- the wire: a tag, then JSON { name, message, cause? } in UTF-8 ----

/** Starts every description: a NUL first, so no text reply or C string is ever mistaken for one. */
const TAG = new Uint8Array([0x00, 0x72, 0x78, 0x6e, 0x74, 0x6f, 0x3a, 0x45, 0x31, 0x00]); // "\0rxnto:E1\0"
/** Marks an Error in a cause chain (plain data goes as itself). */
const ERROR_KEY = '$rxnto.error';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Described {
  name: string;
  message: string;
  cause?: unknown;
}

/** `s` cut to at most `max` UTF-8 bytes, never inside a character; a cut string ends with `…`. */
function cap(s: string, max: number): string {
  if (s.length * 3 <= max || encoder.encode(s).length <= max) return s;
  const room = max - 3; // the ellipsis is 3 bytes
  const bytes = encoder.encode(s).subarray(0, room);
  // a cut inside a character decodes to U+FFFD: drop it
  return decoder.decode(bytes).replace(/\uFFFD$/, '') + '…';
}

function nameOf(e: unknown): string {
  if (e instanceof Error) return e.name;
  return e === null ? 'null' : typeof e;
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  try {
    return String(e);
  } catch {
    return '(a value with no text)';
  }
}

/** A cause as it can travel, or undefined when it cannot. */
function causeOf(c: unknown, depth: number): unknown {
  if (c === undefined) return undefined;
  if (c instanceof Error) {
    if (depth >= CAUSE_DEPTH) return undefined;
    const inner = causeOf(c.cause, depth + 1);
    const d: Described = { name: cap(c.name, NAME_MAX), message: cap(c.message, REMOTE_MESSAGE_MAX) };
    if (inner !== undefined) d.cause = inner;
    return { [ERROR_KEY]: d };
  }
  try {
    // structured-cloneable (no functions, symbols, class instances with hidden state) and JSON-safe
    structuredClone(c);
    return JSON.stringify(c) === undefined ? undefined : c;
  } catch {
    return undefined;
  }
}

/**
 * @internal The description of `error` a server writes into its client's reply buffer before
 * `MsgError(rcvid, EIO)`: the tag, then `{ name, message, cause? }` as JSON (message cut to 1 KiB).
 */
export function encodeFailure(error: unknown): Uint8Array {
  // a RemoteError passed on (a server relaying its own server's failure) keeps the first words
  const remote = isRemoteError(error);
  const d: Described = {
    name: cap(remote ? error.remoteName : nameOf(error), NAME_MAX),
    message: cap(remote ? error.remoteMessage : messageOf(error), REMOTE_MESSAGE_MAX),
  };
  const cause = error instanceof Error ? causeOf(error.cause, 0) : undefined;
  let json = JSON.stringify(cause === undefined ? d : { ...d, cause });
  // a cause too big to travel is left out; the name and message always fit
  if (json.length * 3 > DESCRIPTION_MAX && encoder.encode(json).length > DESCRIPTION_MAX) json = JSON.stringify(d);
  const body = encoder.encode(json);
  const out = new Uint8Array(TAG.length + body.length);
  out.set(TAG);
  out.set(body, TAG.length);
  return out;
}

/** A travelled cause back as a value (an Error for an Error). */
function causeFrom(c: unknown): unknown {
  if (typeof c !== 'object' || c === null || !(ERROR_KEY in c)) return c;
  const d = (c as Record<string, Described>)[ERROR_KEY]!;
  const inner = d.cause === undefined ? undefined : causeFrom(d.cause);
  const e = new Error(String(d.message), inner === undefined ? undefined : { cause: inner });
  e.name = String(d.name);
  return e;
}

/**
 * @internal The {@link RemoteError} that `length` bytes of `buf` describe (a send failed EIO with
 * them in its reply buffer), or null when they are not a whole description (a C server's bytes,
 * or a description cut by a small reply buffer).
 */
export function decodeFailure(buf: Uint8Array, length: number, call: string, info?: KernelErrorInfo): RemoteError | null {
  if (length < TAG.length || length > buf.length) return null;
  for (let i = 0; i < TAG.length; i++) if (buf[i] !== TAG[i]) return null;
  let d: Partial<Described>;
  try {
    d = JSON.parse(decoder.decode(buf.subarray(TAG.length, length))) as Partial<Described>;
  } catch {
    return null;
  }
  if (typeof d !== 'object' || d === null || typeof d.name !== 'string' || typeof d.message !== 'string') return null;
  const remote = { name: d.name, message: d.message };
  return d.cause === undefined ? new RemoteError(remote, call, info) : new RemoteError(remote, call, info, { cause: causeFrom(d.cause) });
}
