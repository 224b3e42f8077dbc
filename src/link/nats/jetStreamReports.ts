/**
 * Reports to durable senders, stored (jetStreamLog.ts): what a receiver's gets did with a
 * sender's messages (taken, expired, dead-lettered, skipped) and a channel's destruction go into
 * the stream `<stream>_REPORTS`, one subject per (channel, producer), and a sender reads its
 * subject with an ordered consumer. A sender whose connection to NATS was away while its reports
 * passed reads them when it is back, so its puts' callbacks still run (as plain NATS messages they
 * were lost, and the sender waited for ever). A receiver publishes the reports of one subject one
 * at a time, in order, each retried until stored, so a sender sees them in the order they were
 * made.
 * @internal
 * @packageDocumentation
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import type { DurableReport } from '../../kernel/net/durable.js';
import { decodeReports, encodeReports } from './jetStreamWire.js';

type StartTime = typeof import('@nats-io/jetstream').DeliverPolicy.StartTime;

/** The first pause before a publish is tried again (doubling, up to `MAX_RETRY_MS`). */
const RETRY_MS = 100;
const MAX_RETRY_MS = 5000;
/** A sender reads its subject from a little before it started listening: clocks of servers and clients differ. */
const START_SLACK_MS = 2000;

/** The receiver's side: reports to publish, per subject in order, each until stored. */
export class ReportQueue {
  private readonly queues = new Map<string, Uint8Array[]>();
  private closed = false;

  /** @param isClosed whether the connection is closed for good (then nothing more is tried) */
  constructor(private readonly js: JetStreamClient, private readonly timeoutMs: number, private readonly isClosed: () => boolean) {}

  /** Publish `reports` on `subject` after what waits there already. */
  push(subject: string, reports: readonly DurableReport[]): void {
    if (this.closed) return;
    const q = this.queues.get(subject);
    if (q !== undefined) {
      q.push(encodeReports(reports));
      return;
    }
    this.queues.set(subject, [encodeReports(reports)]);
    void this.drain(subject);
  }

  /** No more publishing (what waits is dropped: its senders keep waiting, bounded by `maxUntaken`). */
  close(): void {
    this.closed = true;
    this.queues.clear();
  }

  private async drain(subject: string): Promise<void> {
    const q = this.queues.get(subject)!;
    let pause = RETRY_MS;
    while (q.length > 0 && !this.closed && !this.isClosed()) {
      try {
        await this.js.publish(subject, q[0]!, { timeout: this.timeoutMs });
        q.shift();
        pause = RETRY_MS;
      } catch {
        // the server away or slow: the same report again, later (a report stored twice is read twice: harmless)
        await new Promise((r) => setTimeout(r, pause));
        pause = Math.min(MAX_RETRY_MS, pause * 2);
      }
    }
    if (this.queues.get(subject) === q) this.queues.delete(subject);
  }
}

/**
 * The sender's side: `listener` gets the reports stored on `subject` from about now on, through
 * an ordered consumer of `stream` (made again after a reconnect or a server restart, from where
 * it was), until the connection is closed for good. Returns the function that stops it.
 */
export function readReports(
  js: JetStreamClient,
  isClosed: () => boolean,
  stream: string,
  subject: string,
  startTime: StartTime,
  listener: (reports: readonly DurableReport[]) => void,
): () => void {
  let stopped = false;
  let stop: (() => void) | null = null;
  const from = new Date(Date.now() - START_SLACK_MS).toISOString();
  void (async () => {
    let pause = RETRY_MS;
    // a connection closed for good ends it too (its timers would keep a process alive)
    while (!stopped && !isClosed()) {
      try {
        const c = await js.consumers.get(stream, { filter_subjects: subject, deliver_policy: startTime, opt_start_time: from });
        const messages = await c.consume({ callback: (m) => { if (!stopped) listener(decodeReports(m.data)); } });
        if (stopped) { void messages.stop(); return; }
        stop = () => { void messages.stop(); };
        // ends when the consumer stops for good (the stream deleted, the connection closed): start again
        await messages.closed();
      } catch {
        // the server away, the stream not there yet: try again
      }
      if (stopped || isClosed()) return;
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(MAX_RETRY_MS, pause * 2);
    }
  })();
  return () => {
    stopped = true;
    stop?.();
  };
}
