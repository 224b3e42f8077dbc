/**
 * The `DurableLog` on NATS JetStream (issue 25, docs/durable.md): a work-queue stream with a
 * subject per durable channel, a durable pull consumer per channel, a dead-letter stream, a marks
 * stream (one message per channel), and a reports stream (what became of each sender's messages).
 * @packageDocumentation
 */
import { headers, type NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import { ERRNO, KernelError } from '../../kernel/index.js';
import type {
  DurableAck, DurableConsumer, DurableConsumerOptions, DurableDelivery, DurableFeatures, DurableLog, DurableRecord, DurableReport,
} from '../../kernel/net/durable.js';
import { isDurableToken } from '../../kernel/net/durable.js';
import { JetStreamConsumer } from './jetStreamConsumer.js';
import { readReports, ReportQueue } from './jetStreamReports.js';
import { featuresOf } from './jetStreamFeatures.js';
import { untilAnswered } from './jetStreamSetup.js';
import { decodeMarks, encodeMarks, errnoOf, fromHeader, FROM_HEADER, Subjects } from './jetStreamWire.js';

/** Options of {@link jetStreamLog}. */
export interface JetStreamLogOptions {
  /** The stream of durable messages (default `RXNTO_DURABLE`); `<stream>_DLQ` and `<stream>_MARKS` beside it. */
  readonly stream?: string;
  /** The subjects' prefix (default `rxnto.durable`): `<prefix>.d.<channel>` are stored. */
  readonly prefix?: string;
  /** `file` (default: what survives a server restart) or `memory` (lost with the server: tests only). */
  readonly storage?: 'file' | 'memory';
  /** Replicas in a cluster (default 1). */
  readonly replicas?: number;
  /** Most messages and bytes stored (default: no limit); past them a publish is refused and the senders' puts wait (discard new). */
  readonly maxMsgs?: number;
  readonly maxBytes?: number;
  /** JetStream's dedupe window, `duplicate_window`, in ms (default 120 000). */
  readonly duplicateWindowMs?: number;
  /** How long a publish waits for its ack before it is retried (default 5000 ms). */
  readonly publishTimeoutMs?: number;
  /**
   * How long `jetStreamLog()` keeps trying to reach JetStream while the server restarts or
   * JetStream is not ready (default 30 000 ms); then it rejects `ETIMEDOUT` (or `EHOSTUNREACH`
   * when the server has no JetStream).
   */
  readonly setupTimeoutMs?: number;
  /**
   * How long reports to senders stay in `<stream>_REPORTS` (default 3 600 000 ms): a sender away
   * from NATS for less still gets them when it is back.
   */
  readonly reportRetentionMs?: number;
}

/** The JetStream log: a {@link DurableLog}, with the server's features and its streams' names. */
export interface JetStreamLog extends DurableLog {
  readonly stream: string;
  readonly deadLetterStream: string;
  readonly subjects: Subjects;
}

type AckPolicyT = typeof import('@nats-io/jetstream').AckPolicy.Explicit;
type DeliverPolicyT = typeof import('@nats-io/jetstream').DeliverPolicy.All;
type StartTimeT = typeof import('@nats-io/jetstream').DeliverPolicy.StartTime;

const NS = 1_000_000;
const STORED: DurableAck = { err: 0, duplicate: false };
const DUPLICATE: DurableAck = { err: 0, duplicate: true };

/** Make the stream `name` with `config` unless it exists (an existing one is left as its owner made it). */
async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    await jsm.streams.info(config.name);
  } catch (e) {
    if (errnoOf(e) !== ERRNO.ENOENT) throw e;
    await jsm.streams.add(config);
  }
}

/**
 * A {@link DurableLog} on JetStream, for `net: { durable }`: its streams are made if absent
 * (file storage, work-queue retention, discard new), and the server's features detected (see
 * `features`). The connection stays yours: use one with `maxReconnectAttempts: -1`.
 *
 * Production settings (docs/durable.md): `sync_interval: always` (nats-server ≥ 2.10) or an
 * acknowledged write may be lost on a power failure; file storage; three replicas in a cluster.
 *
 * @example
 * ```ts
 * const nc = await connect({ servers: 'nats://127.0.0.1:4222', maxReconnectAttempts: -1 });
 * const log = await jetStreamLog(nc, { stream: 'ORDERS' });
 * const system = createSystem({ node: 'shop', net: { durable: log } });
 * ```
 */
export async function jetStreamLog(nc: NatsConnection, options: JetStreamLogOptions = {}): Promise<JetStreamLog> {
  const stream = options.stream ?? 'RXNTO_DURABLE';
  const subjects = new Subjects(options.prefix ?? 'rxnto.durable');
  if (!/^[A-Za-z0-9_-]+$/.test(stream) || !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(subjects.prefix)) {
    throw new KernelError('EINVAL', 'jetStreamLog', undefined, { reason: 'the stream must be a name and the prefix subject tokens' });
  }
  const setupMs = options.setupTimeoutMs ?? 30_000;
  if (typeof setupMs !== 'number' || !(setupMs >= 0) || !Number.isFinite(setupMs)) {
    throw new KernelError('EINVAL', 'jetStreamLog', undefined, { reason: `setupTimeoutMs must be a finite number of ms ≥ 0, not ${String(setupMs)}` });
  }
  // loaded here, not at the entry's load: `joinNats` users need no JetStream client installed
  const m = await import('@nats-io/jetstream');
  const { AckPolicy, DeliverPolicy, DiscardPolicy, RetentionPolicy, StorageType } = m;
  const storage = options.storage === 'memory' ? StorageType.Memory : StorageType.File;
  const replicas = options.replicas ?? 1;
  // a server restarting (or JetStream not ready yet) is waited for, up to setupTimeoutMs
  const jsm = await untilAnswered('jetStreamLog', setupMs, async () => {
    const jsm = await m.jetstreamManager(nc);
    await ensureStream(jsm, {
      name: stream, subjects: [`${subjects.prefix}.d.>`], retention: RetentionPolicy.Workqueue, discard: DiscardPolicy.New, storage, num_replicas: replicas,
      max_msgs: options.maxMsgs ?? -1, max_bytes: options.maxBytes ?? -1, duplicate_window: (options.duplicateWindowMs ?? 120_000) * NS,
    });
    await ensureStream(jsm, { name: `${stream}_DLQ`, subjects: [`${subjects.prefix}.dlq.>`], retention: RetentionPolicy.Limits, storage, num_replicas: replicas });
    await ensureStream(jsm, {
      name: `${stream}_MARKS`, subjects: [`${subjects.prefix}.m.>`], retention: RetentionPolicy.Limits, storage, num_replicas: replicas, max_msgs_per_subject: 1,
    });
    await ensureStream(jsm, {
      name: `${stream}_REPORTS`, subjects: [`${subjects.prefix}.r.>`, `${subjects.prefix}.x.>`], retention: RetentionPolicy.Limits, storage, num_replicas: replicas,
      max_age: (options.reportRetentionMs ?? 3_600_000) * NS,
    });
    return jsm;
  });
  const js = m.jetstream(nc, { timeout: options.publishTimeoutMs ?? 5000 });
  const policies = { explicit: AckPolicy.Explicit, all: DeliverPolicy.All, startTime: DeliverPolicy.StartTime };
  return new JetStreamDurableLog(() => nc.isClosed(), js, jsm, stream, subjects, featuresOf(nc.info?.version ?? '0.0.0'), options.publishTimeoutMs ?? 5000, policies);
}

class JetStreamDurableLog implements JetStreamLog {
  readonly deadLetterStream: string;

  constructor(
    private readonly isClosed: () => boolean,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly stream: string,
    readonly subjects: Subjects,
    readonly features: DurableFeatures,
    private readonly timeout: number,
    private readonly policies: { readonly explicit: AckPolicyT; readonly all: DeliverPolicyT; readonly startTime: StartTimeT },
  ) {
    this.deadLetterStream = `${stream}_DLQ`;
    this.reports = new ReportQueue(js, timeout, isClosed);
  }

  /** Reports to senders, stored in order per subject (jetStreamReports.ts). */
  private readonly reports: ReportQueue;

  append(records: readonly DurableRecord[], done: (acks: readonly DurableAck[]) => void): void {
    // one publish per message, pipelined; each with its id, so a retry of a stored one is a duplicate
    if (records.length === 0) { queueMicrotask(() => done([])); return; }
    const acks = new Array<DurableAck>(records.length);
    let left = records.length;
    const answer = (i: number, a: DurableAck): void => {
      acks[i] = a;
      if (--left === 0) done(acks);
    };
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const h = headers();
      h.set(FROM_HEADER, fromHeader(r));
      this.js.publish(this.subjects.data(r.name), r.data, { msgID: r.id, headers: h, timeout: this.timeout }).then(
        (a) => answer(i, a.duplicate ? DUPLICATE : STORED),
        (e: unknown) => answer(i, { err: errnoOf(e), duplicate: false }),
      );
    }
  }

  consumer(name: string, options: DurableConsumerOptions, done: (err: number, consumer: DurableConsumer | null) => void): void {
    if (!isDurableToken(name)) { queueMicrotask(() => done(ERRNO.EINVAL, null)); return; }
    const config = {
      durable_name: name, ack_policy: this.policies.explicit, deliver_policy: this.policies.all, filter_subject: this.subjects.data(name),
      ack_wait: options.ackWaitMs * NS, max_deliver: options.maxDeliver > 0 ? options.maxDeliver : -1, max_ack_pending: options.maxAckPending,
    };
    void (async () => {
      try {
        try {
          const ci = await this.jsm.consumers.info(this.stream, name);
          const c = ci.config;
          if (c.ack_wait !== config.ack_wait || c.max_deliver !== config.max_deliver || c.max_ack_pending !== config.max_ack_pending) {
            await this.jsm.consumers.update(this.stream, name, { ack_wait: config.ack_wait, max_deliver: config.max_deliver, max_ack_pending: config.max_ack_pending });
          }
        } catch (e) {
          if (errnoOf(e) !== ERRNO.ENOENT) throw e;
          await this.jsm.consumers.add(this.stream, config);
        }
        const c = await this.js.consumers.get(this.stream, name);
        done(0, new JetStreamConsumer(this.jsm, c, this.stream, name));
      } catch (e) {
        done(errnoOf(e), null);
      }
    })();
  }

  deadLetter(d: DurableDelivery, reason: string, done: (err: number) => void): void {
    const h = headers();
    h.set(FROM_HEADER, fromHeader(d));
    h.set('Rxnto-Id', d.id);
    h.set('Rxnto-Deliveries', String(d.deliveries));
    h.set('Rxnto-Reason', reason);
    this.js.publish(this.subjects.dead(d.name), d.data, { msgID: `dlq:${d.id}:${d.stored}`, headers: h, timeout: this.timeout }).then(
      () => done(0),
      (e: unknown) => done(errnoOf(e)),
    );
  }

  report(name: string, producer: string, reports: readonly DurableReport[]): void {
    this.reports.push(this.subjects.reports(name, producer), reports);
  }

  onReport(name: string, producer: string, listener: (reports: readonly DurableReport[]) => void): () => void {
    const stream = `${this.stream}_REPORTS`;
    const stops = [
      readReports(this.js, this.isClosed, stream, this.subjects.reports(name, producer), this.policies.startTime, listener),
      readReports(this.js, this.isClosed, stream, this.subjects.gone(name), this.policies.startTime, () => listener([{ kind: 'destroyed' }])),
    ];
    return () => { for (const stop of stops) stop(); };
  }

  loadMarks(name: string, done: (err: number, marks: ReadonlyMap<string, number>) => void): void {
    this.jsm.streams.getMessage(`${this.stream}_MARKS`, { last_by_subj: this.subjects.marks(name) }).then(
      (m) => done(0, m === null ? new Map() : decodeMarks(m.data)),
      (e: unknown) => {
        const err = errnoOf(e);
        // no message for that subject yet: no marks
        done(err === ERRNO.ENOENT || /no message found/i.test(String((e as Error).message)) ? 0 : err, new Map());
      },
    );
  }

  saveMarks(name: string, marks: ReadonlyMap<string, number>, done: (err: number) => void): void {
    this.js.publish(this.subjects.marks(name), encodeMarks(marks), { timeout: this.timeout }).then(() => done(0), (e: unknown) => done(errnoOf(e)));
  }

  destroy(name: string, done: (err: number) => void): void {
    void (async () => {
      let err = 0;
      const tolerate = (e: unknown): void => { if (errnoOf(e) !== ERRNO.ENOENT) err = errnoOf(e); };
      await this.jsm.consumers.delete(this.stream, name).catch(tolerate);
      await this.jsm.streams.purge(this.stream, { filter: this.subjects.data(name) }).catch(tolerate);
      await this.jsm.streams.purge(`${this.stream}_MARKS`, { filter: this.subjects.marks(name) }).catch(tolerate);
      this.reports.push(this.subjects.gone(name), [{ kind: 'destroyed' }]);
      done(err);
    })();
  }
}
