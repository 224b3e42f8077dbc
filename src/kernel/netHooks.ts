/**
 * The seam between the kernel's call modules and the net manager, on the kernel's floor: the
 * shapes of the remote ends the kernel's objects carry and of the global name table its name
 * calls use (qnet.md §2, §3.8). `net/` implements them; the kernel imports nothing of `net/`, so
 * a kernel without a node name loads no net code path.
 *
 * `NetHooks` itself, the net manager as the call modules see it, is declared beside
 * `KernelCore.net` in `core.ts`: its calls take a `KernelCore`, so it cannot live here without
 * tying this file and `core.ts` into an import circle. This file imports nothing.
 * @internal
 * @packageDocumentation
 */

/** The peer a remote connection or send goes to (the net manager's node entry). */
export interface PeerRef {
  readonly nd: number;
  readonly name: string;
}

/** What makes a `SendWait` a network send. */
export interface NetCall {
  /** true: the client's remote wait; false: a vthread's send on the server node. */
  readonly client: boolean;
  readonly xid: number;
  readonly peer: PeerRef;
  /** Server side: the client node's nd for this node (`_msg_info.srcnd`). */
  readonly srcnd: number;
  /** Server side: a receive takes at most this many bytes (0: no cap; see `firstChunkBytes`). */
  readonly chunk: number;
}

/** The remote end of a client connection: (node, pid, chid) and the attach's progress. */
export interface RemoteConn {
  readonly peer: PeerRef;
  readonly pid: number;
  readonly chid: number;
  /** The connection's id on the link (one per client connection). */
  readonly cid: number;
  /** 'new': nothing sent yet; 'connecting': CONNECT sent; 'connected'; 'failed' (see `errno`). */
  state: 'new' | 'connecting' | 'connected' | 'failed';
  /** The server's scoid once CONNECTED (-1 before: QNX's `infoscoid = -1`). */
  scoid: number;
  /** Why the attach failed (EPERM keeps failing sends; ESRCH kills the coids). */
  errno: number;
}

/** One provider of a global name: its node (0: this one), pid and chid. */
export interface NameProvider {
  readonly nd: number;
  readonly pid: number;
  readonly chid: number;
}

/**
 * The global name table (qnet.md §3.8) as the kernel's name calls see it (`names.ts`);
 * `net/globalNames.ts` implements it.
 */
export interface NetNames {
  /** A local global attach: recorded, and announced to every node that is up. */
  add(name: string, pid: number, chid: number): void;
  /** A local global detach (or its process's death). */
  remove(name: string, pid: number, chid: number): void;
  /** The provider a `name_open` binds: a local one first, else the live remote ones in turn; null if none. */
  pick(name: string): NameProvider | null;
  /**
   * A transport's way to find a provider the table lacks (NATS: a queue-group request), or null:
   * `done(errno, nd, pid, chid)` from inside a later kernel call.
   */
  readonly resolver: ((name: string, done: (errno: number, nd: number, pid: number, chid: number) => void) => void) | null;
}
