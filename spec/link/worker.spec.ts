// The link conformance suite over the worker link's transport (frames as transferred buffers on
// a MessagePort), in real time, with both ends of each MessageChannel in this thread; the cases
// that need a real worker (a crash, a terminate) are in workerCrash.spec.ts.
import { MessageChannel } from 'node:worker_threads';
import { asyncScheduler } from 'rxjs';
import { Kernel, type FrameSink, type Link, type LinkState } from '../../src/kernel/index.js';
import { RingLink, makeRing, portLink, type PortLike } from '../../src/link/worker/index.js';
import { linkSuite } from './conformance.js';
import type { Faults, Net } from './harness.js';

/** A link whose frames a test can lose (sever, drop) without the transport knowing. */
class Faulty implements Link {
  readonly kind = 'worker' as const;
  severed = false;
  /** Frames still to lose, whichever way they go (shared by both ends). */
  constructor(readonly inner: Link, private readonly drops: { n: number }) {}
  get maxFrameBytes(): number { return this.inner.maxFrameBytes; }
  // the ring's in-place encoding and unchecked frames, while no frame is to be lost (then `send` loses it)
  get intact(): boolean | undefined { return this.inner.intact; }
  get sink(): FrameSink | undefined { return this.severed || this.drops.n > 0 ? undefined : this.inner.sink; }
  send(frame: Uint8Array): boolean {
    if (this.severed) return true;
    if (this.drops.n > 0) { this.drops.n--; return true; }
    return this.inner.send(frame);
  }
  onFrame(h: (f: Uint8Array) => void): void { this.inner.onFrame((f) => { if (!this.severed) h(f); }); }
  onState(h: (s: LinkState, r: string) => void): void { this.inner.onState(h); }
  close(reason: string): void { this.inner.close(reason); }
}

function join(x: Kernel, y: Kernel, rings: boolean): Faults & { close(): void } {
  const { port1, port2 } = new MessageChannel();
  const drops = { n: 0 };
  const [p1, p2] = [port1 as unknown as PortLike, port2 as unknown as PortLike];
  const [r1, r2] = [makeRing(1 << 16), makeRing(1 << 16)];
  const lx = new Faulty(rings ? new RingLink(p1, r1, r2) : portLink(p1, { maxFrameBytes: 64 * 1024 }), drops);
  const ly = new Faulty(rings ? new RingLink(p2, r2, r1) : portLink(p2, { maxFrameBytes: 64 * 1024 }), drops);
  x.addLink(lx, y.node!);
  y.addLink(ly, x.node!);
  return {
    sever: () => { lx.severed = ly.severed = true; },
    drop: (n) => { drops.n += n; },
    close: () => { port1.close(); },
  };
}

function workerNet(rings: boolean): Net {
  let inc = 1;
  const node = (name: string) => new Kernel({ scheduler: asyncScheduler, net: { node: name, heartbeatMs: 100, missed: 3, incarnation: inc++, window: 64 }, onUnhandledError: (e) => { throw e; } });
  const a = node('a');
  const b = node('b');
  const c = node('c');
  const ab = join(a, b, rings);
  const links = [ab, join(c, b, rings), join(a, c, rings)];
  return {
    a, b, c, ab, virtual: false,
    bound: 300,
    // real time: twice each wait of the case, for a loaded machine
    run: (ms) => new Promise((resolve) => setTimeout(resolve, ms * 2)),
    restartB() {
      ab.close();
      const b2 = node('b');
      links.push(join(a, b2, rings));
      return b2;
    },
    dispose() {
      for (const l of links) l.close();
    },
  };
}

linkSuite('worker transport (MessagePort), real time', () => workerNet(false));
linkSuite('worker transport (SharedArrayBuffer rings), real time', () => workerNet(true));
