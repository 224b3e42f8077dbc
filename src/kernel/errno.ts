/**
 * QNX Neutrino errno values (QNX's own numbers, not Linux's), from `<errno.h>`.
 * @packageDocumentation
 */

/** Every errno name the kernel and the C facade can report, with QNX's number. */
export const ERRNO = {
  EOK: 0,
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  EDEADLK: 45,
  ECANCELED: 47,
  ENOTSUP: 48,
  EOVERFLOW: 79,
  EBADFD: 81,
  ENOSYS: 89,
  ERESTART: 91,
  EOPNOTSUPP: 103,
  EMSGSIZE: 240,
  ENOBUFS: 255,
  ENOTCONN: 257,
  ETIMEDOUT: 260,
  ECONNREFUSED: 261,
  EHOSTDOWN: 264,
  EHOSTUNREACH: 265,
  ENOREMOTE: 300,
  ENOLIC: 311,
  ESRVRFAULT: 312,
  EENDIAN: 313,
} as const;

/** An errno name such as `'ESRCH'`. */
export type ErrnoCode = keyof typeof ERRNO;

const NAMES = new Map<number, ErrnoCode>(
  (Object.keys(ERRNO) as ErrnoCode[]).map((k) => [ERRNO[k], k]),
);

/** The name of an errno number, or `undefined` for a number QNX does not define. */
export function errnoName(errno: number): ErrnoCode | undefined {
  return NAMES.get(errno);
}

const MESSAGES: Partial<Record<ErrnoCode, string>> = {
  EOK: 'No error',
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ESRCH: 'No such process',
  EINTR: 'Interrupted function call',
  EIO: 'I/O error',
  ENXIO: 'No such device or address',
  E2BIG: 'Arg list too long',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource unavailable, try again',
  ENOMEM: 'Not enough memory',
  EACCES: 'Permission denied',
  EFAULT: 'Bad address',
  EBUSY: 'Resource busy',
  EEXIST: 'File exists',
  EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system',
  EMFILE: 'Too many open files',
  EDEADLK: 'Resource deadlock avoided',
  ECANCELED: 'Operation canceled',
  ENOTSUP: 'Not supported',
  EOVERFLOW: 'Value too large to be stored in data type',
  ENOSYS: 'Function not implemented',
  ERESTART: 'Restartable system call',
  EMSGSIZE: 'Message too long',
  ETIMEDOUT: 'Connection timed out',
  ENOREMOTE: 'Must be done on local machine',
  ESRVRFAULT: 'Server fault on msg pass',
  EENDIAN: 'Endian not supported',
};

/** The C library's text for an errno number (`strerror`). */
export function errnoMessage(errno: number): string {
  const name = errnoName(errno);
  if (name === undefined) return `Unknown error ${errno}`;
  return MESSAGES[name] ?? name;
}
