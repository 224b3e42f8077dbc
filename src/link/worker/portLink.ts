/**
 * The worker link's transport (qnet.md §3.7): frames over a `MessagePort`, each a transferred
 * `ArrayBuffer` of the link's own (never the caller's buffer), the frames of one tick batched
 * into one `postMessage`. The same code runs on Node's `worker_threads` ports and on browser
 * `MessagePort`s; nothing here imports a `node:` module.
 * @packageDocumentation
 */
import { LinkBase } from '../LinkBase.js';
import { TickBatch } from '../TickBatch.js';

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

/** A `Link` over `port`. */
export class PortLink extends LinkBase {
  readonly kind = 'worker' as const;
  readonly maxFrameBytes: number;
  /** The frames of a tick, posted together. */
  private readonly batch = new TickBatch((frames) => this.post(frames));

  constructor(private readonly port: PortLike, options: PortLinkOptions = {}) {
    super();
    this.maxFrameBytes = options.maxFrameBytes ?? 1 << 20;
    this.keepAlive = port;
    port.addEventListener('message', (e) => this.onMessage(e.data));
    port.addEventListener('close', () => this.down('port closed'));
    port.addEventListener('messageerror', () => this.down('a frame could not be deserialized'));
    port.start?.();
  }

  send(frame: Uint8Array): boolean {
    if (this.closed) return false;
    this.batch.add(frame);
    return true;
  }

  private post(frames: Uint8Array[]): void {
    if (this.closed) return;
    // buffers of the link's own, transferred: a frame's may be shared, and the caller's is never detached
    const buffers = frames.map((f) => f.slice().buffer);
    try {
      this.port.postMessage({ [BATCH]: buffers }, buffers);
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

  protected cleanup(): void {
    this.batch.clear();
  }

  protected override release(): void {
    try {
      this.port.close();
    } catch {
      // closed already
    }
  }
}

/** A `Link` over a `MessagePort` (Node `worker_threads` or a browser's). */
export function portLink(port: PortLike, options: PortLinkOptions = {}): PortLink {
  return new PortLink(port, options);
}
