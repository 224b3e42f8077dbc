/**
 * The client side of a resource manager: `open`, `read`, `write`, `close`, `fstat`. Each sends an
 * `_IO_*` message over a side-channel connection (the file descriptor) and waits for the
 * reply, so each returns a Promise of its C result, as `name_open` does.
 * @packageDocumentation
 */
import { decodeStatReply, encodeClose, encodeRead, encodeStat, encodeWriteHeader, STAT_SIZE, type stat_t } from '../kernel/ioMessages.js';
import { block, sys } from './cResult.js';
import { cBuf, type CBuffer } from './cBuffers.js';
import { current } from './context.js';
import { ERRNO } from '../kernel/index.js';

/**
 * `int open(const char *path, int oflag, ...)`: an fd (a connection to the path's resource
 * manager), or -1 with errno (ENOENT: nobody serves the path; what the server answers, e.g. EACCES).
 */
export function open(path: string, oflag: number, mode = 0): Promise<number> {
  return block((k, t, done) => k.pathOpen(t, path, oflag, mode, done));
}

/** `ssize_t read(int fd, void *buf, size_t nbytes)`: bytes read (0 at end of file), or -1. */
export function read(fd: number, buf: ArrayBufferView, nbytes: number): Promise<number> {
  return block((k, t, done) => {
    const into = cBuf(buf, nbytes);
    k.msgSend(t, fd, encodeRead(into.length), into, done);
  });
}

/** `ssize_t write(int fd, const void *buf, size_t nbytes)`: bytes written, or -1. */
export function write(fd: number, buf: CBuffer, nbytes?: number): Promise<number> {
  return block((k, t, done) => {
    const data = cBuf(buf, nbytes);
    k.msgSend(t, fd, [encodeWriteHeader(data.length), data], new Uint8Array(0), done);
  });
}

/** `int close(int fd)`: `_IO_CLOSE`, then the connection goes (the server sees a disconnect). */
export async function close(fd: number): Promise<number> {
  const r = await block((k, t, done) => k.msgSend(t, fd, encodeClose(), new Uint8Array(0), done));
  const { thread } = current();
  const err = thread.errno;
  const d = sys((k, t) => k.connectDetach(t, fd));
  if (r === -1) {
    thread.errno = err;
    return -1;
  }
  return d;
}

/** `int fstat(int fd, struct stat *buf)`: fills `buf` (`st_mode`, `st_uid`, `st_gid`, `st_nlink`, `st_size`); 0 or -1. */
export async function fstat(fd: number, buf: Partial<stat_t>): Promise<number> {
  if (typeof buf !== 'object' || buf === null || !Object.isExtensible(buf)) {
    // checked before the request goes out: nothing is sent for an unusable struct
    current().thread.errno = ERRNO.EFAULT;
    return -1;
  }
  const reply = new Uint8Array(STAT_SIZE);
  const r = await block((k, t, done) => k.msgSend(t, fd, encodeStat(), reply, done));
  if (r === -1) return -1;
  Object.assign(buf, decodeStatReply(reply));
  return 0;
}

export type { stat_t };
