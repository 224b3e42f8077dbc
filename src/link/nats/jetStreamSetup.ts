/**
 * Setting up the JetStream log while the server may be away: a nats-server restarting, or
 * JetStream not yet ready after its start, answers a request with a timeout or "no responders";
 * those are tried again until a deadline, then reported with what the last try said.
 * @packageDocumentation
 */
import { ERRNO, KernelError } from '../../kernel/index.js';
import { errnoOf } from './jetStreamWire.js';

/** Pause between tries (ms). */
const RETRY_MS = 200;

/**
 * Run `setup` until it completes, trying again after a timeout or "no responders" (the server
 * restarting, JetStream not ready) for at most `deadlineMs` of wall time; any other error (a
 * refused configuration, a permission) fails at once, as it would again.
 *
 * @throws KernelError `ETIMEDOUT` (JetStream did not answer by the deadline) or `EHOSTUNREACH`
 *   (the server answered that no JetStream listens: is it started with `-js`?), with the last
 *   error as `cause`.
 */
export async function untilAnswered<T>(call: string, deadlineMs: number, setup: () => Promise<T>): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await setup();
    } catch (e) {
      if (e instanceof KernelError) throw e;
      const errno = errnoOf(e);
      if (errno !== ERRNO.ETIMEDOUT && errno !== ERRNO.EHOSTUNREACH) throw e;
      if (Date.now() + RETRY_MS >= end) {
        const reason = errno === ERRNO.EHOSTUNREACH
          ? `no JetStream answered within ${deadlineMs} ms (is nats-server started with -js?)`
          : `JetStream did not answer within ${deadlineMs} ms (the server down or restarting)`;
        throw new KernelError(errno, call, undefined, { cause: e, reason });
      }
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
}
