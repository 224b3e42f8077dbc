// <sys/netmgr.h> and Qnet through rxnto/neutrino: node names and nds, and a C-style program
// whose server runs on node b and whose client on node a, over the loopback link.
import { describe, expect, it } from 'vitest';
import {
  ConnectAttach, ConnectServerInfo, EBADF, EHOSTUNREACH, ENOSYS, ENOTSUP, MsgReceive, MsgReply, MsgSend, ND2S_DIR_SHOW,
  ND_LOCAL_NODE, ND_NODE_CMP, NAME_FLAG_ATTACH_GLOBAL, createKernel, errno, name_attach, name_open, netmgr_ndtostr,
  netmgr_remote_nd, netmgr_strtond, spawn, delay, msg_type, _IO_CONNECT, strlen, useKernel, _NTO_SIDE_CHANNEL, type EndStr, type _msg_info,
} from '../../src/neutrino/index.js';
import { emptyMsgInfo } from '../../src/kernel/index.js';
import { VirtualClock, connectLoopback, runVirtual } from '../../src/testing/index.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b.subarray(0, strlen(b)));

function twoNodes() {
  const clock = new VirtualClock();
  const onUnhandledError = (e: unknown): void => { throw e; };
  const a = createKernel({ node: 'a', scheduler: clock, onUnhandledError, net: { incarnation: 1 } });
  const b = createKernel({ node: 'b', scheduler: clock, onUnhandledError, net: { incarnation: 2 } });
  connectLoopback(a, b, { latency: 1 });
  return { clock, a, b };
}

describe('netmgr_* and Qnet in the C facade', () => {
  it('should turn node names into nds and back, with ND2S_DIR_SHOW and endstr', async () => {
    const { clock, a } = twoNodes();
    useKernel(a);
    const out = await runVirtual(clock, () => {
      const end: EndStr = {};
      const nd = netmgr_strtond('/net/b/dev/name/local/x', end);
      const buf = new Uint8Array(32);
      const len = netmgr_ndtostr(ND2S_DIR_SHOW, nd, buf, buf.length);
      const small = new Uint8Array(3);
      const cut = netmgr_ndtostr(0, nd, small, 3);
      return {
        nd: nd > 0, end: end.value, dir: text(buf), len, cut: [cut, text(small)], self: netmgr_strtond('a', null),
        cmp: ND_NODE_CMP(nd | 0x10000, nd), local: ND_LOCAL_NODE,
        bad: [netmgr_ndtostr(0, 999, buf, 32), errno()], remote: [netmgr_remote_nd(nd, 0), errno()],
      };
    });
    expect(out).toEqual({ nd: true, end: '/dev/name/local/x', dir: '/net/b/', len: 7, cut: [1, 'b'], self: 0, cmp: 0, local: 0, bad: [-1, EBADF], remote: [-1, ENOSYS] });
  });

  it('should fail netmgr_strtond with ENOTSUP on a kernel that is not a node', async () => {
    const clock = new VirtualClock();
    useKernel(createKernel({ scheduler: clock }));
    expect(await runVirtual(clock, () => [netmgr_strtond('b', null), errno()])).toEqual([-1, ENOTSUP]);
  });

  it('should run a server on node b and a client on node a: name_open(global), MsgSend, MsgReply, nd and srcnd', async () => {
    const { clock, a, b } = twoNodes();
    const log: string[] = [];
    const info: _msg_info = emptyMsgInfo();
    useKernel(b);
    await runVirtual(clock, async () => {
      await spawn(async () => {
        const attach = name_attach(null, 'clock', NAME_FLAG_ATTACH_GLOBAL)!;
        const buf = new Uint8Array(64);
        for (;;) {
          const rcvid = await MsgReceive(attach.chid, buf, 64, info);
          if (rcvid > 0 && msg_type(buf) === _IO_CONNECT) MsgReply(rcvid, 0, null, 0); // name_open's handshake
          else if (rcvid > 0) {
            log.push(`b got '${text(buf)}' from nd ${info.nd} (srcnd ${info.srcnd})`);
            MsgReply(rcvid, 0, 'tick', 5);
          }
        }
      });
    });
    useKernel(a);
    const reply = await runVirtual(clock, async () => {
      await delay(5); // the name's announcement crosses the link
      const coid = await name_open('clock', NAME_FLAG_ATTACH_GLOBAL);
      const r = new Uint8Array(16);
      const status = await MsgSend(coid, 'time?', 6, r, 16);
      const server = emptyMsgInfo();
      ConnectServerInfo(0, coid, server);
      const nowhere = ConnectAttach(netmgr_strtond('nowhere', null), 1, 1, _NTO_SIDE_CHANNEL, 0);
      const unreachable = [await MsgSend(nowhere, 'x', 2, r, 16), errno()];
      return { status, reply: text(r), serverNd: server.nd === netmgr_strtond('b', null), unreachable };
    });
    expect(reply).toEqual({ status: 0, reply: 'tick', serverNd: true, unreachable: [-1, EHOSTUNREACH] });
    expect(log).toEqual([`b got 'time?' from nd ${b.netmgrStrtond('a').nd} (srcnd ${a.netmgrStrtond('b').nd})`]);
  });
});
