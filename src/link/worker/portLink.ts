/**
 * The worker link's transport (qnet.md §3.7): frames over a `MessagePort`, each a transferred
 * `ArrayBuffer` of the link's own (never the caller's buffer), the frames of one tick batched
 * into one `postMessage`. The same code runs on Node's `worker_threads` ports and on browser
 * `MessagePort`s; nothing here imports a `node:` module.
 * @packageDocumentation
 */
import type { Link } from '../../kernel/index.js';

/** What the link needs of a port: Node's `MessagePort` and the browser's both have it. */
export interface PortLike {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  addEventListener(type: 'message', listener: (e: { readonly data: unknown }) => void): void;
  addEventListener(type: 'close' | 'messageerror', listener: () => void): void;
  start?(): void;
  close(): void;
  /** Node: let the process exit while the port is idle. */
  unref?(): void;
  ref?(): void;
}

/** Options of {@link portLink}. */
export interface PortLinkOptions {
  /** Frames larger than this are fragmented by the node (default 1 MiB: one slice keeps the event loop responsive). */
  readonly maxFrameBytes?: number;
}

/** The marker of a batch of frames on the port (anything else on it is not ours and is ignored). */
const BATCH = 'rxnto.frames';

/** A {@link Link} over `port`. */
export class PortLink implements Link {
  readonly kind = 'worker' as const;
  readonly maxFrameBytes: number;
  private frameHandler: ((frame: Uint8Array) => void) | null = null;
  private stateHandler: ((state: 'up' | 'down', reason: string) => void) | null = null;
  private closed = false;
  private pending: ArrayBuffer[] = [];
  private flushing = false;

  constructor(private readonly port: PortLike, options: PortLinkOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? 1 << 20;
    port.addEventListener('message', (e) => this.onMessage(e.data));
    port.addEventListener('close', () => this.down('port closed'));
    port.addEventListener('messageerror', () => this.down('a frame could not be deserialized'));
    port.start?.();
  }

  send(frame: Uint8Array): boolean {
    if (this.closed) return false;
    // a buffer of the link's own: the frame's may be shared, and the caller's is never detached
    this.pending.push(frame.slice().buffer);
    if (!this.flushing) {
      this.flushing = true;
      queueMicrotask(() => this.flush());
    }
    return true;
  }

  private flush(): void {
    this.flushing = false;
    if (this.closed || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      this.port.postMessage({ [BATCH]: batch }, batch);
    } catch (e) {
      this.down(`postMessage failed: ${String(e)}`);
    }
  }

  private onMessage(data: unknown): void {
    if (this.closed || typeof data !== 'object' || data === null) return;
    const batch = (data as Record<string, unknown>)[BATCH];
    if (!Array.isArray(batch)) return;
    for (const ab of batch) {
      if (this.closed) return;
      // anything but an ArrayBuffer is the node's to drop as malformed
      this.frameHandler?.(ab instanceof ArrayBuffer ? new Uint8Array(ab) : (ab as Uint8Array));
    }
  }

  onFrame(handler: (frame: Uint8Array) => void): void {
    this.frameHandler = handler;
  }

  onState(handler: (state: 'up' | 'down', reason: string) => void): void {
    this.stateHandler = handler;
  }

  /** The transport is gone (the port closed, the worker exited): the node quarantines its peer. */
  down(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    this.stateHandler?.('down', reason);
    for (const f of this.downHooks.splice(0)) f();
  }

  private readonly downHooks: Array<() => void> = [];

  /** Call `f` once when the link goes down or is closed. */
  onDown(f: () => void): void {
    if (this.closed) f();
    else this.downHooks.push(f);
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    for (const f of this.downHooks.splice(0)) f();
    try {
      this.port.close();
    } catch {
      // closed already
    }
    void reason;
  }
}

/** A {@link Link} over a `MessagePort` (Node `worker_threads` or a browser's). */
export function portLink(port: PortLike, options: PortLinkOptions = {}): PortLink {
  return new PortLink(port, options);
}
