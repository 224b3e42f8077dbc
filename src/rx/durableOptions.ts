/**
 * The options of durable asynchronous channels and connections (issue 25, docs/durable.md).
 * @packageDocumentation
 */
import type { AsyncChannelOptions, AsyncConnectOptions } from './processOptions.js';

/** Options of `asyncChannel({ durable })`: an asynchronous channel that is the durable channel `durable`. */
export interface DurableChannelOptions<T> extends AsyncChannelOptions<T> {
  /**
   * The durable channel's name (letters, digits, `-`, `_`): the consumer of the node's durable
   * log is named after it, so a receiver started again (another chid, another process, another
   * machine) resumes where the last one settled. One receiver per name per node (EBUSY).
   */
  readonly durable: string;
  /**
   * The app's own high-water marks (`<producer>:<epoch>` → seq, as {@link DurableReceived.mark}
   * gives them), saved with its own state: what they cover is dropped as already handled. The
   * only route to effectively-once (docs/durable.md).
   */
  readonly resume?: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
}

/** Options of `asyncConnect(name, { durable: true })`: an asynchronous connection's, and the producer's identity. */
export interface DurableConnectOptions<T> extends AsyncConnectOptions<T> {
  readonly durable: true;
  /**
   * Who puts (letters, digits, `-`, `_`), the same across this sender's restarts (default
   * `<node>-<pid>-<coid>`). With a new epoch per attach, it makes every message id
   * `<producer>:<epoch>:<seq>` unique, and orders the receiver's FIFO per connection.
   */
  readonly producerId?: string;
  /** This connection's epoch (default: new on each attach). Give one only to replay a test. */
  readonly epoch?: number;
  /** Milliseconds a message may wait for a receiver (default: for ever); then its report is ETIMEDOUT. */
  readonly ttl?: number;
}
