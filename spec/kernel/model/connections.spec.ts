// qnx-model.md §13.2: connections and ids.
import { describe, expect, it } from 'vitest';
import { _NTO_COF_DEAD, _NTO_COF_NOSHARE, _NTO_SIDE_CHANNEL, emptyMsgInfo } from '../../../src/kernel/index.js';
import { codeOf, receive, send, world } from '../helpers.js';

describe('§13.2 connections and ids', () => {
  it('13.2.23 should hand out side-channel coids with bit 0x40000000, fd-space ones from the lowest free', () => {
    const { kernel, client, serverP, chid, coid } = world();
    expect(coid & _NTO_SIDE_CHANNEL).toBe(_NTO_SIDE_CHANNEL);
    expect(kernel.connectAttach(client, 0, serverP.pid, chid, 0, 0)).toBe(0);
    expect(kernel.connectAttach(client, 0, serverP.pid, chid, 0, 0)).toBe(1);
  });

  it('13.2.24 should return the smallest free fd-space id at or above index', () => {
    const { kernel, client, serverP, chid } = world();
    expect(kernel.connectAttach(client, 0, serverP.pid, chid, 5, 0)).toBe(5);
    expect(kernel.connectAttach(client, 0, serverP.pid, chid, 5, 0)).toBe(6);
    expect(kernel.connectAttach(client, 0, serverP.pid, chid, 0, 0)).toBe(0);
  });

  it('13.2.25 should share one connection (one scoid) between coids unless _NTO_COF_NOSHARE', () => {
    const { kernel, server, client, serverP, chid, coid } = world();
    const coid2 = kernel.connectAttach(client, 0, serverP.pid, chid, _NTO_SIDE_CHANNEL, 0);
    const coid3 = kernel.connectAttach(client, 0, serverP.pid, chid, _NTO_SIDE_CHANNEL, _NTO_COF_NOSHARE);
    expect(new Set([coid, coid2, coid3]).size).toBe(3);
    const scoidVia = (c: number) => {
      send(kernel, client, c, 'x');
      const r = receive(kernel, server, chid);
      kernel.msgReply(server, r.done.value!, 0);
      return r.info.scoid;
    };
    expect(scoidVia(coid)).toBe(scoidVia(coid2));
    expect(scoidVia(coid3)).not.toBe(scoidVia(coid));
  });

  it('13.2.26 should fail ConnectAttach to a missing chid or pid with ESRCH', () => {
    const { kernel, client, serverP } = world();
    expect(codeOf(() => kernel.connectAttach(client, 0, serverP.pid, 42, 0, 0))).toBe('ESRCH');
    expect(codeOf(() => kernel.connectAttach(client, 0, 4242, 1, 0, 0))).toBe('ESRCH');
  });

  it('13.2.27 should fail ConnectAttach with an unknown flag bit with EINVAL', () => {
    const { kernel, client, serverP, chid } = world();
    expect(codeOf(() => kernel.connectAttach(client, 0, serverP.pid, chid, 0, 0x8))).toBe('EINVAL');
  });

  it('13.2.28 should fail MsgSend on a never-attached coid with EBADF, and its ConnectDetach with EINVAL', () => {
    const { kernel, client } = world();
    expect(codeOf(() => kernel.msgSend(client, 77, new Uint8Array(1), new Uint8Array(1), () => {}))).toBe('EBADF');
    expect(codeOf(() => kernel.connectDetach(client, 77))).toBe('EINVAL');
  });

  it('13.2.29 should fail MsgSend and MsgSendPulse with EBADF after ChannelDestroy; ConnectDetach still works', () => {
    const { kernel, server, client, chid, coid } = world();
    kernel.channelDestroy(server, chid);
    expect(codeOf(() => kernel.msgSend(client, coid, new Uint8Array(1), new Uint8Array(1), () => {}))).toBe('EBADF');
    expect(codeOf(() => kernel.msgSendPulse(client, coid, 10, 1, 1))).toBe('EBADF');
    expect(kernel.connectDetach(client, coid)).toBe(0);
  });

  it('13.2.30 should report the next higher coid from ConnectServerInfo, EINVAL when none', () => {
    const { kernel, client, serverP, chid } = world();
    const fd3 = kernel.connectAttach(client, 0, serverP.pid, chid, 3, 0);
    const info = emptyMsgInfo();
    expect(kernel.connectServerInfo(client, 0, 1, info)).toBe(fd3);
    expect(info).toMatchObject({ pid: serverP.pid, chid, coid: fd3 });
    const side = kernel.connectServerInfo(client, 0, fd3 + 1, info);
    expect(side & _NTO_SIDE_CHANNEL).toBe(_NTO_SIDE_CHANNEL);
    expect(codeOf(() => kernel.connectServerInfo(client, 0, side + 1, info))).toBe('EINVAL');
  });

  it('13.2.31 should flag a dead server with _NTO_COF_DEAD, and skip it when info is NULL', () => {
    const { kernel, server, client, chid, coid } = world();
    kernel.channelDestroy(server, chid);
    const info = emptyMsgInfo();
    expect(kernel.connectServerInfo(client, 0, coid, info)).toBe(coid);
    expect(info.flags & _NTO_COF_DEAD).toBe(_NTO_COF_DEAD);
    expect(codeOf(() => kernel.connectServerInfo(client, 0, coid, null))).toBe('EINVAL');
  });
});

describe('connection limits', () => {
  it('should fail fd-space attaches past RLIMIT_NOFILE with EMFILE and keep the others', async () => {
    const { Kernel, VirtualClock } = await import('../../../src/kernel/index.js');
    const kernel = new Kernel({ scheduler: new VirtualClock(), rlimitNofile: 3 });
    const t = kernel.createThread(kernel.createProcess());
    const chid = kernel.channelCreate(t, 0);
    expect([0, 1, 2].map(() => kernel.connectAttach(t, 0, 0, chid, 0, 0))).toEqual([0, 1, 2]);
    expect(codeOf(() => kernel.connectAttach(t, 0, 0, chid, 0, 0))).toBe('EMFILE');
    expect(codeOf(() => kernel.connectAttach(t, 0, 0, chid, 3, 0))).toBe('EINVAL');
    expect(kernel.connectDetach(t, 1)).toBe(0);
    expect(kernel.connectAttach(t, 0, 0, chid, 0, 0)).toBe(1);
    expect(t.process.coids.size).toBe(3);
  });
});
