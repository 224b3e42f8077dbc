/**
 * rxnto extensions of the C API for durable asynchronous messages across nodes (issue 25,
 * docs/durable.md). QNX's `asyncmsg_channel_create` and `asyncmsg_connect_attach` have no place
 * for a durable name, so these are two more functions with the C shape; everything else
 * (`asyncmsg_put`, `asyncmsg_flush`, `asyncmsg_get`, `asyncmsg_free`) works on what they return.
 * On a durable channel `asyncmsg_free(h)` acknowledges the message: a receiver that dies before
 * freeing one gets it again.
 * @packageDocumentation
 */
import { KernelError, type Kernel, type Sigevent } from '../kernel/index.js';
import type { DurableNode } from '../kernel/net/durable.js';
import { asyncmsg_channel_create, type _asyncmsg_connection_attr, type _asyncmsg_get_header, type asyncmsg_recvbuf_callback_t } from './asyncCalls.js';
import { sys } from './cResult.js';

function durableOf(k: Kernel, call: string): DurableNode {
  const d = k.net?.durable ?? null;
  if (d === null) throw new KernelError('ENOTSUP', call);
  return d;
}

/**
 * `int asyncmsg_channel_create_durable(const char *name, unsigned flags, mode_t mode, size_t
 * buffer_size, unsigned max_num_buffer, const struct sigevent *ev, int (*recvbuf_callback)(...))`
 * (rxnto): `asyncmsg_channel_create`, and the channel is the durable channel `name` of the node's
 * durable log (its consumer is bound, made if absent): a chid, or -1 (ENOTSUP: the node has no
 * durable log; EINVAL: a bad name; EBUSY: the name has a receiver on this node already).
 */
export function asyncmsg_channel_create_durable(
  name: string, flags: number, mode: number, buffer_size: number, max_num_buffer: number, ev: Sigevent | null,
  recvbuf_callback: asyncmsg_recvbuf_callback_t | null,
): number {
  return sys((k, t) => {
    const d = durableOf(k, 'asyncmsg_channel_create');
    const chid = asyncmsg_channel_create(flags, mode, buffer_size, max_num_buffer, ev, recvbuf_callback);
    if (chid === -1) throw new KernelError(t.errno, 'asyncmsg_channel_create');
    try {
      d.bind(t, chid, name);
    } catch (e) {
      k.asyncChannelDestroy(t, chid);
      throw e;
    }
    return chid;
  });
}

/**
 * `int asyncmsg_connect_attach_durable(const char *name, const char *producer, unsigned flags,
 * const struct _asyncmsg_connection_attr *attr)` (rxnto): an asynchronous connection to durable
 * channel `name`, whether or not its receiver exists: a coid, or -1 (ENOTSUP, EINVAL). `producer`
 * (NULL: one made of the node, pid and coid) names the sender across its restarts; callbacks
 * report 0 when a receiver's get took the message and freed it, EIO dead-lettered, ETIMEDOUT
 * expired, EBADF the channel destroyed.
 */
export function asyncmsg_connect_attach_durable(name: string, producer: string | null, flags: number, attr: _asyncmsg_connection_attr | null): number {
  return sys((k, t) => {
    const d = durableOf(k, 'asyncmsg_connect_attach');
    if (attr === null || typeof attr !== 'object') throw new KernelError('EINVAL', 'asyncmsg_connect_attach');
    const cb = attr.call_back;
    const kattr = {
      call_back: cb === null || cb === undefined ? null : (err: number, _buf: unknown, handle: number): void => { cb(err, new Uint8Array(0), handle); },
      buffer_size: attr.buffer_size, max_num_buffer: attr.max_num_buffer, trigger_num_msg: attr.trigger_num_msg,
      trigger_time: attr.trigger_time ?? { nsec: 0, interval_nsec: 0 },
    };
    return d.connect(t, name, kattr, { flags, ...(producer === null ? {} : { producerId: producer }) });
  });
}
