/** Shapes shared by the kernel's calls, with the C field names. */

/** `struct _msg_info`: what a server learns about a received message. */
export interface MsgInfo {
  nd: number;
  srcnd: number;
  pid: number;
  tid: number;
  chid: number;
  scoid: number;
  coid: number;
  msglen: number;
  srcmsglen: number;
  dstmsglen: number;
  priority: number;
  flags: number;
}

/** A fresh `_msg_info` with every field 0, to pass as an out-parameter. */
export function emptyMsgInfo(): MsgInfo {
  return { nd: 0, srcnd: 0, pid: 0, tid: 0, chid: 0, scoid: 0, coid: 0, msglen: 0, srcmsglen: 0, dstmsglen: 0, priority: 0, flags: 0 };
}

/** `union sigval` (only the integer member is modelled). */
export interface Sigval {
  sival_int: number;
}

/** `struct sigevent`. `sigev_notify` is one of the `SIGEV_*` types. */
export interface Sigevent {
  sigev_notify: number;
  sigev_coid?: number;
  sigev_priority?: number;
  sigev_code?: number;
  sigev_value?: Sigval;
  sigev_signo?: number;
}

/** `struct _itimer`: first expiry and period, in nanoseconds. */
export interface Itimer {
  nsec: number | bigint;
  interval_nsec: number | bigint;
}

/** A received pulse, decoded from `struct _pulse`. */
export interface PulseData {
  type: number;
  subtype: number;
  code: number;
  value: Sigval;
  scoid: number;
}

/** Thread states as QNX names them (`pidin` column STATE). */
export type ThreadStateName = 'DEAD' | 'RUNNING' | 'READY' | 'SEND' | 'RECEIVE' | 'REPLY' | 'NANOSLEEP' | 'CONDVAR';

/** One event of the kernel trace. */
export interface TraceEvent {
  /** Scheduler time in milliseconds. */
  readonly time: number;
  readonly kind:
    | 'send' | 'receive' | 'reply' | 'error' | 'pulse' | 'unblock' | 'timeout'
    | 'death' | 'disconnect' | 'channel' | 'connect' | 'detach' | 'state'
    /** A peer node came up or went down (nodes: qnet.md), and a frame or remote pulse dropped. */
    | 'node' | 'drop'
    /** A write action of the live inspector (`rxnto/inspector`: kill, unblock, pulse), before it is done. */
    | 'inspector';
  readonly pid: number;
  readonly tid: number;
  readonly detail: Readonly<Record<string, number | string>>;
}

/** A thread as reported by {@link KernelSnapshot}. */
export interface ThreadSnapshot {
  readonly tid: number;
  readonly name: string;
  readonly priority: number;
  readonly state: ThreadStateName;
  /** What it is blocked on, in `pidin` style (`chid 1`, `pid 2 coid 3`), or empty. */
  readonly blocked: string;
}

/** A channel as reported by {@link KernelSnapshot}. */
export interface ChannelSnapshot {
  readonly chid: number;
  readonly flags: number;
  readonly receivers: readonly number[];
  readonly sendQueue: readonly string[];
  readonly replySet: readonly number[];
}

/** A process as reported by {@link KernelSnapshot}. */
export interface ProcessSnapshot {
  readonly pid: number;
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly threads: readonly ThreadSnapshot[];
  readonly channels: readonly ChannelSnapshot[];
  readonly coids: readonly number[];
}

/** Every process, thread and channel queue at one instant (like `pidin`). */
export interface KernelSnapshot {
  readonly time: number;
  readonly processes: readonly ProcessSnapshot[];
  /** This kernel's node name, when it is one. */
  readonly node?: string;
  /** Remote clients seen on this node: one proxy per (node, pid), apart from local pids. */
  readonly proxies?: readonly ProxySnapshot[];
  /** The asynchronous channels (`asyncmsg_channel_create`) and their senders' rings (always present, maybe empty). */
  readonly asyncChannels?: readonly AsyncChannelSnapshot[];
}

/** An asynchronous channel as reported by {@link KernelSnapshot}. */
export interface AsyncChannelSnapshot {
  /** The receiving process. */
  readonly pid: number;
  readonly chid: number;
  /** Messages triggers made visible and no `asyncmsg_get` took yet, over every connection. */
  readonly visible: number;
  /** Its senders' connections, in the order they attached. */
  readonly connections: readonly AsyncConnectionSnapshot[];
}

/** A sender's asynchronous connection: its ring and triggers. */
export interface AsyncConnectionSnapshot {
  /** The sender's pid (on its own node). */
  readonly pid: number;
  /** A sender on another node: its node's name (its ring here holds the batches that crossed). */
  readonly node?: string;
  /** The sender's coid. */
  readonly coid: number;
  /** Messages in the ring: put and not yet consumed (at most `ringSize - 1`). */
  readonly fill: number;
  /** The ring's `max_num_buffer`. */
  readonly ringSize: number;
  /** Of `fill`, the puts no trigger made visible yet. */
  readonly pending: number;
  /** `trigger_num_msg` (0: none) and `trigger_time` in ms (0: none). */
  readonly triggerCount: number;
  readonly triggerTimeMs: number;
}

/** A remote client process as its proxy on the server node (qnet.md §3.1). */
export interface ProxySnapshot {
  /** The client's node (its name) and this kernel's nd for it. */
  readonly node: string;
  readonly nd: number;
  /** The client's pid on its own node. */
  readonly pid: number;
  /** Its vthreads (the client's tids). */
  readonly threads: readonly ThreadSnapshot[];
}

/** `struct _cred_info`. */
export interface CredInfo {
  ruid: number;
  euid: number;
  suid: number;
  rgid: number;
  egid: number;
  sgid: number;
  ngroups: number;
  grouplist: number[];
}

/** `struct _client_info`: who is at the other end of a server connection. */
export interface ClientInfo {
  nd: number;
  pid: number;
  sid: number;
  flags: number;
  cred: CredInfo;
}

/** A fresh `_client_info` to pass as an out-parameter. */
export function emptyClientInfo(): ClientInfo {
  return { nd: 0, pid: 0, sid: 0, flags: 0, cred: { ruid: 0, euid: 0, suid: 0, rgid: 0, egid: 0, sgid: 0, ngroups: 0, grouplist: [] } };
}
