/**
 * What every transport's `Link` has in common: the node's frame and state handlers, and the one
 * way it ends (the transport reports down, or the node closes it), after which nothing is sent.
 * @internal
 * @packageDocumentation
 */
import type { FrameHandler, Link, LinkKind, LinkState } from '../kernel/index.js';

export abstract class LinkBase implements Link {
  abstract readonly kind: LinkKind;
  abstract readonly maxFrameBytes: number;
  /** Ended: nothing is sent or handed to the node any more. */
  closed = false;
  protected frameHandler: FrameHandler | null = null;
  private stateHandler: ((state: LinkState, reason: string) => void) | null = null;
  private readonly downHooks: Array<() => void> = [];

  abstract send(frame: Uint8Array): boolean;

  onFrame(handler: FrameHandler): void {
    this.frameHandler = handler;
  }

  onState(handler: (state: LinkState, reason: string) => void): void {
    this.stateHandler = handler;
  }

  /** Call `f` once when the link ends (down or closed). */
  onDown(f: () => void): void {
    if (this.closed) f();
    else this.downHooks.push(f);
  }

  /** The transport is gone (a port closed, a worker exited, a connection lost): the node is told. */
  down(reason: string): void {
    if (this.closed) return;
    this.end();
    this.stateHandler?.('down', reason);
  }

  /**
   * Let the process exit while no call crosses the link (Node's `unref`): set by
   * `startWorkerNode` on the main side, so that a program whose work is done exits though its
   * worker nodes still run. Workers keep theirs (a server waiting for messages must stay).
   */
  unrefWhenIdle = false;

  /** What can keep the process alive (Node's `MessagePort`; nothing in a browser or without one). */
  protected keepAlive: { ref?(): void; unref?(): void } | null = null;

  busy(busy: boolean): void {
    if (!this.unrefWhenIdle || this.closed || this.keepAlive === null) return;
    if (busy) this.keepAlive.ref?.();
    else this.keepAlive.unref?.();
  }

  /** The transport is reconnecting (`true`, frames held) or has recovered (`false`). */
  suspect(suspect: boolean, reason: string): void {
    if (!this.closed) this.stateHandler?.(suspect ? 'suspect' : 'up', reason);
  }

  /** The node closes the link (a quarantine, a leave): the transport is released. */
  close(reason: string): void {
    if (this.closed) return;
    this.end();
    this.release(reason);
  }

  private end(): void {
    this.closed = true;
    this.cleanup();
    for (const f of this.downHooks.splice(0)) f();
  }

  /** Drop what waits to be sent, stop timers (the link has ended). */
  protected abstract cleanup(): void;

  /** Let the transport go (close a port); nothing by default. */
  protected release(_reason: string): void {}
}
