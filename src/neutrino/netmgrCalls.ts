/**
 * `<sys/netmgr.h>`: node descriptors and node names (Qnet). An nd is this kernel's handle for a
 * node, not the same on every node: pass names between nodes (`netmgr_ndtostr`), never nds.
 * @packageDocumentation
 */
import { KernelError, ND_NODE_MASK } from '../kernel/index.js';
import { sys } from './cResult.js';

const encoder = new TextEncoder();

/** `char **endstr`: where `netmgr_strtond` leaves the rest of the string after the node name. */
export interface EndStr {
  value?: string;
}

/**
 * `int netmgr_strtond(const char *nodename, char **endstr)`: the nd of `nodename` (`b`,
 * `/net/b`, `/net/b/dev/…`, `b.domain`); 0 for this node. `endstr.value` gets what follows the
 * node part (`/dev/…`). -1: ENOTSUP (this kernel is not a node), EINVAL (not a node name).
 */
export function netmgr_strtond(nodename: string, endstr?: EndStr | null): number {
  return sys((k) => {
    const { nd, end } = k.netmgrStrtond(nodename);
    if (endstr !== undefined && endstr !== null) endstr.value = nodename.slice(end);
    return nd;
  });
}

/**
 * `int netmgr_ndtostr(unsigned flags, int nd, char *buf, size_t maxbuf)`: the node's name (with
 * `ND2S_DIR_SHOW`: `/net/<name>/`) written into `buf` with its NUL, cut to `maxbuf`; returns the
 * length of the whole string. -1: ENOTSUP (not a node), EBADF (an nd this kernel never gave).
 */
export function netmgr_ndtostr(flags: number, nd: number, buf: Uint8Array, maxbuf: number): number {
  return sys((k) => {
    if (!(buf instanceof Uint8Array)) throw new KernelError('EFAULT', 'netmgr_ndtostr');
    const bytes = encoder.encode(k.netmgrNdtostr(flags, nd));
    const room = Math.max(0, Math.min(maxbuf, buf.length) - 1);
    const n = Math.min(room, bytes.length);
    buf.set(bytes.subarray(0, n));
    if (Math.min(maxbuf, buf.length) > 0) buf[n] = 0;
    return bytes.length;
  });
}

/** `int netmgr_remote_nd(int remote_nd, int local_nd)`: -1 ENOSYS in this version (pass node names between nodes instead). */
export function netmgr_remote_nd(remote_nd: number, local_nd: number): number {
  return sys(() => {
    void remote_nd;
    void local_nd;
    throw new KernelError('ENOSYS', 'netmgr_remote_nd', undefined, { reason: 'pass node names between nodes (netmgr_ndtostr), not nds' });
  });
}

/** `ND_NODE_CMP(a, b)` (a macro): 0 when two nds name the same node (their QoS bits aside); a `TypeError` for what is not a number. */
export function ND_NODE_CMP(a: number, b: number): number {
  if (typeof a !== 'number' || typeof b !== 'number') throw new TypeError('ND_NODE_CMP compares two nds (numbers)');
  return (a & ND_NODE_MASK) - (b & ND_NODE_MASK);
}
