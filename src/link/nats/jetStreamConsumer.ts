/**
 * A durable pull consumer of JetStream as a `DurableConsumer` (jetStreamLog.ts): fetches with an
 * expiry, explicit acks, `+WPI`, nak with a delay, term. A fetch that fails because the consumer
 * is gone (deleted, or lost by a server) answers ENOENT, so the receiver makes it again: a
 * consumer that does not come back after a reconnect or restart is JetStream's most reported
 * trap (nats.go #1729, #1370).
 * @internal
 * @packageDocumentation
 */
import type { Consumer, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { ERRNO } from '../../kernel/index.js';
import type { DurableConsumer, DurableConsumerInfo, DurableDelivery } from '../../kernel/net/durable.js';
import { errnoOf, FROM_HEADER, recordOf } from './jetStreamWire.js';

export class JetStreamConsumer implements DurableConsumer {
  private readonly msgs = new WeakMap<DurableDelivery, JsMsg>();
  private closed = false;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly consumer: Consumer,
    private readonly stream: string,
    readonly name: string,
  ) {}

  fetch(max: number, waitMs: number, done: (err: number, deliveries: readonly DurableDelivery[]) => void): void {
    void (async () => {
      const out: DurableDelivery[] = [];
      try {
        // the client's pull needs an expiry of a second at least
        const it = await this.consumer.fetch({ max_messages: max, expires: Math.max(1000, waitMs) });
        for await (const m of it) {
          const d = this.delivery(m);
          if (d === null) m.term('not an rxnto message');
          else out.push(d);
        }
        done(0, out);
      } catch (e) {
        // what came before the failure is handed on: the next fetch's error says what to do
        if (out.length > 0) { done(0, out); return; }
        done(await this.why(e), []);
      }
    })();
  }

  /** ENOENT when the consumer is gone, else the error's errno. */
  private async why(e: unknown): Promise<number> {
    const err = errnoOf(e);
    if (err === ERRNO.ENOENT) return err;
    try {
      await this.jsm.consumers.info(this.stream, this.name);
      return err;
    } catch (e2) {
      return errnoOf(e2) === ERRNO.ENOENT ? ERRNO.ENOENT : err;
    }
  }

  private delivery(m: JsMsg): DurableDelivery | null {
    const r = recordOf(this.name, m.headers?.get('Nats-Msg-Id'), m.headers?.get(FROM_HEADER), m.data);
    if (r === null) return null;
    const storedAt = Number(m.info.timestampNanos / 1_000_000);
    const d: DurableDelivery = {
      ...r, deliveries: m.info.deliveryCount, stored: m.seq,
      expired: r.ttlMs > 0 && Date.now() - storedAt > r.ttlMs,
    };
    this.msgs.set(d, m);
    return d;
  }

  ack(d: DurableDelivery): void {
    this.msgs.get(d)?.ack();
  }

  working(d: DurableDelivery): void {
    this.msgs.get(d)?.working();
  }

  nak(d: DurableDelivery, delayMs: number): void {
    this.msgs.get(d)?.nak(delayMs > 0 ? delayMs : undefined);
  }

  term(d: DurableDelivery): void {
    this.msgs.get(d)?.term();
  }

  info(done: (err: number, info: DurableConsumerInfo | null) => void): void {
    this.jsm.consumers.info(this.stream, this.name).then(
      (ci) => done(0, { pending: ci.num_pending, ackPending: ci.num_ack_pending, maxAckPending: ci.config.max_ack_pending ?? 1000 }),
      (e: unknown) => done(errnoOf(e), null),
    );
  }

  close(): void {
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
