/**
 * The messages a channel's subscribers hold and have not answered, so that an unblock pulse (a
 * client asking to leave) reaches the one it names.
 * @packageDocumentation
 */
import { _PULSE_CODE_UNBLOCK } from '../kernel/index.js';
import type { ReceivedMessage, ReceivedPulse } from './Received.js';

/** @internal A receiving subscription: the message it holds now, if any. */
export interface Holder {
  current: ReceivedMessage<unknown, unknown> | null;
}

/**
 * @internal Subscriptions register once (no work per message); a message let go before its
 * answer (`release()`) is kept by rcvid until it is answered.
 */
export class InHand {
  readonly holders = new Set<Holder>();
  private readonly released = new Map<number, ReceivedMessage<unknown, unknown>>();

  /** A message leaves its subscription unanswered: keep it until its answer. */
  keep(m: ReceivedMessage<unknown, unknown>): void {
    if (m.answered) return;
    this.released.set(m.rcvid, m);
    m.onDone = () => { this.released.delete(m.rcvid); };
  }

  /** If `p` is an unblock pulse for a message in hand, cancel that message (its `signal` aborts). */
  pulse(p: ReceivedPulse): void {
    if (p.code !== _PULSE_CODE_UNBLOCK) return;
    const rcvid = p.value;
    for (const h of this.holders) {
      if (h.current !== null && h.current.rcvid === rcvid) {
        h.current.cancel();
        return;
      }
    }
    this.released.get(rcvid)?.cancel();
  }
}
