/**
 * The sender side of a durable asynchronous connection (durable.md, "trigger", "store full"):
 * the ring and triggers are the kernel's as for any asynchronous connection; a trigger publishes
 * the newly visible messages, each with its per-connection seq and id `<producer>:<epoch>:<seq>`;
 * a slot is freed when the log has stored its message (in put order), and the put's callback runs
 * when the receiver reports it taken (EOK, EMSGSIZE), expired (ETIMEDOUT), dead-lettered (EIO),
 * skipped as lost (ENOMSG), or its channel destroyed (EBADF). A refused or unanswered publish is
 * retried with the same ids (the log's dedupe window catches a retry of a stored one; the
 * receiver's high-water mark catches it beyond the window); a full store leaves the messages in
 * the ring, so `next()` fails EAGAIN and `put()` waits.
 * @internal
 * @packageDocumentation
 */
import { consumed, runCallback } from '../asyncDelivery.js';
import { closeAsync } from '../asyncTeardown.js';
import { copyBuffers, type Buffers } from '../buffers.js';
import type { KernelCore } from '../core.js';
import { ERRNO } from '../errno.js';
import type { AsyncConn, AsyncEntry } from '../objects.js';
import type { DurableEvent } from './durableEvents.js';
import { durableId, type DurableAck, type DurableLog, type DurableRecord, type DurableReport } from './durableLog.js';

/** What a sender needs of its node. */
export interface DurableHost {
  readonly k: KernelCore;
  readonly log: DurableLog;
  readonly node: string;
  readonly maxUntaken: number;
  /** Whether anyone listens to the events (a `stored` event per message costs nothing otherwise). */
  readonly listening: boolean;
  emit(e: DurableEvent): void;
}

const MIN_RETRY_MS = 20;
const MAX_RETRY_MS = 2000;

/** One durable connection's sender state, beside its kernel `AsyncConn`. */
export class DurableSender {
  /** The seq of the ring's first entry. */
  private head = 1;
  /** Ring entries (from the head) published at least once. */
  private sent = 0;
  /** Seqs stored but not at the head yet (an earlier one still waits for its ack). */
  private readonly stored = new Set<number>();
  /** Stored messages whose fate the sender waits for, by seq. */
  private readonly untaken = new Map<number, AsyncEntry>();
  /** Reports that came before the store's ack (the receiver is quick, the ack slow): seq → errno. */
  private readonly early = new Map<number, number>();
  /** Records to publish again, by seq. */
  private readonly retry = new Map<number, DurableRecord>();
  private retryMs = MIN_RETRY_MS;
  /** A batch is out: the next one waits for its answers (so the store keeps each connection's order). */
  private inflight = false;
  private retryTimer: { unsubscribe(): void } | null = null;
  private readonly stopReports: () => void;
  private ended = false;

  constructor(
    private readonly host: DurableHost,
    readonly c: AsyncConn,
    readonly name: string,
    readonly producer: string,
    readonly epoch: number,
    private readonly ttlMs: number,
  ) {
    const k = host.k;
    this.stopReports = host.log.onReport(name, producer, (reports) => k.run(() => this.onReports(reports)));
  }

  private get k(): KernelCore {
    return this.host.k;
  }

  /** A trigger made messages visible: publish what the untaken bound allows. */
  trigger(): void {
    const c = this.c;
    c.visible = c.entries.length;
    this.pump();
  }

  /**
   * Publish the visible messages not sent yet, as far as the untaken bound allows: one batch at a
   * time, and none while a refused message waits to be published again, so the store holds each
   * connection's messages in seq order (a receiver at its ack limit could not wait for one that
   * was stored after those it holds).
   */
  private pump(): void {
    const c = this.c;
    if (!this.alive() || this.inflight || this.retry.size > 0) return;
    const room = this.host.maxUntaken - this.untaken.size - this.sent;
    const n = Math.min(c.visible - this.sent, room);
    if (n <= 0) return;
    const records: DurableRecord[] = [];
    for (let i = 0; i < n; i++) records.push(this.record(this.sent + i));
    this.sent += n;
    this.publish(records);
  }

  private record(index: number): DurableRecord {
    const e = this.c.entries.at(index)!;
    const seq = this.head + index;
    return {
      name: this.name, id: durableId(this.producer, this.epoch, seq), producer: this.producer, epoch: this.epoch, seq,
      node: this.host.node, pid: this.c.conn.client.pid, coid: this.c.coid, ttlMs: this.ttlMs, data: flat(e.buf, e.len),
    };
  }

  private publish(records: readonly DurableRecord[]): void {
    this.inflight = true;
    this.host.log.append(records, (acks) => this.k.run(() => this.onAcks(records, acks)));
  }

  private onAcks(records: readonly DurableRecord[], acks: readonly DurableAck[]): void {
    this.inflight = false;
    if (!this.alive()) return;
    let failed = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const a = acks[i] ?? { err: ERRNO.ETIMEDOUT, duplicate: false };
      if (r.seq < this.head || this.stored.has(r.seq)) continue; // a retry's second answer
      if (a.err === 0) {
        this.stored.add(r.seq);
        if (this.host.listening) this.host.emit({ type: 'stored', name: this.name, pid: r.pid, coid: r.coid, handle: this.c.entries.at(r.seq - this.head)!.handle, id: r.id, duplicate: a.duplicate });
        this.retry.delete(r.seq);
      } else {
        failed = a.err;
        this.retry.set(r.seq, r);
      }
    }
    if (failed !== 0) {
      this.host.emit({ type: 'error', name: this.name, call: 'append', errno: failed });
      this.armRetry();
    } else if (this.retry.size === 0) {
      this.retryMs = MIN_RETRY_MS;
    }
    this.freeStored();
  }

  /** Free the stored prefix of the ring (slots in put order), then let waiting puts in. */
  private freeStored(): void {
    const c = this.c;
    let freed = false;
    while (this.sent > 0 && this.stored.delete(this.head)) {
      const e = c.entries.shift()!;
      c.visible--;
      this.sent--;
      const seq = this.head++;
      freed = true;
      const err = this.early.get(seq);
      if (err === undefined) this.untaken.set(seq, e);
      else {
        this.early.delete(seq);
        runCallback(this.k, c, e, err);
      }
    }
    if (freed) consumed(this.k, c);
    this.pump();
  }

  private armRetry(): void {
    if (this.retryTimer !== null) return;
    const ms = this.retryMs;
    this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
    this.retryTimer = this.k.schedule(() => {
      this.retryTimer = null;
      if (!this.alive() || this.retry.size === 0) return;
      const again = [...this.retry.values()].sort((a, b) => a.seq - b.seq);
      this.retry.clear();
      this.publish(again);
    }, ms);
  }

  private onReports(reports: readonly DurableReport[]): void {
    if (!this.alive()) return;
    for (const r of reports) {
      if (r.kind === 'destroyed') {
        this.destroyed();
        return;
      }
      if (r.epoch !== this.epoch) continue;
      if (r.kind === 'done') this.resolve(r.seq, r.err);
      else for (const seq of [...this.untaken.keys()]) if (seq >= r.from && seq <= r.to) this.resolve(seq, ERRNO.ENOMSG);
    }
    this.pump();
  }

  private resolve(seq: number, err: number): void {
    const e = this.untaken.get(seq);
    if (e !== undefined) {
      this.untaken.delete(seq);
      runCallback(this.k, this.c, e, err);
    } else if (seq >= this.head && seq < this.head + this.sent) {
      this.early.set(seq, err);
    }
  }

  /** The channel is gone for good: every message not taken completes EBADF, the connection ends. */
  private destroyed(): void {
    const c = this.c;
    const left = [...this.untaken.values()];
    this.untaken.clear();
    for (const e of left) runCallback(this.k, c, e, ERRNO.EBADF);
    closeAsync(this.k, c, true);
    this.end();
  }

  /** Whether the connection lives; a dead one stops listening. */
  private alive(): boolean {
    if (this.c.alive && !this.ended) return true;
    this.end();
    return false;
  }

  /**
   * The connection ended (detach, its process's death): nothing is published any more, and the
   * messages stored stay deliverable (their callbacks do not run: the connection is gone).
   */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stopReports();
    this.retryTimer?.unsubscribe();
    this.retryTimer = null;
    this.untaken.clear();
    this.early.clear();
    this.retry.clear();
  }

  /** Stored messages still waiting for their fate (for tests and stats). */
  get waiting(): number {
    return this.untaken.size;
  }
}

/** `len` bytes of `buf` as one array (an iov gathered; a whole array as it is). */
function flat(buf: Buffers, len: number): Uint8Array {
  if (buf instanceof Uint8Array) return buf.length === len ? buf : buf.subarray(0, len);
  const out = new Uint8Array(len);
  copyBuffers(buf, 0, out, 0, len);
  return out;
}
