/**
 * A resource manager on a {@link Router}: a path in the kernel's path space whose `_IO_CONNECT`
 * (open), `_IO_READ`, `_IO_WRITE`, `_IO_CLOSE` and `_IO_STAT` messages, and DISCONNECT / UNBLOCK
 * pulses, are handled with the `iofunc` defaults (or your read / write).
 * @packageDocumentation
 */
import { Observable, defer, map, of } from 'rxjs';
import {
  ERRNO, KernelError, isKernelError, _IO_CLOSE, _IO_CONNECT, _IO_CONNECT_OPEN, _IO_READ, _IO_STAT, _IO_WRITE,
  type Kernel, type Thread,
} from '../kernel/index.js';
import { resultOf, type HandlerResult } from '../rx/handlerResult.js';
import type { ReceivedMessage, ReceivedPulse } from '../rx/Received.js';
import { IO_RW_HEADER, decodeOpen, decodeReadWrite } from '../kernel/ioMessages.js';
import { OcbTable, mayRead, mayWrite, openAccess, statReply, type iofunc_attr_t, type iofunc_ocb_t } from './OcbTable.js';

/** Your read and write, in place of the defaults (end of file; swallow everything). */
export interface ResourceHandlers {
  /** Bytes for a read of `nbytes` at `ocb.offset` (a value, Promise or Observable). */
  readonly read?: (ocb: iofunc_ocb_t, nbytes: number) => HandlerResult<Uint8Array>;
  /** Consume written `data`; returns how many bytes were taken. */
  readonly write?: (ocb: iofunc_ocb_t, data: Uint8Array) => HandlerResult<number>;
}

/** @internal */
export interface ResourceHost {
  readonly kernel: Kernel;
  readonly control: Thread;
  readonly chid: number;
}

interface Mount {
  readonly id: number;
  readonly path: string;
  readonly attr: iofunc_attr_t;
  readonly handlers: ResourceHandlers;
}

/** @internal The resource-manager state of one router: its mounts and OCBs. */
export class ResourceManager {
  readonly ocbs = new OcbTable();
  private readonly mounts = new Map<number, Mount>();

  constructor(private readonly host: ResourceHost) {}

  /** Register `path` (EPERM without PATHSPACE, EEXIST if taken); returns the mount id. */
  mount(path: string, attr: iofunc_attr_t, handlers: ResourceHandlers): number {
    const { kernel, control, chid } = this.host;
    const id = kernel.pathAttach(control, path, chid).mntid;
    this.mounts.set(id, { id, path, attr, handlers });
    return id;
  }

  /** Remove mount `id` from the path space (open OCBs stay until closed). */
  unmount(id: number): void {
    if (!this.mounts.delete(id)) throw new KernelError('EINVAL', 'resmgr_detach', undefined, { cause: `no mount ${id}` });
    this.host.kernel.pathDetach(this.host.control, id);
  }

  /** Answer an `_IO_*` message; the Observable completes once the client has been answered. */
  message<A, B>(m: ReceivedMessage<A, B>): Observable<void> {
    return defer(() => {
      const type = m.type;
      if (type === _IO_CONNECT) return this.open(m);
      const ocb = this.ocbs.get(m.info.scoid, m.info.coid);
      if (ocb === undefined) return this.answer(m, ERRNO.EBADF);
      const mount = this.mounts.get(ocb.link) ?? [...this.mounts.values()][0];
      switch (type) {
        case _IO_READ: {
          if (!mayRead(ocb)) return this.answer(m, ERRNO.EBADF);
          const { nbytes } = decodeReadWrite(m.bytes);
          const read = mount?.handlers.read;
          if (read === undefined) return this.answer(m, 0, new Uint8Array(0), 0);
          return resultOf(read(ocb, nbytes)).pipe(map((data) => {
            const out = data.subarray(0, Math.max(0, nbytes));
            ocb.offset += out.length;
            this.reply(m, out.length, out);
          }));
        }
        case _IO_WRITE: {
          if (!mayWrite(ocb)) return this.answer(m, ERRNO.EBADF);
          const { nbytes } = decodeReadWrite(m.bytes);
          const write = mount?.handlers.write;
          if (write === undefined) return this.answer(m, 0, null, Math.max(0, nbytes));
          return resultOf(write(ocb, m.bytes.subarray(IO_RW_HEADER, IO_RW_HEADER + Math.max(0, nbytes)))).pipe(map((n) => {
            ocb.offset += n;
            this.reply(m, n, null);
          }));
        }
        case _IO_CLOSE:
          this.ocbs.detach(ocb);
          return this.answer(m, 0);
        case _IO_STAT:
          return this.answer(m, 0, statReply(ocb.attr));
        default:
          return this.answer(m, ERRNO.ENOSYS);
      }
    });
  }

  /** DISCONNECT closes the client's OCBs and its scoid; UNBLOCK (value ≠ 0) releases that client with EINTR. */
  pulse(p: ReceivedPulse, disconnect: boolean): void {
    const { kernel, control } = this.host;
    try {
      if (disconnect) {
        for (const ocb of this.ocbs.ofClient(p.scoid)) this.ocbs.detach(ocb);
        kernel.connectDetach(control, p.scoid);
      } else if (p.value !== 0) {
        kernel.msgError(control, p.value, ERRNO.EINTR);
      }
    } catch (e) {
      if (!isKernelError(e)) throw e; // already gone
    }
  }

  private open<A, B>(m: ReceivedMessage<A, B>): Observable<void> {
    const msg = decodeOpen(m.bytes, m.bytes.length);
    if (msg === null) return this.answer(m, ERRNO.EINVAL);
    if (msg.subtype !== _IO_CONNECT_OPEN) return this.answer(m, ERRNO.ENOSYS);
    const mount = [...this.mounts.values()].find((x) => x.path === msg.path);
    if (mount === undefined) return this.answer(m, ERRNO.ENOENT);
    const denied = openAccess(this.host.kernel, this.host.control, m.info.scoid, mount.attr, msg.ioflag);
    if (denied !== 0) return this.answer(m, denied);
    this.ocbs.attach(m.info.scoid, m.info.coid, mount.attr, msg.ioflag, mount.id);
    return this.answer(m, 0);
  }

  private reply<A, B>(m: ReceivedMessage<A, B>, status: number, data: Uint8Array | null): void {
    try {
      m.replyBytes(data, status);
    } catch (e) {
      if (!isKernelError(e)) throw e; // the client left
    }
  }

  private answer<A, B>(m: ReceivedMessage<A, B>, errno: number, data: Uint8Array | null = null, status = 0): Observable<void> {
    try {
      if (errno !== 0) m.error(errno);
      else m.replyBytes(data, status);
    } catch (e) {
      if (!isKernelError(e)) throw e;
    }
    return of(undefined);
  }
}

