/**
 * What a resource manager keeps per open: the OCBs (open control blocks), keyed by the client's
 * server connection and coid, and the permission check `iofunc_open_default` makes. Shared by
 * the C facade's `resmgr_attach` and the router's {@link Router.resmgr}.
 * @packageDocumentation
 */
import { O_ACCMODE, O_RDONLY, O_WRONLY, checkOpenAccess, emptyClientInfo, type Kernel, type Thread } from '../kernel/index.js';
import { encodeStatReply } from '../kernel/ioMessages.js';

/** The attributes of a managed file (`iofunc_attr_t`). */
export interface iofunc_attr_t {
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  nbytes: number;
  /** Open OCBs on it. */
  count: number;
}

/** One open of a file (`iofunc_ocb_t`). */
export interface iofunc_ocb_t {
  readonly attr: iofunc_attr_t;
  /** The open flags (`O_RDONLY`, `O_WRONLY`, `O_RDWR`, …). */
  readonly ioflag: number;
  offset: number;
  /** @internal */ readonly scoid: number;
  /** @internal */ readonly coid: number;
  /** @internal the resmgr attach it belongs to */ readonly link: number;
}

const key = (scoid: number, coid: number): string => `${scoid}:${coid}`;

/** The OCBs of one dispatch handle. */
export class OcbTable {
  private readonly ocbs = new Map<string, iofunc_ocb_t>();

  /** `iofunc_ocb_attach`: a new OCB for the client's (scoid, coid). */
  attach(scoid: number, coid: number, attr: iofunc_attr_t, ioflag: number, link: number): iofunc_ocb_t {
    const ocb: iofunc_ocb_t = { attr, ioflag, offset: 0, scoid, coid, link };
    this.ocbs.set(key(scoid, coid), ocb);
    attr.count++;
    return ocb;
  }

  /** The OCB a client's fd names, if it is open. */
  get(scoid: number, coid: number): iofunc_ocb_t | undefined {
    return this.ocbs.get(key(scoid, coid));
  }

  /** Forget `ocb` (close). */
  detach(ocb: iofunc_ocb_t): void {
    if (this.ocbs.delete(key(ocb.scoid, ocb.coid))) ocb.attr.count--;
  }

  /** Every OCB of server connection `scoid` (its client went away). */
  ofClient(scoid: number): iofunc_ocb_t[] {
    return [...this.ocbs.values()].filter((o) => o.scoid === scoid);
  }
}

/** The client behind `scoid` against `attr`'s mode for `ioflag`: 0, or EACCES (`iofunc_check_access`). */
export function openAccess(kernel: Kernel, t: Thread, scoid: number, attr: iofunc_attr_t, ioflag: number): number {
  const ci = emptyClientInfo();
  kernel.connectClientInfo(t, scoid, ci, 0);
  return checkOpenAccess({ uid: ci.cred.euid, gid: ci.cred.egid }, attr, ioflag);
}

/** Whether `ocb` was opened for reading / writing (else the default read / write is EBADF). */
export function mayRead(ocb: iofunc_ocb_t): boolean {
  return (ocb.ioflag & O_ACCMODE) !== O_WRONLY;
}

export function mayWrite(ocb: iofunc_ocb_t): boolean {
  return (ocb.ioflag & O_ACCMODE) !== O_RDONLY;
}

/** The `_IO_STAT` reply for `attr` (`iofunc_stat_default`): mode, owner, links and size. */
export function statReply(attr: iofunc_attr_t): Uint8Array {
  return encodeStatReply({ st_mode: attr.mode, st_uid: attr.uid, st_gid: attr.gid, st_nlink: attr.nlink, st_size: attr.nbytes });
}
