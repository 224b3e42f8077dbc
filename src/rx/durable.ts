/**
 * `asyncChannel({ durable })` and `asyncConnect(name, { durable: true })` (issue 25): the durable
 * forms of RxProcess's asynchronous channel and connection, on the node's durable log.
 * @internal
 * @packageDocumentation
 */
import { KernelError, type Kernel } from '../kernel/index.js';
import type { DurableNode } from '../kernel/net/durable.js';
import type { ChannelOwner } from './Channel.js';
import { bytes as bytesCodec, type Codec } from './codecs.js';
import { DurableChannel } from './DurableChannel.js';
import { DurableConnection } from './DurableConnection.js';
import type { DurableChannelOptions, DurableConnectOptions } from './durableOptions.js';

/** The node's durable layer: ENOTSUP unless the kernel is a node made with `net: { durable }`. */
export function durableNode(kernel: Kernel, call: string): DurableNode {
  const d = kernel.net?.durable ?? null;
  if (d === null) throw new KernelError('ENOTSUP', call, undefined, { reason: 'durable channels need a node made with net: { durable: log }' });
  return d;
}

/** An asynchronous channel of `owner` bound to durable channel `options.durable`. */
export function durableChannel<T>(owner: ChannelOwner, pid: number, options: DurableChannelOptions<T>): DurableChannel<T> {
  const node = durableNode(owner.kernel, 'asyncmsg_channel_create');
  const maxNumBuffer = options.maxNumBuffer ?? 5;
  const chid = owner.kernel.asyncChannelCreate(owner.control, 0, 0o666, options.bufferSize ?? 4096, maxNumBuffer, null);
  const r = options.resume;
  const resume = r === undefined ? new Map<string, number>() : r instanceof Map ? r : new Map(Object.entries(r));
  try {
    node.bind(owner.control, chid, options.durable, resume);
  } catch (e) {
    owner.kernel.asyncChannelDestroy(owner.control, chid);
    throw e;
  }
  return new DurableChannel<T>({ owner, chid, codec: (options.codec ?? bytesCodec) as Codec<T>, maxNumBuffer, node, name: options.durable }, pid);
}

/** An asynchronous connection of `owner` to durable channel `name`. */
export function durableConnect<T>(owner: ChannelOwner, name: string, options: DurableConnectOptions<T>): DurableConnection<T> {
  const node = durableNode(owner.kernel, 'asyncmsg_connect_attach');
  const coid = node.connect(owner.control, name, {
    call_back: null,
    buffer_size: 0,
    max_num_buffer: options.ringSize ?? 64,
    trigger_num_msg: options.count ?? 1,
    trigger_time: { nsec: (options.time ?? 0) * 1e6, interval_nsec: (options.interval ?? 0) * 1e6 },
  }, {
    ...(options.producerId === undefined ? {} : { producerId: options.producerId }),
    ...(options.epoch === undefined ? {} : { epoch: options.epoch }),
    ...(options.ttl === undefined ? {} : { ttlMs: options.ttl }),
  });
  const { producer, epoch } = node.identity(owner.control, coid);
  return new DurableConnection<T>({ owner, coid, codec: (options.codec ?? bytesCodec) as Codec<T> }, node, name, producer, epoch);
}
