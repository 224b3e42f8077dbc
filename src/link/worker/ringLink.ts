/**
 * The worker link's fast path (qnet.md §3.7): one `SharedArrayBuffer` ring per direction. The
 * node encodes frames straight into the ring (`Link.sink`); the reader hands each frame to the
 * node in place and moves the read position past it once the node is done with it (no copy, no
 * structured clone, no transfer). A reader that finds its ring empty looks again once per turn of
 * the event loop for `pollMicros` (first spins `spinMicros`), then parks in `Atomics.waitAsync`
 * (never a blocked thread, so the main thread may read). The `MessagePort` stays for the join
 * and its `close` event. Order is the ring's: a frame that finds the ring full waits for room.
 *
 * The doorbell (`Atomics.notify`) rings only for a parked reader, once for what is written until
 * it parks again, and no wake-up is lost (every step is a sequentially consistent atomic):
 * - the reader parks: it loads BELL, sets PARKED, loads TAIL again, and waits on BELL for the
 *   value it loaded, unless TAIL moved (then it clears PARKED and reads on);
 * - the writer stores TAIL, then loads PARKED: if set, it clears it, adds 1 to BELL and notifies.
 * Either the reader's second load of TAIL sees the frame, or the writer's load sees PARKED (the
 * flag was set before), and its BELL change makes the wait return at once or wakes it. A writer
 * waiting for room does the same with ROOM and HEAD, the reader taking the writer's place.
 * @packageDocumentation
 */
import type { FrameSink } from '../../kernel/index.js';
import { LinkBase } from '../LinkBase.js';
import type { PortLike } from './portLink.js';
import { Backoff } from './backoff.js';
import { BELL, CLOSED, FLAGS, HEAD, HEADER_BYTES, immediate, PARKED, resolved, RING_AFTER_BYTES, ringWaits, ROOM, TAIL, waitAsync, WRAP, type RingLinkOptions } from './ring.js';

/** A `Link` over two rings (ours to write, theirs to read), with `port` for the close event. */
export class RingLink extends LinkBase {
  readonly kind = 'worker' as const;
  readonly maxFrameBytes: number;
  /** Memory shared by two threads of one process: no frame check (see `Link.intact`). */
  readonly intact = true;
  readonly sink: FrameSink;
  /** Our ring (we write it): header, bytes, words, capacity - 1; our write position. */
  private readonly txHead: Int32Array;
  private readonly txU8: Uint8Array;
  private readonly txI32: Int32Array;
  private readonly txMask: number;
  private tail: number;
  /** The tail past the frame given room last (not yet published). */
  private next = 0;
  /** The reader's position as last seen: loaded again only when it shows no room. */
  private headSeen: number;
  /** Their ring (we read it), the same; our read position. */
  private readonly rxHead: Int32Array;
  private readonly rxU8: Uint8Array;
  private readonly rxI32: Int32Array;
  private readonly rxMask: number;
  private head: number;
  /** How long the reader spins, then polls, before it parks (µs; `spinMicros`, `pollMicros`). */
  private readonly waits: { readonly spin: number; readonly poll: number };
  /** Bytes written since the reader was last seen reading or rung (see `ring`). */
  private unrung = 0;
  /** Handing frames to the node (a `poll` from inside that is not a second drain). */
  private draining = false;
  /** Frames waiting for room in the ring, in order. */
  private waiting: Uint8Array[] = [];
  /**
   * The doorbell's state in this tick: it was wanted (`rung`, when `written` was `mark`), and is
   * wanted again at its end; the last such tick wrote several frames (`bursty`).
   */
  private rung = false;
  private ringAgain = false;
  private bursty = false;
  private written = 0;
  private mark = 0;
  /** Waiting for the reader to make room (it notifies HEAD when it moves it and ROOM is set). */
  private awaitingRoom = false;
  /** While the reader spins, or polls (looks once per turn of the event loop): until when (`performance.now()`; 0: not); their backoffs. */
  private spinUntil = 0;
  private pollUntil = 0;
  private readonly spins = new Backoff();
  private readonly polls = new Backoff();
  /** The reader looks at the ring again at the end of the tick; that microtask is queued. */
  private looking = false;
  private tickQueued = false;

  constructor(private readonly port: PortLike, tx: SharedArrayBuffer, rx: SharedArrayBuffer, options: RingLinkOptions = {}) {
    super();
    this.waits = ringWaits(options);
    this.txHead = new Int32Array(tx, 0, HEADER_BYTES / 4);
    this.txU8 = new Uint8Array(tx, HEADER_BYTES);
    this.txI32 = new Int32Array(tx, HEADER_BYTES);
    this.txMask = this.txU8.length - 1;
    // frames encoded in place (see `Link.sink`): with room now, behind no frame waiting for room
    this.sink = {
      u8: this.txU8,
      i32: this.txI32,
      reserve: (n) => (this.closed || this.waiting.length > 0 ? -1 : this.room(n)),
      commit: () => {
        this.publish();
        this.ring();
      },
    };
    this.tail = Atomics.load(this.txHead, TAIL);
    this.headSeen = Atomics.load(this.txHead, HEAD);
    this.rxHead = new Int32Array(rx, 0, HEADER_BYTES / 4);
    this.rxU8 = new Uint8Array(rx, HEADER_BYTES);
    this.rxI32 = new Int32Array(rx, HEADER_BYTES);
    this.rxMask = this.rxU8.length - 1;
    this.head = Atomics.load(this.rxHead, HEAD);
    // a frame always fits an empty ring: the node fragments larger messages
    this.maxFrameBytes = Math.min(1 << 18, this.txU8.length >> 2);
    port.addEventListener('close', () => this.down('port closed'));
    port.start?.();
    // the port is what can keep the process alive (a pending `Atomics.waitAsync` does not)
    this.keepAlive = port;
    queueMicrotask(() => this.read());
  }

  send(frame: Uint8Array): boolean {
    if (this.closed) return false;
    if (this.waiting.length === 0 && this.write(frame)) this.ring();
    else {
      this.waiting.push(frame.slice());
      if (!this.awaitingRoom) this.flush();
    }
    return true;
  }

  /** Copy `frame` into our ring; false when there is no room now. */
  private write(frame: Uint8Array): boolean {
    const at = this.room(frame.length);
    if (at < 0) return false;
    this.txU8.set(frame, at);
    this.publish();
    return true;
  }

  /** Room for a frame of `n` bytes at our tail: where it goes (its length written before it), or -1. */
  private room(n: number): number {
    const mask = this.txMask;
    const cap = mask + 1;
    const tail = this.tail;
    const need = 4 + ((n + 3) & ~3);
    const at = tail & mask;
    const skip = at + need > cap ? cap - at : 0;
    if (cap - ((tail - this.headSeen) | 0) < skip + need) {
      this.headSeen = Atomics.load(this.txHead, HEAD);
      if (cap - ((tail - this.headSeen) | 0) < skip + need) return -1;
    }
    let pos = at;
    if (skip > 0) {
      this.txI32[at >> 2] = WRAP;
      pos = 0;
    }
    this.txI32[pos >> 2] = n;
    this.next = (tail + skip + need) | 0;
    return pos + 4;
  }

  /** The frame written at the last `room` goes: TAIL moves past it. */
  private publish(): void {
    this.unrung += (this.next - this.tail) | 0;
    this.tail = this.next;
    Atomics.store(this.txHead, TAIL, this.tail);
    this.written++;
  }

  /**
   * The doorbell, for a parked reader (it sees every frame written before it rings). A frame
   * alone in its tick rings at once (a call's round trip waits for it); the frames of a burst ring
   * once, at the end of the tick (an `Atomics.notify` costs its writer dearly, and the reader, woken
   * early, would catch up and park again for every few frames): after a tick that wrote several
   * frames, the first frame of the next defers its doorbell to the end of its tick. Unless the
   * tick writes much (`RING_AFTER_BYTES` since the reader parked: batches of asynchronous
   * messages, many calls at once): then the reader is rung at once, so that it works on those
   * frames while this thread writes more, instead of both taking turns.
   */
  private ring(): void {
    if ((Atomics.load(this.txHead, FLAGS) & PARKED) === 0) {
      // the reader is reading: it sees these frames itself
      this.unrung = 0;
      return;
    }
    if (!this.rung) {
      this.rung = true;
      this.mark = this.written;
      this.atTickEnd();
      if (!this.bursty) {
        this.wake();
        return;
      }
    }
    if (this.unrung >= RING_AFTER_BYTES) {
      this.wake();
      return;
    }
    this.ringAgain = true;
  }

  /** The work of the end of a tick, in one microtask: the writer's doorbell, the reader's look. */
  private atTickEnd(): void {
    if (this.tickQueued) return;
    this.tickQueued = true;
    void resolved.then(this.tickEnd);
  }

  private readonly tickEnd = (): void => {
    this.tickQueued = false;
    if (this.rung) {
      this.rung = false;
      this.bursty = this.written > this.mark;
      if (this.ringAgain) {
        this.ringAgain = false;
        if (!this.closed && (Atomics.load(this.txHead, FLAGS) & PARKED) !== 0) this.wake();
      }
    }
    if (this.looking) {
      this.looking = false;
      this.look();
    }
  };

  private wake(): void {
    this.unrung = 0;
    const h = this.txHead;
    Atomics.and(h, FLAGS, ~PARKED);
    Atomics.add(h, BELL, 1);
    Atomics.notify(h, BELL);
  }

  /** Write the frames that wait for room, in order; while some still find none, wait for the reader to move HEAD. */
  private flush(): void {
    const h = this.txHead;
    for (;;) {
      if (this.closed) return;
      // at most the read position the writes below see: a drain after it ends the wait at once
      const head = Atomics.load(h, HEAD);
      const n = this.waiting.length;
      while (this.waiting.length > 0 && this.write(this.waiting[0]!)) this.waiting.shift();
      if (this.waiting.length < n) this.ring();
      this.awaitingRoom = this.waiting.length > 0;
      if (!this.awaitingRoom) return;
      Atomics.or(h, FLAGS, ROOM);
      if (Atomics.load(h, HEAD) !== head) continue;
      const r = waitAsync(h, HEAD, head);
      if (r.async) {
        void (r.value as Promise<string>).then(() => this.flush());
        return;
      }
    }
  }

  /** Take every frame in their ring, then spin or park until the next. */
  private read(): void {
    if (this.closed) return;
    if ((Atomics.load(this.rxHead, FLAGS) & CLOSED) !== 0) {
      this.down('the peer closed the link');
      return;
    }
    this.drain();
    if (this.closed) return;
    // park (or spin) after the microtasks the frames queued: the next send goes out first
    this.spinUntil = 0;
    if (this.waits.spin > 0 && this.spins.tryNow()) this.spinUntil = performance.now() + this.waits.spin / 1000;
    this.looking = true;
    this.atTickEnd();
  }

  /**
   * A look at the ring after the microtasks queued meanwhile (those of the frames just taken: a
   * reply, the next send): read what came, or look again while the spin (if any) lasts, or poll
   * (`pollMicros`), then park. Spins and polls that keep ending with nothing are backed off.
   */
  private look(): void {
    if (this.closed) return;
    if (this.arrived()) {
      this.spins.hit();
      this.read();
    } else if (this.spinUntil !== 0 && performance.now() < this.spinUntil) {
      this.looking = true;
      this.atTickEnd();
    } else {
      if (this.spinUntil !== 0) this.spins.miss();
      this.pollUntil = this.waits.poll > 0 && this.polls.tryNow() ? performance.now() + this.waits.poll / 1000 : 0;
      this.polled();
    }
  }

  /** A frame (or the peer's close) is in their ring. */
  private arrived(): boolean {
    return Atomics.load(this.rxHead, TAIL) !== this.head || (Atomics.load(this.rxHead, FLAGS) & CLOSED) !== 0;
  }

  /** A poll's look (one per turn of the event loop): read what came, look again at the next turn, or park once `pollUntil` is past. */
  private readonly polled = (): void => {
    if (this.closed) return;
    if (this.arrived()) {
      this.polls.hit();
      this.read();
    } else if (performance.now() < this.pollUntil) {
      immediate!(this.polled);
    } else {
      if (this.pollUntil !== 0) this.polls.miss();
      this.park();
    }
  };

  /** Wait for the doorbell (see the protocol above); read at once if a frame came meanwhile. */
  private park(): void {
    const h = this.rxHead;
    const bell = Atomics.load(h, BELL);
    Atomics.or(h, FLAGS, PARKED);
    if (Atomics.load(h, TAIL) === this.head && (Atomics.load(h, FLAGS) & CLOSED) === 0) {
      const r = waitAsync(h, BELL, bell);
      if (r.async) {
        void (r.value as Promise<string>).then(this.woken);
        return;
      }
    }
    // a frame came, or the doorbell rang, meanwhile: read on once the microtasks queued so far ran
    void resolved.then(this.woken);
  }

  private readonly woken = (): void => {
    // the writer cleared PARKED when it rang; a close or a frame seen at the re-check did not
    if ((Atomics.load(this.rxHead, FLAGS) & PARKED) !== 0) Atomics.and(this.rxHead, FLAGS, ~PARKED);
    this.read();
  };

  /**
   * The frames that have come, now (see `Link.poll`): a put that finds a ring full reads the
   * receiver's reports at once, not at the next turn of the event loop. Not while a drain is
   * handing frames to the node (this call comes from inside one): that drain takes them.
   */
  poll(): void {
    if (this.closed || this.draining) return;
    this.drain();
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      this.drainFrames();
    } finally {
      this.draining = false;
    }
  }

  /** Hand every frame up to TAIL to the node, in place; then move HEAD past them (past each at once while the writer waits for room). */
  private drainFrames(): void {
    const h = this.rxHead;
    const u8 = this.rxU8;
    const i32 = this.rxI32;
    const mask = this.rxMask;
    let head = this.head;
    const tail = Atomics.load(h, TAIL);
    if (head === tail) return;
    while (head !== tail && !this.closed) {
      const at = head & mask;
      const len = i32[at >> 2]!;
      if (len === WRAP) {
        head = (head + mask + 1 - at) | 0;
        continue;
      }
      // read in place (or a view of the ring): the node copies what it keeps, the writer reuses these bytes once HEAD passes them
      const take = this.frameHandler;
      if (take?.takeAt !== undefined) take.takeAt(u8, i32, at + 4, len);
      else take?.(u8.subarray(at + 4, at + 4 + len));
      this.head = head = (head + 4 + ((len + 3) & ~3)) | 0;
      if ((Atomics.load(h, FLAGS) & ROOM) !== 0) this.free(head);
    }
    this.free(head);
  }

  /** Move HEAD to `head`; a writer waiting for room (ROOM, looked at after the store) goes on. */
  private free(head: number): void {
    const h = this.rxHead;
    Atomics.store(h, HEAD, head);
    if ((Atomics.load(h, FLAGS) & ROOM) !== 0) {
      Atomics.and(h, FLAGS, ~ROOM);
      Atomics.notify(h, HEAD);
    }
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
    const tx = this.txHead;
    const rx = this.rxHead;
    // our writer, if it waits for room
    Atomics.notify(tx, HEAD);
    // the peer's reader sees the close, parked or not
    Atomics.or(tx, FLAGS, CLOSED);
    Atomics.add(tx, BELL, 1);
    Atomics.notify(tx, BELL);
    // and our own reader, which waits on the peer's doorbell
    Atomics.add(rx, BELL, 1);
    Atomics.notify(rx, BELL);
  }
}
