// qnx-model.md §13.9: security (QNX 7.1 abilities, private channels, open permissions).
import { describe, expect, it } from 'vitest';
import {
  ERRNO, Kernel, O_RDONLY, O_RDWR, O_WRONLY, PROCMGR_ADN_NONROOT, PROCMGR_AID_ABLE_PRIV, PROCMGR_AID_PUBLIC_CHANNEL, PROCMGR_AOP_ALLOW,
  PROCMGR_AOP_DENY, S_IFNAM, VirtualClock, _NTO_CHF_PRIVATE, _NTO_SIDE_CHANNEL, checkOpenAccess,
} from '../../../src/kernel/index.js';
import { codeOf } from '../helpers.js';

const kernel = () => new Kernel({ scheduler: new VirtualClock() });

describe('§13.9 security', () => {
  it('13.9.105 should refuse a public channel without PROCMGR_AID_PUBLIC_CHANNEL, but allow a private one', () => {
    const k = kernel();
    const t = k.createThread(k.createProcess({ uid: 100 }));
    expect(codeOf(() => k.channelCreate(t, 0))).toBe('EPERM');
    expect(k.channelCreate(t, _NTO_CHF_PRIVATE)).toBe(1);
    // a process holding PROCMGR_AID_ABLE_PRIV may give itself an ability
    const priv = k.createThread(k.createProcess({ uid: 100, abilities: [PROCMGR_AID_ABLE_PRIV] }));
    expect(k.procmgrAbility(priv, 0, [PROCMGR_AID_PUBLIC_CHANNEL | PROCMGR_ADN_NONROOT | PROCMGR_AOP_ALLOW])).toBe(0);
    expect(k.channelCreate(priv, 0)).toBe(1);
    const root = k.createThread(k.createProcess());
    k.procmgrAbility(root, 0, [PROCMGR_AID_PUBLIC_CHANNEL | PROCMGR_AOP_DENY]);
    expect(codeOf(() => k.channelCreate(root, 0))).toBe('EPERM');
  });

  it('13.9.106 should refuse a ConnectAttach from another process to a private channel with EPERM', () => {
    const k = kernel();
    const owner = k.createThread(k.createProcess());
    const other = k.createThread(k.createProcess());
    const chid = k.channelCreate(owner, _NTO_CHF_PRIVATE);
    expect(codeOf(() => k.connectAttach(other, 0, owner.process.pid, chid, _NTO_SIDE_CHANNEL, 0))).toBe('EPERM');
    expect(k.connectAttach(owner, 0, 0, chid, _NTO_SIDE_CHANNEL, 0) & _NTO_SIDE_CHANNEL).toBe(_NTO_SIDE_CHANNEL);
  });

  it('13.9.107 should refuse a non-root open of a 0660 object of another uid and gid with EACCES; root passes', () => {
    const attr = { mode: S_IFNAM | 0o660, uid: 10, gid: 20 };
    expect(checkOpenAccess({ uid: 30, gid: 40 }, attr, O_RDONLY)).toBe(ERRNO.EACCES);
    expect(checkOpenAccess({ uid: 0, gid: 0 }, attr, O_RDWR)).toBe(0);
    expect(checkOpenAccess({ uid: 10, gid: 99 }, attr, O_RDWR)).toBe(0);
    expect(checkOpenAccess({ uid: 31, gid: 20 }, attr, O_WRONLY)).toBe(0);
    expect(checkOpenAccess({ uid: 31, gid: 20 }, { ...attr, mode: 0o640 }, O_WRONLY)).toBe(ERRNO.EACCES);
  });

  it('should refuse procmgr_ability on another process for a non-root caller', () => {
    const k = kernel();
    const a = k.createThread(k.createProcess({ uid: 5 }));
    const b = k.createProcess({ uid: 6 });
    expect(codeOf(() => k.procmgrAbility(a, b.pid, [PROCMGR_AID_PUBLIC_CHANNEL | PROCMGR_AOP_ALLOW]))).toBe('EPERM');
    expect(codeOf(() => k.procmgrAbility(a, 0, [PROCMGR_AID_PUBLIC_CHANNEL]))).toBe('EINVAL');
  });
});
