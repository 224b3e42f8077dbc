/**
 * One subscriber of a {@link Channel}: a receiving logical thread that holds each message until
 * it is answered, takes pulses while it holds one (so an unblock pulse cancels the work), and
 * answers a message its codec cannot decode with EBADMSG instead of throwing.
 * @packageDocumentation
 */
import type { Subscriber, TeardownLogic } from 'rxjs';
import { ERRNO, KernelError, type Thread } from '../kernel/index.js';
import type { ChannelOwner } from './Channel.js';
import type { Holder } from './inHand.js';
import { pulseItem, type Received, type ReceivedMessage, type ReceivedPulse } from './Received.js';
import { Receiver, type ReceiveContext } from './Receiver.js';
import { bytes as bytesCodec } from './codecs.js';

const NOOP = (): void => {};

/** `item` with a non-enumerable `hold()` (it still compares and prints as its data). */
function withHold(item: ReceivedPulse, hold: () => () => void): ReceivedPulse {
  return Object.defineProperty(item, 'hold', { value: hold });
}

/**
 * @internal The subscribe function of a channel. With `messagesOnly` (`messages()` on the
 * channel itself) pulses are taken as ever (an unblock pulse still cancels the message it names)
 * but never emitted: what `filter` would drop is not made into an item at all.
 */
export function subscribeChannel<T, R>(
  owner: ChannelOwner, ctx: ReceiveContext<T, R>, destroyed: () => boolean, subscriber: Subscriber<Received<T, R>>, messagesOnly = false,
): TeardownLogic {
  const thread = owner.acquireThread();
  const holder: Holder = { current: null };
  ctx.inHand.holders.add(holder);
  let active = true;
  let stopPulses = NOOP;
  const stop = (err: unknown): void => {
    active = false;
    ctx.inHand.holders.delete(holder);
    stopPulses();
    owner.releaseThread(thread);
    if (destroyed() && (!(err instanceof KernelError) || err.errno === ERRNO.ESRCH)) subscriber.complete();
    else subscriber.error(err);
  };
  // the process may die with this thread RECEIVE-blocked: its continuation would never run
  thread.onExit = () => { if (active) stop(new KernelError(ERRNO.ESRCH, 'MsgReceive', { chid: ctx.chid })); };
  const arm = (): void => {
    if (!active) return;
    try {
      receiver.arm();
    } catch (e) {
      stop(e);
    }
  };
  const onPulse = (item: ReceivedPulse): void => {
    ctx.inHand.pulse(item);
    if (messagesOnly) {
      arm();
      return;
    }
    // pulses need no answer: receive again at once, unless the subscriber holds the thread
    let held = false;
    let emitting = true;
    let released = false;
    subscriber.next(withHold(item, () => {
      // too late once the emission is over: the thread receives again already
      if (!emitting) return NOOP;
      held = true;
      return () => {
        if (released) return;
        released = true;
        arm();
      };
    }));
    emitting = false;
    if (!held) arm();
  };
  // one function for every message (no closure per message): the message in hand is settled
  const settled = (): void => {
    const m = holder.current;
    holder.current = null;
    // answered (the common case): nothing to keep, and no pulse watch to stop unless one was started
    if (m !== null && !m.answered) ctx.inHand.keep(m);
    if (stopPulses !== NOOP) {
      stopPulses();
      stopPulses = NOOP;
    }
    arm();
  };
  const onMessage = (item: ReceivedMessage<T, R>): void => {
    // decode now: a message the codec cannot read is answered EBADMSG, never thrown at the
    // subscriber (bytes cannot fail: nothing to do)
    if (ctx.codec !== bytesCodec) try {
      void item.data;
    } catch (e) {
      const err = new KernelError(ERRNO.EBADMSG, 'MsgReceive', { rcvid: item.rcvid, chid: ctx.chid }, { cause: e, reason: `the ${ctx.codec.name} codec could not decode the message` });
      try { item.error(ERRNO.EBADMSG); } catch { /* the client left already */ }
      ctx.errors.next(err);
      arm();
      return;
    }
    // busy with this message until it is answered (or released): then receive again
    holder.current = item as ReceivedMessage<unknown, unknown>;
    item.onSettled = settled;
    subscriber.next(item);
    // still in hand after the subscriber returned: take pulses meanwhile (unblock = cancel)
    if (holder.current === item && ctx.unblock && active) stopPulses = watchPulses(owner, ctx, (p) => {
      ctx.inHand.pulse(p);
      if (!messagesOnly) subscriber.next(p);
    });
  };
  const receiver = new Receiver<T, R>(ctx, thread, owner.scratch(thread, ctx.bufferSize), (err, item) => {
    if (!active) return;
    if (err !== null) stop(err);
    else if (item === undefined) arm();
    else if (item.kind === 'pulse') onPulse(item);
    else onMessage(item);
  });
  arm();
  return () => {
    if (!active) return;
    active = false;
    ctx.inHand.holders.delete(holder);
    stopPulses();
    // the receiving thread leaves the receive queue at once (an unblock), then goes back to the pool
    owner.kernel.unblock(thread, ERRNO.EINTR);
    owner.releaseThread(thread);
  };
}

/**
 * While a subscriber holds a message, a second logical thread of its process waits in
 * `MsgReceivePulse` (messages stay queued: back-pressure holds). Returns the function that stops it.
 */
function watchPulses<T, R>(owner: ChannelOwner, ctx: ReceiveContext<T, R>, emit: (p: ReceivedPulse) => void): () => void {
  const t: Thread = owner.acquireThread();
  const buf = owner.scratch(t, 16);
  let on = true;
  const stop = (): void => {
    if (!on) return;
    on = false;
    if (t.wait !== null) owner.kernel.unblock(t, ERRNO.EINTR);
    owner.releaseThread(t);
  };
  const next = (): void => {
    try {
      owner.kernel.msgReceivePulse(t, ctx.chid, buf, (err) => {
        if (!on) return;
        if (err !== 0) {
          stop();
          return;
        }
        emit(pulseItem(buf));
        if (on) next();
      });
    } catch {
      stop();
    }
  };
  next();
  return stop;
}
