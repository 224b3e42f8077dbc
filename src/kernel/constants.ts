/**
 * Numeric constants of QNX Neutrino 7.1 (`<sys/neutrino.h>`, `<sys/siginfo.h>`, `<sys/procmgr.h>`),
 * with their C names and values.
 * @packageDocumentation
 */

// Channel flags (ChannelCreate)
/** @group Constants */
export const _NTO_CHF_FIXED_PRIORITY = 0x0001;
/** @group Constants */
export const _NTO_CHF_UNBLOCK = 0x0002;
/** @group Constants */
export const _NTO_CHF_THREAD_DEATH = 0x0004;
/** @group Constants */
export const _NTO_CHF_DISCONNECT = 0x0008;
/** @group Constants */
export const _NTO_CHF_NET_MSG = 0x0010;
/** @group Constants */
export const _NTO_CHF_SENDER_LEN = 0x0020;
/** @group Constants */
export const _NTO_CHF_COID_DISCONNECT = 0x0040;
/** @group Constants */
export const _NTO_CHF_REPLY_LEN = 0x0080;
/** @group Constants */
export const _NTO_CHF_STICKY = 0x0100;
/** @group Constants */
export const _NTO_CHF_ASYNC_NONBLOCK = 0x0200;
/** @group Constants */
export const _NTO_CHF_ASYNC = 0x0400;
/** @group Constants */
export const _NTO_CHF_GLOBAL = 0x0800;
/** @group Constants */
export const _NTO_CHF_PRIVATE = 0x1000;
/** @group Constants */
export const _NTO_CHF_MSG_PAUSING = 0x2000;
/** @group Constants */
export const _NTO_CHF_SIG_RESTART = 0x4000;
/** @group Constants */
export const _NTO_CHF_UNBLOCK_TIMER = 0x8000;
/** Every flag ChannelCreate accepts. @group Constants */
export const CHF_KNOWN = 0xffff;

// Connection flags (ConnectAttach)
/** @group Constants */
export const _NTO_COF_CLOEXEC = 0x0001;
/** @group Constants */
export const _NTO_COF_DEAD = 0x0002;
/** @group Constants */
export const _NTO_COF_NOSHARE = 0x0040;
/** @group Constants */
export const _NTO_COF_NETCON = 0x0080;
/** @group Constants */
export const _NTO_COF_NONBLOCK = 0x0100;
/** @group Constants */
export const _NTO_COF_ASYNC = 0x0200;
/** @group Constants */
export const _NTO_COF_GLOBAL = 0x0400;
/** @group Constants */
export const _NTO_COF_INSECURE = 0x1000;
/** The flags a caller may pass to ConnectAttach; any other bit is EINVAL. @group Constants */
export const COF_USER = _NTO_COF_CLOEXEC | _NTO_COF_NOSHARE | _NTO_COF_NONBLOCK | _NTO_COF_INSECURE;

/** @group Constants */
export const _NTO_SIDE_CHANNEL = 0x40000000;
/** @group Constants */
export const _NTO_GLOBAL_CHANNEL = 0x40000000;
/** @group Constants */
export const SYSMGR_PID = 1;
/** @group Constants */
export const SYSMGR_CHID = 1;
/** @group Constants */
export const SYSMGR_COID = _NTO_SIDE_CHANNEL;
export * from './netmgrConstants.js';

// _msg_info flags
/** @group Constants */
export const _NTO_MI_ENDIAN_BIG = 0x0001;
/** @group Constants */
export const _NTO_MI_ENDIAN_DIFF = 0x0002;
/** @group Constants */
export const _NTO_MI_UNBLOCK_REQ = 0x0100;
/** @group Constants */
export const _NTO_MI_NET_CRED_DIRTY = 0x0200;
/** @group Constants */
export const _NTO_MI_CONSTRAINED = 0x0400;
/** @group Constants */
export const _NTO_MI_CHROOT = 0x0800;

// Pulses
/** @group Constants */
export const _PULSE_TYPE = 0;
/** @group Constants */
export const _PULSE_SUBTYPE = 0;
/** @group Constants */
export const _PULSE_CODE_UNBLOCK = -32;
/** @group Constants */
export const _PULSE_CODE_DISCONNECT = -33;
/** @group Constants */
export const _PULSE_CODE_THREADDEATH = -34;
/** @group Constants */
export const _PULSE_CODE_COIDDEATH = -35;
/** @group Constants */
export const _PULSE_CODE_NET_ACK = -36;
/** @group Constants */
export const _PULSE_CODE_NET_UNBLOCK = -37;
/** @group Constants */
export const _PULSE_CODE_NET_DETACH = -38;
/** @group Constants */
export const _PULSE_CODE_RESTART = -39;
/** @group Constants */
export const _PULSE_CODE_NORESTART = -40;
/** @group Constants */
export const _PULSE_CODE_UNBLOCK_RESTART = -41;
/** @group Constants */
export const _PULSE_CODE_UNBLOCK_TIMER = -42;
/** @group Constants */
export const _PULSE_CODE_MINAVAIL = 0;
/** @group Constants */
export const _PULSE_CODE_MAXAVAIL = 127;
/** Size of `struct _pulse` as written into receive buffers. @group Constants */
export const PULSE_SIZE = 16;

// Priorities
/** @group Constants */
export const PRIORITY_MIN = 1;
/** @group Constants */
export const PRIORITY_MAX = 255;
/** Highest priority an unprivileged client can lend a server (QNX 7 default `procnto -P`). @group Constants */
export const PRIORITY_MAX_UNPRIVILEGED = 63;
/** A process's default priority. @group Constants */
export const PRIORITY_DEFAULT = 10;

// sigevent
/** @group Constants */
export const SIGEV_NONE = 0;
/** @group Constants */
export const SIGEV_SIGNAL = 1;
/** @group Constants */
export const SIGEV_SIGNAL_CODE = 2;
/** @group Constants */
export const SIGEV_SIGNAL_THREAD = 3;
/** @group Constants */
export const SIGEV_PULSE = 4;
/** @group Constants */
export const SIGEV_UNBLOCK = 5;
/** @group Constants */
export const SIGEV_INTR = 6;
/** @group Constants */
export const SIGEV_THREAD = 7;
/** @group Constants */
export const SIGEV_TYPE_MASK = 0xff;
/** @group Constants */
export const SIGEV_FLAG_CRITICAL = 0x100;
/** @group Constants */
export const SIGEV_PULSE_PRIO_INHERIT = -1;

// Clocks and timeouts
/** @group Constants */
export const CLOCK_REALTIME = 0;
/** @group Constants */
export const CLOCK_SOFTTIME = 1;
/** @group Constants */
export const CLOCK_MONOTONIC = 2;
/** @group Constants */
export const TIMER_ABSTIME = 0x80000000;
/** @group Constants */
export const _NTO_TIMEOUT_SEND = 1 << 4;
/** @group Constants */
export const _NTO_TIMEOUT_RECEIVE = 1 << 5;
/** @group Constants */
export const _NTO_TIMEOUT_REPLY = 1 << 6;
/** @group Constants */
export const _NTO_TIMEOUT_SIGSUSPEND = 1 << 10;
/** @group Constants */
export const _NTO_TIMEOUT_SIGWAITINFO = 1 << 11;
/** @group Constants */
export const _NTO_TIMEOUT_NANOSLEEP = 1 << 12;
/** @group Constants */
export const _NTO_TIMEOUT_MUTEX = 1 << 13;
/** @group Constants */
export const _NTO_TIMEOUT_CONDVAR = 1 << 14;
/** @group Constants */
export const _NTO_TIMEOUT_JOIN = 1 << 15;
/** @group Constants */
export const _NTO_TIMEOUT_INTR = 1 << 16;
/** @group Constants */
export const _NTO_TIMEOUT_SEM = 1 << 17;

// Thread states (sys/states.h)
/** @group Constants */
export const STATE_DEAD = 0;
/** @group Constants */
export const STATE_RUNNING = 1;
/** @group Constants */
export const STATE_READY = 2;
/** @group Constants */
export const STATE_STOPPED = 3;
/** @group Constants */
export const STATE_SEND = 4;
/** @group Constants */
export const STATE_RECEIVE = 5;
/** @group Constants */
export const STATE_REPLY = 6;
/** @group Constants */
export const STATE_NANOSLEEP = 12;
/** @group Constants */
export const STATE_CONDVAR = 14;

// Asynchronous messaging
/** @group Constants */
export const ASYNCMSG_FLUSH_NONBLOCK = 1;
/** @group Constants */
export const ASYNCMSG_RECVBUF_ALLOC = 1;
/** @group Constants */
export const ASYNCMSG_RECVBUF_FREE = 2;

// Names
/** @group Constants */
export const NAME_FLAG_DETACH_SAVEDPP = 0x1;
/** @group Constants */
export const NAME_FLAG_ATTACH_GLOBAL = 0x2;

// I/O message types
/** @group Constants */
export const _IO_BASE = 0x100;
/** @group Constants */
export const _IO_MAX = 0x1ff;
/** @group Constants */
export const _IO_CONNECT = 0x100;
/** @group Constants */
export const _IO_READ = 0x101;
/** @group Constants */
export const _IO_WRITE = 0x102;
/** @group Constants */
export const _IO_RSVD_CLOSE_OCB = 0x103;
/** @group Constants */
export const _IO_STAT = 0x104;
/** @group Constants */
export const _IO_NOTIFY = 0x105;
/** @group Constants */
export const _IO_DEVCTL = 0x106;
/** @group Constants */
export const _IO_RSVD_UNBLOCK = 0x107;
/** @group Constants */
export const _IO_PATHCONF = 0x108;
/** @group Constants */
export const _IO_LSEEK = 0x109;
/** @group Constants */
export const _IO_CHMOD = 0x10a;
/** @group Constants */
export const _IO_CHOWN = 0x10b;
/** @group Constants */
export const _IO_UTIME = 0x10c;
/** @group Constants */
export const _IO_OPENFD = 0x10d;
/** @group Constants */
export const _IO_FDINFO = 0x10e;
/** @group Constants */
export const _IO_LOCK = 0x10f;
/** @group Constants */
export const _IO_SPACE = 0x110;
/** @group Constants */
export const _IO_SHUTDOWN = 0x111;
/** @group Constants */
export const _IO_MMAP = 0x112;
/** @group Constants */
export const _IO_MSG = 0x113;
/** @group Constants */
export const _IO_RSVD = 0x114;
/** @group Constants */
export const _IO_DUP = 0x115;
/** @group Constants */
export const _IO_CLOSE = 0x116;
/** @group Constants */
export const _IO_RSVD_LOCK_OCB = 0x117;
/** @group Constants */
export const _IO_RSVD_UNLOCK_OCB = 0x118;
/** @group Constants */
export const _IO_SYNC = 0x119;
/** @group Constants */
export const _IO_POWER = 0x11a;
/** @group Constants */
export const _IO_CONNECT_OPEN = 2;
/** @group Constants */
export const _FTYPE_ANY = 0;
/** @group Constants */
export const _FTYPE_NAME = 10;

// Abilities (sys/procmgr.h)
/** @group Constants */
export const PROCMGR_AID_PATHSPACE = 5;
/** @group Constants */
export const PROCMGR_AID_PRIORITY = 33;
/** @group Constants */
export const PROCMGR_AID_CONNECTION = 34;
/** @group Constants */
export const PROCMGR_AID_PUBLIC_CHANNEL = 44;
/** Needed to give oneself (or, as root, another process) an ability one does not hold. @group Constants */
export const PROCMGR_AID_ABLE_PRIV = 61;
/** @group Constants */
export const PROCMGR_AID_EOL = 0xffff;
/** @group Constants */
export const PROCMGR_ADN_ROOT = 0x10000000;
/** @group Constants */
export const PROCMGR_ADN_NONROOT = 0x20000000;
/** @group Constants */
export const PROCMGR_AOP_DENY = 0x10000;
/** @group Constants */
export const PROCMGR_AOP_ALLOW = 0x20000;
/** @group Constants */
export const PROCMGR_AOP_SUBRANGE = 0x40000;
/** @group Constants */
export const PROCMGR_AOP_LOCK = 0x80000;
/** @group Constants */
export const PROCMGR_AOP_INHERIT_YES = 0x400000;
/** @group Constants */
export const PROCMGR_AOP_INHERIT_NO = 0x800000;

/** Per-process connection budget (RLIMIT_NOFILE) for fd-space coids. @group Constants */
export const RLIMIT_NOFILE_DEFAULT = 1000;

// File types and open modes used by the path space
/** @group Constants */
export const S_IFNAM = 0o050000;
/** @group Constants */
export const S_IFMT = 0o170000;
/** @group Constants */
export const O_RDONLY = 0;
/** @group Constants */
export const O_WRONLY = 1;
/** @group Constants */
export const O_RDWR = 2;
/** @group Constants */
export const O_ACCMODE = 3;

// Dispatch layer (sys/dispatch.h), §9.3
/** @group Constants */
export const MSG_FLAG_TYPE_PULSE = 0x1;
/** @group Constants */
export const MSG_FLAG_ALLOC_PULSE = 0x2;
/** @group Constants */
export const MSG_FLAG_TYPE_SELECT = 0x4;
/** @group Constants */
export const MSG_FLAG_TYPE_RESMGR = 0x8;
/** @group Constants */
export const MSG_FLAG_DEFAULT_FUNC = 0x100;
/** @group Constants */
export const MSG_FLAG_SIDE_CHANNEL = 0x200;
/** @group Constants */
export const MSG_FLAG_CROSS_ENDIAN = 0x400;
/** @group Constants */
export const DISPATCH_FLAG_NOLOCK = 0x1;

// Thread pools (sys/dispatch.h), §9.3
/** @group Constants */
export const POOL_FLAG_EXIT_SELF = 0x1;
/** @group Constants */
export const POOL_FLAG_USE_SELF = 0x2;
/** @group Constants */
export const THREAD_POOL_CONTROL_HIWATER = 0x1;
/** @group Constants */
export const THREAD_POOL_CONTROL_LOWATER = 0x2;
/** @group Constants */
export const THREAD_POOL_CONTROL_MAXIMUM = 0x4;
/** @group Constants */
export const THREAD_POOL_CONTROL_INCREMENT = 0x8;
/** @group Constants */
export const THREAD_POOL_CONTROL_NONBLOCK = 0x4000;

// Resource managers (sys/resmgr.h), §7 and §9.3
/** @group Constants */
export const RESMGR_FLAG_NO_DEFAULT_FUNC = 0x1;
/** @group Constants */
export const RESMGR_FLAG_ATTACH_LOCAL = 0x2;
/** @group Constants */
export const RESMGR_FLAG_ATTACH_OTHERFUNC = 0x4;
/** @group Constants */
export const RESMGR_FLAG_CROSS_ENDIAN = 0x8;
/** @group Constants */
export const _RESMGR_FLAG_BEFORE = 0x1;
/** @group Constants */
export const _RESMGR_FLAG_AFTER = 0x2;
/** @group Constants */
export const _RESMGR_FLAG_OPAQUE = 0x4;
/** @group Constants */
export const _RESMGR_FLAG_FTYPEONLY = 0x8;
/** @group Constants */
export const _RESMGR_FLAG_FTYPEALL = 0x10;
/** @group Constants */
export const _RESMGR_FLAG_DIR = 0x100;
/** @group Constants */
export const _RESMGR_FLAG_SELF = 0x200;
/** Entries of `resmgr_connect_funcs_t` (open, unlink, rename, mknod, readlink, link, unblock, mount). @group Constants */
export const _RESMGR_CONNECT_NFUNCS = 8;
/** Entries of `resmgr_io_funcs_t` (read … power, in the 7.1 order). @group Constants */
export const _RESMGR_IO_NFUNCS = 26;
