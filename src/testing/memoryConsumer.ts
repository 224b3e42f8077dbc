/**
 * A durable pull consumer of {@link MemoryDurableLog}, as JetStream's behaves: explicit acks, an
 * ack wait after which a delivery comes again, in-progress acks, nak with a delay, term, a
 * delivery limit, and an ack limit at which delivery **stops silently**. Redeliveries are mixed
 * with new messages in a random order (JetStream reorders too: nats-server #6114).
 * @internal
 * @packageDocumentation
 */
import type { DurableConsumer, DurableConsumerInfo, DurableConsumerOptions, DurableDelivery, TimerHandle } from '../kernel/net/durable.js';
import type { StoredMessage, MemoryStore } from './memoryStore.js';

/** A delivery as this log makes it: which consumer incarnation handed it out. */
interface MemoryDelivery extends DurableDelivery {
  readonly gen: number;
}

interface Pending {
  deliveries: number;
  /** Scheduler ms when it is due again. */
  due: number;
}

interface Parked {
  readonly max: number;
  readonly done: (err: number, deliveries: readonly DurableDelivery[]) => void;
  readonly timer: TimerHandle;
}

/** The state of one durable consumer (it outlives the receivers that bind it). */
export class ConsumerState {
  /** The highest stored seq delivered once. */
  lastDelivered = 0;
  readonly pending = new Map<number, Pending>();
  readonly parked: Parked[] = [];
  private wake: TimerHandle | null = null;
  /** Deliveries stopped by the delivery limit (JetStream's MAX_DELIVERIES advisories). */
  maxedOut = 0;

  constructor(
    readonly name: string,
    public options: DurableConsumerOptions,
    readonly gen: number,
    private readonly store: MemoryStore,
  ) {}

  /** Up to `max` deliveries now: due redeliveries and new messages, mixed. */
  take(max: number): DurableDelivery[] {
    const now = this.store.now();
    const again: number[] = [];
    for (const [seq, p] of this.pending) {
      if (p.due > now) continue;
      if (this.options.maxDeliver > 0 && p.deliveries >= this.options.maxDeliver) {
        this.pending.delete(seq); // JetStream stops delivering it, and counts it out of ack pending
        this.maxedOut++;
        continue;
      }
      if (this.store.message(seq) === undefined) { this.pending.delete(seq); continue; }
      again.push(seq);
    }
    again.sort((a, b) => a - b);
    const fresh: StoredMessage[] = [];
    // the ack limit: no new message while that many are pending (redeliveries still come)
    let room = this.options.maxAckPending - this.pending.size;
    for (const m of this.store.after(this.name, this.lastDelivered)) {
      if (fresh.length + again.length >= max || room <= 0) break;
      fresh.push(m);
      room--;
    }
    const out: DurableDelivery[] = [];
    const random = this.store.random;
    let i = 0;
    let j = 0;
    while (out.length < max && (i < again.length || j < fresh.length)) {
      const pickAgain = j >= fresh.length || (i < again.length && random() < 0.5);
      if (pickAgain) out.push(this.deliver(this.store.message(again[i++]!)!));
      else {
        const m = fresh[j++]!;
        this.lastDelivered = Math.max(this.lastDelivered, m.seq);
        out.push(this.deliver(m));
      }
    }
    if (out.length > 0 && this.store.duplicating > 0) {
      this.store.duplicating--;
      const d = out[Math.floor(random() * out.length)]!;
      out.push(this.deliver(this.store.message(d.stored)!));
    }
    return out;
  }

  private deliver(m: StoredMessage): MemoryDelivery {
    let p = this.pending.get(m.seq);
    if (p === undefined) this.pending.set(m.seq, (p = { deliveries: 0, due: 0 }));
    p.deliveries++;
    const now = this.store.now();
    p.due = now + this.options.ackWaitMs;
    const r = m.record;
    return { ...r, deliveries: p.deliveries, stored: m.seq, expired: r.ttlMs > 0 && now - m.at > r.ttlMs, gen: this.gen };
  }

  /** Serve parked fetches that can be served now; arm a wake-up for the next redelivery due. */
  serve(): void {
    while (this.parked.length > 0) {
      const got = this.take(this.parked[0]!.max);
      if (got.length === 0) break;
      const f = this.parked.shift()!;
      f.timer.unsubscribe();
      this.store.later(() => f.done(0, got));
    }
    this.wake?.unsubscribe();
    this.wake = null;
    if (this.parked.length === 0) return;
    let due = Infinity;
    for (const p of this.pending.values()) due = Math.min(due, p.due);
    if (due !== Infinity) this.wake = this.store.scheduler.schedule(() => { this.wake = null; this.serve(); }, Math.max(0, due - this.store.now()));
  }

  settle(d: DurableDelivery, how: 'ack' | 'term' | 'nak' | 'working', delayMs = 0): void {
    if ((d as MemoryDelivery).gen !== this.gen) return; // a delivery of a consumer since lost
    const p = this.pending.get(d.stored);
    if (p === undefined) return;
    if (how === 'working') p.due = this.store.now() + this.options.ackWaitMs;
    else if (how === 'nak') p.due = this.store.now() + Math.max(0, delayMs);
    else {
      this.pending.delete(d.stored);
      this.store.remove(d.stored); // a work queue: what is acknowledged or terminated leaves the stream
    }
    this.serve();
  }

  info(): DurableConsumerInfo {
    let pending = 0;
    for (const _ of this.store.after(this.name, this.lastDelivered)) pending++;
    return { pending, ackPending: this.pending.size, maxAckPending: this.options.maxAckPending };
  }

  /** The consumer is gone: parked fetches end ENOENT. */
  lose(): void {
    for (const f of this.parked.splice(0)) {
      f.timer.unsubscribe();
      this.store.later(() => f.done(2 /* ENOENT */, []));
    }
    this.wake?.unsubscribe();
    this.wake = null;
  }
}

/** A receiver's handle on a consumer state; every call fails ENOENT once the state is gone. */
export class MemoryConsumer implements DurableConsumer {
  private closed = false;

  constructor(private readonly store: MemoryStore, private readonly state: ConsumerState) {}

  private get gone(): boolean {
    return this.store.consumers.get(this.state.name) !== this.state;
  }

  fetch(max: number, waitMs: number, done: (err: number, deliveries: readonly DurableDelivery[]) => void): void {
    if (this.gone) { this.store.later(() => done(2, [])); return; }
    if (this.closed) { this.store.later(() => done(0, [])); return; }
    const got = this.state.take(max);
    if (got.length > 0 || waitMs <= 0) { this.store.later(() => done(0, got)); return; }
    const parked: Parked = {
      max, done,
      timer: this.store.scheduler.schedule(() => {
        const i = this.state.parked.indexOf(parked);
        if (i >= 0) this.state.parked.splice(i, 1);
        done(0, []);
      }, waitMs),
    };
    this.state.parked.push(parked);
    this.state.serve();
  }

  ack(d: DurableDelivery): void {
    if (!this.gone) this.state.settle(d, 'ack');
  }

  working(d: DurableDelivery): void {
    if (!this.gone) this.state.settle(d, 'working');
  }

  nak(d: DurableDelivery, delayMs: number): void {
    if (!this.gone) this.state.settle(d, 'nak', delayMs);
  }

  term(d: DurableDelivery): void {
    if (!this.gone) this.state.settle(d, 'term');
  }

  info(done: (err: number, info: DurableConsumerInfo | null) => void): void {
    const gone = this.gone;
    const info = gone ? null : this.state.info();
    this.store.later(() => done(gone ? 2 : 0, info));
  }

  close(): void {
    this.closed = true;
  }
}
