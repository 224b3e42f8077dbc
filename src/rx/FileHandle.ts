import { Observable, map } from 'rxjs';
import { decodeStatReply, encodeClose, encodeRead, encodeStat, encodeWriteHeader, type stat_t } from '../kernel/ioMessages.js';
import type { Connection } from './Connection.js';

/**
 * An open file of a resource manager (`open()` on a path): each call sends the `_IO_*` message
 * over the connection (a REPLY-blocked logical thread until the server answers).
 *
 * @example
 * ```ts
 * client.openFile('/dev/mynull', O_RDWR).pipe(
 *   concatMap((f) => f.write(utf8.encode('hello')).pipe(concatMap(() => f.read(16)), finalize(() => f.close().subscribe()))),
 * ).subscribe((bytes) => console.log(bytes.length)); // 0: end of file
 * ```
 */
export class FileHandle {
  /** @internal */
  constructor(private readonly conn: Connection<Uint8Array, Uint8Array>) {}

  /** The file descriptor (the connection's coid). */
  get fd(): number {
    return this.conn.coid;
  }

  /** `read(fd, buf, nbytes)`: the bytes read (empty at end of file). */
  read(nbytes: number): Observable<Uint8Array> {
    return this.conn.sendBytes(encodeRead(nbytes), { replySize: nbytes }).pipe(map((r) => r.bytes.subarray(0, Math.max(0, r.status))));
  }

  /** `write(fd, buf, nbytes)`: how many bytes the server took. */
  write(data: Uint8Array): Observable<number> {
    const msg = new Uint8Array(16 + data.length);
    msg.set(encodeWriteHeader(data.length));
    msg.set(data, 16);
    return this.conn.sendBytes(msg, { replySize: 0 }).pipe(map((r) => r.status));
  }

  /** `fstat(fd, &st)`. */
  stat(): Observable<stat_t> {
    return this.conn.sendBytes(encodeStat(), { replySize: 20 }).pipe(map((r) => decodeStatReply(r.bytes)));
  }

  /** `close(fd)`: `_IO_CLOSE`, then the connection goes (the server sees a disconnect). */
  close(): Observable<void> {
    return new Observable<void>((subscriber) => {
      return this.conn.sendBytes(encodeClose(), { replySize: 0 }).subscribe({
        error: (e: unknown) => {
          this.conn.complete();
          subscriber.error(e);
        },
        complete: () => {
          this.conn.complete();
          subscriber.complete();
        },
      });
    });
  }
}
