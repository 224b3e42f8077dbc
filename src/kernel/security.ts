/**
 * Credentials and abilities (QNX 7.1): who may create a public channel, attach to a private
 * one, or send a pulse.
 * @internal
 * @packageDocumentation
 */
import {
  PROCMGR_ADN_NONROOT, PROCMGR_ADN_ROOT, PROCMGR_AID_ABLE_PRIV, PROCMGR_AID_EOL, PROCMGR_AOP_ALLOW, PROCMGR_AOP_DENY,
} from './constants.js';
import { ERRNO } from './errno.js';
import type { Process } from './objects.js';

/** Every ability id (0..63) that a root process holds by default. */
export const ROOT_ABILITIES: readonly number[] = Array.from({ length: 64 }, (_, i) => i);

/** The default abilities of a new process: root has all of them, others none. */
export function defaultAbilities(uid: number): readonly number[] {
  return uid === 0 ? ROOT_ABILITIES : [];
}

/**
 * The pulse credential rule of QNX 6.x–7.1 (the kill() rule): the sender is root, or its uid
 * equals the receiver's. A process may always pulse itself.
 */
export function mayPulse(sender: Process, receiver: Process): boolean {
  return sender === receiver || sender.uid === 0 || sender.uid === receiver.uid;
}

/**
 * Apply `procmgr_ability` operations of `caller` to `target`. Each entry is an ability id ORed
 * with a domain (`PROCMGR_ADN_ROOT`/`NONROOT`, neither meaning both) and an operation
 * (`PROCMGR_AOP_ALLOW`/`DENY`). The list may end with `PROCMGR_AID_EOL`. Everything is checked
 * before anything changes: 0, EINVAL for a malformed entry, or EPERM when an entry would allow
 * an ability the target does not hold and the caller lacks `PROCMGR_AID_ABLE_PRIV` (QNX 7.1:
 * a process may always drop abilities, never grant itself one).
 */
export function applyAbilities(caller: Process, target: Process, ops: readonly number[]): number {
  const changes: Array<[number, boolean]> = [];
  for (const op of ops) {
    if (!Number.isInteger(op)) return ERRNO.EINVAL;
    const id = op & 0xffff;
    if (id === PROCMGR_AID_EOL) break;
    const rootDomain = (op & PROCMGR_ADN_ROOT) !== 0;
    const nonRootDomain = (op & PROCMGR_ADN_NONROOT) !== 0;
    const applies = (!rootDomain && !nonRootDomain) || (target.uid === 0 ? rootDomain : nonRootDomain);
    const allow = (op & PROCMGR_AOP_ALLOW) !== 0;
    const deny = (op & PROCMGR_AOP_DENY) !== 0;
    if (allow === deny) return ERRNO.EINVAL;
    if (applies) changes.push([id, allow]);
  }
  const mayGrant = caller.abilities.has(PROCMGR_AID_ABLE_PRIV);
  for (const [id, allow] of changes) if (allow && !target.abilities.has(id) && !mayGrant) return ERRNO.EPERM;
  for (const [id, allow] of changes) {
    if (allow) target.abilities.add(id);
    else target.abilities.delete(id);
  }
  return 0;
}

/** The owner, group and mode of a path-space object (`iofunc_attr_t` fields). */
export interface AccessAttr {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/**
 * `iofunc_check_access` for an open: root passes; otherwise the owner, group or other rwx bits
 * (picked in that order) must contain every bit `oflag` asks for (read for `O_RDONLY`, write for
 * `O_WRONLY`, both for `O_RDWR`). Returns 0 or EACCES.
 */
export function checkOpenAccess(client: { readonly uid: number; readonly gid: number }, attr: AccessAttr, oflag: number): number {
  if (client.uid === 0) return 0;
  const acc = oflag & 3;
  const wanted = acc === 0 ? 4 : acc === 1 ? 2 : 6;
  const shift = client.uid === attr.uid ? 6 : client.gid === attr.gid ? 3 : 0;
  const granted = (attr.mode >> shift) & 7;
  return (granted & wanted) === wanted ? 0 : 13; // EACCES
}
