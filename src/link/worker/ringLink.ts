/**
 * The worker link's fast path (qnet.md §3.7): one `SharedArrayBuffer` ring per direction. The
 * writer copies frames in and rings a doorbell (`Atomics.notify`); the reader waits with
 * `Atomics.waitAsync` (it never blocks a thread, so the main thread may read) and drains every
 * frame per wake-up. No structured clone, no transfer. The `MessagePort` stays for the join and
 * for its `close` event. Order is the ring's: a frame that finds the ring full waits for room,
 * behind nothing else.
 * @packageDocumentation
 */
import { LinkBase } from '../LinkBase.js';
import type { PortLike } from './portLink.js';

/** Int32 slots of a ring's header: read position, write position, doorbell, closed. */
const HEAD = 0;
const TAIL = 1;
const BELL = 2;
const CLOSED = 3;
const HEADER_BYTES = 16;
/** A length of -1: the rest of the ring is unused, the next frame is at 0. */
const WRAP = -1;

/** The default ring capacity per direction (a power of two). */
export const RING_BYTES = 1 << 20;

/** A ring of `capacity` bytes (a power of two, at least 4 KiB) in a new `SharedArrayBuffer`. */
export function makeRing(capacity = RING_BYTES): SharedArrayBuffer {
  if (capacity < 4096 || (capacity & (capacity - 1)) !== 0) throw new RangeError('a ring\'s capacity is a power of two, at least 4096');
  return new SharedArrayBuffer(HEADER_BYTES + capacity);
}

interface WaitAsync {
  (a: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string };
}

/** Whether this platform can run the ring (shared memory and `Atomics.waitAsync`). */
export function ringsAvailable(): boolean {
  return typeof SharedArrayBuffer === 'function' && typeof (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync === 'function';
}

class Ring {
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  readonly mask: number;
  constructor(sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab, 0, HEADER_BYTES / 4);
    this.u8 = new Uint8Array(sab, HEADER_BYTES);
    this.mask = this.u8.length - 1;
  }
}

/** A `Link` over two rings (ours to write, theirs to read), with `port` for the close event. */
export class RingLink extends LinkBase {
  readonly kind = 'worker' as const;
  readonly maxFrameBytes: number;
  private readonly tx: Ring;
  private readonly rx: Ring;
  private readonly rxData: Int32Array;
  private readonly txData: Int32Array;
  /** Frames waiting for room in the ring, in order. */
  private waiting: Uint8Array[] = [];
  private ringQueued = false;
  /** Waiting for the reader to make room (it notifies on HEAD). */
  private awaitingRoom = false;

  constructor(private readonly port: PortLike, tx: SharedArrayBuffer, rx: SharedArrayBuffer) {
    super();
    this.tx = new Ring(tx);
    this.rx = new Ring(rx);
    this.txData = new Int32Array(tx, HEADER_BYTES);
    this.rxData = new Int32Array(rx, HEADER_BYTES);
    // a frame always fits an empty ring: the node fragments larger messages
    this.maxFrameBytes = Math.min(1 << 18, this.tx.u8.length >> 2);
    port.addEventListener('close', () => this.down('port closed'));
    port.start?.();
    // the port is what can keep the process alive (a pending `Atomics.waitAsync` does not)
    this.keepAlive = port;
    queueMicrotask(() => this.listen());
  }

  send(frame: Uint8Array): boolean {
    if (this.closed) return false;
    if (this.waiting.length > 0 || !this.write(frame)) this.waiting.push(frame.slice());
    if (!this.ringQueued) {
      this.ringQueued = true;
      queueMicrotask(() => this.ring());
    }
    return true;
  }

  /** Copy `frame` into our ring; false when there is no room now. */
  private write(frame: Uint8Array): boolean {
    const { i32, u8, mask } = this.tx;
    const cap = mask + 1;
    const head = Atomics.load(i32, HEAD);
    const tail = i32[TAIL]!;
    const need = 4 + ((frame.length + 3) & ~3);
    const at = tail & mask;
    const skip = at + need > cap ? cap - at : 0;
    if (cap - ((tail - head) | 0) < skip + need) return false;
    let pos = at;
    if (skip > 0) {
      this.txData[at >> 2] = WRAP;
      pos = 0;
    }
    this.txData[pos >> 2] = frame.length;
    u8.set(frame, pos + 4);
    Atomics.store(i32, TAIL, (tail + skip + need) | 0);
    return true;
  }

  /** Ring the doorbell once for everything written in this tick; retry what found no room. */
  private ring(): void {
    this.ringQueued = false;
    if (this.closed) return;
    // the read position the writes below saw at most: a wait for room waits for it to move, so
    // that a drain between the writes and the wait (the doorbell wakes the reader) is not missed
    const head = Atomics.load(this.tx.i32, HEAD);
    while (this.waiting.length > 0 && this.write(this.waiting[0]!)) this.waiting.shift();
    Atomics.add(this.tx.i32, BELL, 1);
    Atomics.notify(this.tx.i32, BELL);
    if (this.waiting.length > 0 && !this.awaitingRoom) {
      // the reader notifies HEAD when it takes frames: go on then (at once if it has already)
      this.awaitingRoom = true;
      const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
      const r = waitAsync(this.tx.i32, HEAD, head);
      const again = (): void => { this.awaitingRoom = false; this.ring(); };
      if (r.async) void (r.value as Promise<string>).then(again);
      else queueMicrotask(again);
    }
  }

  /** Drain their ring at every doorbell, for as long as the link lives. */
  private listen(): void {
    const { i32 } = this.rx;
    const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
    const loop = (): void => {
      if (this.closed) return;
      if (Atomics.load(i32, CLOSED) !== 0) {
        this.down('the peer closed the link');
        return;
      }
      const seen = Atomics.load(i32, BELL);
      this.drain();
      if (this.closed) return;
      const r = waitAsync(i32, BELL, seen);
      if (r.async) void (r.value as Promise<string>).then(loop);
      else queueMicrotask(loop);
    };
    loop();
  }

  private drain(): void {
    const { i32, u8, mask } = this.rx;
    const cap = mask + 1;
    let head = i32[HEAD]!;
    const tail = Atomics.load(i32, TAIL);
    while (head !== tail && !this.closed) {
      const at = head & mask;
      const len = this.rxData[at >> 2]!;
      if (len === WRAP) {
        head = (head + cap - at) | 0;
        continue;
      }
      // the frame's own copy: the ring's bytes are reused as soon as the head moves
      const frame = u8.slice(at + 4, at + 4 + len);
      head = (head + 4 + ((len + 3) & ~3)) | 0;
      Atomics.store(i32, HEAD, head);
      this.frameHandler?.(frame);
    }
    // a writer waiting for room goes on
    Atomics.notify(i32, HEAD);
  }

  protected override release(): void {
    try {
      this.port.close();
    } catch {
      // closed already
    }
  }

  protected cleanup(): void {
    this.waiting = [];
    Atomics.notify(this.tx.i32, HEAD);
    // wake the peer's reader so that it sees the close
    Atomics.store(this.tx.i32, CLOSED, 1);
    Atomics.add(this.tx.i32, BELL, 1);
    Atomics.notify(this.tx.i32, BELL);
    // and our own reader, which waits on the peer's doorbell
    Atomics.add(this.rx.i32, BELL, 1);
    Atomics.notify(this.rx.i32, BELL);
  }
}
